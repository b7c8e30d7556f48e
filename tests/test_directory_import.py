"""Open Referral UK import: every reference sample, malformed files, and re-import rules."""

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pcn_assistant.errors import InvalidInput
from pcn_assistant.services.directory.edit import save_service, service_detail
from pcn_assistant.services.directory.oruk_import import import_directory, read_directory_file
from pcn_assistant.services.security import LOCAL_ADMIN
from pcn_assistant.store.models import ImportBatch
from pcn_assistant.store.models.directory import (
    DirectoryOrganisation,
    DirectoryService,
    DirectoryTaxonomyTerm,
)

V3 = "openreferral/oruk_uk_profile_v3"
HSDS1 = "openreferral/hsds1_sample_datapackage"
EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"

V3_JSON_SAMPLES = {
    # file: (services, stand-alone organisations, taxonomy terms)
    "service_full.json": (1, 0, 0),
    "service_list.json": (1, 0, 0),
    "service_at_location_full.json": (1, 0, 0),
    "service_at_location_list.json": (1, 0, 0),
    "organization_full.json": (1, 0, 0),
    "organization_list.json": (0, 1, 0),
    "taxonomy.json": (0, 0, 1),
    "taxonomy_list.json": (0, 0, 0),
    "taxonomy_term.json": (0, 0, 1),
    "taxonomy_term_list.json": (0, 0, 1),
}


def _count(db, model) -> int:
    with db.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def v3_csv_package(shared_reference: Path, target: Path) -> Path:
    """The profile's datapackage.json with its one-row example tables beside it."""
    target.mkdir()
    for csv_file in (shared_reference / V3 / "examples" / "csv").glob("*.csv"):
        shutil.copy(csv_file, target / csv_file.name)
    shutil.copy(shared_reference / V3 / "datapackage.json", target / "datapackage.json")
    return target


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for file in folder.iterdir():
            archive.write(file, f"{prefix}{file.name}")
    return target


@pytest.mark.parametrize("name", sorted(V3_JSON_SAMPLES))
def test_each_v3_json_example_parses(shared_reference, name):
    parsed = read_directory_file(shared_reference / V3 / "examples" / name)
    services, organisations, terms = V3_JSON_SAMPLES[name]
    assert (len(parsed.services), len(parsed.organisations), len(parsed.terms)) == (services, organisations, terms)
    assert parsed.problems == []


def test_v3_service_full_imports_every_part(db, shared_reference):
    result = import_directory(db, LOCAL_ADMIN, shared_reference / V3 / "examples" / "service_full.json")
    assert [c.oruk_id for c in result.new] == [EXAMPLE_SERVICE]
    assert result.organisations_new == 1 and result.problems == []
    with db.session() as session:
        service_id = session.execute(select(DirectoryService.id)).scalar_one()
    detail = service_detail(db, LOCAL_ADMIN, service_id)
    assert detail.form.name == "Community Counselling"
    assert detail.form.organisation == "Example Organization Inc."
    assert (detail.form.minimum_age, detail.form.maximum_age) == (12, 100)
    assert detail.form.days == ["TH", "FR"]
    assert detail.locations == ["MyCity Civic Center, 1-30 Main Street, MyCity, ABC 1234"]
    assert detail.contacts == ["Ann Persona - Reception Manager"]
    assert detail.costs[0] == "Under 18s and Over 60s: £35.00 per 1 hour session"
    assert detail.form.free is False
    assert detail.form.last_verified.isoformat() == "2005-01-01"  # assured date seeds last verified
    assert _count(db, DirectoryTaxonomyTerm) == 1
    with db.session() as session:
        batch = session.execute(select(ImportBatch)).scalar_one()
    assert (batch.kind, batch.status, batch.inserted) == ("directory", "committed", 1)


