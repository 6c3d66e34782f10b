"""Open Referral HSDS 3.0: each provider as one service, in the shape of the compiled service schema.

Provider -> organization + service; Location -> location + service_at_location (a remote-only
provider gets one virtual location); languages and the phone number go with the service. Ids are
UUIDs derived from our primary keys, so the same provider exports with the same ids every time.
"""

import uuid

NAMESPACE = uuid.UUID("6f1c1f7e-6a2b-4d8e-9a51-3b7c2f0d9e41")


def stable_id(kind, pk):
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{pk}"))


def provider_to_service(provider):
    organization_id = stable_id("organization", provider.pk)
    service_id = stable_id("service", provider.pk)
    organization = {"id": organization_id, "name": provider.name, "description": provider.description}
    service = {
        "id": service_id,
        "organization_id": organization_id,
        "name": provider.name,
        "description": provider.description,
        "status": "active" if provider.status == provider.Status.PUBLISHED else "inactive",
        "fees_description": ", ".join(filter(None, [provider.fee_range, *provider.payment_options])),
        "organization": organization,
        "languages": [
            {"id": stable_id(f"language:{service_id}", language.pk), "service_id": service_id, "name": language.name}
            for language in provider.languages.all()
        ],
        "phones": [],
        "service_at_locations": [],
    }
    if provider.website:
        organization["website"] = service["url"] = provider.website
    if provider.email:
        organization["email"] = service["email"] = provider.email
    if provider.phone:
        service["phones"].append(
            {"id": stable_id("phone", provider.pk), "service_id": service_id, "number": provider.phone}
        )
    if provider.last_verified:
        service["assured_date"] = provider.last_verified.isoformat()
    locations = list(provider.locations.all())
    for location in locations:
        location_id = stable_id("location", location.pk)
        service["service_at_locations"].append(
            {
                "id": stable_id("service_at_location", location.pk),
                "service_id": service_id,
                "location_id": location_id,
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "organization_id": organization_id,
                    "name": f"{provider.name}, {location.city}",
                    "latitude": location.latitude,
                    "longitude": location.longitude,
                    "addresses": [
                        {
                            "id": stable_id("address", location.pk),
                            "location_id": location_id,
                            "address_1": location.street,
                            "city": location.city,
                            "state_province": location.state,
                            "postal_code": location.zip_code,
                            "country": "US",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        )
    if not locations and provider.telehealth:
        location_id = stable_id("virtual-location", provider.pk)
        service["service_at_locations"].append(
            {
                "id": stable_id("virtual-service_at_location", provider.pk),
                "service_id": service_id,
                "location_id": location_id,
                "location": {
                    "id": location_id,
                    "location_type": "virtual",
                    "organization_id": organization_id,
                    "name": f"{provider.name} (telehealth)",
                    "description": "Remote only"
                    + (f": {', '.join(provider.licensed_states)}" if provider.licensed_states else ""),
                },
            }
        )
    return service
