"""The variation audit workbook a practice manager can hand in unchanged.

Sheets: Summary (practices by indicators, coloured and marked by assessment, with a
legend), one sheet per indicator (table and funnel plots), Data (the tidy table exactly
as ``variation compute`` writes it) and Methods (methods, references, confidence levels,
the suppression rule, periods, source files with sha256, time and app version).
"""

from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pcn_assistant.core.stats import z_value
from pcn_assistant.services.safe_cells import save_workbook, xlsx_text
from pcn_assistant.services.variation.catalogue import IndicatorDef
from pcn_assistant.services.variation.compute import (
    COLUMNS,
    SUPPRESSION_MARK,
    SUPPRESSION_RULES,
    statistic_of,
)
from pcn_assistant.services.variation.palette import LOOKS, SUPPRESSED_LOOK, look_for
from pcn_assistant.services.variation.service import VariationResult
from pcn_assistant.services.variation.workbook_indicators import ChartData, add_indicator_sheet
from pcn_assistant.services.variation.workbook_style import (
    BOX,
    CENTRE,
    NOTE_FONT,
    PCN_FILL,
    TITLE_FONT,
    WRAP_TOP,
    fill_for,
    fit_height,
    page_setup,
    set_style,
    set_widths,
    sheet_name,
    symbol_format,
    value_format,
    write_header,
)

SUMMARY_HEADER_ROW = 6
PCN_CODE = "PCN"
SUPPRESSION_LABELS = {"nhs": "NHS rule (counts and complements of 1 to 7 shown as *, with secondary suppression)",
                      "nhs-round5": "NHS rule with counts rounded to the nearest 5",
                      "none": "none (internal use only: do not share)"}
REFERENCES = (
    "Wilson EB. Probable inference, the law of succession, and statistical inference. "
    "J Am Stat Assoc 1927;22:209-212.",
    "Newcombe RG, Altman DG. Proportions and their differences. In: Altman DG et al (eds). "
    "Statistics with confidence, 2nd edn. BMJ Books, 2000:46-48.",
    "Breslow NE, Day NE. Statistical methods in cancer research, volume II: the design and "
    "analysis of cohort studies. IARC, 1987 (Byar's method).",
    "Spiegelhalter DJ. Funnel plots for comparing institutional performance. "
    "Stat Med 2005;24:1185-1202.",
    "OHID Fingertips technical guidance: Public health methods (confidence intervals, "
    "funnel plots, significance). https://fingertips.phe.org.uk/profile/guidance",
    "PHEindicatormethods R package (UKHSA/OHID), the reference implementation these "
    "results are tested against.",
    "NHS Digital. Disclosure control: small numbers in published statistics.",
    "Dobson AJ, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for weighted sums of "
    "Poisson parameters. Stat Med 1991;10:457-462.",
    "Eurostat. Revision of the European Standard Population: report of Eurostat's task force, "
    "2013 edition (ESP 2013).",
)
STANDARDISATION = (
    "A&E attendances, emergency admissions and antibiotic items depend on how old a practice's "
    "list is, so the catalogue marks them for age standardisation; the 'statistic' column and each "
    "sheet's heading say which method each indicator used. Age-standardised rate per 1,000 (ESP 2013): "
    "when events and population are given by five-year age band, DSR = Σ(wᵢxᵢ/nᵢ)/Σwᵢ with the "
    "European Standard Population 2013 weights (0-4: 5,000; 5-9 to 15-19: 5,500; 20-29: 6,000; "
    "30-34: 6,500; 35-54: 7,000; 55-59: 6,500; 60-64: 6,000; 65-69: 5,500; 70-74: 5,000; 75-79: "
    "4,000; 80-84: 2,500; 85-89: 1,500; 90+: 1,000; total 100,000); limits by Dobson's method, "
    "DSR + √(var/O)·(Byar(O) − O) with var = Σ(wᵢ²xᵢ/nᵢ²)/(Σwᵢ)² and O the total count; the "
    "comparator and significance follow PHE's funnel method (each count over its derived "
    "denominator, count / DSR, against Σcounts / Σderived denominators), and funnel points sit at "
    "the derived denominator. PHE publishes no DSR below 10 events, so if any practice has fewer the "
    "indicator is compared by ratio to expected instead. Ratio to expected (indirectly age-sex "
    "standardised): observed events / expected events x 100, the expected count being the PCN's "
    "age(-sex)-specific rates applied to the practice's registered list by age band and sex (from "
    "the patient table as at the audit date), or to its age-banded population; where the rates' age "
    "profile comes from patients' recorded A&E attendances or emergency admissions in the last 12 "
    "months it is scaled so the PCN as a whole is 100. The 'numerator' is then the observed and the "
    "'denominator' the expected count; limits are exact Poisson below 10 observed events and Byar's "
    "from 10, divided by the expected count; 100 is the comparator. Where neither breakdown is "
    "available the crude rate is shown, labelled 'not age-standardised' with the reason. STAR-PU "
    "prescribing weightings are not used: NHS Digital last updated them in 2013 and OpenPrescribing "
    "withdrew them as a denominator in 2024."
)


