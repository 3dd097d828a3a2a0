"""The audit table's grants: the application's role may append and read, nothing else."""

from __future__ import annotations

import secrets
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from centre.models import AuditLog
from centre.services import audit_record


@pytest.fixture
def app_role(db):
    """The grants script run on the test database, with temporary roles created in the test's
    transaction (rolled back with it, like the grants and the change of owner)."""
    suffix = secrets.token_hex(4)
    owner, app = f"audit_owner_{suffix}", f"audit_app_{suffix}"
    out = StringIO()
    call_command("audit_grants", owner=owner, app=app, stdout=out)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{app}" NOLOGIN')
        cursor.execute(out.getvalue())
    return app


def _as(role: str, sql: str, params: list | None = None) -> None:
    """One statement as ``role``, in a savepoint: a refusal leaves the test's transaction usable."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'SET ROLE "{role}"')
            cursor.execute(sql, params or [])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


@pytest.mark.django_db
def test_the_app_role_appends_and_reads_the_audit_log(app_role):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{app_role}"')
        entry = audit_record(actor=None, action=AuditLog.Action.LOGIN_FAILED, username="nobody")
        assert AuditLog.objects.filter(pk=entry.pk).exists()
        cursor.execute("RESET ROLE")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE centre_auditlog SET object_repr = 'x' WHERE id = %s",
        "DELETE FROM centre_auditlog WHERE id = %s",
        "TRUNCATE centre_auditlog",
        "DELETE FROM centre_auditchainhead",
        "ALTER TABLE centre_auditlog DISABLE TRIGGER centre_auditlog_append_only",
    ],
    ids=["update", "delete", "truncate", "delete-head", "disable-trigger"],
)
def test_the_app_role_may_not_change_or_remove_entries(app_role, sql):
    entry = audit_record(actor=None, action=AuditLog.Action.LOGIN_FAILED, username="nobody")
    params = [entry.pk] if "%s" in sql else []
    # "permission denied" or "must be owner": the grants refuse, before any trigger runs.
    with pytest.raises(DatabaseError, match=r"permission denied|must be owner"):
        _as(app_role, sql, params)
    assert AuditLog.objects.get(pk=entry.pk).object_repr == entry.object_repr


def test_role_names_are_checked_before_they_reach_sql():
    with pytest.raises(Exception, match="角色名"):
        call_command("audit_grants", owner='x"; DROP TABLE y; --', app="app")


# --- The application's role ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_app_role_reads_and_writes_business_data(app_role):
    from centre.models import County
    from centre.tests.factories import CountyFactory

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{app_role}"')
        county = CountyFactory()
        County.objects.filter(pk=county.pk).update(name="安吉县")
        assert County.objects.get(pk=county.pk).name == "安吉县"
        County.objects.filter(pk=county.pk).delete()
        cursor.execute("RESET ROLE")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TABLE centre_smuggled (id int)",
        "ALTER TABLE centre_county ADD COLUMN smuggled int",
        "DROP TABLE centre_county",
        "TRUNCATE centre_county CASCADE",
        "CREATE ROLE smuggled_role",
    ],
    ids=["create-table", "alter-table", "drop-table", "truncate", "create-role"],
)
def test_the_app_role_changes_no_schema_and_no_role(app_role, sql):
    with pytest.raises(DatabaseError, match=r"permission denied|must be owner"):
        _as(app_role, sql)


@pytest.mark.django_db
def test_apply_makes_a_login_role_that_is_no_superuser_and_owns_nothing(monkeypatch):
    suffix = secrets.token_hex(4)
    owner, app = f"audit_owner_{suffix}", f"audit_app_{suffix}"
    monkeypatch.setenv("APP_DB_PASSWORD", secrets.token_urlsafe(24))
    out = StringIO()
    call_command(
        "audit_grants", owner=owner, app=app, apply=True, password_env="APP_DB_PASSWORD", stdout=out
    )
    assert "只能INSERT和SELECT" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles "
            "WHERE rolname = %s",
            [app],
        )
        assert cursor.fetchone() == (True, False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
            "WHERE r.rolname = %s",
            [app],
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = %s AND table_name = 'centre_auditlog' ORDER BY 1",
            [app],
        )
        assert [row[0] for row in cursor.fetchall()] == ["INSERT", "SELECT"]
    # Run again (after every migration): the same rights, no error.
    call_command("audit_grants", owner=owner, app=app, apply=True, stdout=StringIO())


def test_a_password_is_never_printed_and_must_be_long(monkeypatch):
    with pytest.raises(CommandError, match="只能与 --apply一起使用"):
        call_command("audit_grants", owner="o", app="a", password_env="APP_DB_PASSWORD")
    monkeypatch.setenv("APP_DB_PASSWORD", "short")
    with pytest.raises(CommandError, match="APP_DB_PASSWORD未设置或少于16个字符"):
        call_command("audit_grants", owner="o", app="a", apply=True, password_env="APP_DB_PASSWORD")


@pytest.mark.django_db
def test_an_app_role_that_owns_a_table_is_refused_by_name():
    app = f"audit_app_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{app}" NOLOGIN')
        cursor.execute("CREATE TABLE centre_owned_by_app (id int)")
        cursor.execute(f'ALTER TABLE centre_owned_by_app OWNER TO "{app}"')
    with (
        pytest.raises(DatabaseError, match=f"应用角色{app}拥有数据库对象"),
        transaction.atomic(),
    ):
        call_command("audit_grants", owner="audit_owner_x", app=app, apply=True)
