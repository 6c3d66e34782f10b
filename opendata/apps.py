from django.apps import AppConfig


class OpendataConfig(AppConfig):
    """Open data in and out: the HSDS 3.0 API, HSDS import and export, the SAMHSA directory import.

    It depends on the directory (its one writer of providers and its search) and owns no tables.
    """

    name = "opendata"
    verbose_name = "Open data"
