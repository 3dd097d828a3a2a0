"""What the bench scripts share: the bench environment, demo data to register, gunicorn
under our control, a low-overhead load client, and the figures it prints.

The load client is one asyncio process speaking raw HTTP/1.1 (no parsing library), so it
costs as little CPU as Python allows; on a 2-core machine it still competes with the
server, and every result says how much CPU the client, the gunicorn workers and the rest
(PostgreSQL, Redis) took during the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = ROOT / ".venv" / "bin"
BENCH_DIR = Path(os.environ.get("BENCH_DIR") or Path(tempfile.gettempdir()) / "centre-bench")
ENV_FILE = BENCH_DIR / "env"
HOST = "127.0.0.1"
CORES = os.cpu_count() or 1
CLK_TCK = os.sysconf("SC_CLK_TCK")
PASSWORD = "demo12345"


# --- Environment -------------------------------------------------------------------------


def bench_env() -> dict[str, str]:
    """os.environ plus the bench database, Redis db, key file and secrets from setup.sh."""
    if not ENV_FILE.exists():
        sys.exit(f"{ENV_FILE} 不存在：先运行 bench/setup.sh / run bench/setup.sh first")
    env = dict(os.environ)
    for line in ENV_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = value
    return env


def source_tree() -> Path:
    """The code measured: the working tree, or the HEAD snapshot of ``setup.sh --snapshot``."""
    return Path(bench_env().get("BENCH_SRC") or ROOT)


def django_setup() -> None:
    """Django in this process, on the bench database (for in-process scripts)."""
    global PASSWORD
    os.environ.update(bench_env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "centre.settings")
    # Ahead of the editable install's path, so a snapshot's code is the code imported; and
    # from there, because Celery puts the working directory first on sys.path.
    sys.path.insert(0, str(source_tree()))
    os.chdir(source_tree())
    if source_tree() != ROOT:
        # What setup.sh's sitecustomize does for gunicorn: no imports from the work tree.
        sys.meta_path[:] = [f for f in sys.meta_path if not f.__module__.startswith("__editable__")]
    import django

    django.setup()
    PASSWORD = os.environ.get("DEMO_PASSWORD", PASSWORD)


# --- Data to register --------------------------------------------------------------------

VILLAGES = [
    "330523001001",
    "330523001201",
    "330523002001",
    "330523003201",
    "330523003202",
    "330523101201",
    "330523104201",
    "330523107201",
    "330523107202",
    "330523201201",
]
CATEGORIES = ["0201", "0202", "0203", "0301", "0701", "0801", "0901", "1001", "1101"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "建华", "杰"]
SUMMARIES = [
    "邻居加建围墙占用通道，双方发生争执",
    "楼上装修噪音扰民，多次协商未果",
    "宅基地边界不清引发纠纷",
    "电动自行车与轿车相撞，就医疗费赔偿协商不成",
    "物业费收取标准争议",
]
# Numbers below this are the preloaded parties (bench/preload.py); registrations that
# "come back" pick an applicant from them, so their party already exists.
PRELOADED = 2_000
RESPONDENT_POOL = 200  # respondents with an ID number, reused across cases


def resident_id(n: int) -> str:
    """A well-formed (fictional) 安吉县 resident ID, one per ``n`` (< 10,000,000: born
    1950–1977). Ranges in use: preloaded applicants 0–1,999; reused respondents
    1,000,000+; registrations.py 2,000,000+; queries_per_page.py 5,000,000+;
    profile_request.py 6,000,000+; worker_rss.py 8,000,000+."""
    if not 0 <= n < 10_000_000:
        raise ValueError(n)
    born = date(1950, 1, 1) + timedelta(days=n // 1000)
    body = f"330523{born:%Y%m%d}{n % 1000:03d}"
    from stdnum.cn import ric

    # stdnum computes the digit of a full 18-character number: pass a placeholder.
    return body + ric.calc_check_digit(body + "0")


def person(n: int) -> dict[str, str]:
    """Person ``n``: the same ID number always comes with the same name and phone."""
    return {
        "kind": "person",
        "name": SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)],
        "id_type": "resident_id",
        "id_number": resident_id(n),
        "phone": f"138{n % 100_000_000:08d}",
    }


def case_body(i: int, applicant: int, *, reuse: bool) -> dict:
    """The API body of registration ``i``; respondents vary: a reused one with an ID, or a
    new one by name only (as most walk-ins give them)."""
    respondent = {"role": "respondent", "kind": "person", "name": "李四"}
    if reuse or i % 3 == 0:
        respondent.update(person(1_000_000 + i % RESPONDENT_POOL))
        respondent["role"] = "respondent"
        respondent.pop("phone")
    return {
        "channel": "walk_in",
        "nature": "dispute",
        "category": CATEGORIES[i % len(CATEGORIES)],
        "summary": SUMMARIES[i % len(SUMMARIES)],
        "region": VILLAGES[i % len(VILLAGES)],
        "involved_count": 1 + i % 3,
        "parties": [{"role": "applicant", **person(applicant)}, respondent],
    }


# --- gunicorn ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def _postgres_ticks(database: str = "centre_bench") -> int:
    """CPU of the PostgreSQL backends serving the bench database."""
    total = 0
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if cmdline.startswith(b"postgres:") and f" {database} ".encode() in cmdline:
            total += _cpu_ticks(int(proc.name))
    return total


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """A memory figure of /proc/<pid>/status (VmRSS, RssAnon, RssFile), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pss_mb(pid: int) -> float:
    """Proportional set size: pages shared with other workers counted once across them."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Gunicorn:
    """``gunicorn APP --workers N --bind 127.0.0.1:PORT``, started and stopped by us."""

    def __init__(
        self,
        app: str,
        *,
        workers: int,
        name: str,
        chdir: Path | None = None,
        env: dict[str, str] | None = None,
        ready_path: str = "/",
        extra: Sequence[str] = (),
    ) -> None:
        self.app, self.workers, self.name = app, workers, name
        self.chdir = chdir or source_tree()
        self.env = env or bench_env()
        self.ready_path, self.extra = ready_path, list(extra)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def command(self) -> list[str]:
        return [
            str(VENV_BIN / "gunicorn"),
            self.app,
            "--workers",
            str(self.workers),
            "--bind",
            f"{HOST}:{self.port}",
            "--chdir",
            str(self.chdir),
            *self.extra,
        ]

    def describe(self) -> str:
        return f"gunicorn {self.app} --workers {self.workers} (sync worker class)"

    def __enter__(self) -> Gunicorn:
        log = BENCH_DIR / f"gunicorn-{self.name}.log"
        self.proc = subprocess.Popen(
            self.command,
            env=self.env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"gunicorn {self.name} exited; see {log}:\n{log.read_text()[-3000:]}")
            if len(self.worker_pids()) == self.workers:
                with contextlib.suppress(OSError):
                    get(self.port, self.ready_path)
                    return self
            time.sleep(0.2)
        self.__exit__()
        sys.exit(f"gunicorn {self.name} did not start; see {log}")

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the master only: it stops its workers
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def worker_pids(self) -> list[int]:
        return _children(self.proc.pid) if self.proc else []

    def cpu_seconds(self) -> float:
        return sum(_cpu_ticks(pid) for pid in self.worker_pids()) / CLK_TCK


# --- HTTP helpers (setup only; not timed) -------------------------------------------------


def get(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


def post(port: int, path: str, body: bytes, headers: dict[str, str]) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            found[key.strip()] = rest.split(";", 1)[0]
    return found


def api_token(port: int, username: str) -> str:
    body = json.dumps({"username": username, "password": PASSWORD}).encode()
    response = post(port, "/api/v1/auth/token/", body, {"Content-Type": "application/json"})
    if response.status != 200:
        sys.exit(f"token for {username}: {response.status} {response.body[:300]!r}")
    return json.loads(response.body)["token"]


def session_login(port: int, username: str) -> str:
    """Log in through the login form (CSRF and all); the Cookie header of the session."""
    page = get(port, "/accounts/login/")
    cookies = _cookies(page)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.decode(), "username": username, "password": PASSWORD}
    ).encode()
    response = post(
        port,
        "/accounts/login/",
        form,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
        },
    )
    cookies.update(_cookies(response))
    if response.status != 302 or "sessionid" not in cookies:
        sys.exit(f"login as {username}: {response.status} {response.body[:300]!r}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def raw_request(
    method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    """One HTTP/1.1 request, encoded once before the run."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "User-Agent: centre-bench"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# --- Load ---------------------------------------------------------------------------------


