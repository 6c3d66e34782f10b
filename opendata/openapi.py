"""The OpenAPI 3.1 document of our HSDS API: HSDS 3.0's own, narrowed to the endpoints we serve.

Built from the HSDS schemas shipped in opendata/data/hsds-3.0 (references between schema files
become references to components, so the document stands alone and nothing is fetched from
another host), with our server URL, our parameter limits and our error responses.
"""

import copy
import json
from functools import lru_cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "hsds-3.0"
MAX_PER_PAGE = 100
MAX_MILES = 500


def _local_refs(node):
    """Point "address.json"-style references at components."""
    if isinstance(node, dict):
        return {
            key: f"#/components/schemas/{value.removesuffix('.json')}"
            if key == "$ref" and isinstance(value, str) and value.endswith(".json")
            else _local_refs(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_local_refs(item) for item in node]
    return node


@lru_cache(maxsize=1)
def hsds_schemas():
    return {path.stem: _local_refs(json.loads(path.read_text())) for path in sorted(SCHEMA_DIR.glob("*.json"))}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def parameter(name, description, schema):
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


PAGE = parameter("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": 100_000})
PER_PAGE = parameter(
    "per_page",
    f"Results on a page (at most {MAX_PER_PAGE}, default 50).",
    {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
)
SEARCH = parameter("search", "Words to find in names and descriptions.", {"type": "string", "maxLength": 200})
TERM = parameter(
    "taxonomy_term_id",
    "Only services with this taxonomy term: its id, or its code (e.g. `therapy:dbt`). See /taxonomy_terms.",
    {"type": "string", "maxLength": 100},
)
ORGANIZATION = parameter(
    "organization_id", "Only the services of this organization.", {"type": "string", "format": "uuid"}
)
MODIFIED = parameter(
    "modified_after",
    "Only records changed on or after this time (ISO 8601).",
    {"type": "string", "format": "date-time"},
)
POSTCODE = parameter(
    "postcode",
    "A US ZIP code: with `proximity`, only services with a location that near.",
    {"type": "string", "pattern": r"^\d{5}$"},
)
PROXIMITY = parameter(
    "proximity",
    f"Distance from the ZIP code's centre, in MILES (HSDS says meters; US directories think in miles). "
    f"Default 25, at most {MAX_MILES}. Needs `postcode`.",
    {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_MILES},
)
LIST_FILTERS = [SEARCH, TERM, ORGANIZATION, MODIFIED, POSTCODE, PROXIMITY, PAGE, PER_PAGE]


def json_response(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": json_response("A parameter is not valid; `error` says which and why.", ref("Error")),
    "404": json_response("No published record has this id.", ref("Error")),
}


def page_of(item_schema):
    return {"allOf": [ref("Page")], "properties": {"contents": {"type": "array", "items": item_schema}}}


def list_operation(operation_id, summary, item_schema, parameters):
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": parameters,
            "responses": {"200": json_response(summary, page_of(item_schema)), "400": ERRORS["400"]},
        }
    }


def detail_operation(operation_id, summary, schema):
    return {
        "parameters": [
            {
                "name": "id",
                "in": "path",
                "required": True,
                "description": "The record's id.",
                "schema": {"type": "string", "format": "uuid"},
            }
        ],
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "responses": {"200": json_response(summary, schema), "404": ERRORS["404"]},
        },
    }


@lru_cache(maxsize=1)
def _document():
    schemas = copy.deepcopy(hsds_schemas())
    schemas["Page"] = {
        "type": "object",
        "required": [
            "total_items",
            "total_pages",
            "page_number",
            "size",
            "first_page",
            "last_page",
            "empty",
            "contents",
        ],
        "properties": {
            "total_items": {"type": "integer", "description": "Records matching the request, on every page."},
            "total_pages": {"type": "integer", "description": "Pages at this per_page."},
            "page_number": {"type": "integer", "description": "This page's number."},
            "size": {"type": "integer", "description": "Records on this page."},
            "first_page": {"type": "boolean"},
            "last_page": {"type": "boolean"},
            "empty": {"type": "boolean", "description": "This page has no records."},
            "contents": {"type": "array"},
        },
    }
    schemas["Error"] = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        },
    }
    root_schema = {
        "type": "object",
        "properties": {
            "version": {"type": "string", "description": "HSDS version of this API."},
            "openapi_url": {"type": "string", "format": "uri"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Care directory: Open Referral HSDS 3.0 API",
            "version": "1.0.0",
            "summary": "Published listings of the care directory as HSDS 3.0 services, read-only.",
            "description": "Read-only, no authentication, no cookies. Every response is JSON; errors carry an "
            "`error` message. Lists are paged with HSDS's page envelope. Terms of the directory's filters "
            "(levels of care, therapies, issues, insurance, ages, payment, telehealth) are HSDS taxonomy terms "
            "(see /taxonomy_terms) attached to services as attributes.",
            "license": {
                "name": "HSDS schemas: CC BY-SA 4.0 (Open Referral)",
                "url": "https://creativecommons.org/licenses/by-sa/4.0/",
            },
        },
        "paths": {
            "/": {
                "get": {
                    "operationId": "getAPIMetaInformation",
                    "summary": "About this API and its relationship with HSDS.",
                    "responses": {"200": json_response("About this API.", root_schema)},
                }
            },
            "/services": list_operation(
                "getPaginatedListOfServices",
                "Services (one-to-one fields and organization).",
                ref("service_list"),
                LIST_FILTERS,
            ),
            "/services/{id}": detail_operation("getFullyNestedServiceById", "A fully nested service.", ref("service")),
            "/organizations": list_operation(
                "getPaginatedListOfOrganizations", "Organizations.", ref("organization_list"), [SEARCH, PAGE, PER_PAGE]
            ),
            "/organizations/{id}": detail_operation(
                "getOrganizationById",
                "An organization with its locations, and its services' one-to-one fields.",
                {
                    "allOf": [ref("organization")],
                    "properties": {"services": {"type": "array", "items": ref("service_list")}},
                },
            ),
            "/service_at_locations": list_operation(
                "getPaginatedListOfServiceAtLocations",
                "Services at their physical locations.",
                ref("service_at_location_list"),
                LIST_FILTERS,
            ),
            "/locations/{id}": detail_operation("getLocationById", "A location with its address.", ref("location")),
            "/taxonomy_terms": list_operation(
                "getPaginatedListOfTaxonomyTerms",
                "The directory's taxonomy terms.",
                ref("taxonomy_term"),
                [SEARCH, PAGE, PER_PAGE],
            ),
            "/taxonomy_terms/{id}": detail_operation("getTaxonomyTermById", "A taxonomy term.", ref("taxonomy_term")),
        },
        "components": {"schemas": schemas},
    }


def openapi_document(server_url):
    document = copy.deepcopy(_document())
    document["servers"] = [{"url": server_url}]
    return document
