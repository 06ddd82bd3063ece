"""Pages at a large database (issue 16): generate generated rows, then time every page kind.

    createdb -h 127.0.0.1 -U postgres conflicts_big
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/conflicts_big DJANGO_ALLOWED_HOSTS=testserver
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/pages.py generate --events 1000000      # refuses a database that has events
    .venv/bin/python bench/pages.py measure --repeat 20            # p50/p95 and queries per page kind
    .venv/bin/python bench/pages.py export --events 100000         # export rate and memory
    .venv/bin/python bench/pages.py throughput --seconds 60        # gunicorn, 16 connections
    .venv/bin/python bench/pages.py explain                        # EXPLAIN ANALYZE of the slowest query

``generate`` writes rows with ``INSERT ... SELECT generate_series`` (PostgreSQL only): offensives of
1,000 events each with two sides, forces, people and places in proportion (a few real names among
them: Hezbollah, ISIL, Palmyra, Aleppo, Qasem Soleimani), each event naming a place, a force and
(one in three) a person. The sentences are not prose: their words serve the text search.

``measure`` requests each page in-process (``django.test.Client``: the middleware, the views, the
templates and the database; no network or gunicorn) with the cache the environment configures
(``REDIS_URL``, else local memory) and prints the queries and time of the first request (cached parts
missed) and the p50/p95 (ms) of the repeats (cached parts hit, until the data changes). Anonymous
pages are also cached whole (``reader.middleware.AnonymousPageCacheMiddleware``): the repeats of a
reader's page are hits; ``DJANGO_PAGE_CACHE_SECONDS=0`` measures the pages computed each time (parts
still cached). Figures are
for this machine and vary with what else runs on it: read the ratios.

``throughput`` serves the site with gunicorn (``gunicorn.conf.py``, base settings, DEBUG off, static
files collected into a temporary folder) and keeps 16 connections busy for ``--seconds`` on
``/timeline/`` and then on ``/healthz`` (the trivial view), each for the same time, printing requests/s,
errors and latency; the ratio is the target (issue 16: ≥ 0.2).

``explain`` requests every page kind once, times each SQL statement, and prints ``EXPLAIN (ANALYZE,
BUFFERS)`` of the slowest.
"""
# ruff: noqa: S608  (the generated SQL is built from integers and constants, never from input)
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")  # no collected static files needed

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from config.settings import base  # noqa: E402

# the test settings serve static files without collectstatic, but cache nothing: use the cache the
# environment configures (REDIS_URL, else local memory), as a served site does
settings.CACHES = base.CACHES
# whole pages for anonymous readers as served (DJANGO_PAGE_CACHE_SECONDS=0 measures without them)
settings.PAGE_CACHE_SECONDS = base.PAGE_CACHE_SECONDS

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

PER_OFFENSIVE = 1000


def _word(seed: str, length: int = 7) -> str:
    """SQL: a pronounceable-ish capitalised word from ``seed`` (an SQL expression)."""
    return f"initcap(translate(substr(md5({seed}), 1, {length}), '0123456789', 'aeiourlnst'))"


def _named(ids: str, specials: list[str], generated: str) -> str:
    cases = " ".join(f"WHEN {i} THEN '{name}'" for i, name in enumerate(specials, start=1))
    return f"CASE {ids} {cases} ELSE {generated} END"


