"""Reading extracts: encodings, title lines, delimiters, Excel, identifiers kept as text,
rows numbered as a spreadsheet shows them, and unusable files refused in one sentence."""

import datetime as dt

import openpyxl
import pytest

from pcn_assistant.errors import InvalidInput
from pcn_assistant.services.patient_import.fields import synonym_index
from pcn_assistant.services.patient_import.readers import read_table
from tests.import_samples import HEADER, nhs, person, write_csv

KNOWN = frozenset(synonym_index("patients"))


@pytest.mark.parametrize(("encoding", "label"), [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"),
                                                 ("cp1252", "Windows-1252"), ("utf-16", "UTF-16")])
def test_encodings_detected(tmp_path, encoding, label):
    path = write_csv(tmp_path / "x.csv", [person(0, family="Brontë", given="Zoë")], encoding=encoding)
    table = read_table(path, KNOWN)
    assert table.encoding == label
    assert table.frame["Surname"].tolist() == ["Brontë"]
    assert table.columns[0] == "NHS Number"  # a BOM never sticks to the first header


def test_title_lines_skipped_and_rows_numbered_as_a_spreadsheet_shows(tmp_path):
    path = write_csv(tmp_path / "emis.csv", [person(0), person(1), ["", "", "", "", "", "", "", "", "", ""], person(2)],
                     title_lines=("Search: Over 65s", "Run on 01/11/2026 by Dr Who", ""))
    table = read_table(path, KNOWN)
    assert table.header_row == 4
    assert table.row_numbers.tolist() == [5, 6, 8]  # the blank row 7 is skipped but still counted


@pytest.mark.parametrize("delimiter", ["\t", ";", "|"])
def test_other_delimiters(tmp_path, delimiter):
    table = read_table(write_csv(tmp_path / "x.txt", [person(0)], delimiter=delimiter), KNOWN)
    assert table.delimiter == delimiter and table.frame.shape == (1, len(HEADER))


def test_identifiers_stay_text(tmp_path):
    header = ["NHS Number", "Date of Birth", "Sex", "Practice", "Phone", "LSOA"]
    path = write_csv(tmp_path / "x.csv", [[nhs(0), "1941-07-03", "M", "Y90001", "07700 900123", "E01000001"],
                                         ["0123456789", "1941-07-03", "M", "Y90001", "0044", "E01000002"]], header=header)
    frame = read_table(path, KNOWN).frame
    assert frame["NHS Number"].tolist() == [nhs(0), "0123456789"]
    assert frame["Phone"].tolist() == ["07700 900123", "0044"]


def test_windows_line_endings_and_quoted_commas(tmp_path):
    rows = [person(0, family="O'Brien, Jnr")]
    table = read_table(write_csv(tmp_path / "x.csv", rows, newline="\r\n"), KNOWN)
    assert table.frame["Surname"].tolist() == ["O'Brien, Jnr"]


def test_xlsx_title_rows_numbers_and_dates(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "Frailty search report"
    sheet.append([])
    sheet.append(["NHS Number", "DOB", "Sex", "Practice", "Meds"])
    sheet.append([int(nhs(0)), dt.date(1941, 7, 3), "F", "Y90001", 7])
    sheet.append([nhs(1), dt.datetime(1950, 1, 2, 0, 0), "M", "Y90001", 2.0])
    path = tmp_path / "report.xlsx"
    book.save(path)
    table = read_table(path, KNOWN)
    assert table.format == "xlsx" and table.header_row == 3
    assert table.frame["NHS Number"].tolist() == [nhs(0), nhs(1)]  # a number in Excel, text here
    assert table.frame["DOB"].tolist() == ["1941-07-03", "1950-01-02"]
    assert table.frame["Meds"].tolist() == ["7", "2"]
    assert table.row_numbers.tolist() == [4, 5]


def test_xlsx_header_on_a_later_sheet(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active["A1"] = "read me"
    data = book.create_sheet("Patients")
    data.append(["NHS Number", "Date of Birth", "Sex"])
    data.append([nhs(0), "03/07/1941", "F"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    table = read_table(path, KNOWN)
    assert table.sheet == "Patients" and table.rows_read == 1


def test_a_ragged_row_is_marked_not_fatal(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("NHS Number,Date of Birth,Sex\n" f"{nhs(0)},03/07/1941,F\n" f"{nhs(1)},Smith, John,01/01/1950,M\n")
    table = read_table(path, KNOWN)
    assert table.rows_read == 2
    assert "has 5 values but the header has 3 columns" in table.bad_rows[3]


def test_duplicate_header_names_made_unique(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("NHS Number,Date,Date,Sex\n" f"{nhs(0)},1,2,F\n")
    assert read_table(path, KNOWN).columns == ["NHS Number", "Date", "Date (2)", "Sex"]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "is empty"),
    (b"   \n\n", "is empty"),
    (bytes(range(256)) * 40, "is not a text table"),
    (b"%PDF-1.7\n...", "is a PDF"),
    (b"NHS Number:Date of Birth:Sex\n9990000018:01/01/1950:F\n", "No header row found"),
    ("NHS Number,Date of Birth,Sex,Surname\n9990000018,01/01/1950,F,Zoë\n".encode()
     + "9990000026,01/01/1950,F,Zoë\n".encode("cp1252"), "mixes two text encodings"),
    (b"NHS Number,Date of Birth,Sex,Surname\n9990000018,01/01/1950,F,\"Smi", "ends inside a quoted value"),
    (b"NHS Number,Date of Birth,Sex,Surname\n9990000018,01/01/1950,F,Smith\n9990000026,01/01/19", "looks truncated"),
    (b"PK\x03\x04 truncated workbook", "could not be read as an Excel workbook"),
    ((",".join(["NHS Number", "Sex"] + [f"c{i}" for i in range(10_000)]) + "\n").encode(), "10,002 columns"),
])
def test_unusable_files_refused_in_one_sentence(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidInput) as refused:
        read_table(path, KNOWN)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_missing_file(tmp_path):
    with pytest.raises(InvalidInput, match="no such file"):
        read_table(tmp_path / "absent.csv", KNOWN)
