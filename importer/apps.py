from django.apps import AppConfig


class ImporterConfig(AppConfig):
    verbose_name = "import of source documents"
    name = "importer"
