from django.apps import AppConfig


class SourcesConfig(AppConfig):
    verbose_name = "sources and import"
    default_auto_field = "django.db.models.BigAutoField"
    name = "sources"
