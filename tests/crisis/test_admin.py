from datetime import timedelta

import pytest
from django.utils import timezone

from crisis.models import CrisisResource

pytestmark = pytest.mark.django_db


def test_resources_not_verified_for_six_months_are_flagged(admin_client):
    CrisisResource.objects.filter(slug="crisis-text-line").update(
        verified_on=timezone.localdate() - timedelta(days=200)
    )
    response = admin_client.get("/admin/crisis/crisisresource/?verification=stale")
    html = response.content.decode()
    assert "Crisis Text Line" in html
    assert "The Trevor Project" not in html


def test_seeded_resources_record_their_source_and_verification_date():
    for resource in CrisisResource.objects.all():
        assert resource.source_url.startswith("https://")
        assert resource.verified_on is not None