def _machine_busy_ticks() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields[:8]) - idle, sum(fields[:8])


@dataclass
class Result:
    name: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    samples: list[tuple[int, bytes]] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    failures: int = 0  # connection errors, timeouts
    duration: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    machine_cpu: float = 0.0
    postgres_cpu: float = 0.0
    background: float = 0.0  # cores busy just before, while we sent nothing
    ok: Callable[[int], bool] = lambda status: 200 <= status < 300

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def errors(self) -> int:
        return self.failures + sum(n for s, n in self.statuses.items() if not self.ok(s))

    @property
    def throughput(self) -> float:
        return self.requests / self.duration if self.duration else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[max(0, min(len(ordered) - 1, int(q * len(ordered) + 0.5) - 1))] * 1000


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, chunked, keep = None, False, head.startswith(b"HTTP/1.1")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        elif name == b"connection":
            keep = value.strip().lower() != b"close"
    if length is not None:
        body = await reader.readexactly(length)
    elif chunked:
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append(await reader.readexactly(size + 2))
            if size == 0:
                break
        body = b"".join(p[:-2] for p in parts)
    else:
        body, keep = await reader.read(), False
    return status, body, keep


async def _load(
    result: Result,
    port: int,
    requests: Callable[[int], bytes],
    total: int,
    *,
    keep_bodies: bool,
    timeout: float,
) -> None:
    counter = iter(range(total))

    async def client() -> None:
        reader = writer = None
        for i in counter:
            payload = requests(i)
            start = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(HOST, port)
                writer.write(payload)
                status, body, keep = await asyncio.wait_for(_read_response(reader), timeout)
            except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
                result.failures += 1
                result.latencies.append(time.perf_counter() - start)
                if len(result.samples) < 3:
                    result.samples.append((0, repr(exc).encode()))
                if writer is not None:
                    writer.close()
                reader = writer = None
                continue
            result.latencies.append(time.perf_counter() - start)
            result.statuses[status] += 1
            if keep_bodies:
                result.bodies.append(body)
            if not result.ok(status) and len(result.samples) < 3:
                result.samples.append((status, body[:500]))
            if not keep:
                # gunicorn's sync workers close after every response (no keep-alive).
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(client() for _ in range(result.concurrency)))


