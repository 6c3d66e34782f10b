"""Open Referral HSDS 3.0: each provider as one service, in the shape of the compiled service schema.

Provider -> organization + service; Location -> location + service_at_location (a remote-only
provider gets one virtual location); languages, the phone number, fees, telehealth states and the
directory's filters (as taxonomy terms in attributes) go with the service.

Ids: a listing imported from HSDS keeps its source's ids (`hsds:<id>` in `external_id`); our own
listings get UUIDs that carry their primary key, so the API can find a record from its id. Ids of
the records that hang off a service or location are derived from that id, never from our primary
keys, so exporting, importing elsewhere and exporting again gives the same ids.
"""

import uuid

from django.conf import settings
from django.db.models import Q

from content.models import Page
from directory.models import (
    CHOICE_FILTERS,
    Insurer,
    Location,
    Provider,
    Specialty,
    VerifiedBy,
)

NAMESPACE = uuid.UUID("6f1c1f7e-6a2b-4d8e-9a51-3b7c2f0d9e41")
EXTERNAL_PREFIX = "hsds:"
# Our own ids: a fixed prefix, then the primary key as 12 hexadecimal digits.
OWN_PREFIXES = {"service": "6f1c1f7e-6a2b-4d8e-9a51-", "location": "6f1c1f7e-6a2b-4d8e-9a52-"}
# The version and variant bits of a UUID, which a derived id must keep.
_FIXED_BITS = (0xF << 76) | (0x3 << 62)
_ALL_BITS = (1 << 128) - 1

TAXONOMY_ID = str(uuid.uuid5(NAMESPACE, "taxonomy"))
TAXONOMY_NAME = "Self-harm help directory filters"
TERM_GROUPS = {
    "kind": "Kind of provider",
    "level": "Level of care",
    "therapy": "Therapy",
    "issue": "Issue treated",
    "insurance": "Insurance accepted",
    "age": "Age group",
    "payment": "Payment option",
    "crisis": "Crisis care",
    "feature": "How care is offered",
}
FEATURES = {
    "telehealth": ("Offers telehealth", "telehealth"),
    "in_person": ("Sees people in person", "in_person"),
    "accepting": ("Accepting new clients", "accepting_new_clients"),
}
FEE_OPTIONS = {"fee_min": "Lowest fee per session", "fee_max": "Highest fee per session"}


def stable_id(kind, key):
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def own_id(kind, pk):
    return f"{OWN_PREFIXES[kind]}{pk:012x}"


def own_pk(kind, hsds_id):
    """The primary key inside one of our own ids, or None."""
    prefix = OWN_PREFIXES[kind]
    rest = (hsds_id or "").lower()[len(prefix) :]
    if (hsds_id or "").lower().startswith(prefix) and len(rest) == 12:
        try:
            return int(rest, 16)
        except ValueError:
            return None
    return None


def derived_id(hsds_id, kind):
    """The id of a record that exists once per service (its organization, its virtual location).

    A reversible mix of the service's id: applying it again gives the service's id back, so
    /organizations/{id} can find its provider without a stored column.
    """
    mask = uuid.uuid5(NAMESPACE, kind).int & (_ALL_BITS ^ _FIXED_BITS)
    return str(uuid.UUID(int=uuid.UUID(hsds_id).int ^ mask))


def parse_uuid(value):
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        return None


def service_id(provider):
    if provider.external_id and provider.external_id.startswith(EXTERNAL_PREFIX):
        return provider.external_id[len(EXTERNAL_PREFIX) :]
    return own_id("service", provider.pk)


def organization_id(provider):
    return derived_id(service_id(provider), "organization")


def location_ids(location):
    """(location id, service_at_location id) of a physical location."""
    if location.external_id and location.external_id.startswith(EXTERNAL_PREFIX):
        location_part, _, link_part = location.external_id[len(EXTERNAL_PREFIX) :].partition("/")
        return location_part, link_part or stable_id("service_at_location", location_part)
    location_part = own_id("location", location.pk)
    return location_part, stable_id("service_at_location", location_part)


def with_id(providers, hsds_id):
    """Providers whose service id is `hsds_id`: imported ones by their source id, ours by primary key."""
    hsds_id = parse_uuid(hsds_id)
    if hsds_id is None:
        return providers.none()
    match = Q(external_id=EXTERNAL_PREFIX + hsds_id)
    pk = own_pk("service", hsds_id)
    if pk is not None:
        match |= Q(pk=pk) & ~Q(external_id__startswith=EXTERNAL_PREFIX)
    return providers.filter(match)