def write_workbook(result: VariationResult, path: Path) -> list[str]:
    """Write the workbook to ``path``; returns the visible sheet names in order."""
    workbook = Workbook()
    taken: set[str] = set()
    summary = workbook.active
    summary.title = sheet_name("Summary", taken)
    _summary_sheet(summary, result)
    chart_data = ChartData(workbook)
    taken.add(chart_data.sheet.title.lower())
    for code, definition in result.indicators.items():
        rows = result.frame[result.frame["indicator_code"] == code]
        sheet = workbook.create_sheet(sheet_name(definition.short_name, taken))
        add_indicator_sheet(sheet, definition, rows, result.practices, result.funnels, chart_data,
                            highlight=result.scope)
    _data_sheet(workbook.create_sheet(sheet_name("Data", taken)), result)
    _methods_sheet(workbook.create_sheet(sheet_name("Methods", taken)), result)
    workbook.move_sheet(chart_data.sheet, offset=len(workbook.sheetnames))
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(workbook, path)
    return [s.title for s in workbook.worksheets if s.sheet_state == "visible"]


def _scope_text(result: VariationResult) -> str:
    if result.scope:
        return f"Practice {result.scope} ({result.practices.get(result.scope, '')}) against the whole PCN"
    return "Every practice against the PCN"


def _summary_sheet(sheet: Worksheet, result: VariationResult) -> None:
    indicators = list(result.indicators.values())
    sheet["A1"] = "Variation audit: each practice against the PCN (pooled value)"
    sheet["A1"].font = TITLE_FONT
    sheet["A2"] = xlsx_text(f"{_scope_text(result)}. Periods: {', '.join(result.periods)}. "
                   f"Suppression: {SUPPRESSION_LABELS[result.suppression]}; a PCN value beside a hidden "
                   "practice is shown to 1 decimal place, and * where the PCN total is itself small. "
                   "Symbols and colours show the assessment; "
                   "the Methods sheet explains them." + standardised_note(indicators))
    sheet["A2"].font = NOTE_FONT
    sheet["A2"].alignment = WRAP_TOP
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=3 + max(len(indicators), 8))
    sheet.row_dimensions[2].height = 30
    sheet["C3"] = "Legend"
    sheet["C3"].font = Font(bold=True)
    sheet["C3"].alignment = Alignment(horizontal="right")
    for column, (assessment, look) in enumerate([*LOOKS.items(), ("Suppressed", SUPPRESSED_LOOK)], start=4):
        cell = sheet.cell(row=3, column=column, value=f"{look.symbol} {assessment}")
        cell.fill, cell.font = fill_for(look)
        cell.alignment, cell.border = CENTRE, BOX
        note = sheet.cell(row=4, column=column, value=look.meaning)
        note.font, note.alignment = Font(size=8, italic=True), Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[4].height = 48
    headers = ["Period", "Practice code", "Practice name", *[d.short_name for d in indicators]]
    write_header(sheet, SUMMARY_HEADER_ROW, headers, height=48)
    for column, definition in enumerate(indicators, start=4):  # the full name, unit and code on hover
        sheet.cell(row=SUMMARY_HEADER_ROW, column=column).comment = Comment(
            f"{definition.label}\nCode: {definition.code}", "PCN Assistant", width=260, height=70)
    frame = result.frame
    cells = {(r.period, r.practice_code, r.indicator_code): (r.value, r.assessment)
             for r in frame.itertuples(index=False)}
    practices = sorted(set(frame["practice_code"]))
    pcn_values = {(r.indicator_code, r.period): r.comparator for r in frame.itertuples(index=False)}
    row = SUMMARY_HEADER_ROW + 1
    for period in sorted(result.periods, reverse=True):
        _summary_row(sheet, row, period, PCN_CODE, "PCN value (pooled, all practices)",
                     [(pcn_values.get((d.code, period)), None) for d in indicators],  # as published: * if withheld
                     indicators, pcn=True)
        row += 1
        for code in practices:
            values = [cells.get((period, code, d.code), (None, None)) for d in indicators]
            if all(v is None for v, _a in values):
                continue
            _summary_row(sheet, row, period, code, result.practices.get(code, code), values, indicators)
            row += 1
    last = max(row - 1, SUMMARY_HEADER_ROW + 1)
    sheet.freeze_panes = sheet.cell(row=SUMMARY_HEADER_ROW + 1, column=4)
    sheet.auto_filter.ref = f"A{SUMMARY_HEADER_ROW}:{get_column_letter(len(headers))}{last}"
    # Narrow enough that fifteen indicators print on one A4 landscape page at a readable size.
    set_widths(sheet, [10, 9, 24, *[10] * max(len(indicators), 8)])  # the legend needs 8 columns
    page_setup(sheet, title_rows=f"{SUMMARY_HEADER_ROW}:{SUMMARY_HEADER_ROW}")
    sheet.print_title_cols = "A:C"


