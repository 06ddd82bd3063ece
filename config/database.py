"""``DATABASE_URL`` -> Django ``DATABASES["default"]``, for the two engines the project supports."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

ENGINES = {
    "sqlite": "django.db.backends.sqlite3",
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
}


def parse_database_url(url: str, base_dir: Path) -> dict:
    """``sqlite:///relative/or/absolute.sqlite3`` or ``postgres://user:pass@host:port/name?opt=v``.

    A relative SQLite path is taken from ``base_dir``. Query parameters become ``OPTIONS``
    (e.g. ``sslmode=require``). Raises ``ValueError`` for another scheme.
    """
    parts = urlsplit(url)
    engine = ENGINES.get(parts.scheme)
    if engine is None:
        raise ValueError(f"DATABASE_URL: unsupported scheme {parts.scheme!r} (use sqlite:// or postgres://)")
    if engine.endswith("sqlite3"):
        # sqlite:///var/db.sqlite3 is relative to the project, sqlite:////tmp/x.sqlite3 absolute
        path = unquote(parts.path)[1:] if parts.path.startswith("/") else unquote(parts.path)
        if path in ("", ":memory:"):
            return {"ENGINE": engine, "NAME": ":memory:"}
        name = Path(path)
        return {"ENGINE": engine, "NAME": str(name if name.is_absolute() else base_dir / name)}
    return {
        "ENGINE": engine,
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
