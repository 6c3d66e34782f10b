"""Display logic for providers that templates should not carry."""

from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from content.presenters import json_ld


def provider_json_ld(provider, request):
    """schema.org data for search engines, safe to place inside <script type="application/ld+json">."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalBusiness",
        "name": provider.name,
        "description": provider.description,
        "url": request.build_absolute_uri(provider.get_absolute_url()),
        "medicalSpecialty": "Psychiatric",
        "availableLanguage": [language.name for language in provider.languages.all()],
    }
    if provider.accepting_new_clients is not None:
        data["isAcceptingNewPatients"] = provider.accepting_new_clients
    if provider.phone:
        data["telephone"] = provider.phone
    if provider.email:
        data["email"] = provider.email
    locations = list(provider.locations.all())
    if locations:
        data["address"] = [
            {
                "@type": "PostalAddress",
                "streetAddress": location.street,
                "addressLocality": location.city,
                "addressRegion": location.state,
                "postalCode": location.zip_code,
                "addressCountry": "US",
            }
            for location in locations
        ]
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": locations[0].latitude,
            "longitude": locations[0].longitude,
        }
    return json_ld(data)


SELECT_FILTERS = ["level", "therapy", "issue", "age", "payment", "insurance", "language", "crisis"]


def filter_fields(form, facets):
    """The search form's filter menus, each option labelled with how many results it would give.

    `facets` is None when the search covers too many listings to count each option: menus then show no counts.
    """
    fields = []
    for name in SELECT_FILTERS:
        bound = form[name]
        current = str(bound.value() or "")
        counts = facets.get(name, {}) if facets is not None else None
        options = []
        for value, label in form.fields[name].choices:
            if value and counts is not None:
                # Joined here, not in the template: this loop runs for every option of every menu.
                label = f"{label} ({counts.get(value, 0)})"
            options.append({"value": value, "label": label, "selected": value == current})
        fields.append(
            {"name": name, "label": bound.label, "id": bound.id_for_label, "errors": bound.errors, "options": options}
        )
    return fields


def cards_for(providers):
    """What each search result's card shows, as ready strings, for the providers of a page of results.

    A page of results has ten cards, each of some twenty facts: worked out here, the template's nodes and
    filters no longer run for each fact of each card, which made the cards half of the page's rendering.
    """
    return [result_card(provider) for provider in providers]


def result_card(provider):
    card = provider.card
    return {
        "url": provider.get_absolute_url(),
        "name": provider.name,
        "credentials": card["credentials"],
        "is_sample": provider.is_sample,
        "kind": provider.get_kind_display(),
        "accepting": provider.accepting_new_clients,
        "whereabouts": whereabouts(provider),
        "telehealth": provider.telehealth,
        "summary": Truncator(provider.description).words(30, truncate=" …"),
        "issues": ", ".join(card["specialties"]),
        "crisis": ", ".join(gettext(service) for service in provider.crisis_services),
        "levels": ", ".join(card["levels"]),
        "therapies": ", ".join(card["therapies"]),
        "payment": payment(provider),
        "stale": provider.is_stale,
        "reported": provider.problem_reported,
        "verified": date_format(provider.last_verified, "F j, Y") if provider.last_verified else "",
    }


def whereabouts(provider):
    """The nearest location in reach and how far, else where the provider works from."""
    if provider.nearest_location:
        if provider.nearest_location.approximate:
            # Placed at its ZIP code's centre: a tenth of a mile would claim more than we know.
            distance = gettext("about %(miles)s mi") % {"miles": floatformat(provider.distance, 0)}
        else:
            distance = f"{floatformat(provider.distance, 1)} mi"
        return f"{provider.nearest_location.city_state} · {distance}"
    locations = provider.card["locations"]
    if locations:
        return locations[0].city_state
    if provider.licensed_states:
        return f"{gettext('Remote only')} · {gettext('licensed in')} {', '.join(provider.licensed_states)}"
    return gettext("Remote only")


def payment(provider):
    """How many insurers the provider takes, and its other ways to pay (or to ask), with its fees."""
    insurers = len(provider.card["insurers"])
    options = ", ".join(gettext(option) for option in provider.payment_options)
    text = options or gettext("Ask the provider")
    if insurers:
        counted = ngettext("%(counter)s insurer", "%(counter)s insurers", insurers) % {"counter": insurers}
        text = f"{counted}; {options}" if options else counted
    if provider.fee_range:
        text += f" · {provider.fee_range}"
    return text
