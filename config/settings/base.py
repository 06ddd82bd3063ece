"""Settings read from the environment. Nothing secret lives in this file.

| variable | meaning | default |
| --- | --- | --- |
| ``DATABASE_URL`` | ``sqlite:///var/db.sqlite3`` or ``postgres://user:pass@host:5432/name`` | SQLite under ``var/`` |
| ``DJANGO_SECRET_KEY`` | the secret key; required by ``production`` | a random key made once in ``var/secret_key`` |
| ``DJANGO_DEBUG`` | ``1``/``true`` turns debug on | off |
| ``DJANGO_ALLOWED_HOSTS`` | comma-separated host names | ``localhost,127.0.0.1`` with debug on, else none |
| ``DJANGO_CSRF_TRUSTED_ORIGINS`` | comma-separated origins (``https://example.org``) | none |
| ``DJANGO_LOG_LEVEL`` | level of the ``conflicts``/``sources`` loggers | ``INFO`` |
| ``DJANGO_STATIC_ROOT`` | where ``collectstatic`` writes and whitenoise serves from | ``var/static`` |
| ``DJANGO_PAGE_CACHE_SECONDS`` | seconds an anonymous reader's page is cached (``0``: off) | ``600`` |
| ``REDIS_URL`` | ``redis://host:6379/0``: the cache (shared by every process) | a per-process memory cache |
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONE, SELF, UNSAFE_HASHES

from config.database import parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    """``DJANGO_<NAME>`` from the environment, or ``<NAME>`` (as in the issue tracker), or default."""
    return os.environ.get(f"DJANGO_{name}", os.environ.get(name, default))


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name) or default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")



def local_secret_key(path: Path) -> str:
    """This checkout's own random key, made on first use in ``var/`` (ignored by git, mode 0600).

    For ``manage.py`` on a workstation; ``config.settings.production`` requires the key from the
    environment instead.
    """
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(key + "\n")
        return key


SECRET_KEY = env("SECRET_KEY") or local_secret_key(BASE_DIR / "var" / "secret_key")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "csp",
    "django_filters",
    "import_export",
    "sources",
    "conflicts",
    "people",
    "events",
    "importer",
    "reader",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "reader.middleware.CleanQueryMiddleware",
    "reader.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "reader.middleware.AnonymousPageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(os.environ.get("DATABASE_URL", "sqlite:///var/db.sqlite3"), BASE_DIR),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache of expensive page parts (conflicts/cache.py). Its keys carry the data generation, which lives
# in the database, so a cache that is not shared (local memory, the default) is never stale either: it
# only computes more often. REDIS_URL shares one cache between the web processes and containers.
REDIS_URL = env("REDIS_URL")
# whole pages for anonymous readers (reader.middleware.AnonymousPageCacheMiddleware); 0 turns it off
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "600"))

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                "KEY_PREFIX": "conflicts", "TIMEOUT": 3600}
    if REDIS_URL else
    {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "conflicts", "TIMEOUT": 3600},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT") or BASE_DIR / "var" / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": ("django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"),
    },
}

# Sample sources imported by `import_sources` with no PATH.
SAMPLE_SOURCES_DIR = BASE_DIR / "fixtures" / "sources"

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# Maps (issue 17): Leaflet draws on tiles from MAP_TILE_URL ({s} a subdomain, {z}/{x}/{y} the tile);
# OpenStreetMap's by default. Its origin is the one outside origin the Content-Security-Policy allows
# (img-src). An empty MAP_TILE_URL draws no tiles: the server-drawn SVG of the points is the map.
MAP_TILE_URL = env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env(
    "MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors')


def tile_origin(url: str | None) -> str | None:
    """The origin of a tile URL template, as a CSP source ("https://{s}.tile.example.org/..." ->
    "https://*.tile.example.org"); None for an empty or relative one."""
    parts = urlsplit(url or "")
    if not parts.scheme or not parts.netloc:
        return None
    host = re.sub(r"^\{[a-z]\}", "*", parts.netloc)
    return f"{parts.scheme}://{host}"


# Content-Security-Policy (django-csp 4; served by reader.middleware.ContentSecurityPolicyMiddleware):
# everything from this origin only, no inline script or style ('unsafe-inline' nowhere), no plugins,
# no <base>, no framing, forms post only here; images also from the map's tile host. docs/security.md
# explains it.
SITE_CSP_DIRECTIVES = {
    "default-src": [SELF],
    "img-src": [SELF, *filter(None, [tile_origin(MAP_TILE_URL)])],
    "object-src": [NONE],
    "base-uri": [NONE],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": SITE_CSP_DIRECTIVES}


def csp_hash(source: str) -> str:
    """The CSP source expression allowing exactly this inline code (a style or event-handler attribute)."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()}'"


# The admin keeps the site's policy but for a few inline attributes it cannot do without, each allowed by
# the hash of its exact text ('unsafe-hashes'), not by 'unsafe-inline'. If one changes, the browser test
# (tests/browser/test_csp.py) fails with Chromium's message naming the attribute.
ADMIN_INLINE_STYLES = [
    "margin:0;max-width:60em;white-space:pre-wrap",      # sources/admin.py: the source excerpt
    "white-space:pre-wrap;max-height:40em;overflow:auto",  # sources/admin.py: a document's text
    "padding: 0;", "font-weight: bold;",                  # import_export/templates/admin/import_export/export.html
]
ADMIN_INLINE_HANDLERS = [
    "onSelectToggleChange(event)",  # the same export page's "Select all" box
]
ADMIN_CONTENT_SECURITY_POLICY = {
    "URL_PREFIX": "/admin/",
    "DIRECTIVES": {
        **SITE_CSP_DIRECTIVES,
        "style-src-attr": [UNSAFE_HASHES, *map(csp_hash, ADMIN_INLINE_STYLES)],
        "script-src-attr": [UNSAFE_HASHES, *map(csp_hash, ADMIN_INLINE_HANDLERS)],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        name: {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO"), "propagate": False}
        for name in ("sources", "conflicts", "events", "people")
    },
}
