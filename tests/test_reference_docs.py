"""A fresh clone is told how to get the reference data its skipped tests need (issue 17, item 19)."""

from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_says_where_the_reference_data_comes_from_and_why_it_is_not_shipped():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Reference data for the tests"):]
    section = section[:section.index("\n## ", 5)]
    for needle in ("PCN_TEST_REFERENCE", "../shared/reference/", "PHEindicatormethods", "GPL-3",
                   "uk-profile", "sample-HSDS-datapackage", "PRSB"):
        assert needle in section, needle


def test_reference_skips_point_to_the_readme():
    conftest = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")
    assert "Reference data for the tests" in conftest and "PCN_TEST_REFERENCE" in conftest
