"""The card texts of search results: where a provider is, and how to pay."""

from django.utils import translation

from directory.models import Location, Provider
from directory.presenters import payment, whereabouts


def provider_with(insurers=0, locations=(), **fields):
    provider = Provider(name="Test", **fields)
    provider.card = {"insurers": ["Insurer"] * insurers, "locations": list(locations)}
    provider.nearest_location, provider.distance = None, None
    return provider


def test_payment_names_insurers_then_other_ways_to_pay_then_fees():
    provider = provider_with(insurers=2, accepts_medicaid=True, sliding_scale=True, fee_min=40, fee_max=120)
    assert payment(provider) == "2 insurers; Medicaid, Sliding scale · $40–$120 a session"


def test_payment_with_insurers_alone_says_only_how_many():
    assert payment(provider_with(insurers=1)) == "1 insurer"


def test_payment_with_nothing_known_says_to_ask():
    assert payment(provider_with()) == "Ask the provider"
    with translation.override("es"):
        assert payment(provider_with()) != "Ask the provider"


def test_whereabouts_prefers_the_nearest_location_in_reach():
    chicago = Location(city="Chicago", state="IL", latitude=41.88, longitude=-87.63, approximate=False)
    evanston = Location(city="Evanston", state="IL", latitude=42.05, longitude=-87.68, approximate=False)
    provider = provider_with(locations=[evanston, chicago])
    assert whereabouts(provider) == "Evanston, IL"
    provider.nearest_location, provider.distance = chicago, 2.345
    assert whereabouts(provider) == "Chicago, IL · 2.3 mi"


def test_a_location_placed_at_its_zip_codes_centre_is_about_so_far():
    chicago = Location(city="Chicago", state="IL", latitude=41.88, longitude=-87.63, approximate=True)
    provider = provider_with(locations=[chicago])
    provider.nearest_location, provider.distance = chicago, 2.345
    assert whereabouts(provider) == "Chicago, IL · about 2 mi"


def test_whereabouts_of_a_remote_provider_names_its_states():
    assert whereabouts(provider_with(telehealth_states="or; wa")) == "Remote only · licensed in OR, WA"
    assert whereabouts(provider_with()) == "Remote only"
