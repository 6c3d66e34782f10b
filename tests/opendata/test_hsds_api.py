import json
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from directory.models import Location, Provider
from opendata.hsds import location_ids, organization_id, service_id, term_id

pytestmark = pytest.mark.django_db
# The HSDS 3.0 schemas live beside the repository in shared/ (as on every developer machine and CI).
SHARED = Path(__file__).resolve().parents[3] / "shared" / "hsds-3.0"
SHIPPED = Path(__file__).resolve().parents[2] / "directory" / "data" / "hsds-3.0"
API = "/api/hsds"


@pytest.fixture(scope="module")
def compiled():
    if not SHARED.exists():
        pytest.skip(f"HSDS schemas not found at {SHARED}")

    def load(name):
        return json.loads((SHARED / "compiled" / f"{name}.json").read_text())

    service = load("service")
    return {
        "service": service,
        "service_list": load("service_list"),
        "organization": load("organization"),
        "organization_list": load("organization_list"),
        "service_at_location_list": load("service_at_location_list"),
        "location": load("service_at_location")["properties"]["location"],
        "taxonomy_term": service["properties"]["attributes"]["items"]["properties"]["taxonomy_term"],
    }


def validate(schema, document):
    validator = jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())
    validator.validate(document)


def get_json(client, path, status=200, **params):
    response = client.get(f"{API}{path}", params)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def published_with_locations():
    return (
        Provider.objects.published().annotate(n=Count("locations")).filter(n__gt=0).order_by("pk").first()
    )  # fmt: skip


def assert_page_envelope(page, *, total, page_number, size):
    assert page["total_items"] == total
    assert page["page_number"] == page_number
    assert page["size"] == size == len(page["contents"])
    assert page["first_page"] == (page_number == 1)
    assert page["total_pages"] == -(-total // size) if size else True
    assert isinstance(page["last_page"], bool) and isinstance(page["empty"], bool)


def test_the_services_list_is_a_page_of_valid_hsds_services(client, compiled):
    page = get_json(client, "/services", per_page=7)

    assert_page_envelope(page, total=Provider.objects.published().count(), page_number=1, size=7)
    for service in page["contents"]:
        validate(compiled["service_list"], service)


def test_a_service_is_fully_nested_and_valid(client, compiled):
    provider = published_with_locations()

    service = get_json(client, f"/services/{service_id(provider)}")

    validate(compiled["service"], service)
    assert service["name"] == provider.name
    assert service["service_at_locations"][0]["location"]["addresses"]


def test_organizations_list_and_detail_are_valid(client, compiled):
    page = get_json(client, "/organizations", per_page=5)
    for organization in page["contents"]:
        validate(compiled["organization_list"], organization)
    provider = published_with_locations()

    organization = get_json(client, f"/organizations/{organization_id(provider)}")

    validate(compiled["organization"], organization)
    assert organization["services"][0]["id"] == service_id(provider)
    assert organization["locations"]


def test_service_at_locations_list_and_a_location_are_valid(client, compiled):
    page = get_json(client, "/service_at_locations", per_page=5)
    assert page["total_items"] == Location.objects.filter(provider__status="published").count()
    for link in page["contents"]:
        validate(compiled["service_at_location_list"], link)

    location = get_json(client, f"/locations/{page['contents'][0]['location_id']}")

    validate(compiled["location"], location)


def test_a_remote_only_providers_virtual_location_can_be_fetched(client, compiled):
    remote = Provider.objects.published().filter(telehealth=True, locations__isnull=True).first()
    service = get_json(client, f"/services/{service_id(remote)}")
    [link] = service["service_at_locations"]

    location = get_json(client, f"/locations/{link['location_id']}")

    validate(compiled["location"], location)
    assert location["location_type"] == "virtual"


def test_taxonomy_terms_are_listed_and_valid(client, compiled):
    page = get_json(client, "/taxonomy_terms", per_page=100)
    codes = {term["code"] for term in page["contents"]}
    for term in page["contents"]:
        validate(compiled["taxonomy_term"], term)
    assert {"therapy:dbt", "level:outpatient", "age:teens", "payment:medicaid", "feature:telehealth"} <= codes

    term = get_json(client, f"/taxonomy_terms/{term_id('therapy:dbt')}")

    assert term["code"] == "therapy:dbt"


def test_services_carry_the_directorys_filters_as_attributes(client):
    provider = Provider.objects.published().filter(therapies__slug="dbt").first()

    service = get_json(client, f"/services/{service_id(provider)}")

    codes = {attribute["taxonomy_term"]["code"] for attribute in service["attributes"]}
    assert "therapy:dbt" in codes
    assert f"kind:{provider.kind}" in codes


@pytest.mark.parametrize("value", [term_id("therapy:dbt"), "therapy:dbt"])
def test_taxonomy_term_id_filters_services(client, value):
    page = get_json(client, "/services", taxonomy_term_id=value, per_page=100)

    expected = Provider.objects.published().filter(therapies__slug="dbt").count()
    assert page["total_items"] == expected > 0


def test_age_and_feature_terms_filter_services_too(client):
    page = get_json(client, "/services", taxonomy_term_id="age:teens", per_page=100)
    assert page["total_items"] == Provider.objects.published().filter(serves_teens=True).count()

    page = get_json(client, "/services", taxonomy_term_id="feature:telehealth", per_page=100)
    assert page["total_items"] == Provider.objects.published().filter(telehealth=True).count()


def test_postcode_and_proximity_in_miles_find_nearby_services(client):
    near = get_json(client, "/services", postcode="60601", proximity=10, per_page=100)
    wider = get_json(client, "/services", postcode="60601", proximity=500, per_page=100)

    names = {service["name"] for service in near["contents"]}
    assert names and all(
        Location.objects.filter(provider__name=name, city__in=["Chicago", "Oak Park", "Evanston"]).exists()
        for name in names
    )
    assert wider["total_items"] > near["total_items"]


def test_search_finds_services_by_word(client):
    provider = Provider.objects.published().first()

    page = get_json(client, "/services", search=provider.name.split()[0], per_page=100)

    assert provider.name in {service["name"] for service in page["contents"]}


def test_modified_after_leaves_out_older_listings(client):
    recent = Provider.objects.published().first()
    Provider.objects.exclude(pk=recent.pk).update(updated_at=timezone.now() - timedelta(days=30))
    since = (timezone.now() - timedelta(days=1)).isoformat()

    page = get_json(client, "/services", modified_after=since)

    assert [service["name"] for service in page["contents"]] == [recent.name]


def test_modified_after_takes_any_utc_offset(client):
    page = get_json(client, "/services", modified_after="2001-04-14T09:51:39-18:34")

    assert page["total_items"] == Provider.objects.published().count()


def test_a_page_past_the_end_is_empty(client):
    page = get_json(client, "/services", page=999)

    assert page["empty"] is True and page["contents"] == [] and page["last_page"] is True


@pytest.mark.parametrize("status", [Provider.Status.HIDDEN, Provider.Status.PENDING])
def test_listings_that_are_not_published_are_not_found(client, status):
    provider = published_with_locations()
    location = provider.locations.first()
    Provider.objects.filter(pk=provider.pk).update(status=status)
    links = get_json(client, "/service_at_locations", per_page=100)["contents"]

    assert "error" in get_json(client, f"/services/{service_id(provider)}", status=404)
    get_json(client, f"/organizations/{organization_id(provider)}", status=404)
    assert location_ids(location)[0] not in {link["location_id"] for link in links}
    page = get_json(client, "/services", per_page=100)
    assert provider.name not in {service["name"] for service in page["contents"]}


@pytest.mark.parametrize("path", ["/services/not-a-uuid", "/locations/00000000-0000-4000-8000-000000000000"])
def test_unknown_ids_get_a_json_404(client, path):
    assert get_json(client, path, status=404)["error"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"per_page": 1000}, "per_page"),
        ({"page": "two"}, "page"),
        ({"postcode": "00000"}, "postcode"),
        ({"proximity": 10}, "proximity"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"taxonomy_term_id": "therapy:astrology"}, "taxonomy_term_id"),
    ],
)
def test_bad_parameters_get_a_json_400_that_says_what_is_wrong(client, params, field):
    body = get_json(client, "/services", status=400, **params)

    assert field in body["fields"]
    assert field in body["error"]