def generate(n_events: int) -> None:
    if connection.vendor != "postgresql":
        sys.exit("generate needs PostgreSQL (DATABASE_URL=postgres://...)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events_event")
        if cursor.fetchone()[0]:
            sys.exit("the database already has events: generate into an empty, migrated database")
    n_off = max(1, n_events // PER_OFFENSIVE)
    n_forces, n_people, n_places = max(50, n_off * 4), max(50, n_off * 6), max(100, n_off * 20)
    force_name = _named("i", ["Hezbollah", "Islamic State of Iraq and the Levant", "Syrian Arab Army",
                              "Free Syrian Army"], _word("'f'||i") + " || ' Brigade'")
    person_name = _named("i", ["Qasem Soleimani", "Suheil al-Hassan"],
                         _word("'g'||i", 5) + " || ' ' || " + _word("'p'||i", 8))
    place_name = _named("i", ["Palmyra", "Aleppo", "Khan Tuman", "Deir ez-Zor"], _word("'l'||i"))
    sql = [
        f"""INSERT INTO sources_sourcedocument (id, name, path, title, format, encoding, sha256, text,
            parser_version, status, problems, imported_at, created_at, identity, url, licence, original,
            site, revision_id)
            SELECT i, 'Generated_'||i||'.wiki', '', 'Generated offensive '||i, 'wikitext', 'utf-8', md5(i::text),
            '', 'bench', 'imported', '[]', now(), now(), 'https://en.wikipedia.org/wiki/Generated_'||i,
            'https://en.wikipedia.org/wiki/Generated_'||i, 'CC BY-SA 4.0', '', 'Wikipedia', 1000 + i
            FROM generate_series(1, {n_off}) i""",
        f"""INSERT INTO conflicts_conflict (id, locked_fields, name, slug, kind, start_date, start_precision,
            end_date, end_precision, place, status, territory, summary, extra, source_id, in_source,
            sides_unresolved)
            SELECT i, '[]', {_word("'o'||i")}||' offensive '||i, 'generated-offensive-'||i, 'offensive',
            date '2011-01-01' + (i * 37) % 3000, 'day', date '2011-01-01' + (i * 37) % 3000 + 300, 'day',
            {_word("'l'||(i*7)")}||', Syria', 'Government victory', '[]', '', '{{}}', i, true, false
            FROM generate_series(1, {n_off}) i""",
        f"""INSERT INTO conflicts_side (id, locked_fields, number, label, conflict_id, source_id, in_source)
            SELECT c * 2 + s - 2, '[]', s, '', c, c, true
            FROM generate_series(1, {n_off}) c, generate_series(1, 2) s""",
        f"""INSERT INTO conflicts_force (id, locked_fields, name, slug, kind, description, in_source)
            SELECT i, '[]', {force_name}, 'force-'||i, 'group', '', true FROM generate_series(1, {n_forces}) i""",
        f"""INSERT INTO conflicts_participation (locked_fields, role, note, name_as_written, "order", force_id,
            side_id, in_source)
            SELECT '[]', 'belligerent', '', '', 0, (c * 2 + s) % {n_forces} + 1, c * 2 + s - 2, true
            FROM generate_series(1, {n_off}) c, generate_series(1, 2) s""",
        f"""INSERT INTO people_person (id, locked_fields, name, slug, notes, in_source)
            SELECT i, '[]', {person_name}, 'person-'||i, '', true FROM generate_series(1, {n_people}) i""",
        # half the places located (inside Syria's box), as the gazetteer would
        f"""INSERT INTO events_place (id, locked_fields, name, slug, kind, in_source, coordinates_origin, latitude,
            longitude, coordinates_score)
            SELECT i, '[]', {place_name}, 'place-'||i, 'settlement', true,
            CASE WHEN i % 2 = 1 THEN 'gazetteer' ELSE '' END,
            CASE WHEN i % 2 = 1 THEN round((32.5 + (i * 7919 % 4500) / 1000.0)::numeric, 5) END,
            CASE WHEN i % 2 = 1 THEN round((35.8 + (i * 104729 % 6000) / 1000.0)::numeric, 5) END,
            CASE WHEN i % 2 = 1 THEN 100 END
            FROM generate_series(1, {n_places}) i""",
        """INSERT INTO conflicts_forcealias (name, key, origin, created_at, force_id)
            VALUES ('ISIS', 'isis', 'known', now(), 2), ('Daesh', 'daesh', 'known', now(), 2),
                   ('Hizbullah', 'hizbullah', 'known', now(), 1)""",
        """INSERT INTO events_placealias (name, key, origin, created_at, place_id)
            VALUES ('Tadmur', 'tadmur', 'known', now(), 1), ('Halab', 'halab', 'known', now(), 2)""",
        """INSERT INTO people_personalias (name, key, origin, created_at, person_id)
            VALUES ('Ghasem Soleimani', 'ghasem soleimani', 'known', now(), 1)""",
        f"""INSERT INTO events_event (id, locked_fields, source_key, date, end_date, precision, time_of_day, text,
            kind, section, "order", citations, background, conflict_id, source_id, span_start, span_end,
            in_source, period_end)
            SELECT i, '[]', 'e-'||i, day, NULL, CASE WHEN i % 20 = 0 THEN 'month' ELSE 'day' END, '',
            'The '||(ARRAY['army','rebels','militia','coalition','brigade'])[i % 5 + 1]||' '||
            (ARRAY['captured','attacked','shelled','withdrew from','reinforced','recaptured','bombed'])[i % 7 + 1]
            ||' '||{_word("'l'||((i * 31) % " + str(n_places) + " + 1)")}||' near '||{_word("'x'||(i % 997)")}
            ||' after fighting on day '||(i % {PER_OFFENSIVE})||'.',
            (ARRAY['capture','attack','other','airstrike','withdrawal','reinforcement','recapture'])[i % 7 + 1],
            'Phase '||(i % {PER_OFFENSIVE}) / 250 + 1, i % {PER_OFFENSIVE}, '[]', false, c, c,
            (i % {PER_OFFENSIVE}) * 100, (i % {PER_OFFENSIVE}) * 100 + 90, true,
            CASE WHEN i % 20 = 0 THEN (date_trunc('month', day) + interval '1 month - 1 day')::date ELSE day END
            FROM (SELECT i, c, date '2011-01-01' + (c * 37) % 3000 + (i % {PER_OFFENSIVE}) / 4 AS day
                  FROM (SELECT i, (i - 1) / {PER_OFFENSIVE} + 1 AS c FROM generate_series(1, {n_events}) i) n) g""",
        f"""INSERT INTO events_eventplace (locked_fields, name_as_written, "order", event_id, place_id, in_source)
            SELECT '[]', '', 0, i, (i * 31) % {n_places} + 1, true FROM generate_series(1, {n_events}) i""",
        f"""INSERT INTO events_event_forces (event_id, force_id)
            SELECT i, (((i - 1) / {PER_OFFENSIVE} + 1) * 2 + i % 2 + 1) % {n_forces} + 1
            FROM generate_series(1, {n_events}) i""",
        f"""INSERT INTO events_event_people (event_id, person_id)
            SELECT i, (i * 7) % {n_people} + 1 FROM generate_series(3, {n_events}, 3) i""",
    ]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in sql:
            t = time.perf_counter()
            cursor.execute(statement)
            print(f"{time.perf_counter() - t:7.1f} s  {' '.join(statement.split()[:3])} ({cursor.rowcount:,} rows)")
        for table in ("sources_sourcedocument", "conflicts_conflict", "conflicts_side", "conflicts_force",
                      "conflicts_participation", "people_person", "events_place", "conflicts_forcealias",
                      "events_placealias", "people_personalias", "events_event", "events_eventplace",
                      "events_event_forces", "events_event_people"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT coalesce(max(id), 1) FROM {table}))")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"generated {n_events:,} events, {n_off:,} offensives, {n_forces:,} forces, {n_people:,} people, "
          f"{n_places:,} places in {time.perf_counter() - started:.0f} s")


