import pytest

from content.loader import load_pages, load_sources
from content.models import Page, Source

pytestmark = pytest.mark.django_db


def test_loading_twice_changes_nothing():
    assert load_sources() == 0
    assert load_pages() == 0


def test_the_loader_never_overwrites_an_editors_change():
    page = Page.objects.get(slug="recovery")
    page.summary = "An editor rewrote this summary."
    page.save()
    load_pages()
    page.refresh_from_db()
    assert page.summary == "An editor rewrote this summary."


def test_the_loader_updates_a_page_nobody_edited_when_its_file_changes(tmp_path, settings):
    from content import loader

    data = tmp_path / "data"
    (data / "pages").mkdir(parents=True)
    (data / "sources").mkdir()
    for name in ["articles_a.toml"]:
        (data / "sources" / name).write_text((loader.DATA_DIR / "sources" / name).read_text())
    original = (loader.DATA_DIR / "pages" / "what-is-self-harm.md").read_text()
    changed = original.replace('title = "', 'title = "Updated: ', 1)
    (data / "pages" / "what-is-self-harm.md").write_text(changed)
    assert load_pages(data) == 1
    assert Page.objects.get(slug="what-is-self-harm").title.startswith("Updated: ")


def test_a_source_an_editor_corrected_is_not_overwritten():
    source = Source.objects.get(key="nice-ng225")
    source.title = "Corrected by an editor"
    source.save()
    load_sources()
    source.refresh_from_db()
    assert source.title == "Corrected by an editor"


def test_the_data_command_reports_what_it_did(capsys):
    from django.core.management import call_command

    call_command("load_curated_data")
    output = capsys.readouterr().out
    assert "Sources: 0 created or updated." in output
    assert "Pages: 0 created or updated." in output
