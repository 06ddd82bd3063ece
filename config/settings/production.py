"""Production: base settings plus HTTPS hardening. ``check --deploy`` is clean with these.

TLS is expected to end at a proxy or load balancer that sets ``X-Forwarded-Proto``.
``DJANGO_SECURE_SSL_REDIRECT=0`` turns the redirect off where the proxy already redirects.
"""
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_bool

if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("config.settings.production must not run with DJANGO_DEBUG on.")
if not env("SECRET_KEY"):
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY: production takes its secret key from the environment.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes speak plain HTTP inside the network
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