def _staff_client() -> Client:
    user, _ = get_user_model().objects.get_or_create(username="bench-admin",
                                                      defaults={"is_staff": True, "is_superuser": True})
    client = Client()
    client.force_login(user)
    return client


def _pages() -> list[tuple[str, str, bool]]:
    from conflicts.models import Conflict, Force
    from events.models import Event, Place
    from people.models import Person
    conflict = Conflict.objects.order_by("pk").first()
    force, person, place = Force.objects.get(pk=1), Person.objects.get(pk=1), Place.objects.get(pk=1)
    source = Event.objects.order_by("pk").values_list("source_id", flat=True).first()
    return [
        ("home", "/", False),
        ("offensive", conflict.get_absolute_url(), False),
        ("offensive, last page", conflict.get_absolute_url() + "?page=last", False),
        ("timeline", "/timeline/", False),
        ("timeline, page 200", "/timeline/?page=200", False),
        ("timeline, last page", "/timeline/?page=last", False),
        # issues 16 and 17: the middle, newest first, a jump (a 302 to its page), a first day only
        ("timeline, page 10,000", "/timeline/?page=10000", False),
        ("timeline newest first, page 7,000", "/timeline/?order=newest&page=7000", False),
        ("timeline jump ?year=&month=", "/timeline/?year=2016&month=5", False),
        ("timeline ?after= (page 300)", "/timeline/?after=2016-01-10&page=300", False),
        ("timeline ?offensive=", f"/timeline/?offensive={conflict.slug}", False),
        ("timeline ?force=", f"/timeline/?force={force.slug}", False),
        ("timeline ?person=", f"/timeline/?person={person.slug}", False),
        ("timeline ?place=", f"/timeline/?place={place.slug}", False),
        ("timeline ?kind=", "/timeline/?kind=airstrike", False),
        ("timeline ?after=&before=", "/timeline/?after=2014-01-01&before=2014-01-31", False),
        ("timeline ?q=captured", "/timeline/?q=captured", False),
        ("timeline ?q=<rare word>", "/timeline/?q=Palmyra+shelled", False),
        ("commanders", "/commanders/", False),
        ("commander", person.get_absolute_url(), False),
        ("force", force.get_absolute_url(), False),
        ("place", place.get_absolute_url(), False),
        ("source", f"/sources/{source}/", False),
        ("search ?q=palmira", "/search/?q=palmira", False),
        ("search ?q=Hizbollah", "/search/?q=Hizbollah", False),
        ("search ?q=Suleimani", "/search/?q=Suleimani", False),
        ("search ?q=captured", "/search/?q=captured", False),
        ("autocomplete ?q=pal", "/autocomplete/?kind=place&q=pal", False),
        ("admin events", "/admin/events/event/", True),
        ("admin event search", "/admin/events/event/?q=captured", True),
        ("admin force search", "/admin/conflicts/force/?q=Hizbollah", True),
    ]


