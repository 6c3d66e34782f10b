import pytest
from django.core.management import call_command

from tests.helpers import DATA_COMMANDS


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the curated data a newcomer sees after `make run`."""
    with django_db_blocker.unblock():
        for command in DATA_COMMANDS:
            call_command(command, verbosity=0)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
