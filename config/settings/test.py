"""Test settings: base with a throwaway key and fast hashing. ``DATABASE_URL`` still selects the DB."""
import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-key-" + "x" * 40)

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Serve static files from the finders: tests never run collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# No cache between requests by default: a test's changes stay in its transaction, so the generation
# advances only on commit (never, in most tests) and a shared cache would serve one test's pages to the
# next. Tests of the cache itself (tests/site/test_site_cache.py) switch a local-memory cache on.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
# Whole anonymous pages are not cached either (the tests of reader.middleware switch it on).
PAGE_CACHE_SECONDS = 0
