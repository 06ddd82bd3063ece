"""gunicorn settings; every value can be overridden from the environment (GUNICORN_*)."""
import importlib
import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
max_requests = 1000          # recycle workers: bounds slow memory growth
max_requests_jitter = 100
# Load the application once in the master, before forking, so that a worker (a new one, and each one
# max_requests recycles) does not pay the imports on its first request (issue 16: 125 ms; see
# when_ready for what is imported). Safe across fork: Django opens database connections lazily, on a
# request's first query, and Django's Redis cache opens its connection pool on its first command, so
# the master holds neither when it forks (when_ready closes any that an import opened, all the same);
# each worker opens its own (checked: no socket is open in the master after when_ready). A recycled
# worker runs the master's code, not the files' of the moment: restart gunicorn to deploy new code (HUP
# does not reload a preloaded application). GUNICORN_PRELOAD_APP=0 loads it in each worker instead.
preload_app = os.environ.get("GUNICORN_PRELOAD_APP", "1") != "0"
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    """In the master, after the application is loaded: import what a first request would (the URLconf
    and every view module it names, the cache's Redis client library), then close any database or
    cache connection, so that no socket is shared by the workers forked next."""
    if not preload_app:
        return
    from django.conf import settings
    from django.core.cache import close_caches
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and the views)
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        importlib.import_module("redis")  # the client library only: no connection pool yet
    connections.close_all()
    close_caches()
