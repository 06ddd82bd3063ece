from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Liveness and database readiness for load balancers and the compose healthcheck."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def favicon(request):
    """``/favicon.ico``, which browsers and crawlers ask for whatever the page's ``<link rel="icon">``
    says: a redirect to the site's icon (``static/favicon.svg``), not a 404 logged on every first visit."""
    response = HttpResponsePermanentRedirect(staticfiles_storage.url("favicon.svg"))
    patch_cache_control(response, public=True, max_age=86400)
    return response
