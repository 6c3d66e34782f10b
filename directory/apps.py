from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Find care: directory"

    def ready(self):
        from . import signals  # noqa: F401
