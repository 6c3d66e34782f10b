from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the site: staff sign-in devices and database backups. It owns no tables."""

    name = "ops"
    verbose_name = "Operations"
