"""The attacker: with every export and a spreadsheet, try to recover a hidden count.

For the demo PCN and for a hand-built PCN full of small cells, each exported table is
read back (CSV, xlsx with openpyxl, the board report PDF with pdftotext) and attacked by
linear programming (``disclosure_attack.Attack``): row and column totals, the PCN
comparator inverted (comparator x denominators - other numerators), quarters against
their year, complements (denominator - numerator), before/after pairs and "per person"
x people, PCN totals against the practices. No count may be pinned to one value.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from disclosure_attack import Attack
from openpyxl import load_workbook

from pcn_assistant.cli import main
from pcn_assistant.services.security import LOCAL_ADMIN
from pcn_assistant.services.variation import compute_variation, export_variation
from pcn_assistant.services.variation.catalogue import shipped_catalogue
from pcn_assistant.services.variation.periods import date_range

QUARTERS = ["2026-27 Q1", "2026-27 Q2", "2026-27 Q3", "2026-27 Q4"]
YEAR = "2026-27"
ADDITIVE = "emergency_admissions"  # events in a year are the events of its quarters


def _hand_built_file(tmp_path):
    """Eight practices, four indicators, four quarters and (for the additive rate) the year:
    small numerators, small complements and tiny registers everywhere."""
    rng = np.random.default_rng(15)
    rows = []
    practices = [f"Z{n:05d}" for n in range(1, 9)]
    for i, practice in enumerate(practices):
        for quarter in QUARTERS:
            eligible = int(rng.integers(40, 400))
            uptake = int(eligible * rng.uniform(0.5, 0.97)) if i % 3 else int(rng.integers(1, 8))
            rows.append((practice, "flu_65_plus", quarter, uptake, eligible))
            children = int(rng.integers(3, 20))  # tiny registers: small denominators too
            rows.append((practice, "mmr1_24m", quarter, children - int(rng.integers(0, 4)), children))
            register = int(rng.integers(9, 30))
            rows.append((practice, "ld_health_checks", quarter, int(rng.integers(0, register + 1)), register))
        listed = int(rng.integers(2000, 9000))
        events = [int(rng.integers(0, 9)) if i % 2 else int(rng.integers(20, 60)) for _ in QUARTERS]
        for quarter, count in zip(QUARTERS, events, strict=True):
            rows.append((practice, ADDITIVE, quarter, count, listed))
        rows.append((practice, ADDITIVE, YEAR, sum(events), listed))
    path = tmp_path / "small-cells.csv"
    frame = pd.DataFrame(rows, columns=["practice_code", "indicator_code", "period", "numerator", "denominator"])
    frame.to_csv(path, index=False)
    return path, frame


def _decimals(value: float) -> int:
    text = repr(float(value))
    if "e" in text:
        mantissa, exponent = text.split("e")
        return max(len(mantissa.split(".")[1]) if "." in mantissa else 0, 0) - int(exponent)
    return len(text.split(".")[1]) if "." in text else 0


def _number(value):
    if value is None or value == "*" or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def attack_variation(frame: pd.DataFrame, multipliers: dict[str, float], additive: set[str]) -> dict:
    """Recover hidden numerators from a published audit table (CSV or the Data sheet)."""
    attack = Attack()
    frame = frame.reset_index(drop=True)
    for (code, period), group in frame.groupby(["indicator_code", "period"]):
        proportion = (group["method"] == "Wilson").all()
        numerators, denominators = {}, {}
        for _, row in group.iterrows():
            x, n = _number(row["numerator"]), _number(row["denominator"])
            key = ("x", code, period, row["practice_code"])
            n_key = ("n", code, period, row["practice_code"])
            if n is None:
                attack.unknown(n_key, 1, 7)
                denominators[n_key] = None
            else:
                denominators[n_key] = n
            if x is None:
                high = n if (proportion and n is not None) else None
                attack.unknown(key, 1, high)
                if proportion and n is None:
                    attack.between({key: 1, n_key: -1}, -math.inf, 0)
                numerators[key] = None
            else:
                numerators[key] = x
        comparator = _number(group["comparator"].iloc[0])
        if comparator is None:
            continue
        half = 0.5 * 10 ** -_decimals(comparator)
        m = multipliers[code]
        # sum(x) * m - c * sum(n) within +-half * sum(n): linear in the unknowns
        for sign, bound in ((1, comparator + half), (-1, comparator - half)):
            terms = {k: m for k, v in numerators.items() if v is None}
            constant = m * sum(v for v in numerators.values() if v is not None)
            for k, v in denominators.items():
                if v is None:
                    terms[k] = terms.get(k, 0) - bound
                else:
                    constant -= bound * v
            if sign == 1:
                attack.between(terms, -math.inf, -constant)
            else:
                attack.between(terms, -constant, math.inf)
    spans = {p: date_range(p) for p in set(frame["period"])}
    for code in additive:
        for whole, span in spans.items():
            parts = [p for p, s in spans.items() if p != whole and s and span and span[0] <= s[0] and s[1] <= span[1]]
            if not parts:
                continue
            for practice in set(frame["practice_code"]):
                cells = frame[(frame["indicator_code"] == code) & (frame["practice_code"] == practice)]
                values = dict(zip(cells["period"], cells["numerator"], strict=True))
                if whole not in values or any(p not in values for p in parts):
                    continue
                terms, constant = {}, 0.0
                for p, sign in [*[(p, 1) for p in parts], (whole, -1)]:
                    v = _number(values[p])
                    if v is None:
                        terms[("x", code, p, practice)] = sign
                    else:
                        constant += sign * v
                attack.equals(terms, -constant)
    return attack.recovered()


def _multipliers(frame) -> dict[str, float]:
    catalogue = dict(shipped_catalogue())
    return {code: catalogue[code].multiplier for code in set(frame["indicator_code"])}


def _data_sheet(path) -> pd.DataFrame:
    rows = list(load_workbook(path, read_only=True)["Data"].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_the_attack_recovers_counts_when_nothing_is_protected(tmp_path):
    """The attack works: on exact counts with a 1-decimal comparator it pins the one
    practice whose numerator is missing (so a clean run below means something)."""
    path, truth = _hand_built_file(tmp_path)
    exact = compute_variation(None, LOCAL_ADMIN, indicators_file=path, suppression="none").frame.copy()
    key = exact.index[(exact["indicator_code"] == "flu_65_plus") & (exact["period"] == "2026-27 Q1")][0]
    exact["numerator"] = exact["numerator"].astype(object)
    exact.loc[key, "numerator"] = "*"
    recovered = attack_variation(exact, _multipliers(exact), {ADDITIVE})
    assert recovered == {("x", "flu_65_plus", "2026-27 Q1", exact.loc[key, "practice_code"]):
                         int(truth[(truth.practice_code == exact.loc[key, "practice_code"])
                                   & (truth.indicator_code == "flu_65_plus")
                                   & (truth.period == "2026-27 Q1")]["numerator"].iloc[0])}


@pytest.mark.parametrize("rule", ["nhs", "nhs-round5"])
def test_hand_built_pcn_variation_exports_give_nothing_away(tmp_path, rule):
    path, truth = _hand_built_file(tmp_path)
    csv_out = tmp_path / "audit.csv"
    assert main(["--database", str(tmp_path / "empty.db"), "variation", "compute", "--indicators", str(path),
                 "--suppression", rule, "--out", str(csv_out)]) == 0
    published = pd.read_csv(csv_out, dtype=object)
    xlsx = tmp_path / "audit.xlsx"
    export_variation(None, LOCAL_ADMIN, xlsx, indicators_file=path, suppression=rule)
    data = _data_sheet(xlsx)
    multipliers = _multipliers(published)
    hidden = published["numerator"] == "*"
    assert hidden.sum() >= 20  # plenty of small cells to attack
    for table in (published, data):
        assert attack_variation(table, multipliers, {ADDITIVE}) == {}
    # no count or complement of 1-7 is visible anywhere
    counts = pd.to_numeric(data["numerator"], errors="coerce")
    denominators = pd.to_numeric(data["denominator"], errors="coerce")
    assert not counts.between(1, 7).any() and not denominators.between(1, 7).any()
    visible = (data["method"] == "Wilson") & counts.notna()
    true = truth.set_index(["practice_code", "indicator_code", "period"])
    true_complement = [true.loc[(r.practice_code, r.indicator_code, r.period), "denominator"]
                       - true.loc[(r.practice_code, r.indicator_code, r.period), "numerator"]
                       for r in data[visible].itertuples()]
    assert not any(1 <= c <= 7 for c in true_complement)
    if rule == "nhs":
        assert not (denominators - counts)[visible].between(1, 7).any()
    else:
        shown = pd.concat([counts, denominators]).dropna()
        assert (shown % 5 == 0).all()
    _check_workbook_shows_only_protected_numbers(xlsx, data)


def _check_workbook_shows_only_protected_numbers(xlsx, data: pd.DataFrame) -> None:
    """Indicator sheets, the summary's PCN row and the funnel plots' hidden data carry no
    number the Data sheet withholds: hidden rows have no point, the pooled line is the
    published comparator."""
    book = load_workbook(xlsx)
    comparators = {(r.indicator_code, r.period): r.comparator for r in data.itertuples()}
    chart = [list(r) for r in book["Chart data"].iter_rows(values_only=True)]
    shown = {(r.indicator_code, r.period, r.practice_code) for r in data.itertuples() if r.numerator != "*"}
    title = None
    for row in chart:
        if row[0] and isinstance(row[0], str) and row[0] not in ("denominator",):
            match = re.match(r"(\S+) (.+)$", row[0])
            if match and (match[1], match[2]) in comparators:
                title = (match[1], match[2])
        if title and isinstance(row[12], (int, float)):
            assert row[12] == pytest.approx(float(comparators[title]), abs=1e-9), title
        if title and isinstance(row[7], str) and row[7] != "practice":
            assert (title[0], title[1], row[7]) in shown, (title, row[7])
    for code in set(data["indicator_code"]):
        sheet = book[code[:31]] if code[:31] in book.sheetnames else None
        if sheet is None:
            continue
        for row in sheet.iter_rows(min_row=6, values_only=True):
            if row[1] and (row[0], row[1]) and row[3] == "*":
                assert all(v == "*" for v in row[5:10]), row  # value and limits withheld with the count


def test_demo_variation_exports_give_nothing_away(demo_db, tmp_path):
    xlsx = tmp_path / "demo.xlsx"
    export_variation(demo_db, LOCAL_ADMIN, xlsx)
    data = _data_sheet(xlsx)
    assert (data["numerator"] == "*").sum() > 0
    assert attack_variation(data, _multipliers(data), set()) == {}
    exact = compute_variation(demo_db, LOCAL_ADMIN, suppression="none").frame
    small_complements = ((exact["method"] == "Wilson")
                         & (exact["denominator"] - exact["numerator"]).between(1, 7))
    assert small_complements.sum() > 20  # the 63 complements of the issue, at this demo size
    assert (data.loc[small_complements.to_numpy(), "numerator"] == "*").all()
    _check_workbook_shows_only_protected_numbers(xlsx, data)


def test_without_secondary_suppression_the_attack_succeeds(tmp_path, monkeypatch):
    """Primary suppression alone (and an exact comparator) is not enough: this is the
    breach of the issue, and the attack finds it."""
    import sys

    from pcn_assistant.services.variation import compute as compute_module
    from pcn_assistant.services.variation import disclosure as variation_disclosure

    core = sys.modules["pcn_assistant.core.disclosure.protect"]
    monkeypatch.setattr(variation_disclosure, "protect",
                        lambda counts, relations=(), **kw: core.protect(counts, (), **kw))
    monkeypatch.setattr(compute_module, "COMPARATOR_PLACES", 12)
    path, _truth = _hand_built_file(tmp_path)
    frame = compute_variation(None, LOCAL_ADMIN, indicators_file=path).frame
    assert len(attack_variation(frame, _multipliers(frame), {ADDITIVE})) >= 1


# --------------------------------------------------------------------------- dashboard

def _dashboards(db, period, today, exact):
    from pcn_assistant.services.dashboard import build_dashboard
    from pcn_assistant.services.practices import list_practices

    codes = [p.ods_code for p in list_practices(db)]
    return {code or "PCN": build_dashboard(db, LOCAL_ADMIN, period=period, practice_code=code, today=today,
                                           exact=exact) for code in [None, *codes]}


def _attack_dashboards(db, period, today):
    from dashboard_attack import DashboardAttack

    published = _dashboards(db, period, today, exact=False)
    truth = _dashboards(db, period, today, exact=True)
    attack = DashboardAttack(published, truth).build()
    return published, truth, attack


def _hidden_small(published, truth) -> int:
    """How many hidden cells hold a true count of 1-7 (what there is to recover)."""
    found = 0
    for scope, dashboard in published.items():
        for section, true_section in zip(dashboard.sections, truth[scope].sections, strict=True):
            for table, true_table in zip(section.tables, true_section.tables, strict=True):
                for row, true_row in zip(table.rows, true_table.rows, strict=True):
                    found += sum(1 for v, t in zip(row, true_row, strict=True)
                                 if v == "*" and isinstance(t, int) and 1 <= t <= 7)
    return found


def _counts_recovered(attack) -> dict:
    """Recovered hidden counts other than 0 (a 0 hidden only to protect a partner, when
    nothing else was left, may be pinned: 0 is not a small count)."""
    return {k: v for k, v in attack.recovered().items() if v != 0}


def _headline_numbers_come_from_tables(published) -> None:
    """Every sentence quoting a count quotes the protected table (the issue's "9 before,
    3 after" beside a * in the table)."""
    from pcn_assistant.core.disclosure import in_words

    for dashboard in published.values():
        system = dashboard.section("system")
        for label, people, before, after, *_ in system.table("before_after").rows:
            line = next(h for h in system.headlines if h.startswith(label))
            assert f": {in_words(before)} in the 6 months" in line and f", {in_words(after)} after" in line
            assert f"({in_words(people)} people" in line
        weekly = dashboard.section("activity").table("contacts_per_week")
        assert dashboard.section("activity").headlines[0].startswith(f"{in_words(weekly.rows[-1][1])} contacts")
        categories = dashboard.section("referrals").table("by_category")
        total = categories.rows[-1][1] if categories.has_total_row else 0
        assert dashboard.section("referrals").headlines[0].startswith(f"{in_words(total)} referrals")


def test_hand_built_pcn_dashboards_give_nothing_away(small_pcn_dashboard):
    from dashboard_fixture import TODAY

    for period in ("2026-Q3", "2026"):
        published, truth, attack = _attack_dashboards(small_pcn_dashboard, period, TODAY)
        assert _hidden_small(published, truth) >= 20 and attack.kept >= 50
        assert _counts_recovered(attack) == {}, period
        _headline_numbers_come_from_tables(published)


def test_demo_dashboards_give_nothing_away(demo_db):
    from pcn_assistant.core import clock

    published, truth, attack = _attack_dashboards(demo_db, "2026-Q3", clock.today())
    assert _hidden_small(published, truth) >= 50 and attack.kept >= 200
    assert _counts_recovered(attack) == {}
    _headline_numbers_come_from_tables(published)


def test_without_secondary_suppression_the_dashboard_attack_succeeds(demo_db, monkeypatch):
    """Hiding only 1-7 leaves them to subtraction (PCN minus practices, Total minus rows):
    the attack pins them, each to its true value."""
    import sys

    from pcn_assistant.core import clock
    from pcn_assistant.services.dashboard import disclosure as dashboard_disclosure

    core = sys.modules["pcn_assistant.core.disclosure.protect"]
    monkeypatch.setattr(dashboard_disclosure, "protect",
                        lambda counts, relations=(), **kw: core.protect(counts, (), **kw))
    _published, truth, attack = _attack_dashboards(demo_db, "2026-Q3", clock.today())
    recovered = _counts_recovered(attack)
    assert len(recovered) >= 10
    for (owner, table, label, column), value in recovered.items():
        true_table = next(t for s in truth[owner if owner in truth else "PCN"].sections for t in s.tables
                          if t.key == table)
        assert next(r for r in true_table.rows if str(r[0]) == label)[true_table.columns.index(column)] == value


@pytest.fixture
def small_pcn_dashboard(db):
    from dashboard_fixture import build

    with db.transaction() as session:
        build(session)
    return db


def _sheet_values(path, sheet):
    return [list(r) for r in load_workbook(path)[sheet].iter_rows(values_only=True)]


def test_dashboard_exports_carry_only_the_protected_figures(demo_db, tmp_path, qapp):
    """The workbook and the board report show what the attack was run on, nothing more:
    every table cell and headline read back equals the protected dashboard's."""
    import shutil
    import subprocess

    from pcn_assistant.core import clock
    from pcn_assistant.gui.reports.pdf import write_pdf
    from pcn_assistant.services.dashboard import build_dashboard, export_dashboard

    today = clock.today()
    for practice in (None, "Y90005"):
        published = build_dashboard(demo_db, LOCAL_ADMIN, practice_code=practice, today=today)
        out, _ = export_dashboard(demo_db, LOCAL_ADMIN, tmp_path / f"d-{practice}.xlsx", practice_code=practice,
                                  today=today)
        summary = " ".join(str(v) for row in _sheet_values(out, "Summary") for v in row if v)
        for section in published.sections:
            for headline in section.headlines:
                assert headline in summary
            values = _sheet_values(out, section.title)
            for table in section.tables:
                top = next(i for i, row in enumerate(values) if row[0] == table.title)
                assert values[top + 1][:len(table.columns)] == table.columns
                for offset, row in enumerate(table.rows, start=2):
                    assert values[top + offset][:len(row)] == row, (table.key, row)
        methods = " ".join(str(v) for row in _sheet_values(out, "Methods") for v in row if v)
        assert "smallest next count" in methods and "1 to 7" in methods
        if shutil.which("pdftotext") is None:
            continue
        pdf, document = export_dashboard(demo_db, LOCAL_ADMIN, tmp_path / f"d-{practice}.pdf",
                                         practice_code=practice, today=today)
        write_pdf(document, pdf)
        raw = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                             check=True).stdout
        text = " ".join(raw.replace("-\n", "-").split())  # lines wrap after a hyphen
        system = published.section("system")
        for headline in system.headlines:
            assert " ".join(headline.split()) in text
        assert "smallest next count" in text