def locations_with_id(locations, hsds_id):
    hsds_id = parse_uuid(hsds_id)
    if hsds_id is None:
        return locations.none()
    match = Q(external_id__startswith=f"{EXTERNAL_PREFIX}{hsds_id}/")
    pk = own_pk("location", hsds_id)
    if pk is not None:
        match |= Q(pk=pk) & ~Q(external_id__startswith=EXTERNAL_PREFIX)
    return locations.filter(match)


def for_export(providers):
    """The related rows the service document reads, fetched in a fixed number of queries."""
    return providers.prefetch_related(
        "languages", "locations", "credentials", "levels", "therapies", "specialties", "insurers"
    )


# Taxonomy: the directory's filters as HSDS taxonomy terms, with ids derived from their codes.


def taxonomy():
    return {
        "id": TAXONOMY_ID,
        "name": TAXONOMY_NAME,
        "description": f"The filters of the {settings.SITE_NAME} care directory: kinds of provider, levels of "
        "care, therapies, issues treated, insurance, age groups, payment options and how care is offered.",
        "version": "1",
    }


def term_id(code):
    return stable_id("taxonomy_term", code)


def term(group, value, name):
    code = f"{group}:{value}"
    return {
        "id": term_id(code),
        "code": code,
        "name": name,
        "description": f"{TERM_GROUPS[group]}: {name}",
        "parent_id": term_id(group),
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": TAXONOMY_ID,
    }


def group_term(group):
    return {
        "id": term_id(group),
        "code": group,
        "name": TERM_GROUPS[group],
        "description": f"{TERM_GROUPS[group]} (a group of terms)",
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": TAXONOMY_ID,
    }


def all_terms():
    """Every term, grouped: a few small queries (levels, therapies, issues, insurers)."""
    pages = Page.objects.published().order_by("title")
    terms = [group_term(group) for group in TERM_GROUPS]
    terms += [term("kind", value, label) for value, label in Provider.Kind.choices]
    terms += [
        term("level", slug, title)
        for slug, title in pages.filter(level_facts__isnull=False).values_list("slug", "title")
    ]
    terms += [
        term("therapy", slug, title) for slug, title in pages.of_kind(Page.Kind.THERAPY).values_list("slug", "title")
    ]
    terms += [term("issue", slug, name) for slug, name in Specialty.objects.values_list("slug", "name")]
    terms += [term("insurance", slug, name) for slug, name in Insurer.objects.values_list("slug", "name")]
    for group, (choices, _) in CHOICE_FILTERS.items():
        terms += [term(group, value, label) for value, label in choices]
    terms += [term("feature", value, label) for value, (label, _) in FEATURES.items()]
    return terms


def provider_terms(provider):
    """The terms that describe one provider, from its prefetched relations."""
    terms = [term("kind", provider.kind, provider.get_kind_display())]
    terms += [term("level", page.slug, page.title) for page in provider.levels.all()]
    terms += [term("therapy", page.slug, page.title) for page in provider.therapies.all()]
    terms += [term("issue", specialty.slug, specialty.name) for specialty in provider.specialties.all()]
    terms += [term("insurance", insurer.slug, insurer.name) for insurer in provider.insurers.all()]
    for group, (choices, fields) in CHOICE_FILTERS.items():
        terms += [term(group, value, label) for value, label in choices if getattr(provider, fields[value])]
    terms += [term("feature", value, label) for value, (label, field) in FEATURES.items() if getattr(provider, field)]
    return terms


# Documents


def provider_to_organization(provider):
    organization = {"id": organization_id(provider), "name": provider.name, "description": provider.description}
    if provider.website:
        organization["website"] = provider.website
    if provider.email:
        organization["email"] = provider.email
    return organization


def provider_to_summary(provider):
    """The one-to-one fields of a service (the compiled service_list schema), for paged lists."""
    service = {
        "id": service_id(provider),
        "organization_id": organization_id(provider),
        "name": provider.name,
        "description": provider.description,
        "status": "active" if provider.status == Provider.Status.PUBLISHED else "inactive",
        "fees_description": ", ".join(filter(None, [provider.fee_range, *provider.payment_options])),
        "last_modified": provider.updated_at.isoformat(),
    }
    if provider.website:
        service["url"] = provider.website
    if provider.email:
        service["email"] = provider.email
    if provider.last_verified:
        service["assured_date"] = provider.last_verified.isoformat()
    licenses = ", ".join(credential.abbreviation for credential in provider.credentials.all())
    if licenses:
        service["licenses"] = licenses
    return service