def test_the_api_is_read_only(client):
    response = client.post(f"{API}/services", {"name": "x"})

    assert response.status_code == 405
    assert response.json()["error"]
    assert response["Allow"] == "GET, HEAD"


def test_responses_are_cacheable_by_anyone_and_set_no_cookies(client):
    response = client.get(f"{API}/services")

    assert response["Cache-Control"] == "public, max-age=300"
    assert not response.cookies


@pytest.mark.parametrize("path", ["/services", "/service_at_locations", "/organizations"])
def test_lists_take_the_same_number_of_queries_whatever_the_page_size(client, django_assert_num_queries, path):
    with CaptureQueriesContext(connection) as small:
        client.get(f"{API}{path}", {"per_page": 2})
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(f"{API}{path}", {"per_page": 30})


def test_the_openapi_document_names_this_server_and_ships_the_upstream_schemas(client):
    document = get_json(client, "/openapi.json")

    assert document["servers"] == [{"url": "http://testserver/api/hsds"}]
    assert "/services/{id}" in document["paths"]
    if SHARED.exists():
        for shipped in SHIPPED.glob("*.json"):
            upstream = SHARED / shipped.name
            if not upstream.exists():
                upstream = SHARED / "compiled" / shipped.name
            assert json.loads(shipped.read_text()) == json.loads(upstream.read_text()), shipped.name


# Property-based: schemathesis generates requests from the OpenAPI document and checks every response.


RESPONSE_CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def connections_outlive_requests():
    """As Django's test client arranges: the test's transaction must survive the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_api_conforms_to_its_openapi_document(connections_outlive_requests):
    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 9

    for operation in operations:

        @given(case=operation.as_strategy())
        # Derandomized: the same examples every run, so the suite never fails by chance.
        @settings(
            max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True
        )
        def conforms(case):
            # The WSGI client does not undo gzip, which readers' pages (and so the API) get when they ask.
            case.call_and_validate(checks=RESPONSE_CHECKS, headers={"Accept-Encoding": "identity"})

        conforms()