def _ms(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples) * 1000, samples[min(len(samples) - 1, int(len(samples) * 0.95))] * 1000


def _counter(queries: list):
    def wrapper(execute, sql, *args):
        queries.append(sql)
        return execute(sql, *args)
    return wrapper


def measure(repeat: int, only: str = "") -> None:
    from events.models import Event
    print(f"{Event.objects.count():,} events, {connection.vendor}")
    anonymous, staff = Client(), _staff_client()
    print(f"{'page':32} {'status':>6} {'queries':>7} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8}")
    for name, url, admin in _pages():
        if only and not any(word in name for word in only.split(",")):
            continue
        client = staff if admin else anonymous
        queries: list[str] = []
        t = time.perf_counter()
        with connection.execute_wrapper(_counter(queries)):
            response = client.get(url)
        first = (time.perf_counter() - t) * 1000
        samples = []
        for _ in range(repeat):
            t = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - t)
        p50, p95 = _ms(samples)
        print(f"{name:32} {response.status_code:>6} {len(queries):>7} {first:9.1f} {p50:8.1f} {p95:8.1f}", flush=True)


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def export(n_events: int) -> None:
    """The CSV and JSON exports of the first ``n_events`` events (a date filter), timed to the last byte,
    with the time to the first byte and the process's resident memory before, during (largest) and after.
    The process answers one request first (an export of the first day), as a served worker has: the first request's
    imports are timed apart."""
    from events.models import Event
    last = Event.objects.order_by("date").values_list("date", flat=True)[n_events - 1:n_events].first()
    if last is None:
        sys.exit(f"fewer than {n_events:,} events")
    count = Event.objects.filter(date__lte=last).count()
    # a served worker has answered requests before: the process's first request imports the URLconf, the
    # views and the cache's client (the Redis module alone about 80 ms), which is no part of an export
    t = time.perf_counter()
    first = Event.objects.order_by("date").values_list("date", flat=True).first()
    b"".join(Client().get(f"/timeline/?format=csv&before={first.isoformat()}").streaming_content)
    print(f"the process's first request (an export of the first day): {(time.perf_counter() - t) * 1000:.0f} ms")
    for fmt in ("csv", "json"):
        client = Client()
        before = peak = _rss_mb()
        t, cpu = time.perf_counter(), time.process_time()
        response = client.get(f"/timeline/?format={fmt}&before={last.isoformat()}")
        stream = iter(response.streaming_content)
        size = len(next(stream))
        first_byte = time.perf_counter() - t
        for i, chunk in enumerate(stream):
            size += len(chunk)
            if i % 50 == 0:
                peak = max(peak, _rss_mb())
        elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
        print(f"{fmt}: {count:,} events, {size / 1e6:.1f} MB in {elapsed:.1f} s = {count / elapsed:,.0f} events/s "
              f"(this process's CPU {cpu:.1f} s); "
              f"first byte {first_byte * 1000:.0f} ms; RSS {before:.0f} MB before, {peak:.0f} MB at most, "
              f"{_rss_mb():.0f} MB after", flush=True)