def test_every_reference_sample_imports_in_turn(db, shared_reference, tmp_path):
    """All samples into one directory: each reads, none is refused, repeats change nothing."""
    samples = [shared_reference / V3 / "examples" / name for name in sorted(V3_JSON_SAMPLES)]
    package = v3_csv_package(shared_reference, tmp_path / "v3")
    samples += [package, zip_folder(package, tmp_path / "v3.zip", "nested/")]
    samples += [shared_reference / HSDS1 / "simple", shared_reference / HSDS1 / "all_resources",
                zip_folder(shared_reference / HSDS1 / "all_resources", tmp_path / "hsds1.zip")]
    for sample in samples:
        result = import_directory(db, LOCAL_ADMIN, sample)
        assert result.problems == [], (sample, result.problems)
    assert _count(db, DirectoryService) == 14  # 1 v3 example + 13 HSDS 1.1 services
    assert _count(db, DirectoryOrganisation) == 11
    again = import_directory(db, LOCAL_ADMIN, shared_reference / HSDS1 / "all_resources")
    assert (len(again.new), len(again.updated), again.unchanged) == (0, 0, 13)
    assert not again.changed


def test_v3_csv_datapackage(db, shared_reference, tmp_path):
    package = v3_csv_package(shared_reference, tmp_path / "pkg")
    parsed = read_directory_file(package)
    assert parsed.format == "oruk-v3-csv"
    (service,) = parsed.services
    assert service.oruk_id == EXAMPLE_SERVICE
    assert service.contacts[0].phone == '"+44 1234 234567"'  # the sample quotes its number
    assert service.schedules[0].byday == "TH,FR"
    assert service.locations[0].postal_code == "ABC 1234"
    assert service.tags == ()  # the example attribute links to another record
    # The bare examples folder (no datapackage.json) reads the same way.
    assert read_directory_file(shared_reference / V3 / "examples" / "csv").services[0].oruk_id == EXAMPLE_SERVICE


def test_hsds1_datapackage_folder_and_zip(db, shared_reference, tmp_path):
    parsed = read_directory_file(shared_reference / HSDS1 / "all_resources")
    assert parsed.format == "oruk-v1-csv"
    assert len(parsed.services) == 13 and parsed.problems == []
    helpline = next(s for s in parsed.services if s.name == "Never Homeless Helpline")
    assert helpline.eligibility == "adult"
    assert [s.byday for s in helpline.schedules] == ["MO", "TU", "WE"]  # weekday 1-3 = Monday-Wednesday
    assert helpline.locations[0].address_1 == "Address 1, Address 2"
    assert {s.status for s in parsed.services} == {"active", "inactive"}
    result = import_directory(db, LOCAL_ADMIN, zip_folder(shared_reference / HSDS1 / "all_resources",
                                                          tmp_path / "pkg.zip", "export/"))
    assert len(result.new) == 13 and result.organisations_new == 10
    cross = next(s for s in parsed.services if s.name == "Meals To-Go at The Cross")
    assert cross.organisation.phone == "(223) 346 12361"  # a v1 organisation phone


# ---- malformed files --------------------------------------------------------------

@pytest.mark.parametrize("content, message", [
    (b"{not json", "Not valid JSON"),
    (b"42", "expected a JSON object or array"),
    (b'{"hello": "world"}', "Not an Open Referral document"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
])
def test_unreadable_json_is_refused_and_nothing_written(db, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=message):
        import_directory(db, LOCAL_ADMIN, path)
    assert _count(db, ImportBatch) == 0 and _count(db, DirectoryService) == 0


def _service(service_id: str, **overrides) -> dict:
    service = {"id": service_id, "name": f"Service {service_id[:4]}", "status": "active",
               "organization": {"id": "11111111-1111-4111-8111-111111111111", "name": "Good Org",
                                "description": "A charity"}}
    service.update(overrides)
    return service


def test_invalid_records_are_reported_with_path_and_the_rest_import(db, tmp_path):
    good = "aaaaaaaa-0000-4000-8000-000000000001"
    document = [
        _service(good),
        _service("aaaaaaaa-0000-4000-8000-000000000002", status="open"),
        {"name": "No id", "status": "active", "organization": {"id": "x", "name": "Org"}},
        _service("aaaaaaaa-0000-4000-8000-000000000004", assured_date="yesterday"),
        _service("aaaaaaaa-0000-4000-8000-000000000005", minimum_age=70, maximum_age=18),
        "just a string",
        _service("aaaaaaaa-0000-4000-8000-000000000007", organization=None, organization_id=None),
        _service("aaaaaaaa-0000-4000-8000-000000000008", organization=None,
                 organization_id="99999999-9999-4999-8999-999999999999"),
        _service("aaaaaaaa-0000-4000-8000-000000000009",
                 schedules=[{"id": "s1", "opens_at": "25:99"}]),
        _service(good),
    ]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(document))
    result = import_directory(db, LOCAL_ADMIN, path)
    assert [c.oruk_id for c in result.new] == [good]
    reasons = {p.path: p.reason for p in result.problems}
    assert "status 'open' is not one of" in reasons["[1]"]
    assert reasons["[2]"] == "service id is missing"
    assert "assured_date 'yesterday' is not a date" in reasons["[3]"]
    assert "minimum_age 70 is above maximum_age 18" in reasons["[4]"]
    assert reasons["[5]"] == "not a JSON object"
    assert reasons["[6]"] == "service has no organization"
    assert "neither in this file nor in the directory" in reasons["service aaaaaaaa-0000-4000-8000-000000000008"]
    assert "opens_at '25:99' is not a time" in reasons["[8]"]
    assert "appears twice" in reasons["[9]"]
    with db.session() as session:
        batch = session.execute(select(ImportBatch)).scalar_one()
        assert batch.rejected == len(result.problems) == 9
        assert {r.raw["path"] for r in batch.rejected_rows} == set(reasons)


