from django.contrib import admin
from django.urls import include, path

from config.views import favicon, healthz

admin.site.site_header = "Conflict encyclopedia: editors"
admin.site.site_title = "Conflict encyclopedia admin"
admin.site.index_title = "Records"

urlpatterns = [
    path("", include("reader.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]

# the site's error pages, with its header, navigation and search (issue 17)
handler404 = "reader.views.page_not_found"
handler500 = "reader.views.server_error"
