import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from directory.models import Provider, Suggestion

pytestmark = pytest.mark.django_db


def post_action(admin_client, model, action, pks):
    return admin_client.post(
        f"/admin/directory/{model}/", {"action": action, "_selected_action": [str(pk) for pk in pks]}, follow=True
    )


def test_mark_verified_today(admin_client):
    provider = Provider.objects.first()
    Provider.objects.filter(pk=provider.pk).update(last_verified=None)
    post_action(admin_client, "provider", "mark_verified_today", [provider.pk])
    provider.refresh_from_db()
    assert provider.last_verified == timezone.localdate()


def test_hide_and_publish(admin_client):
    provider = Provider.objects.published().first()
    post_action(admin_client, "provider", "hide", [provider.pk])
    provider.refresh_from_db()
    assert provider.status == "hidden"
    post_action(admin_client, "provider", "publish", [provider.pk])
    provider.refresh_from_db()
    assert provider.status == "published"


def test_turning_a_suggestion_into_a_pending_provider(admin_client):
    suggestion = Suggestion.objects.create(
        relationship="provider", kind="group_practice", name="Example Bay Group", credentials="LMFT",
        description="Group practice.", city="Oakland", state="CA", zip_code="94612", address_hash="x",
    )  # fmt: skip
    post_action(admin_client, "suggestion", "make_provider", [suggestion.pk])
    suggestion.refresh_from_db()
    provider = suggestion.provider
    assert suggestion.status == "accepted"
    assert provider.status == "pending" and provider.name == "Example Bay Group"
    assert provider.locations.get().city == "Oakland"
    assert [c.abbreviation for c in provider.credentials.all()] == ["LMFT"]


def test_admin_filters_by_state_and_verification_age(admin_client):
    html = admin_client.get("/admin/directory/provider/?state=IL").content.decode()
    assert "Example" in html
    assert admin_client.get("/admin/directory/provider/?verified=stale").status_code == 200


def test_queues_list_new_suggestions_and_open_reports(admin_client):
    assert admin_client.get("/admin/directory/suggestion/?status__exact=new").status_code == 200
    assert admin_client.get("/admin/directory/problemreport/?resolved__exact=0").status_code == 200


def test_directory_moderators_can_moderate_but_not_edit_pages(client):
    user = User.objects.create_user("mod", password="x" * 16, is_staff=True)
    user.groups.add(Group.objects.get(name="Directory moderator"))
    client.force_login(user)
    assert client.get("/admin/directory/provider/").status_code == 200
    assert client.get("/admin/directory/suggestion/").status_code == 200
    assert client.get("/admin/content/page/").status_code == 403


def test_admin_refuses_a_telehealth_state_that_is_not_a_two_letter_code(admin_client):
    from directory.models import Provider

    provider = Provider.objects.filter(locations__isnull=False).first()
    response = admin_client.get(f"/admin/directory/provider/{provider.pk}/change/")
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update({name: [str(item.pk if hasattr(item, "pk") else item) for item in value]
                 for name, value in form.initial.items() if isinstance(value, list)})  # fmt: skip
    data.update(telehealth_states="California", **{"locations-TOTAL_FORMS": 0, "locations-INITIAL_FORMS": 0})
    response = admin_client.post(f"/admin/directory/provider/{provider.pk}/change/", data)
    assert response.status_code == 200
    assert "CALIFORNIA is not a US state" in response.content.decode()
    provider.refresh_from_db()
    assert provider.telehealth_states != "California"
