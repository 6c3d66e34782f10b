import csv
import io
import json
import zipfile

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
    return [{key: value for key, value in service.items() if key != "last_modified"} for service in services]


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
    tables = {name: [] for name in ["services", "organizations", "locations", "addresses", "service_at_locations",
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
            tables["service_at_locations"].append({k: v for k, v in link.items() if k != "location"})
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

    assert without_timestamps(exported()) == without_timestamps(before)


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

    assert "0 created, 5 updated" in import_hsds(path)
    second = list(Provider.objects.order_by("pk").values())
    assert [{**row, "updated_at": None} for row in second] == [{**row, "updated_at": None} for row in first]
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


def test_problems_are_reported_by_record_and_field_and_nothing_is_imported(tmp_path):
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

    with pytest.raises(CommandError, match="3 problem"):
        import_hsds(write_json(tmp_path, services))

    assert Provider.objects.count() == count


def test_the_error_names_the_service_and_field(tmp_path):
    services = exported()[:1]
    services[0]["assured_date"] = "last Tuesday"
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_hsds", str(write_json(tmp_path, services)), stderr=err)

    assert f"service {services[0]['id']}, assured_date: 'last Tuesday' is not a date" in err.getvalue()


def test_a_dry_run_writes_nothing(tmp_path):
    path = write_json(tmp_path, exported()[:2])
    empty_the_directory()

    assert "2 services are valid" in import_hsds(path, "--dry-run")
    assert Provider.objects.count() == 0


def test_a_file_that_is_not_hsds_is_refused(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"hello": "world"}')

    with pytest.raises(CommandError, match="expected a JSON list"):
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
    assert provider.in_person and not provider.telehealth and not provider.accepting_new_clients
    [location] = provider.locations.all()
    assert location.zip_code == "60601" and location.latitude


def test_an_unknown_term_of_our_own_taxonomy_is_a_problem(tmp_path):
    services = exported()[:1]
    code = "therapy:no-such-therapy"
    services[0]["attributes"].append(
        {"id": "3f0c2b0a-1111-4222-8333-444455550000", "taxonomy_term": {"id": term_id(code), "code": code}}
    )

    with pytest.raises(CommandError, match="1 problem"):
        import_hsds(write_json(tmp_path, services))