def _summary_row(sheet: Worksheet, row: int, period: str, code: str, name: str,
                 values: list, indicators: list, pcn: bool = False) -> None:  # noqa: ANN001
    for column, text in enumerate((period, code, name), start=1):
        set_style(sheet.cell(row=row, column=column, value=xlsx_text(text)), bold=pcn, fill=PCN_FILL if pcn else None)
    for column, ((value, assessment), definition) in enumerate(zip(values, indicators, strict=True), start=4):
        cell = sheet.cell(row=row, column=column)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            set_style(cell, centred=True)
            continue
        if value == SUPPRESSION_MARK:
            cell.value = SUPPRESSION_MARK
            set_style(cell, centred=True)
            continue
        cell.value = float(value)
        if pcn:
            set_style(cell, value_format(definition), centred=True, bold=True, fill=PCN_FILL)
        else:
            look = look_for(assessment)
            set_style(cell, symbol_format(value_format(definition), look), centred=True, look=look)


def _data_sheet(sheet: Worksheet, result: VariationResult) -> None:
    """The tidy table cell for cell as ``variation compute`` writes it."""
    write_header(sheet, 1, list(COLUMNS))
    formats = {"value", "lower_95", "upper_95", "lower_99_8", "upper_99_8", "comparator"}
    for r, record in enumerate(result.frame.loc[:, list(COLUMNS)].itertuples(index=False), start=2):
        for c, (key, value) in enumerate(zip(COLUMNS, record, strict=True), start=1):
            if isinstance(value, float) and math.isnan(value):
                value = None
            elif hasattr(value, "item"):
                value = value.item()  # numpy scalars to plain Python
            cell = sheet.cell(row=r, column=c, value=xlsx_text(value))
            if key in formats and isinstance(value, float):
                set_style(cell, "0.000", boxed=False)
    last = max(len(result.frame) + 1, 2)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"
    set_widths(sheet, [13, 26, 11, 11, 12, 10, 10, 10, 10, 10, 9, 11, 15, 14, 11])
    page_setup(sheet, title_rows="1:1")


