"""SAMHSA's National Directory of Mental Health Treatment Facilities: the mapping, and editions over time."""

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from directory.models import Provider
from opendata.samhsa import BUNDLED, Directory, facility_record, read_workbook

pytestmark = pytest.mark.django_db

SLICE = Path(__file__).parent / "fixtures" / "samhsa-2022-slice.xlsx"
COLUMNS = ["name1", "name2", "street1", "street2", "city", "state", "zip", "phone", "intake1", "intake2"]
COLUMNS += ["intake1a", "intake2a", "service_code_info"]


@pytest.fixture(scope="module")
def reference():
    return read_workbook(SLICE).reference


def facility_with(reference, codes):
    """The record of one made-up facility with these codes, read through the real Service Code Reference."""
    row = {column: "" for column in COLUMNS}
    row.update(name1="Test Facility", street1="1 Main St", city="Chicago", state="IL", zip="60601")
    row.update(phone="312-555-0100", service_code_info=codes)
    record, problems = facility_record(Directory(2022, date(2022, 5, 6), reference, []), 2, row, "SAMHSA, 2022")
    assert problems == []
    return record


# Each code as the reference sheet defines it, and what it becomes here. Letters that look like one of our
# therapies may mean something else: IPT is individual psychotherapy, CFT couples/family therapy, SH housing.
MAPPING = [
    ("OP", "levels", ["outpatient"]),
    ("PHDT", "levels", ["partial-hospitalization"]),
    ("RES", "levels", ["residential"]),
    ("HI", "levels", ["inpatient"]),
    ("DBT", "therapies", ["dbt"]),
    ("CBT", "therapies", ["cbt"]),
    ("CFT", "therapies", ["family-therapy"]),
    ("GT", "therapies", ["group-therapy"]),
    ("EMDR", "therapies", ["trauma-focused-therapy"]),
    ("IPT", "therapies", []),
    ("IPT", "other_treatments", "Individual psychotherapy"),
    ("SH", "other_treatments", ""),
    ("TELE", "telehealth", True),
    ("TELE", "telehealth_states", "IL"),
    ("WI", "crisis_walk_in", True),
    ("PEOFF", "crisis_mobile", True),
    ("PEON", "crisis_onsite", True),
    ("CIT", "crisis_intervention_team", True),
    ("SPS", "suicide_prevention", True),
    ("MD", "accepts_medicaid", True),
    ("MC", "accepts_medicare", True),
    ("PI", "accepts_private_insurance", True),
    ("SF", "self_pay", True),
    ("SS", "sliding_scale", True),
    ("MI", "accepts_tricare", True),
    ("MI", "insurers", ["TRICARE"]),
    ("CHLD", "serves_children", True),
    ("CHLD", "serves_teens", True),
    ("YAD", "serves_adults", True),
    ("ADLT", "serves_adults", True),
    ("SNR", "serves_older_adults", True),
    ("SP", "languages", ["English", "Spanish"]),
    ("AH", "languages", ["English", "ASL"]),
    ("F47", "languages", ["English", "Korean"]),
    ("VET", "populations", ["Veterans"]),
    ("GL", "populations", ["LGBTQIA+ affirming"]),
    ("PTSD", "specialties", ["Trauma and PTSD"]),
    ("PED", "specialties", ["Eating disorders"]),
    ("CMHC", "facility_type", "Community mental health center"),
    ("PVTN", "operator", "Private non-profit organization"),
]


@pytest.mark.parametrize(("code", "name", "expected"), MAPPING, ids=[f"{c}-{n}" for c, n, _ in MAPPING])
def test_each_code_means_here_what_the_reference_sheet_says_it_is(reference, code, name, expected):
    record = facility_with(reference, code)
    got = record.terms[name] if name in record.terms else record.values[name]
    assert got == expected


def test_codes_are_read_by_their_names_in_the_sheet_not_by_their_letters(reference):
    renamed = type(reference)({**reference.services, "XQ": reference.services["OP"]})
    del renamed.services["OP"]
    assert facility_with(renamed, "XQ").terms["levels"] == ["outpatient"]


