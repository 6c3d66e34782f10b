from datetime import date

import pytest

from content.models import Page, Reviewer, Source


@pytest.fixture
def reviewer():
    return Reviewer.objects.create(name="Test Reviewer", credentials="PhD")


@pytest.fixture
def source():
    return Source.objects.create(
        key="test-2020", authors="Doe J", title="A test source", publisher="Journal", year=2020,
        url="https://doi.org/10.0/test", kind=Source.Kind.STUDY,
    )  # fmt: skip


@pytest.fixture
def make_page(reviewer, source):
    def make(**fields):
        values = {
            "title": "A test page",
            "slug": "a-test-page",
            "summary": "A summary.",
            "body": "## Why?\n\nA claim [@test-2020].\n",
            "status": Page.Status.PUBLISHED,
            "reviewer": reviewer,
            "reviewed_on": date(2026, 1, 10),
            **fields,
        }
        page = Page(**values)
        page.save()
        return page

    return make
