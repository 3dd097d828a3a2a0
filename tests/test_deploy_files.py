"""Checks of the deployment files (Dockerfile, docker-compose.yml).

No database and no Docker engine needed: the compose file is validated against
the compose-spec JSON schema bundled with check-jsonschema, and both files are
read as text/YAML.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
# The console script installed next to the interpreter running the tests, so
# the check does not depend on PATH.
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"

APP_SERVICES = ("web", "worker", "beat")
ALL_SERVICES = (*APP_SERVICES, "postgres", "redis")


def run_compose_schema_check(path: Path) -> subprocess.CompletedProcess:
    if not CHECK_JSONSCHEMA.exists():
        pytest.fail(f"check-jsonschema not installed next to {sys.executable}")
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return DOCKERFILE.read_text(encoding="utf-8")


def test_compose_file_matches_compose_spec_schema():
    result = run_compose_schema_check(Path("docker-compose.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "breakage",
    [
        pytest.param({"top_level": {"servicez": {}}}, id="unknown-top-level-key"),
        pytest.param({"web": {"pull_policy": "sometimes"}}, id="bad-pull-policy"),
        pytest.param(
            {"web": {"healthcheck": {"test": ["CMD", "true"], "every": "5s"}}},
            id="bad-healthcheck-key",
        ),
    ],
)
def test_schema_check_rejects_broken_compose_file(tmp_path, compose, breakage):
    # Proves the positive test can fail: the same check must reject these.
    broken = yaml.safe_load(yaml.safe_dump(compose))
    for target, change in breakage.items():
        (broken if target == "top_level" else broken["services"][target]).update(change)
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")

    result = run_compose_schema_check(path)

    assert result.returncode != 0, result.stdout + result.stderr


def test_compose_defines_the_five_services_with_healthchecks(compose):
    services = compose["services"]
    missing = [name for name in ALL_SERVICES if name not in services]
    assert not missing, f"services missing from docker-compose.yml: {missing}"
    for name in ALL_SERVICES:
        healthcheck = services[name].get("healthcheck")
        assert healthcheck and healthcheck.get("test"), f"{name} has no healthcheck"
        assert not healthcheck.get("disable"), f"{name} disables its healthcheck"


def test_app_services_run_the_image_built_from_the_dockerfile(compose):
    services = compose["services"]
    builders = {
        name: service
        for name, service in services.items()
        if isinstance(service.get("build"), (str, dict))
    }
    from_dockerfile = {}
    for name, service in builders.items():
        build = service["build"]
        if isinstance(build, str):
            build = {"context": build}
        context = REPO_ROOT / build.get("context", ".")
        dockerfile = (context / build.get("dockerfile", "Dockerfile")).resolve()
        if dockerfile == DOCKERFILE.resolve():
            from_dockerfile[name] = service.get("image")
    assert from_dockerfile, "no service builds ./Dockerfile"
    built_images = set(from_dockerfile.values())
    assert len(built_images) == 1 and None not in built_images, (
        f"the Dockerfile should be built once, tagged with one image name: {from_dockerfile}"
    )
    (image,) = built_images
    for name in APP_SERVICES:
        service = services[name]
        assert service.get("image") == image or name in from_dockerfile, (
            f"{name} runs {service.get('image')!r}, not {image!r} built from the Dockerfile"
        )


def test_app_services_wait_for_migrations(compose):
    services = compose["services"]
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name


def test_dockerfile_installs_cjk_fonts_and_harfbuzz_subset(dockerfile):
    # Join continuation lines so a multi-line apt-get install reads as one.
    logical_lines = dockerfile.replace("\\\n", " ").splitlines()
    installs = " ".join(line for line in logical_lines if re.search(r"apt-get\s+install", line))
    packages = set(installs.split())
    assert "fonts-noto-cjk" in packages
    assert "libharfbuzz-subset0" in packages
    assert "--no-install-recommends" in packages


def test_the_app_connects_as_its_own_role_and_migrations_as_the_owner(compose):
    services = compose["services"]
    owner = "postgres://${POSTGRES_USER:-maodiao}:"
    for name in APP_SERVICES:
        url = services[name]["environment"]["DATABASE_URL"]
        # The superuser ignores grants: the audit log's INSERT/SELECT-only rule needs another role.
        assert url.startswith("postgres://${APP_DB_USER:-maodiao_app}:"), name
    for name in ("migrate", "grants"):
        assert services[name]["environment"]["DATABASE_URL"].startswith(owner), name
    grants = services["grants"]
    assert grants["command"][:3] == ["python", "manage.py", "audit_grants"]
    assert "--apply" in grants["command"]
    # The app role's password reaches the command through the environment, never its arguments.
    assert grants["command"][-2:] == ["--password-env", "APP_DB_PASSWORD"]
    assert "APP_DB_PASSWORD" in grants["environment"]
    assert grants["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["grants"]["condition"] == (
            "service_completed_successfully"
        ), name


def test_the_image_has_pg_dump_for_the_servers_major_version(compose, dockerfile):
    logical_lines = dockerfile.replace("\\\n", " ").splitlines()
    installs = " ".join(line for line in logical_lines if re.search(r"apt-get\s+install", line))
    assert "postgresql-client" in installs.split()
    # The runtime image is Debian bookworm, whose postgresql-client is 15; pg_dump refuses a
    # newer server.
    assert "bookworm" in dockerfile
    assert compose["services"]["postgres"]["image"] == "postgres:15"
