import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from directory.models import Insurer, Language, Location, Provider, Specialty
from opendata.hsds import term_id

pytestmark = pytest.mark.django_db


def exported():
    out = io.StringIO()
    call_command("export_hsds", stdout=out)
    return json.loads(out.getvalue())


def without_timestamps(services):
    # An imported listing's verification is its import's (metadata.updated_by says so), not what it was before.
    return [
        {key: value for key, value in service.items() if key not in ("last_modified", "metadata")}
        for service in services
    ]


def write_json(tmp_path, services, name="services.json"):
    path = tmp_path / name
    path.write_text(json.dumps(services))
    return path


def import_hsds(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_hsds", str(path), *args, stdout=out, stderr=err)
    return out.getvalue()


def empty_the_directory():
    Provider.objects.all().delete()
    for model in (Specialty, Insurer, Language):
        model.objects.all().delete()


def as_tables(services):
    """The same services as HSDS CSV tables: {file name: rows}."""
    tables = {name: [] for name in ["services", "organizations", "locations", "addresses", "service_at_location",
                                    "phones", "languages", "service_areas", "cost_options", "attributes",
                                    "taxonomy_terms"]}  # fmt: skip
    terms = {}
    for service in services:
        nested = {"organization", "phones", "languages", "service_areas", "cost_options", "attributes",
                  "service_at_locations"}  # fmt: skip
        tables["services"].append({k: v for k, v in service.items() if k not in nested})
        tables["organizations"].append(service["organization"])
        for name in ["phones", "languages", "service_areas", "cost_options"]:
            tables[name].extend(service[name])
        for attribute in service["attributes"]:
            terms[attribute["taxonomy_term_id"]] = attribute["taxonomy_term"]
            tables["attributes"].append({k: v for k, v in attribute.items() if k != "taxonomy_term"})
        for link in service["service_at_locations"]:
            location = link["location"]
            tables["service_at_location"].append({k: v for k, v in link.items() if k != "location"})
            tables["locations"].append({k: v for k, v in location.items() if k != "addresses"})
            tables["addresses"].extend(location.get("addresses", []))
    tables["taxonomy_terms"] = list(terms.values())
    return tables


def write_tables(folder, tables):
    folder.mkdir()
    for name, rows in tables.items():
        columns = sorted({column for row in rows for column in row})
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    return folder


def test_export_then_import_into_an_empty_directory_then_export_gives_the_same_data(tmp_path):
    before = exported()
    path = write_json(tmp_path, before)
    empty_the_directory()

    import_hsds(path, "--publish")

    after = exported()
    assert without_timestamps(after) == without_timestamps(before)
    verified = [service for service in after if service.get("assured_date")]
    assert verified and all(
        service["metadata"][0]["updated_by"].startswith("import")
        and service["metadata"][0]["field_name"] == "assured_date"
        for service in verified
    )


def test_the_tabular_csv_package_round_trips_too(tmp_path):
    before = exported()
    folder = write_tables(tmp_path / "package", as_tables(before))
    empty_the_directory()

    import_hsds(folder, "--publish")

    assert without_timestamps(exported()) == without_timestamps(before)


def test_a_zipped_csv_package_imports(tmp_path):
    before = exported()[:3]
    folder = write_tables(tmp_path / "package", as_tables(before))
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for csv_file in folder.iterdir():
            zipped.write(csv_file, f"hsds/{csv_file.name}")
    empty_the_directory()

    assert "3 created" in import_hsds(archive, "--publish")


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    path = write_json(tmp_path, exported()[:5])
    empty_the_directory()
    import_hsds(path)
    first = list(Provider.objects.order_by("pk").values())
    locations = list(Location.objects.order_by("pk").values_list("external_id", "street"))

    history = Provider.history.count()
    assert "0 created, 0 updated, 5 unchanged" in import_hsds(path)
    # Nothing was written: not even updated_at moved, and no history row was added.
    assert list(Provider.objects.order_by("pk").values()) == first
    assert Provider.history.count() == history
    assert list(Location.objects.order_by("pk").values_list("external_id", "street")) == locations


def test_imported_listings_wait_for_a_moderator_unless_published(tmp_path):
    path = write_json(tmp_path, exported()[:2])
    empty_the_directory()

    import_hsds(path)

    assert set(Provider.objects.values_list("status", flat=True)) == {Provider.Status.PENDING}


def test_a_moderators_decision_survives_the_next_import(tmp_path):
    path = write_json(tmp_path, exported()[:1])
    empty_the_directory()
    import_hsds(path)
    Provider.objects.update(status=Provider.Status.PUBLISHED)

    import_hsds(path)

    assert Provider.objects.get().status == Provider.Status.PUBLISHED


def test_a_service_its_source_marks_inactive_is_hidden(tmp_path):
    services = exported()[:1]
    empty_the_directory()
    import_hsds(write_json(tmp_path, services), "--publish")
    services[0]["status"] = "defunct"

    import_hsds(write_json(tmp_path, services, "again.json"))

    assert Provider.objects.get().status == Provider.Status.HIDDEN


def test_problems_are_reported_by_record_and_field_and_strict_imports_nothing(tmp_path):
    services = exported()[:3]
    services[0]["email"] = "not an email"
    services[1].pop("name")
    services[2]["service_at_locations"] = [
        {
            "id": "0b9a1f0e-0000-4000-8000-000000000001",
            "location": {
                "id": "0b9a1f0e-0000-4000-8000-000000000002",
                "location_type": "physical",
                "addresses": [
                    {
                        "address_1": "1 Main St",
                        "city": "Nowhere",
                        "state_province": "XX1",
                        "postal_code": "00000",
                        "address_type": "physical",
                    }
                ],  # fmt: skip
            },
        }
    ]
    count = Provider.objects.count()

    with pytest.raises(CommandError, match=r"problem\(s\) found; nothing was imported \(--strict\)"):
        import_hsds(write_json(tmp_path, services), "--strict")

    assert Provider.objects.count() == count


def test_a_scheduled_feed_skips_the_services_it_cannot_use_and_imports_the_rest(tmp_path):
    services = exported()[:3]
    services[0]["email"] = "not an email"
    services[1].pop("name")
    empty_the_directory()
    err = io.StringIO()

    call_command("import_hsds", str(write_json(tmp_path, services)), stdout=io.StringIO(), stderr=err)

    assert f"service {services[0]['id']}, email: Enter a valid email address." in err.getvalue()
    assert f"service {services[1]['id']}, name: This field cannot be blank." in err.getvalue()
    assert list(Provider.objects.values_list("external_id", flat=True)) == [f"hsds:{services[2]['id']}"]


def test_the_error_names_the_service_and_field(tmp_path):
    services = exported()[:1]
    services[0]["assured_date"] = "last Tuesday"
    err = io.StringIO()

    call_command("import_hsds", str(write_json(tmp_path, services)), stdout=io.StringIO(), stderr=err)

    assert f"service {services[0]['id']}, assured_date: 'last Tuesday' is not a date" in err.getvalue()


def test_a_dry_run_writes_nothing(tmp_path):
    path = write_json(tmp_path, exported()[:2])
    empty_the_directory()

    assert "Dry run: Read 2 services: 2 created, 0 updated, 0 unchanged" in import_hsds(path, "--dry-run")
    assert Provider.objects.count() == 0


def test_a_file_that_is_not_hsds_is_refused(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"hello": "world"}')

    with pytest.raises(CommandError, match="expected a JSON list of HSDS services, a page of them, or one service"):
        import_hsds(path)


def test_another_directorys_service_without_our_taxonomy_imports_with_what_it_says(tmp_path):
    service = {
        "id": "3f0c2b0a-1111-4222-8333-444455556666",
        "name": "County crisis counselling",
        "status": "active",
        "organization": {"id": "3f0c2b0a-1111-4222-8333-444455557777", "name": "County", "description": "Help."},
        "phones": [{"id": "3f0c2b0a-1111-4222-8333-444455558888", "number": "555-0100"}],
        "attributes": [
            {
                "id": "3f0c2b0a-1111-4222-8333-444455559999",
                "taxonomy_term": {"id": "3f0c2b0a-1111-4222-8333-44445555aaaa", "code": "therapy:unknown"},
            }
        ],
        "service_at_locations": [
            {
                "id": "3f0c2b0a-1111-4222-8333-44445555bbbb",
                "location": {
                    "id": "3f0c2b0a-1111-4222-8333-44445555cccc",
                    "location_type": "physical",
                    "addresses": [
                        {
                            "address_1": "120 Main St",
                            "city": "Chicago",
                            "state_province": "IL",
                            "postal_code": "60601",
                            "address_type": "physical",
                        }
                    ],  # fmt: skip
                },
            }
        ],
    }

    import_hsds(write_json(tmp_path, [service]))

    provider = Provider.objects.get(external_id=f"hsds:{service['id']}")
    assert provider.description == "Help."
    assert provider.phone == "555-0100"
    assert provider.kind == Provider.Kind.PROGRAM
    assert provider.in_person and not provider.telehealth
    assert provider.accepting_new_clients is None  # the source does not say: readers see "Ask about openings"
    [location] = provider.locations.all()
    assert location.zip_code == "60601" and location.latitude


def test_an_unknown_term_of_our_own_taxonomy_is_a_problem(tmp_path):
    services = exported()[:1]
    code = "therapy:no-such-therapy"
    services[0]["attributes"].append(
        {"id": "3f0c2b0a-1111-4222-8333-444455550000", "taxonomy_term": {"id": term_id(code), "code": code}}
    )

    with pytest.raises(CommandError, match="1 problem"):
        import_hsds(write_json(tmp_path, services), "--strict")


def test_a_full_feed_withdraws_what_it_no_longer_lists_and_brings_it_back_when_it_does(tmp_path):
    services = exported()[:3]
    empty_the_directory()
    import_hsds(write_json(tmp_path, services), "--publish", "--full", "--feed", "county-211")

    out = import_hsds(write_json(tmp_path, services[:2], "later.json"), "--full", "--feed", "county-211")

    assert "1 withdrawn" in out
    gone = Provider.objects.get(external_id=f"hsds:{services[2]['id']}")
    assert gone.status == Provider.Status.WITHDRAWN
    assert gone not in Provider.objects.published()
    assert gone.history.latest().history_change_reason == "No longer in county-211: withdrawn"
    import_hsds(write_json(tmp_path, services, "again.json"), "--full", "--feed", "county-211")
    gone.refresh_from_db()
    assert gone.status == Provider.Status.PUBLISHED


def test_a_moderators_edit_survives_the_next_import_of_a_changed_file(tmp_path):
    services = exported()[:1]
    empty_the_directory()
    import_hsds(write_json(tmp_path, services), "--publish")
    provider = Provider.objects.get()
    provider.phone = "555-0199"  # a moderator called and corrected it
    provider.save()
    services[0]["name"] = "Renamed at the source"
    services[0]["phones"][0]["number"] = "555-0100"

    out = import_hsds(write_json(tmp_path, services, "changed.json"))

    provider.refresh_from_db()
    assert provider.phone == "555-0199"
    assert provider.name == "Renamed at the source"
    assert "1 updated" in out and "1 moderator edit(s) kept" in out


FIXTURES = Path(__file__).parent / "fixtures"


def test_open_referrals_own_hsds_3_package_is_read_by_its_datapackage_names_and_its_location_refused_honestly():
    err = io.StringIO()
    call_command("import_hsds", str(FIXTURES / "hsds-3.0-examples" / "csv"), stdout=io.StringIO(), stderr=err)
    # Its one service is found through service_at_location.csv, and its fictional location is not in the US.
    assert "service_at_locations: location" in err.getvalue()
    assert "postal_code 'ABC 1234' is not a US ZIP code" in err.getvalue()
    assert not Provider.objects.filter(name="Example Service").exists()


def test_a_single_hsds_service_object_is_read():
    err = io.StringIO()
    call_command(
        "import_hsds",
        str(FIXTURES / "hsds-3.0-examples" / "json" / "service_full.json"),
        stdout=io.StringIO(),
        stderr=err,
    )
    assert "postal_code 'ABC 1234' is not a US ZIP code" in err.getvalue()


def test_an_hsds_1_1_package_from_a_211_imports_with_stable_ids_and_names_its_two_bad_services():
    empty_the_directory()
    err = io.StringIO()
    package = FIXTURES / "hsds-1.1"

    out = io.StringIO()
    call_command("import_hsds", str(package), "--publish", "--feed", "smc-211", stdout=out, stderr=err)

    assert "Read 12 services: 10 created" in out.getvalue()
    assert (
        "service 11, service_at_locations: location 11: no latitude and longitude, and ZIP code 00000 is unknown"
        in err.getvalue()
    )
    assert "service 12, email: Enter a valid email address." in err.getvalue()
    coastside = Provider.objects.get(name="Coastside Mental Health (Adult and Youth Services)")
    assert coastside.locations.get().zip_code == "94019"
    assert set(coastside.languages.values_list("name", flat=True)) <= {"Spanish", "Chinese", "Tagalog"}
    ids = sorted(Provider.objects.values_list("external_id", flat=True))
    call_command("import_hsds", str(package), "--feed", "smc-211", stdout=out, stderr=io.StringIO())
    assert sorted(Provider.objects.values_list("external_id", flat=True)) == ids
    assert "0 created, 0 updated, 10 unchanged" in out.getvalue()


def test_a_statewide_feed_can_keep_only_the_services_under_chosen_taxonomy_terms():
    empty_the_directory()
    out = io.StringIO()
    call_command(
        "import_hsds",
        str(FIXTURES / "hsds-1.1"),
        "--taxonomy",
        "MENTAL HEALTH SERVICES",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "7 outside the chosen taxonomy terms, left out" in out.getvalue()
    names = set(Provider.objects.values_list("name", flat=True))
    assert "Coastside Mental Health (Adult and Youth Services)" in names
    assert "Main Library" not in names and "Meals on Wheels - South County" not in names
