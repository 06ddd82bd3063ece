"""The cache of page parts and the data generation that keeps it correct (issue 16).

Tests here switch a local-memory cache on (the test settings use none) and run the on-commit callbacks
that advance the generation (``django_capture_on_commit_callbacks(execute=True)``), as a commit would.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from conflicts.cache import bump_generation, cached, current_generation
from conflicts.models import DataGeneration
from events.models import Event
from tests.conftest import SAMPLES
from tests.factories import make_conflict, make_event
from tests.site.builders import build_world

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def memory_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "test-site-cache"}}
    cache.clear()
    yield
    cache.clear()


def count_of(client, url="/timeline/") -> int:
    return client.get(url).context["paginator"].count


def test_counts_are_cached_for_a_generation(client, django_assert_num_queries):
    conflict = make_conflict()
    make_event(conflict)
    assert count_of(client) == 1
    Event.objects.filter(conflict=conflict).update(text="changed")  # no signal: the generation stays
    Event.objects.bulk_create([Event(conflict=conflict, source_key="bulk-1", date=conflict.start_date
                                     or "2015-10-16", text="Added in bulk.")])
    assert count_of(client) == 1  # cached: a bulk write must call bump_generation()
    with transaction.atomic():
        bump_generation()
        bump_generation()  # once per transaction
    assert count_of(client) == 1  # not committed yet (the test's transaction never commits)


def test_a_save_advances_the_generation_after_its_commit(client, django_capture_on_commit_callbacks):
    conflict = make_conflict()
    make_event(conflict)
    assert count_of(client) == 1
    before = current_generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        make_event(conflict)
        make_event(conflict)
    assert len(callbacks) == 1  # one advance for the transaction, however many saves
    assert current_generation() == before + 1
    assert count_of(client) == 3


def test_a_rolled_back_change_does_not_advance_it(django_capture_on_commit_callbacks):
    conflict = make_conflict()
    before = current_generation()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        make_event(conflict)
        raise RuntimeError("rolled back")
    assert current_generation() == before


def test_an_editors_save_in_admin_is_seen_at_once(admin_client, client, django_capture_on_commit_callbacks):
    world = build_world(10)
    event = world.events[0]
    offensive_page = world.conflict.get_absolute_url()
    assert count_of(client) == 10
    chart_before = client.get(offensive_page).context["chart"]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert count_of(client) == 9
    assert client.get(offensive_page).context["chart"].total == chart_before.total - 1


def test_an_import_is_seen_at_once(client, tmp_path, django_capture_on_commit_callbacks):
    from importer.pipeline import import_paths
    sample = sorted(SAMPLES.glob("*.txt"))[0]
    shutil.copy(sample, tmp_path / sample.name)
    assert count_of(client) == 0
    before = current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        import_paths([tmp_path])
    assert current_generation() > before
    assert count_of(client) == Event.objects.count() > 0


def test_the_generation_lives_in_the_database(django_capture_on_commit_callbacks):
    DataGeneration.objects.all().delete()
    assert current_generation() == 0
    with django_capture_on_commit_callbacks(execute=True):
        bump_generation()  # makes its row when missing
    assert current_generation() == 1 == DataGeneration.objects.get().value


def test_cached_values_are_keyed_by_the_generation(django_capture_on_commit_callbacks):
    calls = []
    assert cached(None, "part", [1], lambda: calls.append(1) or "first") == "first"
    assert cached(None, "part", [1], lambda: calls.append(1) or "again") == "first"
    with django_capture_on_commit_callbacks(execute=True):
        bump_generation()
    assert cached(None, "part", [1], lambda: calls.append(1) or "new") == "new"
    assert len(calls) == 2


@pytest.mark.parametrize(("redis_url", "backend"), [
    ("redis://127.0.0.1:6379/3", "django.core.cache.backends.redis.RedisCache"),
    ("", "django.core.cache.backends.locmem.LocMemCache"),
])
def test_the_cache_comes_from_the_environment(redis_url, backend):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_REDIS_URL")}
    if redis_url:
        env["REDIS_URL"] = redis_url
    code = "from django.conf import settings; c = settings.CACHES['default']; print(c['BACKEND'], c.get('LOCATION'))"
    out = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT, check=True,
                         env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.base"},
                         capture_output=True, text=True).stdout.split()
    assert out[0] == backend
    if redis_url:
        assert out[1] == redis_url
