"""Open Referral UK export: valid against the v3 UK profile schemas, and a lossless round trip."""

import csv
import json
from datetime import date, time
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from pcn_assistant.cli import main
from pcn_assistant.services.database import open_database
from pcn_assistant.services.directory.edit import ServiceForm, save_service
from pcn_assistant.services.directory.oruk_export import CSV_TABLES, export_directory
from pcn_assistant.services.directory.oruk_import import import_directory
from pcn_assistant.services.security import LOCAL_ADMIN

V3 = "openreferral/oruk_uk_profile_v3"
HSDS1 = "openreferral/hsds1_sample_datapackage"
# HSDS 3.0 core carries contact e-mail; the UK profile leaves it out, we keep it.
EXTRA_COLUMNS = {"contact": {"email"}}


def _validator(schema: dict, registry: Registry | None = None) -> jsonschema.Draft202012Validator:
    kwargs = {"registry": registry} if registry is not None else {}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker(), **kwargs)


def _registry(schema_dir: Path) -> Registry:
    resources = [(p.name, DRAFT202012.create_resource(json.loads(p.read_text())))
                 for p in schema_dir.glob("*.json") if p.name != "openapi.json"]
    return Registry().with_resources(resources)


def _errors(validator: jsonschema.Draft202012Validator, instance: object) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


@pytest.fixture
def directory(db, shared_reference):
    """Both reference samples plus services typed in by hand, with categories and capacity."""
    import_directory(db, LOCAL_ADMIN, shared_reference / V3 / "examples" / "service_full.json")
    import_directory(db, LOCAL_ADMIN, shared_reference / HSDS1 / "all_resources")
    save_service(db, LOCAL_ADMIN, ServiceForm(
        name="Tuesday Knit & Natter", organisation="Saltmarsh Bay Crafters", description="Knitting, tea and a chat.",
        categories=["arts", "befriending"], phone="01632 960123", contact_name="Maureen",
        address="St Anne's Hall, Church Road", town="Saltmarsh Bay", postcode="FY8 1AB", days=["TU"],
        opens_at=time(10), closes_at=time(12), free=True, capacity=15, private_notes="Key code 1234",
        last_verified=date(2026, 1, 5), minimum_age=18), today=date(2026, 11, 1))
    save_service(db, LOCAL_ADMIN, ServiceForm(
        name="Debt advice drop-in", organisation="Bay Advice", categories=["money"], email="help@bayadvice.example",
        town="Saltmarsh Bay", days=["MO", "TH"], opens_at=time(9, 30), closes_at=time(16)), today=date(2026, 11, 1))
    return db


def test_json_export_validates_against_the_uk_profile(directory, shared_reference, tmp_path):
    out = tmp_path / "directory.json"
    result = export_directory(directory, LOCAL_ADMIN, out, "oruk-json")
    document = json.loads(out.read_text())
    assert result.services == len(document) == 16
    schemas = shared_reference / V3 / "schema" / "compiled"
    assert _errors(_validator(json.loads((schemas / "service_package.json").read_text())), document) == []
    service_schema = _validator(json.loads((schemas / "service.json").read_text()))
    for item in document:
        assert _errors(service_schema, item) == [], item["name"]
    knit = next(s for s in document if s["name"] == "Tuesday Knit & Natter")
    assert knit["schedules"][0]["byday"] == "TU" and knit["schedules"][0]["opens_at"] == "10:00:00"
    assert {a["taxonomy_term"]["name"] for a in knit["attributes"]} == {"Arts and creativity", "Befriending and loneliness"}
    assert knit["cost_options"][0]["amount"] == 0
    text = out.read_text()
    assert "Key code 1234" not in text and "capacity" not in text  # team-only fields stay home


def test_csv_export_validates_table_by_table(directory, shared_reference, tmp_path):
    out = tmp_path / "package"
    export_directory(directory, LOCAL_ADMIN, out, "oruk-csv")
    reference = json.loads((shared_reference / V3 / "datapackage.json").read_text())
    reference_fields = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in reference["resources"]}
    schema_dir = shared_reference / V3 / "schema"
    registry = _registry(schema_dir)
    entity = {"organization": "organization", "service": "service", "service_at_location": "service_at_location",
              "location": "location", "address": "address", "schedule": "schedule", "contact": "contact",
              "phone": "phone", "cost_option": "cost_option", "service_area": "service_area",
              "taxonomy": "taxonomy", "taxonomy_term": "taxonomy_term", "attribute": "attribute"}
    descriptor = json.loads((out / "datapackage.json").read_text())
    assert {r["name"] for r in descriptor["resources"]} == set(CSV_TABLES)
    counts = {}
    for table, (file_name, _columns) in CSV_TABLES.items():
        with (out / file_name).open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            assert set(reader.fieldnames) <= set(reference_fields[table]) | EXTRA_COLUMNS.get(table, set()), table
            schema = json.loads((schema_dir / f"{entity[table]}.json").read_text())
            validator = _validator(schema, registry)
            rows = list(reader)
        counts[table] = len(rows)
        for number, row in enumerate(rows, start=2):
            instance = {}
            for key, value in row.items():
                if value == "" and key not in schema.get("required", []):
                    continue  # an empty CSV cell is an absent value, except where one is required
                kind = reference_fields[table].get(key, {}).get("type", "string")
                instance[key] = float(value) if kind in ("number", "integer") else value
            assert _errors(validator, instance) == [], f"{file_name} row {number}"
    assert counts["service"] == 16 and counts["organization"] == 13
    assert counts["taxonomy"] == 1 and counts["attribute"] >= 3


@pytest.mark.parametrize("fmt, target", [("oruk-json", "out.json"), ("oruk-csv", "out")])
def test_export_then_import_changes_nothing(directory, tmp_path, fmt, target):
    export_directory(directory, LOCAL_ADMIN, tmp_path / target, fmt)
    result = import_directory(directory, LOCAL_ADMIN, tmp_path / target)
    assert result.problems == []
    assert (len(result.new), len(result.updated), len(result.closed), result.unchanged) == (0, 0, 0, 16), (
        [(c.name, c.fields) for c in result.updated])
    assert not result.changed


def test_export_into_an_empty_directory_recreates_it(directory, tmp_path):
    out = tmp_path / "out.json"
    export_directory(directory, LOCAL_ADMIN, out, "oruk-json")
    other = open_database(tmp_path / "other.db")
    try:
        first = import_directory(other, LOCAL_ADMIN, out)
        assert len(first.new) == 16
        again = tmp_path / "again.json"
        export_directory(other, LOCAL_ADMIN, again, "oruk-json")
        assert json.loads(again.read_text()) == json.loads(out.read_text())
    finally:
        other.dispose()


def test_export_command(directory, tmp_path, capsys):
    if directory.file_path is None:
        pytest.skip("CLI test runs on the SQLite file")
    directory.dispose()
    assert main(["--database", str(directory.file_path), "directory", "export", "--format", "oruk-csv",
                 "--out", str(tmp_path / "pkg"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["services"] == 16 and (tmp_path / "pkg" / "datapackage.json").exists()
    with pytest.raises(SystemExit) as usage:
        main(["--database", str(directory.file_path), "directory", "export", "--format", "xml",
              "--out", str(tmp_path / "x")])
    assert usage.value.code == 2
