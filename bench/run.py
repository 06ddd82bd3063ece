#!/usr/bin/env python
"""Benchmarks: print figures and ratios (never pass/fail). Run: .venv/bin/python bench/run.py [--docs N]

1. parse: documents and events per second for the sample sources (pure Python, no database).
2. import: N synthetic documents (the samples under other titles) into a fresh SQLite database
   (or DATABASE_URL) through ``importer.pipeline.import_paths``, the pipeline of ``import_sources``;
   time of the first import, of the unchanged re-import, and their ratio; peak memory of the process.
3. pages: time and SQL queries of the main pages with all of that loaded; the query count must not
   grow with the data, so it is printed for N/4 and N documents side by side.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(db_path: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db_path}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")  # the test client's host
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def synthetic_documents(folder: Path, count: int) -> list[Path]:
    """``count`` copies of the samples, each under its own title (so each is a new offensive)."""
    samples = sorted((ROOT / "fixtures" / "sources").glob("*.txt"))
    paths = []
    for i in range(count):
        sample = samples[i % len(samples)]
        text = sample.read_text(encoding="utf-8")
        if text.startswith("= "):
            title = text.splitlines()[0].strip("= ")
            text = text.replace(title, f"{title} {i}")
        else:
            text = text.replace("The Palmyra offensive in December 2016", f"The Palmyra {i} offensive in December 2016")
        path = folder / f"doc{i:04d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def bench_parse(rounds: int = 50) -> None:
    from sources.parsing import parse

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures" / "sources").glob("*.txt"))]
    started = time.perf_counter()
    events = 0
    for _ in range(rounds):
        for text in texts:
            events += len(parse(text).events)
    took = time.perf_counter() - started
    docs = rounds * len(texts)
    print(f"parse: {docs} documents in {took:.2f} s = {docs / took:.0f} docs/s, {events / took:.0f} events/s")


def bench_import(paths: list[Path]) -> None:
    from importer.pipeline import ImportOptions, import_paths

    started = time.perf_counter()
    first = import_paths(paths, options=ImportOptions())
    took_first = time.perf_counter() - started
    started = time.perf_counter()
    again = import_paths(paths, options=ImportOptions())
    took_again = time.perf_counter() - started
    print(f"import: {len(paths)} documents in {took_first:.2f} s ({took_first / len(paths) * 1000:.0f} ms/doc, "
          f"{len(first.failed)} failed); unchanged re-import {took_again:.2f} s "
          f"({again.statuses['unchanged']}/{len(paths)} unchanged); "
          f"ratio first/re-import {took_first / max(took_again, 1e-9):.0f}x")


def bench_pages(label: str) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from conflicts.models import Conflict, Force
    from events.models import Event, Place
    from people.models import Person

    client = Client()
    urls = ["/", "/timeline/", "/timeline/?kind=capture", "/commanders/", "/timeline/?format=csv"]
    for model in (Conflict, Person, Force, Place):
        obj = model.objects.offensives().first() if model is Conflict else model.objects.first()
        if obj is not None:
            urls.append(obj.get_absolute_url())
    source = Event.objects.exclude(source=None).values_list("source_id", flat=True).first()
    if source:
        urls.append(f"/sources/{source}/")
    print(f"pages ({label}: {Event.objects.count()} events, {Person.objects.count()} people):")
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            took = time.perf_counter() - started
        print(f"  {url[:60]:60} {response.status_code} {took * 1000:7.1f} ms {len(queries):4d} queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=40, help="synthetic documents to import (default 40)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        setup_django(tmp / "bench.sqlite3")
        bench_parse()
        paths = synthetic_documents(tmp, args.docs)
        quarter = max(1, args.docs // 4)
        bench_import(paths[:quarter])
        bench_pages(f"{quarter} documents")
        bench_import(paths[quarter:])
        bench_pages(f"{args.docs} documents")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"memory: peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