def location_to_hsds(location, provider):
    location_id, _ = location_ids(location)
    return {
        "id": location_id,
        "location_type": "physical",
        "organization_id": organization_id(provider),
        "name": f"{provider.name}, {location.city}",
        "latitude": location.latitude,
        "longitude": location.longitude,
        "addresses": [
            {
                "id": stable_id("address", location_id),
                "location_id": location_id,
                "address_1": location.street,
                "city": location.city,
                "state_province": location.state,
                "postal_code": location.zip_code,
                "country": "US",
                "address_type": "physical",
            }
        ],
    }


def virtual_location(provider):
    states = provider.licensed_states
    return {
        "id": derived_id(service_id(provider), "virtual_location"),
        "location_type": "virtual",
        "organization_id": organization_id(provider),
        "name": f"{provider.name} (telehealth)",
        "description": "Remote only" + (f": {', '.join(states)}" if states else ""),
    }


def service_locations(provider):
    """[(service_at_location id, location document)] for a provider: its places, or one virtual location."""
    locations = list(provider.locations.all())
    if locations:
        return [(location_ids(location)[1], location_to_hsds(location, provider)) for location in locations]
    if provider.telehealth:
        return [(derived_id(service_id(provider), "virtual_service_at_location"), virtual_location(provider))]
    return []


def provider_to_service(provider):
    sid = service_id(provider)
    service = provider_to_summary(provider)
    service["organization"] = provider_to_organization(provider)
    service["languages"] = [
        {"id": stable_id(f"language:{sid}", language.name), "service_id": sid, "name": language.name}
        for language in provider.languages.all()
    ]
    service["phones"] = []
    if provider.phone:
        service["phones"].append({"id": stable_id("phone", sid), "service_id": sid, "number": provider.phone})
    service["service_areas"] = [
        {"id": stable_id(f"service_area:{sid}", state), "service_id": sid, "name": state, "description": "Telehealth"}
        for state in provider.licensed_states
    ]
    service["cost_options"] = [
        {
            "id": stable_id(f"cost_option:{sid}", field),
            "service_id": sid,
            "option": option,
            "currency": "USD",
            "amount": getattr(provider, field),
        }
        for field, option in FEE_OPTIONS.items()
        if getattr(provider, field) is not None
    ]
    service["attributes"] = [
        {
            "id": stable_id(f"attribute:{sid}", term_["code"]),
            "link_id": sid,
            "link_type": "service",
            "link_entity": "service",
            "taxonomy_term_id": term_["id"],
            "taxonomy_term": term_,
        }
        for term_ in provider_terms(provider)
    ]
    service["service_at_locations"] = [
        {"id": link_id, "service_id": sid, "location_id": location["id"], "location": location}
        for link_id, location in service_locations(provider)
    ]
    if provider.last_verified:
        service["metadata"] = [verification_metadata(provider, sid)]
    return service


# Who verified a listing, for HSDS metadata's updated_by (decision 013).
VERIFIED_BY = {
    VerifiedBy.PROVIDER: "the provider, by a confirm-your-listing link",
    VerifiedBy.PHONE: "a moderator, by phone",
    VerifiedBy.ADMIN: "a moderator",
}


def verification_metadata(provider, sid):
    """How `assured_date` was last set: HSDS 3.0 metadata of the service's last verification."""
    if provider.verified_by == VerifiedBy.IMPORT:
        updated_by = f"import: {provider.source}" if provider.source else "import"
    else:
        updated_by = VERIFIED_BY.get(provider.verified_by, "not recorded")
    return {
        "id": stable_id(f"metadata:{sid}", "assured_date"),
        "resource_id": sid,
        "resource_type": "service",
        "last_action_date": provider.last_verified.isoformat(),
        "last_action_type": "verified",
        "field_name": "assured_date",
        "previous_value": "",
        "replacement_value": provider.last_verified.isoformat(),
        "updated_by": updated_by,
    }


def location_to_link(location):
    """A service_at_location with its location and service summary (the compiled list schema)."""
    provider = location.provider
    location_id, link_id = location_ids(location)
    document = location_to_hsds(location, provider)
    document.pop("addresses")
    return {
        "id": link_id,
        "service_id": service_id(provider),
        "location_id": location_id,
        "location": document,
        "service": provider_to_summary(provider),
    }


def published_locations():
    return Location.objects.filter(provider__status=Provider.Status.PUBLISHED)
