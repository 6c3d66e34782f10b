"""Display logic for providers that templates should not carry."""

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
        "isAcceptingNewPatients": provider.accepting_new_clients,
        "availableLanguage": [language.name for language in provider.languages.all()],
    }
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


SELECT_FILTERS = ["level", "therapy", "issue", "age", "payment", "insurance", "language"]


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