def _methods_sheet(sheet: Worksheet, result: VariationResult) -> None:
    z95, z998 = z_value(0.95), z_value(0.998)
    items = [
        ("Scope", _scope_text(result)),
        ("Generated", result.generated_at.strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("App version", f"PCN Assistant {result.app_version}"),
        ("Periods", ", ".join(result.periods)),
        ("Suppression rule in force", f"{result.suppression}: {SUPPRESSION_RULES[result.suppression]}"),
        ("Comparator", "The pooled PCN value for each indicator and period: the sum of all practices' "
                       "numerators divided by the sum of their denominators (not the mean of the "
                       "practices' percentages)."),
        ("Proportions", "Wilson score interval: (2x + z² ± z√(z² + 4x(1 − x/n))) / (2(n + z²))."),
        ("Rates", "Exact Poisson limits when the count is below 10 (chi-squared: lower "
                  "χ²((1−c)/2, 2x)/2, 0 when x = 0; upper χ²(c+(1−c)/2, 2x+2)/2), Byar's method "
                  "from 10; limits divided by the denominator."),
        ("Confidence levels", f"95% (z = {z95:.6f}) and 99.8% (z = {z998:.6f})."),
        ("Significance", "High (0.001) / Low (0.001): the 99.8% interval lies wholly above / below the "
                         "comparator. High (0.025) / Low (0.025): only the 95% interval does. "
                         "Otherwise Not significant."),
        ("Assessment", "By the indicator's polarity: Better or Worse 99.8% / 95%, else Similar. "
                       "Indicators with no judgement read Higher, Lower or Similar."),
        ("Funnel plots", "Each practice's value against its denominator, with the pooled PCN line and "
                         "the 95% and 99.8% limits: for each denominator, the values whose interval "
                         "would just touch the pooled value. A point outside a funnel is significant "
                         "at that level."),
        ("Multiplier", "Values and limits are per the indicator's multiplier: 100 for a percentage, "
                       "1,000 for a rate per 1,000."),
        ("Standardisation", STANDARDISATION),
    ]
    sheet["A1"] = "Methods"
    sheet["A1"].font = TITLE_FONT
    row = 3
    for label, text in items:
        _pair(sheet, row, label, text)
        row += 1
    row += 1
    sheet.cell(row=row, column=1, value="References").font = Font(bold=True)
    for reference in REFERENCES:
        row += 1
        sheet.cell(row=row, column=2, value=reference).alignment = WRAP_TOP
    row += 2
    row = _table(sheet, row, "Indicators", ["Code", "Name", "Type", "Multiplier", "Polarity", "Unit", "Source",
                                            "Statistic"],
                 [[d.code, f"{d.name} (shown as {d.short_name})", d.type, d.multiplier, d.polarity, d.unit, d.source,
                   statistic_of(d)]
                  for d in result.indicators.values()])
    row += 1
    _table(sheet, row, "Source files", ["File", "sha256", "Imported (UTC)"],
           [[s.name, s.sha256, s.imported_at.strftime("%Y-%m-%d %H:%M") if s.imported_at else ""]
            for s in result.sources])
    set_widths(sheet, [26, 70, 14, 11, 17, 10, 40])
    for number in range(3, sheet.max_row + 1):  # widths first: heights follow from them
        fit_height(sheet, number)
    sheet.freeze_panes = "A2"
    page_setup(sheet)


def _pair(sheet: Worksheet, row: int, label: str, text: str) -> None:
    sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
    sheet.cell(row=row, column=1).alignment = WRAP_TOP
    cell = sheet.cell(row=row, column=2, value=xlsx_text(text))
    cell.alignment = WRAP_TOP


def _table(sheet: Worksheet, row: int, title: str, headers: list[str], rows: list[list]) -> int:
    sheet.cell(row=row, column=1, value=title).font = Font(bold=True)
    row += 1
    write_header(sheet, row, headers)
    for values in rows:
        row += 1
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=xlsx_text(value))
            cell.border, cell.alignment = BOX, WRAP_TOP
    return row + 1


def standardised_note(indicators: list[IndicatorDef]) -> str:
    """One sentence naming the indicators whose values are standardised, not crude."""
    marked = [f"{d.short_name} ({d.statistic})" for d in indicators
              if d.statistic.lower().startswith(("age-standardised", "ratio to expected"))]
    return f" Standardised for age and sex, not crude: {'; '.join(marked)}." if marked else ""
