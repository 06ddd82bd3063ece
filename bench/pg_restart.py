#!/usr/bin/env python
"""PostgreSQL restart under load: does the site recover by itself? (issue 15, point 6). Never run in CI.

Runs gunicorn (2 workers, ``gunicorn.conf.py``) with the production settings against PostgreSQL on a
loopback port, sends requests from CONCURRENCY threads for DURATION seconds, restarts the PostgreSQL
cluster half-way (``pg_ctlcluster --skip-systemctl-redirect VERSION CLUSTER restart``) and prints:
requests, errors, the errors of requests in flight during the restart, the errors of requests that
started after it had finished (the site recovered by itself when there are none), and the time to the
first good answer. ``--compare`` runs it again with ``CONN_HEALTH_CHECKS`` off, and ``--idle`` adds a run
where the clients pause around the restart, to show what the health checks buy: under load every kept
connection meets the restart in a request, fails once and is closed; idle, it dies unnoticed, and
without health checks the next request on it fails.

    .venv/bin/python bench/pg_restart.py [--duration 60] [--concurrency 8] [--compare] [--idle]
        [--database-url postgres://postgres@127.0.0.1:5432/conflicts_bench] [--cluster main]

The database is created if missing, migrated, and the sample sources are imported. Restarting a cluster
drops every connection to it, other people's test runs' too: ``--cluster``/``--database-url`` can point
at a throwaway cluster (``pg_createcluster 15 bench -p 5433 --start``).
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]

# The production settings, without the HTTPS redirect (plain HTTP on loopback) and serving static files
# from the finders (no collectstatic needed); CONN_HEALTH_CHECKS as asked.
SETTINGS = """\
from config.settings.production import *  # noqa: F403
STORAGES["staticfiles"] = {{"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
DATABASES["default"]["CONN_HEALTH_CHECKS"] = {health_checks}  # noqa: F405
"""


@dataclass
class Result:
    start: float
    end: float
    ok: bool
    what: str  # status code or exception name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float = 15.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def django_env(database_url: str, settings_dir: str | None = None, settings: str = "config.settings.test") -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE=settings)
    if settings_dir:
        env["PYTHONPATH"] = os.pathsep.join([settings_dir, str(ROOT)])
    return env


def prepare_database(database_url: str) -> None:
    """Create (if missing), migrate and load the sample sources."""
    url = urlsplit(database_url)
    pg = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    subprocess.run(["createdb", *pg, url.path.lstrip("/")], capture_output=True)  # fails if it exists: fine
    env = django_env(database_url)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "import_sources", "--no-progress", str(ROOT / "fixtures" / "sources")], cwd=ROOT,
                   env=env, check=True, stdout=subprocess.DEVNULL)


def start_gunicorn(database_url: str, health_checks: bool, workdir: Path, port: int) -> subprocess.Popen:
    (workdir / "bench_pg_settings.py").write_text(SETTINGS.format(health_checks=health_checks))
    env = django_env(database_url, str(workdir), "bench_pg_settings")
    env.update(DJANGO_SECRET_KEY="bench-only-" + "k" * 50, DJANGO_ALLOWED_HOSTS="127.0.0.1",
               DJANGO_SECURE_SSL_REDIRECT="0", GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2")
    log = open(workdir / f"gunicorn-{port}.log", "wb")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")], cwd=ROOT,
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if get(port, "/healthz", timeout=2)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop(server)
    raise SystemExit(f"gunicorn did not answer /healthz within 30 s; see {log.name}")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def page_paths(port: int) -> list[str]:
    status, home = get(port, "/")
    assert status == 200, status
    offensive = re.search(rb'href="(/offensives/[^"/]+/)"', home)
    paths = ["/", "/timeline/", "/search/?q=Palmyra", "/commanders/", "/healthz"]
    return paths + ([offensive.group(1).decode()] if offensive else [])


def load(port: int, paths: list[str], duration: float, concurrency: int, restart,
         idle: bool = False) -> tuple[list[Result], tuple]:
    """Requests from ``concurrency`` threads for ``duration`` s, ``restart()`` half-way. With ``idle`` the
    clients pause around the restart (none in flight), so the server's kept connections die unused."""
    results: list[Result] = []
    lock = threading.Lock()
    running = threading.Event()
    running.set()
    in_flight = [0]
    t0 = time.monotonic()
    stop_at = t0 + duration

    def worker(n: int) -> None:
        i = n
        while time.monotonic() < stop_at:
            running.wait()
            path = paths[i % len(paths)]
            i += 1
            with lock:
                in_flight[0] += 1
            start = time.monotonic()
            try:
                status, _ = get(port, path)
                ok, what = status == 200, str(status)
            except Exception as exc:  # noqa: BLE001 (every failure is a figure)
                ok, what = False, type(exc).__name__
            with lock:
                in_flight[0] -= 1
                results.append(Result(start - t0, time.monotonic() - t0, ok, what))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for t in threads:
        t.start()
    time.sleep(duration / 2)
    if idle:
        running.clear()
        while in_flight[0]:
            time.sleep(0.01)
    began = time.monotonic() - t0
    restart()
    window = (began, time.monotonic() - t0)
    running.set()
    for t in threads:
        t.join()
    return results, window


def report(label: str, results: list[Result], window: tuple[float, float]) -> bool:
    began, ended = window
    errors = [r for r in results if not r.ok]
    in_flight = [r for r in errors if r.start <= ended and r.end >= began]
    after = [r for r in results if r.start > ended]
    after_errors = [r for r in after if not r.ok]
    first_ok = min((r.end for r in after if r.ok), default=None)
    kinds: dict[str, int] = {}
    for r in errors:
        kinds[r.what] = kinds.get(r.what, 0) + 1
    recovered = not after_errors and bool(after)
    print(f"== {label}")
    by_kind = ", ".join(f"{k}: {v}" for k, v in kinds.items()) or "-"
    print(f"requests: {len(results)}, errors: {len(errors)} ({by_kind})")
    print(f"restart took {ended - began:.2f} s (at {began:.1f} s); errors of requests in flight then: {len(in_flight)}")
    print(f"requests started after the restart: {len(after)}, errors among them: {len(after_errors)}"
          + (f" (the last at {max(r.start for r in after_errors):.1f} s)" if after_errors else ""))
    if first_ok is not None:
        print(f"first good answer {first_ok - ended:.2f} s after the restart finished")
    print(f"recovered by itself: {'yes' if recovered else 'NO'}")
    return recovered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/conflicts_bench"))
    parser.add_argument("--cluster", default="main", help="the pg_ctlcluster cluster to restart (default main)")
    parser.add_argument("--version", default=None,
                        help="PostgreSQL major version (default: the one in /etc/postgresql)")
    parser.add_argument("--compare", action="store_true", help="run again with CONN_HEALTH_CHECKS off")
    parser.add_argument("--idle", action="store_true",
                        help="also restart while the clients pause (no request in flight, connections kept idle)")
    args = parser.parse_args()
    version = args.version or sorted(os.listdir("/etc/postgresql"))[-1]

    def restart() -> None:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, args.cluster, "restart"], check=True)

    prepare_database(args.database_url)
    all_recovered = True
    runs = [(hc, idle) for hc in ([True, False] if args.compare else [True])
            for idle in ([False, True] if args.idle else [False])]
    with tempfile.TemporaryDirectory(prefix="pg-restart-") as tmp:
        for health_checks, idle in runs:
            port = free_port()
            server = start_gunicorn(args.database_url, health_checks, Path(tmp), port)
            try:
                paths = page_paths(port)
                results, window = load(port, paths, args.duration, args.concurrency, restart, idle)
            finally:
                stop(server)
            label = (f"CONN_HEALTH_CHECKS={health_checks}: gunicorn 2 workers on 127.0.0.1:{port}, "
                     f"{args.concurrency} clients, {args.duration:.0f} s, {len(paths)} pages, "
                     f"PostgreSQL {version}/{args.cluster} restarted half-way"
                     + (" while the clients paused" if idle else " under load"))
            recovered = report(label, results, window)
            all_recovered &= recovered or not health_checks
    return 0 if all_recovered else 1


if __name__ == "__main__":
    sys.exit(main())
