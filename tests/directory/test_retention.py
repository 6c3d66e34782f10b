from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from directory.models import ProblemReport, Provider, SubmissionSlot, Suggestion

pytestmark = pytest.mark.django_db


def suggestion(status, age_days, name):
    item = Suggestion.objects.create(
        relationship="visitor", kind="therapist", name=name, description="x", telehealth=True, status=status
    )
    Suggestion.objects.filter(pk=item.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    return item


def report(resolved, age_days):
    item = ProblemReport.objects.create(provider=Provider.objects.first(), reason="other", resolved=resolved)
    ProblemReport.objects.filter(pk=item.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    return item


@pytest.fixture
def submissions(admin_user, settings):
    settings.SUBMISSION_RETENTION_DAYS = 180
    old_rejected = suggestion("rejected", 200, "Old rejected")
    LogEntry.objects.log_actions(admin_user.pk, [old_rejected], CHANGE, change_message="Rejected")
    suggestion("accepted", 200, "Old accepted")
    suggestion("new", 400, "Old but never handled")
    suggestion("rejected", 30, "Recently rejected")
    report(resolved=True, age_days=181)
    report(resolved=False, age_days=365)
    SubmissionSlot.objects.create(address_hash="a" * 64, number=1, used_at=timezone.now() - timedelta(days=2))
    SubmissionSlot.objects.create(address_hash="b" * 64, number=1, used_at=timezone.now())


def purge(*args):
    out = StringIO()
    call_command("purge_submissions", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_counts_what_would_go_and_deletes_nothing(submissions):
    out = purge("--dry-run")
    assert "Suggestions handled and older than 180 days: 2 would be deleted (1 log entries)" in out
    assert "Problem reports handled and older than 180 days: 1 would be deleted" in out
    assert "Rate-limit records older than a day: 1 would be deleted" in out
    assert Suggestion.objects.count() == 4 and ProblemReport.objects.count() == 2


def test_handled_submissions_past_retention_are_deleted_with_their_admin_history(submissions):
    purge()
    assert sorted(Suggestion.objects.values_list("name", flat=True)) == ["Old but never handled", "Recently rejected"]
    assert list(ProblemReport.objects.values_list("resolved", flat=True)) == [False]
    assert not LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Suggestion)).exists()
    assert list(SubmissionSlot.objects.values_list("address_hash", flat=True)) == ["b" * 64]


def test_the_retention_period_comes_from_the_setting(submissions, settings):
    settings.SUBMISSION_RETENTION_DAYS = 20
    purge()
    assert sorted(Suggestion.objects.values_list("name", flat=True)) == ["Old but never handled"]
