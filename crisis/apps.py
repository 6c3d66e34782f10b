from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "crisis"
    verbose_name = "Crisis resources"

    def ready(self):
        from . import signals  # noqa: F401