def _load(url: str, connections: int, seconds: float) -> tuple[int, int, list[float]]:
    """``connections`` threads each requesting ``url`` over one keep-alive connection for ``seconds``:
    (responses with status 200, errors, latencies in seconds)."""
    import http.client
    import threading
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    ok, errors, latencies, lock = [0], [0], [], threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        mine_ok, mine_errors, mine = 0, 0, []
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            try:
                conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    mine_ok += 1
                else:
                    mine_errors += 1
            except (OSError, http.client.HTTPException):
                mine_errors += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            mine.append(time.perf_counter() - t)
        with lock:
            ok[0] += mine_ok
            errors[0] += mine_errors
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ok[0], errors[0], latencies


def throughput(seconds: float, connections: int, workers: int) -> None:
    import secrets
    import signal
    import subprocess
    import tempfile
    import urllib.request

    root = Path(__file__).resolve().parent.parent
    port = 8765
    with tempfile.TemporaryDirectory() as static_root:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DJANGO_DEBUG": "0",
               "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
               "DJANGO_STATIC_ROOT": static_root}
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=root, env=env,
                       check=True)
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--config", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--access-logfile", "/dev/null"],
            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            for _ in range(60):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310 (loopback)
                    break
                except OSError:
                    time.sleep(0.5)
            urllib.request.urlopen(f"http://127.0.0.1:{port}/timeline/", timeout=60)  # noqa: S310 (warm up)
            print(f"gunicorn, {workers} workers (gunicorn.conf.py threads), {connections} connections, "
                  f"{seconds:.0f} s each")
            rates = {}
            for name in ("/timeline/", "/healthz"):
                ok, errors, latencies = _load(f"http://127.0.0.1:{port}{name}", connections, seconds)
                rates[name] = ok / seconds
                p50, p95 = _ms(latencies) if latencies else (0, 0)
                print(f"{name:12} {ok / seconds:8.1f} requests/s  {errors} errors  p50 {p50:.0f} ms  "
                      f"p95 {p95:.0f} ms", flush=True)
            print(f"ratio /timeline/ to /healthz: {rates['/timeline/'] / max(rates['/healthz'], 1e-9):.3f} "
                  f"(target >= 0.2)")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def explain() -> None:
    """Every page kind once, each statement timed; EXPLAIN ANALYZE of the slowest."""
    timed: list[tuple[float, str, tuple, str]] = []
    page = [""]

    def timer(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - t, sql, params, page[0]))

    anonymous, staff = Client(), _staff_client()
    for name, url, admin in _pages():
        page[0] = name
        with connection.execute_wrapper(timer):
            (staff if admin else anonymous).get(url)
    timed.sort(key=lambda row: row[0], reverse=True)
    for elapsed, sql, _, name in timed[:5]:
        print(f"{elapsed * 1000:8.1f} ms  {name}: {' '.join(sql.split())[:160]}")
    elapsed, sql, params, name = timed[0]
    if sql.lstrip().upper().startswith("SELECT"):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print(f"\nEXPLAIN ANALYZE of the slowest ({name}, {elapsed * 1000:.1f} ms):")
            for (line,) in cursor.fetchall():
                print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("generate").add_argument("--events", type=int, default=1_000_000)
    measuring = commands.add_parser("measure")
    measuring.add_argument("--repeat", type=int, default=20)
    measuring.add_argument("--only", default="", help="comma-separated parts of page names (e.g. search,q=)")
    commands.add_parser("export").add_argument("--events", type=int, default=100_000)
    loading = commands.add_parser("throughput")
    loading.add_argument("--seconds", type=float, default=60)
    loading.add_argument("--connections", type=int, default=16)
    loading.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    commands.add_parser("explain")
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.events)
    elif args.command == "measure":
        measure(args.repeat, args.only)
    elif args.command == "throughput":
        throughput(args.seconds, args.connections, args.workers)
    elif args.command == "explain":
        explain()
    else:
        export(args.events)


if __name__ == "__main__":
    main()