def run_load(
    name: str,
    server: Gunicorn,
    requests: Callable[[int], bytes] | Sequence[bytes],
    total: int,
    *,
    concurrency: int,
    ok: Callable[[int], bool] | None = None,
    keep_bodies: bool = False,
    timeout: float = 30.0,
    quiet: bool = True,
) -> Result:
    """``total`` requests from ``concurrency`` clients, each waiting for its response
    before sending the next (a closed loop, as people at desks are). With ``quiet``, first
    wait for other processes to leave the cores alone (see wait_quiet)."""
    if not callable(requests):
        requests = requests.__getitem__
    result = Result(name=name, concurrency=concurrency)
    if ok is not None:
        result.ok = ok
    if quiet:
        result.background = wait_quiet(patience=300)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    server_cpu = server.cpu_seconds()
    busy, all_ticks = _machine_busy_ticks()
    postgres = _postgres_ticks()
    start = time.perf_counter()
    asyncio.run(
        _load(result, server.port, requests, total, keep_bodies=keep_bodies, timeout=timeout)
    )
    result.duration = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    busy2, all2 = _machine_busy_ticks()
    result.client_cpu = (after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime) / (
        result.duration
    )
    result.server_cpu = (server.cpu_seconds() - server_cpu) / result.duration
    result.postgres_cpu = (_postgres_ticks() - postgres) / CLK_TCK / result.duration
    result.machine_cpu = (busy2 - busy) / max(1, all2 - all_ticks) * CORES
    return result


