"""The core disclosure layer: primary, complement, secondary (smallest next cell) and round5."""

import pytest

from pcn_assistant.core.disclosure import (
    COMPLEMENT,
    NHS_ROUND5,
    NONE,
    PRIMARY,
    SECONDARY,
    DisclosureError,
    Rule,
    in_words,
    protect,
    suppress_count,
)


def test_primary_hides_one_to_seven_and_zero_stays_zero():
    rule = Rule()
    assert [suppress_count(v, rule) for v in (0, 1, 7, 8, 120)] == [0, "*", "*", 8, 120]
    assert suppress_count(7, Rule(threshold=10)) == "*" and suppress_count(10, Rule(threshold=10)) == "*"
    assert suppress_count(11, Rule(threshold=10)) == 11
    assert suppress_count(3, Rule(NONE)) == 3


def test_unknown_mode_and_bad_threshold_refused():
    with pytest.raises(DisclosureError):
        Rule("sometimes")
    with pytest.raises(DisclosureError):
        Rule(threshold=0)


def test_round5_rounds_halves_up_and_keeps_zero():
    rule = Rule(NHS_ROUND5)
    assert [rule.shown(v) for v in (0, 8, 12, 13, 17, 18, 22, 1003)] == [0, 10, 10, 15, 15, 20, 20, 1005]
    assert suppress_count(6, rule) == "*" and suppress_count(12.5, rule) == 15


def test_complement_of_one_to_seven_is_hidden():
    protection = protect({"a": 11, "b": 40}, rule=Rule(), denominators={"a": 13, "b": 60})
    assert protection.reasons == {"a": COMPLEMENT}
    # 13 of 13 (complement 0) is not disclosive: 0 stays 0
    assert protect({"a": 13}, denominators={"a": 13}).reasons == {}


def test_secondary_takes_the_smallest_next_cell_of_each_relation():
    counts = {"A": 5, "B": 40, "C": 12, "D": 30, "total": 87}
    protection = protect(counts, [["A", "B", "C", "D", "total"]])
    assert protection.reasons == {"A": PRIMARY, "C": SECONDARY}
    assert protection.value("C") == "*" and protection.value("total") == 87


def test_secondary_skips_zeros_and_zero_complements():
    counts = {"A": 3, "B": 0, "C": 20, "D": 9, "total": 32}
    denominators = {"A": 30, "B": 10, "C": 20, "D": 50}
    protection = protect(counts, [["A", "B", "C", "D", "total"]], denominators=denominators)
    assert protection.reasons == {"A": PRIMARY, "D": SECONDARY}  # not B (0) nor C (20 of 20)


def test_secondary_follows_rows_and_columns_until_no_cell_is_alone():
    # rows r1, r2 with a total column; columns with a total row
    counts = {("r1", "x"): 3, ("r1", "y"): 50, ("r1", "t"): 53,
              ("r2", "x"): 20, ("r2", "y"): 60, ("r2", "t"): 80,
              ("T", "x"): 23, ("T", "y"): 110, ("T", "t"): 133}
    rows = [[(r, "x"), (r, "y"), (r, "t")] for r in ("r1", "r2", "T")]
    columns = [[("r1", c), ("r2", c), ("T", c)] for c in ("x", "y", "t")]
    protection = protect(counts, rows + columns)
    hidden = set(protection.reasons)
    for group in rows + columns:
        inside = [k for k in group if k in hidden]
        assert len(inside) != 1, group
    assert protection.reasons[("r1", "x")] == PRIMARY
    assert {("r1", "y"), ("r2", "x")} <= hidden  # the smallest next in its row and its column


def test_hidden_cells_that_must_all_be_one_get_a_partner():
    counts = {"A": 1, "B": 1, "C": 30, "total": 32}
    protection = protect(counts, [["A", "B", "C", "total"]])
    assert protection.reasons == {"A": PRIMARY, "B": PRIMARY, "C": SECONDARY}


def test_fixed_cells_are_never_chosen_and_totals_withheld():
    counts = {"A": 4, "B": 9, "total": 13}
    protection = protect(counts, [["A", "B", "total"]], fixed={"B"})
    assert protection.reasons == {"A": PRIMARY, "total": SECONDARY}
    assert protection.shown_total(["A", "B"]) == "*"
    assert protect({"A": 9, "B": 12}, rule=Rule(NHS_ROUND5)).shown_total(["A", "B"]) == 20


def test_none_mode_hides_nothing():
    assert protect({"A": 2, "B": 50}, [["A", "B"]], rule=Rule(NONE)).reasons == {}


def test_in_words():
    assert [in_words(v) for v in ("*", 1234, 3.0, 2.25)] == ["* (withheld)", "1,234", "3", "2.2"]


def test_linked_relations_solved_together_get_another_cell():
    """a+b, b+c and a+c are each published: every relation holds two hidden cells, yet
    three equations pin all three. The audit finds that and hides more."""
    from pcn_assistant.core.disclosure.protect import determined_cells

    counts = {"a": 3, "b": 2, "c": 4, "x": 20, "y": 30, "ab": 5, "bc": 6, "ac": 7, "cx": 24, "ay": 33}
    relations = [["a", "b", "ab"], ["b", "c", "bc"], ["a", "c", "ac"], ["c", "x", "cx"], ["a", "y", "ay"]]
    assert set(determined_cells(relations, {"a", "b", "c"})) == {"a", "b", "c"}
    protection = protect(counts, relations, fixed={"ab", "bc", "ac", "cx", "ay"})
    assert {"a", "b", "c"} <= set(protection.reasons) and len(protection.reasons) > 3
    assert determined_cells(relations, set(protection.reasons)) == []
    # a rectangle of four hidden cells in a table with row and column totals is safe as it is
    rectangle = [["p", "q", "r1"], ["s", "t", "r2"], ["p", "s", "c1"], ["q", "t", "c2"]]
    assert determined_cells(rectangle, {"p", "q", "s", "t"}) == []