def test_malformed_csv_packages(db, shared_reference, tmp_path):
    package = tmp_path / "pkg"
    shutil.copytree(shared_reference / HSDS1 / "all_resources", package)
    services = (package / "services.csv").read_text().splitlines(keepends=True)
    services.append("bad-1,1899600a-649c-11e6-8b77-86f30ca893d3,,,,Nameless,,,active,,,,,,,\n")
    services.append("bad-2,1899600a-649c-11e6-8b77-86f30ca893d3,,Odd status,,,,,sometimes,,,,,,,\n")
    services.append("bad-3,no-such-org,,Orphan,,,,,active,,,,,,,\n")
    (package / "services.csv").write_text("".join(services))
    schedules = package / "regular_schedules.csv"
    schedules.write_text(schedules.read_text() + "sch-9,c89eb05c-62dd-4b64-b494-0cc347b6ea7f,,,9,09:00,17:00\n")
    result = import_directory(db, LOCAL_ADMIN, package)
    assert len(result.new) == 13
    reasons = {p.path: p.reason for p in result.problems}
    # Rows count as a spreadsheet shows them (header = row 1), whatever line breaks the
    # quoted descriptions hold: 13 good services are rows 2-14.
    assert reasons["services.csv row 15"] == "service name is missing"
    assert "status 'sometimes'" in reasons["services.csv row 16"]
    assert any("neither in this file nor in the directory" in r for r in reasons.values())
    assert "weekday '9' is not a day" in reasons["regular_schedules.csv row 5"]


def test_unreadable_packages_are_refused(db, tmp_path):
    lonely = tmp_path / "services.csv"
    lonely.write_text("id,name\n1,x\n")
    with pytest.raises(InvalidInput, match="single CSV"):
        import_directory(db, LOCAL_ADMIN, lonely)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InvalidInput, match="not an Open Referral datapackage"):
        import_directory(db, LOCAL_ADMIN, empty)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "datapackage.json").write_text("{oops")
    (broken / "services.csv").write_text("id,name\n")
    with pytest.raises(InvalidInput, match="datapackage.json is not valid JSON"):
        import_directory(db, LOCAL_ADMIN, broken)
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("cat.jpg", b"\x89PNG")
    with pytest.raises(InvalidInput):
        import_directory(db, LOCAL_ADMIN, archive)
    with pytest.raises(InvalidInput, match="does not exist"):
        import_directory(db, LOCAL_ADMIN, tmp_path / "missing.json")
    assert _count(db, ImportBatch) == 0


def test_windows_1252_csv_is_read_with_a_warning(db, shared_reference, tmp_path):
    package = tmp_path / "pkg"
    shutil.copytree(shared_reference / HSDS1 / "simple", package)
    text = (package / "organizations.csv").read_text().replace("Sanctuary Example City", "Café £ Club")
    (package / "organizations.csv").write_bytes(text.encode("cp1252"))
    result = import_directory(db, LOCAL_ADMIN, package)
    assert any("Windows-1252" in w for w in result.warnings)
    with db.session() as session:
        assert session.execute(select(DirectoryOrganisation.name).where(
            DirectoryOrganisation.name.startswith("Caf"))).scalar_one() == "Café £ Club"


# ---- re-import ----------------------------------------------------------------------

