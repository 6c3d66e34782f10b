import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command

from directory.models import Provider

pytestmark = pytest.mark.django_db
# The HSDS 3.0 schemas live beside the repository in shared/ (as on every developer machine and CI).
SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "hsds-3.0" / "compiled" / "service.json"


@pytest.fixture(scope="module")
def schema():
    if not SCHEMA.exists():
        pytest.skip(f"HSDS schema not found at {SCHEMA}")
    return json.loads(SCHEMA.read_text())


def exported():
    out = io.StringIO()
    call_command("export_hsds", stdout=out)
    return json.loads(out.getvalue())


def validator_for(schema):
    return jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())


def test_every_published_provider_exports_as_a_valid_hsds_service(schema):
    services = exported()
    assert len(services) == Provider.objects.published().count()
    validator = validator_for(schema)
    for service in services:
        validator.validate(service)


@pytest.mark.parametrize(
    "break_it",
    [
        lambda s: s.update(status="open"),
        lambda s: s.pop("name"),
        lambda s: s["service_at_locations"].append({"location": {"id": "x", "location_type": "moon"}}),
    ],
)
def test_the_schema_check_catches_an_invalid_service(schema, break_it):
    service = exported()[0]
    break_it(service)
    with pytest.raises(jsonschema.ValidationError):
        validator_for(schema).validate(service)


def test_remote_only_providers_export_a_virtual_location(schema):
    services = {service["name"]: service for service in exported()}
    remote = Provider.objects.published().filter(locations__isnull=True).first()
    [link] = services[remote.name]["service_at_locations"]
    assert link["location"]["location_type"] == "virtual"


def test_ids_are_stable_between_exports():
    assert exported() == exported()
