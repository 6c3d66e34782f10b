import pytest

from directory.geo import GreatCircleMiles, bounding_box, great_circle_miles, locate
from directory.models import Location


@pytest.mark.parametrize(
    "a, b, miles",
    [
        # Great-circle distances between city-centre coordinates, to within 1%.
        ((40.7128, -74.0060), (34.0522, -118.2437), 2445),  # New York to Los Angeles
        ((41.8781, -87.6298), (42.3601, -71.0589), 851),  # Chicago to Boston
        ((51.5074, -0.1278), (48.8566, 2.3522), 214),  # London to Paris
        ((47.6062, -122.3321), (45.5152, -122.6784), 145),  # Seattle to Portland
    ],
)
def test_distance_between_known_city_pairs(a, b, miles):
    assert great_circle_miles(*a, *b) == pytest.approx(miles, rel=0.01)


def test_distance_from_a_place_to_itself_is_zero():
    assert great_circle_miles(41.0, -87.0, 41.0, -87.0) == 0


def test_the_bounding_box_contains_every_point_within_the_radius():
    lat, lng, miles = 47.6, -122.3, 50
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, miles)
    for bearing_lat, bearing_lng in [(1, 0), (-1, 0), (0, 1), (0, -1), (0.7, 0.7), (-0.7, -0.7)]:
        step = 0.001
        point = (lat, lng)
        while great_circle_miles(lat, lng, *point) < miles:
            point = (point[0] + bearing_lat * step, point[1] + bearing_lng * step)
        inside = (point[0] - bearing_lat * step, point[1] - bearing_lng * step)
        assert min_lat <= inside[0] <= max_lat and min_lng <= inside[1] <= max_lng


@pytest.mark.parametrize(
    "text, state",
    [
        ("60601", "IL"),
        ("90012-1234", "CA"),
        ("Chicago, IL", "IL"),
        ("los angeles, ca", "CA"),
        ("  Seattle ,  WA ", "WA"),
    ],
)
def test_a_zip_or_city_and_state_is_located(text, state):
    place = locate(text)
    assert place is not None and place.state == state


def test_los_angeles_is_placed_in_los_angeles_not_at_a_misplaced_record():
    place = locate("Los Angeles, CA")
    assert great_circle_miles(place.latitude, place.longitude, 34.0522, -118.2437) < 10


@pytest.mark.parametrize("text", ["00000", "99999", "Springfield", "Nowhere, ZZ", "1234", "", "60601; DROP TABLE"])
def test_unknown_places_are_not_located(text):
    assert locate(text) is None


@pytest.mark.django_db
def test_the_database_measures_distance_as_python_does():
    origin = (40.7128, -74.0060)
    locations = list(Location.objects.annotate(miles=GreatCircleMiles(*origin))[:20])
    assert locations
    for location in locations:
        expected = great_circle_miles(*origin, location.latitude, location.longitude)
        assert location.miles == pytest.approx(expected, abs=1e-6)