WRK_SCRIPT = """
-- POSTs the bodies of a file (one JSON document a line), this thread taking every n-th
-- line, in turn; prints one RESULT line for run_wrk when done.
local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  bodies, i = {}, 0
  local n, threads = 0, tonumber(args[2])
  for line in io.lines(args[1]) do
    n = n + 1
    if (n - 1) % threads == id - 1 then bodies[#bodies + 1] = line end
  end
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = args[3]
end
function request()
  i = i % #bodies + 1
  return wrk.format("POST", PATH, nil, bodies[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT %d %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class WrkResult:
    """What wrk measured (a C load client: little of the cores' time goes to it)."""

    requests: int
    duration: float
    p50: float
    p95: float
    p99: float
    max: float
    bad_status: int
    failures: int
    server_cpu: float = 0.0
    postgres_cpu: float = 0.0
    client_cpu: float = 0.0
    machine_cpu: float = 0.0

    @property
    def throughput(self) -> float:
        return self.requests / self.duration if self.duration else 0.0


def run_wrk(
    server: Gunicorn,
    path: str,
    bodies: Sequence[bytes],
    *,
    authorization: str,
    concurrency: int,
    seconds: int = 10,
    threads: int = 2,
) -> WrkResult | None:
    """POST ``bodies`` (each at most once while they last) to ``path`` for ``seconds``
    from ``concurrency`` connections of wrk, with the CPU of gunicorn, PostgreSQL and wrk
    over the run; None if wrk is not installed (Debian's package ``wrk``)."""
    wrk = shutil.which("wrk")
    if not wrk:
        return None
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    script, data = BENCH_DIR / "wrk-post.lua", BENCH_DIR / "wrk-bodies.txt"
    script.write_text(WRK_SCRIPT.replace("PATH", json.dumps(path)))
    data.write_bytes(b"\n".join(bodies) + b"\n")
    wait_quiet(patience=300)
    server_cpu, postgres = server.cpu_seconds(), _postgres_ticks()
    busy, all_ticks = _machine_busy_ticks()
    command = [wrk, f"-t{threads}", f"-c{concurrency}", f"-d{seconds}s", "-s", str(script)]
    command += [f"http://{HOST}:{server.port}{path}", "--", str(data), str(threads), authorization]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    ticks = 0
    while process.poll() is None:
        # wrk's own CPU, read while it runs (it is not our child once it exits).
        ticks = max(ticks, _cpu_ticks(process.pid))
        time.sleep(0.2)
    duration = time.perf_counter() - start
    output = process.stdout.read() if process.stdout else ""
    found = re.search(r"RESULT ((?:\d+ ?){8})", output)
    if not found:
        sys.exit(f"wrk printed no result:\n{output}")
    n, micros, p50, p95, p99, top, bad, failures = (int(x) for x in found.group(1).split())
    busy2, all2 = _machine_busy_ticks()
    wall = micros / 1e6
    return WrkResult(
        requests=n,
        duration=wall,
        p50=p50 / 1000,
        p95=p95 / 1000,
        p99=p99 / 1000,
        max=top / 1000,
        bad_status=bad,
        failures=failures,
        server_cpu=(server.cpu_seconds() - server_cpu) / duration,
        postgres_cpu=(_postgres_ticks() - postgres) / CLK_TCK / duration,
        client_cpu=ticks / CLK_TCK / duration,
        machine_cpu=(busy2 - busy) / max(1, all2 - all_ticks) * CORES,
    )


def warm_up(server: Gunicorn, requests: Callable[[int], bytes] | Sequence[bytes], n: int) -> None:
    """Each worker imports and compiles on its first requests: keep that out of the figures."""
    run_load("warm-up", server, requests, n, concurrency=min(n, 2 * server.workers), quiet=False)


def disturbed(result: Result, limit: float = 0.3) -> bool:
    """Did processes other than ours (gunicorn, client, PostgreSQL) take CPU during the run?"""
    other = result.machine_cpu - result.server_cpu - result.client_cpu - result.postgres_cpu
    return other > limit


def measure(attempts: int, run: Callable[[int], Result]) -> Result:
    """``run(attempt)`` until a run is not disturbed by other processes (at most
    ``attempts`` times); the last run is kept, and says so if it was disturbed too."""
    for attempt in range(attempts):
        result = run(attempt)
        if not disturbed(result) or attempt == attempts - 1:
            return result
        print(
            f"# {result.name}: other processes took CPU during the run; measuring again",
            file=sys.stderr,
        )
    return result


def merge(results: Sequence[Result]) -> Result:
    """Several runs of the same requests as one (rounds, or steps along the way)."""
    total = Result(name=results[0].name, concurrency=results[0].concurrency, ok=results[0].ok)
    for r in results:
        total.latencies += r.latencies
        total.statuses += r.statuses
        total.failures += r.failures
        total.samples = (total.samples + r.samples)[:3]
        total.bodies += r.bodies
        total.duration += r.duration
    for attr in ("client_cpu", "server_cpu", "postgres_cpu", "machine_cpu", "background"):
        weighted = sum(getattr(r, attr) * r.duration for r in results)
        setattr(total, attr, weighted / total.duration)
    return total


class LockSampler:
    """Samples pg_stat_activity of the bench database every ``interval`` s while the load
    runs: how many backends are running a statement, and how many of those wait for a
    lock held by another transaction (the case-number counter row, for registrations)."""

    def __init__(self, interval: float = 0.05, database: str = "centre_bench") -> None:
        self.interval, self.database = interval, database
        self.samples: list[tuple[int, int]] = []
        self._stop = False

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(dbname=self.database, user="postgres", autocommit=True) as conn:
            while not self._stop:
                row = conn.execute(
                    "SELECT count(*) FILTER (WHERE state = 'active'), "
                    "count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock') "
                    "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.database],
                ).fetchone()
                self.samples.append(row)
                time.sleep(self.interval)

    def __enter__(self) -> LockSampler:
        import threading

        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        self._thread.join()

    def summary(self) -> str:
        if not self.samples:
            return "no samples"
        n = len(self.samples)
        active = sum(a for a, _ in self.samples) / n
        waiting = sum(w for _, w in self.samples) / n
        share = sum(1 for _, w in self.samples if w) / n
        return (
            f"{n} samples: on average {active:.2f} statements running, {waiting:.2f} of them "
            f"waiting for a row lock; a lock wait seen in {share:.0%} of samples"
        )


# --- Figures ------------------------------------------------------------------------------


def report(result: Result, title: str) -> None:
    statuses = ", ".join(f"{s}×{n}" for s, n in sorted(result.statuses.items()))
    other = max(
        0.0, result.machine_cpu - result.server_cpu - result.client_cpu - result.postgres_cpu
    )
    print(f"== {title} ==")
    print(f"  requests      {result.requests}   ({result.concurrency} concurrent clients)")
    print(f"  duration      {result.duration:.2f} s")
    print(f"  throughput    {result.throughput:.1f} req/s")
    print(
        f"  latency       p50 {result.percentile(0.50):.1f} ms   "
        f"p95 {result.percentile(0.95):.1f} ms   p99 {result.percentile(0.99):.1f} ms   "
        f"max {max(result.latencies, default=0) * 1000:.1f} ms"
    )
    print(
        f"  errors        {result.errors}   (statuses: {statuses or '-'}; "
        f"connection failures: {result.failures})"
    )
    for status, body in result.samples:
        print(f"    e.g. {status}: {body[:300].decode(errors='replace')!r}")
    print(
        f"  CPU (cores)   machine {result.machine_cpu:.2f} of {CORES}: gunicorn workers "
        f"{result.server_cpu:.2f}, load client {result.client_cpu:.2f}, "
        f"PostgreSQL (bench db) {result.postgres_cpu:.2f}, other {other:.2f}"
    )
    if other > 0.3 or result.background > 0.25:
        print(
            f"  WARNING       other processes were busy ({other:.2f} cores during the run, "
            f"{result.background:.2f} just before): these figures are low"
        )


def verdict(label: str, met: bool) -> str:
    return f"{label}: {'MET / 达标' if met else 'MISSED / 未达标'}"


def background_load(seconds: float = 1.0) -> float:
    """Cores busy while we send nothing (other processes on the machine)."""
    busy, all_ticks = _machine_busy_ticks()
    time.sleep(seconds)
    busy2, all2 = _machine_busy_ticks()
    return (busy2 - busy) / max(1, all2 - all_ticks) * CORES


def wait_quiet(limit: float = 0.25, patience: float = 600.0) -> float:
    """Wait (up to ``patience`` s) until other processes leave the cores alone: figures
    taken while a test suite runs beside them measure the test suite too."""
    deadline = time.monotonic() + patience
    load = background_load()
    while load > limit and time.monotonic() < deadline:
        time.sleep(4)
        load = background_load()
    return load


def source_note() -> str:
    env, src = bench_env(), source_tree()
    if src != ROOT:
        return f"code: snapshot of commit {env.get('BENCH_REV', '?')} in {src}"
    status = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout
    rev = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return f"code: working tree at {rev}" + (" with uncommitted changes" if status else "")


def header(title: str, server_note: str) -> None:
    load = wait_quiet()
    print(f"# {title}")
    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S')}, {CORES} cores, {server_note}")
    print(f"# {source_note()}")
    print(
        f"# background load before the run: {load:.2f} cores busy"
        + ("  (NOT QUIET: other processes ran; figures are low)" if load > 0.25 else "")
    )
    print(
        "# load client: one asyncio process, raw HTTP/1.1; it shares the machine's cores "
        "with the server (its CPU is shown under each result)"
    )
    print()
