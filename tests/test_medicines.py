"""BNF codes and sections as EMIS and SystmOne export them, the CMS drug groups they
fall in (longest prefix wins), and what counts as one different medicine."""

import pytest

from pcn_assistant.core.medicines import drug_group, load_bnf_groups, medicine_key, normalise_bnf


@pytest.mark.parametrize(("text", "prefix"), [
    ("0407010H0AAAMAM", "0407010H0AAAMAM"), ("0407010h0", "0407010H0"), ("4.7.1", "040701"),
    ("04.07.01", "040701"), ("4.2.3", "040203"), ("1.6", "0106"), ("0403", "0403"), ("", None), (None, None),
    ("4.7.1 Non-opioid analgesics", "040701"), (" 0407010H0AAAMAM ", "0407010H0AAAMAM"),
])
def test_bnf_codes_and_sections_become_one_prefix(text, prefix):
    assert normalise_bnf(text) == prefix


@pytest.mark.parametrize("text", ["BNF?", "4.7.1.2.3", "0407X", "0.1", "Analgesics 4.7"])
def test_what_is_not_a_bnf_code_is_refused(text):
    with pytest.raises(ValueError, match="BNF"):
        normalise_bnf(text)


@pytest.mark.parametrize(("bnf", "group"), [
    ("0407010H0AAAMAM", "analgesic"), ("040801", "anticonvulsant"), ("0403030Q0", "antidepressant"),
    ("0401", "anxiolytic_hypnotic"), ("010604", "laxative"), ("0102", "antispasmodic"),
    ("0402030K0", "lithium"), ("040201", None),  # antipsychotics: no CMS group
    ("030101", "asthma"), ("0302", "asthma"), ("0303", None), ("0206020A0", None), (None, None),
])
def test_drug_groups_follow_the_bnf_sections(bnf, group):
    assert drug_group(bnf) == group


def test_the_group_table_is_valid_and_bad_rows_are_named(tmp_path):
    assert set(load_bnf_groups().values()) == {"analgesic", "anticonvulsant", "antidepressant",
                                               "anxiolytic_hypnotic", "laxative", "antispasmodic", "lithium", "asthma"}
    bad = tmp_path / "groups.csv"
    bad.write_text("bnf_prefix,drug_group,bnf_section\n0407,analgesic,4.7\n4.8,anticonvulsant,4.8\n")
    with pytest.raises(ValueError, match="groups.csv line 3"):
        load_bnf_groups(bad)


def test_strengths_of_one_substance_are_one_medicine():
    assert medicine_key("1000000", "0407010H0AAAMAM", None) == medicine_key("1000001", "0407010H0AABABA", None)
    assert medicine_key("42109611000001109", None, None) == "0407010H0"  # from the dm+d table
    assert medicine_key("1000000", "0407", "Co-codamol 30/500") == "co-codamol 30/500"
