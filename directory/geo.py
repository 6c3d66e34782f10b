"""Where a searched place is, and how far apart two places are.

ZIP and city coordinates come offline from the `zipcodes` package's bundled data (GeoNames, CC BY 4.0),
so no search ever leaves the server. Coordinates there are strings.
"""

import math
import re
import statistics
from dataclasses import dataclass
from functools import lru_cache

import zipcodes
from django.db.models import F, FloatField, Func

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LATITUDE = 69.0
ZIP_PATTERN = re.compile(r"^(\d{5})(?:-\d{4})?$")
CITY_STATE_PATTERN = re.compile(r"^(?P<city>[A-Za-z .'-]+?)\s*,\s*(?P<state>[A-Za-z]{2})$")


@dataclass(frozen=True)
class Place:
    label: str
    state: str
    latitude: float
    longitude: float


@lru_cache(maxsize=1)
def _index():
    by_zip, by_city = {}, {}
    for record in zipcodes.list_all():
        try:
            point = (float(record["lat"]), float(record["long"]))
        except (KeyError, TypeError, ValueError):
            continue
        if point == (0.0, 0.0):  # a few PO-box records carry no real position
            continue
        by_zip[record["zip_code"]] = (record["city"], record["state"], point)
        by_city.setdefault((record["city"].lower(), record["state"]), []).append(point)
    return by_zip, by_city


def locate(text):
    """A Place for a US ZIP ("60601") or "City, ST" ("Chicago, IL"); None when unknown."""
    text = " ".join((text or "").split())
    by_zip, by_city = _index()
    zip_match = ZIP_PATTERN.match(text)
    if zip_match:
        found = by_zip.get(zip_match.group(1))
        if not found:
            return None
        city, state, (lat, lng) = found
        return Place(f"{zip_match.group(1)} ({city.title()}, {state})", state, lat, lng)
    city_match = CITY_STATE_PATTERN.match(text)
    if city_match:
        city, state = city_match.group("city").strip(), city_match.group("state").upper()
        points = by_city.get((city.lower(), state))
        if not points:
            return None
        # The median resists the odd misplaced record better than the mean.
        lat = statistics.median(p[0] for p in points)
        lng = statistics.median(p[1] for p in points)
        return Place(f"{city.title()}, {state}", state, lat, lng)
    return None


def great_circle_miles(lat1, lng1, lat2, lng2):
    """Haversine distance in miles."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat, lng, miles):
    """(min_lat, max_lat, min_lng, max_lng) that contains every point within `miles` of (lat, lng)."""
    d_lat = miles / MILES_PER_DEGREE_LATITUDE
    # Longitude degrees shrink towards the poles; use the widest latitude in the box.
    widest = min(89.0, abs(lat) + d_lat)
    d_lng = miles / (MILES_PER_DEGREE_LATITUDE * math.cos(math.radians(widest)))
    return lat - d_lat, lat + d_lat, lng - d_lng, lng + d_lng


class GreatCircleMiles(Func):
    """The haversine distance in miles from a fixed point to the row's coordinates, as one SQL expression.

    The same formula as great_circle_miles, so the database and Python agree on who is within reach.
    Written as one template rather than nested Django functions: building a dozen nested expressions
    cost several milliseconds of every search that has a place.
    """

    output_field = FloatField()
    template = (
        "%(diameter)r * ASIN(%(least)s(1.0, SQRT("
        "POWER(SIN((RADIANS(%(latitude)s) - %(phi)r) / 2), 2) "
        "+ %(cos_phi)r * COS(RADIANS(%(latitude)s)) * POWER(SIN((RADIANS(%(longitude)s) - %(lambda_)r) / 2), 2))))"
    )

    def __init__(self, lat, lng, lat_field="latitude", lng_field="longitude"):
        super().__init__(F(lat_field), F(lng_field))
        self.point = {
            "diameter": 2 * EARTH_RADIUS_MILES,
            "phi": math.radians(lat),
            "cos_phi": math.cos(math.radians(lat)),
            "lambda_": math.radians(lng),
        }

    def as_sql(self, compiler, connection, **extra_context):
        (latitude, lat_params), (longitude, lng_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return self.sql(latitude, longitude, connection), [*lat_params, *lat_params, *lng_params]

    def sql(self, latitude, longitude, connection):
        """The expression over two columns (or any SQL), in the order the template names them."""
        # SQLite has no LEAST; its two-argument MIN is the same.
        least = "MIN" if connection.vendor == "sqlite" else "LEAST"
        return self.template % {"latitude": latitude, "longitude": longitude, "least": least, **self.point}
