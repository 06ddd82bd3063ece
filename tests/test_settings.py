"""Settings come from the environment; no secret has a default when debug is off."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.database import parse_database_url

ROOT = Path(__file__).resolve().parents[1]


def test_sqlite_url_relative_to_project():
    db = parse_database_url("sqlite:///var/db.sqlite3", ROOT)
    assert db == {"ENGINE": "django.db.backends.sqlite3", "NAME": str(ROOT / "var" / "db.sqlite3")}
    assert parse_database_url("sqlite:////tmp/x.sqlite3", ROOT)["NAME"] == "/tmp/x.sqlite3"


def test_postgres_url():
    db = parse_database_url("postgres://ed%40x:p%2Fw@db.example:6543/conflicts?sslmode=require", ROOT)
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql", "conflicts", "ed@x", "p/w", "db.example", "6543")
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_postgres_connections_are_kept_and_checked_before_reuse():
    """A kept connection that died (a PostgreSQL restart) is replaced before a request uses it, not after
    it failed one (bench/pg_restart.py measures it; issue 15)."""
    db = parse_database_url("postgres://postgres@127.0.0.1:5432/conflicts", ROOT)
    assert db["CONN_MAX_AGE"] > 0 and db["CONN_HEALTH_CHECKS"] is True


def test_unknown_scheme_is_an_error():
    with pytest.raises(ValueError, match="unsupported scheme"):
        parse_database_url("mysql://x/y", ROOT)


def run_django(settings: str, env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env, DJANGO_SETTINGS_MODULE=settings)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120)


def test_production_requires_the_secret_key_from_the_environment():
    result = run_django("config.settings.production", {"DJANGO_ALLOWED_HOSTS": "x.example"}, "check")
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_workstation_key_is_random_private_and_kept(tmp_path):
    from config.settings.base import local_secret_key

    path = tmp_path / "var" / "secret_key"
    key = local_secret_key(path)
    assert len(key) >= 50 and local_secret_key(path) == key
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert local_secret_key(tmp_path / "other") != key


def test_debug_is_off_unless_asked():
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = run_django("config.settings.base", {"DJANGO_SECRET_KEY": "k" * 50}, "shell", "--no-imports", "-c", code)
    assert result.stdout.strip() == "False", result.stderr


def test_check_deploy_is_clean_with_production_settings():
    env = {"DJANGO_SECRET_KEY": "a-real-secret-" + "q8Zr2xT0vW" * 5, "DJANGO_ALLOWED_HOSTS": "conflicts.example"}
    result = run_django("config.settings.production", env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
