"""Admin import of events at size (issue 18): 10,000 rows through the admin's preview and confirm.

    createdb -h 127.0.0.1 -U postgres h5_admin_import
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/h5_admin_import DJANGO_ALLOWED_HOSTS=testserver
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/admin_import.py --rows 10000

Writes (once, refusing a database that already has other events) an offensive with ``--rows``
imported events, each naming a place, a force and a person, then drives the admin in-process
(``django.test.Client`` as a superuser: the views, the resource, the templates and the database):

* ``export``: the events as CSV;
* ``update``: the export with every row's kind changed (every row an update that locks ``kind``):
  the preview (dry run: the page with the totals and the first 100 rows that change, all its cells
  worked out; ``SourcedResource.PREVIEW_ROWS``) and the confirm (the import itself);
* ``create``: the same rows under new source keys (every row a new event): preview and confirm;
* ``unchanged``: the export imported as it is (every row skipped).

Prints per step the seconds, this process's CPU seconds (the part that does not depend on what else
runs on the machine; the database's own work is not in it), the queries and the load average.
"""
from __future__ import annotations

import argparse
import datetime
import html
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402
import tablib  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from import_export.formats import base_formats  # noqa: E402

from conflicts.models import Conflict, Force  # noqa: E402
from events.models import Event, EventPlace, Place  # noqa: E402
from people.models import Person  # noqa: E402
from sources.models import SourceDocument  # noqa: E402

SLUG = "bench-admin-import"


def generate(rows: int) -> None:
    if Event.objects.filter(conflict__slug=SLUG).count() == rows:
        return
    if Event.objects.exclude(conflict__slug=SLUG).exists():
        sys.exit("refusing: the database has other events (use an empty database)")
    Conflict.objects.filter(slug=SLUG).delete()  # an earlier run's, at another size
    SourceDocument.objects.filter(identity="bench/bench.txt").delete()
    for model in (Place, Force, Person):
        model.objects.filter(slug__regex=r"^(village|force|person)-[0-9]+$").delete()
    text = "= Bench =\n\n" + "".join(f"On 2 May 2016, event {i} happened at Village {i % 50}.\n" for i in range(rows))
    source = SourceDocument.objects.create(name="bench.txt", identity="bench/bench.txt", title="Bench", text=text,
                                           format="structured", sha256="0" * 64)
    conflict = Conflict.objects.create(name="Bench offensive", slug=SLUG, start_date=datetime.date(2016, 5, 1),
                                       source=source)
    places = Place.objects.bulk_create(Place(name=f"Village {i}", slug=f"village-{i}", kind="settlement")
                                       for i in range(50))
    forces = Force.objects.bulk_create(Force(name=f"Force {i}", slug=f"force-{i}") for i in range(20))
    people = Person.objects.bulk_create(Person(name=f"Person {i}", slug=f"person-{i}") for i in range(20))
    events = []
    offset = len("= Bench =\n\n")
    for i in range(rows):
        sentence = f"On 2 May 2016, event {i} happened at Village {i % 50}."
        event = Event(conflict=conflict, source=source, span_start=offset, span_end=offset + len(sentence),
                      source_key=f"{SLUG}-{i}", date=datetime.date(2016, 5, 1) + datetime.timedelta(days=i % 60),
                      text=sentence, kind="capture", order=i, citations=[str(i % 7)])
        event.set_period_end()
        events.append(event)
        offset += len(sentence) + 1
    events = Event.objects.bulk_create(events, batch_size=2000)
    EventPlace.objects.bulk_create((EventPlace(event=e, place=places[i % 50], name_as_written=places[i % 50].name)
                                    for i, e in enumerate(events)), batch_size=2000)
    Event.forces.through.objects.bulk_create((Event.forces.through(event=e, force=forces[i % 20])
                                              for i, e in enumerate(events)), batch_size=2000)
    Event.people.through.objects.bulk_create((Event.people.through(event=e, person=people[i % 20])
                                              for i, e in enumerate(events) if i % 3 == 0), batch_size=2000)


def timed(label, call):
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        start, cpu = time.perf_counter(), time.process_time()
        result = call()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    load = os.getloadavg()[0]
    print(f"{label:<28} {seconds:8.2f} s {cpu:8.2f} s CPU {len(ctx.captured_queries):6d} queries  (load {load:.1f})",
          flush=True)
    return result


def export(client) -> str:
    url = reverse("admin:events_event_export")
    page = client.get(url).content.decode()
    data = {"format": 0, "resource": 0, **dict.fromkeys(set(re.findall(r'name="(eventresource_\w+)"', page)), "on")}
    response = client.post(f"{url}?conflict__id__exact={Conflict.objects.get(slug=SLUG).pk}", data)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def preview(client, content: str) -> dict:
    """The preview page, and the hidden fields of its confirm form (read from the HTML: a test
    environment's captured template contexts would take gigabytes at 10,000 rows)."""
    upload = SimpleUploadedFile("events.csv", content.encode())
    response = client.post(reverse("admin:events_event_import"), {"import_file": upload, "format": 0, "resource": 0})
    assert response.status_code == 200, response.content[:300]
    page = response.content.decode()
    form = page[page.find('action="' + reverse("admin:events_event_process_import")):]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    assert "import_file_name" in fields, "no confirm form: the preview found errors"
    return {k: html.unescape(v) for k, v in fields.items()}


def confirm(client, fields: dict) -> None:
    reply = client.post(reverse("admin:events_event_process_import"), fields)
    assert reply.status_code == 302, reply.content[:300]


def run_import(client, label: str, content: str) -> None:
    fields = timed(f"{label}: preview", lambda: preview(client, content))
    timed(f"{label}: confirm", lambda: confirm(client, fields))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL database")
    timed("generate", lambda: generate(args.rows))
    user, _ = get_user_model().objects.get_or_create(username="bench-admin", defaults={
        "is_staff": True, "is_superuser": True})
    client = Client()
    client.force_login(user)
    content = timed("export (CSV)", lambda: export(client))
    dataset = base_formats.CSV().create_dataset(content)
    kind = dataset.headers.index("kind")
    key = dataset.headers.index("source_key")
    first = dataset[0][kind]
    new_kind = "attack" if first != "attack" else "capture"

    def changed(rows, column, value):
        out = tablib.Dataset(headers=dataset.headers)
        for row in rows:
            row = list(row)
            row[column] = value(row)
            out.append(row)
        return base_formats.CSV().export_data(out)

    print(f"{len(dataset)} rows")
    events = Event.objects.filter(conflict__slug=SLUG)
    run_import(client, "unchanged", content)
    run_import(client, "update (kind)", changed(dataset, kind, lambda r: new_kind))
    print(f"    {events.filter(kind=new_kind).count()} events changed, "
          f"{events.filter(locked_fields__contains=['kind']).count()} with kind locked")
    run_import(client, "create", changed(dataset, key, lambda r: r[key] + "-new"))
    print(f"    {events.filter(source_key__endswith='-new').count()} events created")
    Event.objects.filter(source_key__endswith="-new").delete()
    Event.objects.filter(conflict__slug=SLUG).update(kind="capture", locked_fields=[])


if __name__ == "__main__":
    main()