def test_reimport_updates_by_id_keeps_local_fields_and_reports_closed(db, tmp_path, shared_reference):
    source = json.loads((shared_reference / V3 / "examples" / "service_full.json").read_text())
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(source))
    import_directory(db, LOCAL_ADMIN, path)
    with db.session() as session:
        service_id = session.execute(select(DirectoryService.id)).scalar_one()
    form = service_detail(db, LOCAL_ADMIN, service_id).form
    form.capacity, form.capacity_unit, form.private_notes = 12, "month", "Ask for Jo; parking at the back"
    form.referral_method = "signpost"
    save_service(db, LOCAL_ADMIN, form)

    source["description"] = "Counselling for adults and young people."
    source["status"] = "temporarily closed"
    path.write_text(json.dumps(source))
    result = import_directory(db, LOCAL_ADMIN, path)
    assert [c.oruk_id for c in result.closed] == [EXAMPLE_SERVICE]
    assert set(result.closed[0].fields) >= {"description", "status"}
    detail = service_detail(db, LOCAL_ADMIN, service_id).form
    assert detail.description == "Counselling for adults and young people."
    assert detail.status == "temporarily closed"
    assert (detail.capacity, detail.capacity_unit, detail.referral_method) == (12, "month", "signpost")
    assert detail.private_notes == "Ask for Jo; parking at the back"

    source["status"] = "active"
    source["name"] = "Community Counselling Service"
    path.write_text(json.dumps(source))
    result = import_directory(db, LOCAL_ADMIN, path)
    assert [(c.name, c.fields) for c in result.updated] == [("Community Counselling Service", ["name", "status"])]
    assert import_directory(db, LOCAL_ADMIN, path).unchanged == 1


def test_summary_list_does_not_wipe_what_it_does_not_carry(db, shared_reference):
    """A paged service list carries no schedules or locations: they stay as they were."""
    import_directory(db, LOCAL_ADMIN, shared_reference / V3 / "examples" / "service_full.json")
    result = import_directory(db, LOCAL_ADMIN, shared_reference / V3 / "examples" / "service_list.json")
    assert result.unchanged == 1 and any("page 1 of 10" in w for w in result.warnings)
    with db.session() as session:
        service_id = session.execute(select(DirectoryService.id)).scalar_one()
    detail = service_detail(db, LOCAL_ADMIN, service_id)
    assert detail.form.days == ["TH", "FR"] and len(detail.locations) == 1


def test_taxonomy_terms_map_onto_our_categories(db, tmp_path):
    document = [_service("bbbbbbbb-0000-4000-8000-000000000001", name="Walk and Talk", attributes=[
        {"id": "cccccccc-0000-4000-8000-000000000001", "link_type": "service", "taxonomy_term": {
            "id": "dddddddd-0000-4000-8000-000000000001", "name": "Walking groups", "description": "x"}},
        {"id": "cccccccc-0000-4000-8000-000000000002", "link_type": "service", "taxonomy_term": {
            "id": "dddddddd-0000-4000-8000-000000000002", "name": "Loneliness and isolation", "description": "x"}},
        {"id": "cccccccc-0000-4000-8000-000000000003", "link_type": "service", "taxonomy_term": {
            "id": "dddddddd-0000-4000-8000-000000000003", "name": "Heart health", "description": "x"}},
    ])]
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(document))
    (record,) = read_directory_file(path).services
    assert record.categories == {"physical_activity", "befriending", "ltc_support"}  # "heart" is not "arts"
    import_directory(db, LOCAL_ADMIN, path)
    with db.session() as session:
        service_id = session.execute(select(DirectoryService.id)).scalar_one()
    assert sorted(service_detail(db, LOCAL_ADMIN, service_id).form.categories) == [
        "befriending", "ltc_support", "physical_activity"]


def test_import_cli_reports_and_exit_codes(db, shared_reference, tmp_path, capsys):
    from pcn_assistant.cli import main

    if db.file_path is None:
        pytest.skip("CLI test runs on the SQLite file")
    db.dispose()
    assert main(["--database", str(db.file_path), "import", "directory",
                 str(shared_reference / HSDS1 / "all_resources"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(report["new"]) == 13 and report["format"] == "oruk-v1-csv"
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    assert main(["--database", str(db.file_path), "import", "directory", str(bad)]) == 3
    assert "Not valid JSON" in capsys.readouterr().err