def import_samhsa(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_samhsa", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_every_facility_is_published_once_with_its_source_edition_and_an_approximate_place():
    out, err = import_samhsa(SLICE)
    assert "Read 26 facilities from the 2022 edition (as of 2022-05-06): 26 created" in out and err == ""
    listings = Provider.objects.filter(feed="samhsa")
    assert listings.count() == 26
    assert set(listings.values_list("status", flat=True)) == {Provider.Status.PUBLISHED}
    clinic = listings.get(name="SpectraCare Health Systems: Henry County Clinic")
    assert clinic.source == "SAMHSA National Directory of Mental Health Treatment Facilities, 2022"
    assert clinic.last_verified == date(2022, 5, 6) and clinic.is_stale  # shown as not recently verified
    assert clinic.kind == Provider.Kind.PROGRAM and clinic.accepting_new_clients is None
    location = clinic.locations.get()
    assert (location.zip_code, location.approximate) == ("36310", True)
    # Two programs at one street address, in different suites, are two listings.
    assert listings.filter(name="Community Health Associates").count() == 2
    # An intake number SAMHSA also spells in letters (954-730PATH) is listed once, in digits.
    assert listings.get(phone="954-730-7284").intake_numbers == []


def test_the_same_edition_again_changes_nothing():
    import_samhsa(SLICE)
    before = list(Provider.objects.filter(feed="samhsa").order_by("pk").values())
    history = Provider.history.count()

    out, _ = import_samhsa(SLICE)

    assert "0 created, 0 updated, 26 unchanged" in out
    assert list(Provider.objects.filter(feed="samhsa").order_by("pk").values()) == before
    assert Provider.history.count() == history


def later_edition(tmp_path, change):
    workbook = openpyxl.load_workbook(SLICE)
    rows = workbook["Facilities List"]
    change(rows)
    path = tmp_path / "National_Directory_MH_Facilities_2023.xlsx"
    workbook.save(path)
    return path


def test_a_later_edition_updates_adds_withdraws_and_never_overwrites_a_moderators_edit(tmp_path):
    import_samhsa(SLICE)
    listings = Provider.objects.filter(feed="samhsa")
    edited = listings.get(name="Eastside CMHC")
    edited.phone = "205-555-0199"  # a moderator called and corrected it
    edited.save()

    def change(rows):
        rows["H3"] = "800-555-0142"  # Henry County Day Treatment: a new phone number
        rows["H12"] = "205-836-0000"  # Eastside CMHC: the source changes the number the moderator corrected
        rows.append(["New Horizons Clinic", None, "1 Hope Street", None, "Montgomery", "AL", "36104",
                     "334-555-0100", None, None, None, None, "MH * OP * OMH * WI * ADLT"])  # fmt: skip
        rows.delete_rows(4)  # South Central Alabama CMHC is no longer listed

    out, _ = import_samhsa(later_edition(tmp_path, change))

    assert "1 created, 25 updated, 0 unchanged, 1 withdrawn, 1 moderator edit(s) kept" in out
    assert listings.get(name="SpectraCare Health Systems: Henry County Day Treatment").phone == "800-555-0142"
    assert listings.get(name="Eastside CMHC").phone == "205-555-0199"
    assert listings.get(name="New Horizons Clinic").crisis_walk_in
    gone = listings.get(name="South Central Alabama CMHC")
    assert gone.status == Provider.Status.WITHDRAWN
    assert gone not in Provider.objects.published()
    assert gone.source.endswith(", 2022")  # kept as it was, for moderators


def test_a_row_it_cannot_use_is_named_by_its_row_and_skipped_and_not_withdrawn(tmp_path):
    import_samhsa(SLICE)

    def change(rows):
        rows["G2"] = "ABCDE"
        rows["H5"] = "555-01"

    out, err = import_samhsa(later_edition(tmp_path, change))

    assert "row 2, zip: 'ABCDE' is not a ZIP code we can place" in err
    assert "row 5, phone: '555-01' is not a 10-digit phone number" in err
    assert "2 skipped" in out and "withdrawn" not in out
    assert Provider.objects.filter(feed="samhsa", status=Provider.Status.PUBLISHED).count() == 26


def test_a_file_that_is_not_the_directory_is_refused(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(Exception, match="not an Excel workbook"):
        call_command("import_samhsa", str(path))


def test_walk_in_crisis_care_is_found_near_a_facility(client):
    import_samhsa(SLICE)
    walk_in = Provider.objects.filter(feed="samhsa", crisis_walk_in=True).first()
    html = client.get(f"/directory/?near={walk_in.locations.get().zip_code}&radius=25&crisis=walk-in").content.decode()
    assert walk_in.name in html
    assert "Walk-in crisis care" in html


@pytest.mark.realdata
def test_the_bundled_2022_directory_imports_every_facility_and_a_second_run_changes_nothing():
    out, err = import_samhsa(BUNDLED)
    assert "Read 9037 facilities from the 2022 edition" in out and "9037 created" in out
    assert "row " not in err  # no row was skipped
    out, _ = import_samhsa(BUNDLED)
    assert "0 created, 0 updated, 9037 unchanged" in out


def test_the_home_page_says_which_edition_of_the_public_directory_the_listings_come_from(client):
    assert "the public directory behind FindTreatment.gov" not in client.get("/").content.decode()
    import_samhsa(SLICE)
    html = client.get("/").content.decode()
    assert "every treatment facility in SAMHSA National Directory of Mental Health Treatment Facilities, 2022" in html


@pytest.mark.parametrize("path", ["/crisis/", "/es/crisis/", "/directory/?q=nothing-matches-this&near=60601"])
def test_the_crisis_page_and_an_empty_search_offer_walk_in_crisis_care_near_you(client, path):
    html = client.get(path).content.decode()
    section = html.split('<section class="crisis-care-search"', 1)[1].split("</section>", 1)[0]
    assert 'directory/"' in section.split("<form", 1)[1].split(">", 1)[0]
    assert '<input type="hidden" name="crisis" value="walk-in">' in section
    assert 'name="near"' in section
