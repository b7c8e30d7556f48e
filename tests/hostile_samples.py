"""Hostile files and broken processes built by hand for tests/test_hostile_inputs.py:
a few-KB xlsx zip that claims or holds a huge sheet, a CLI run killed at a named pause
point, a byte-flipped database page, and the id of a process that has exited."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

from pcn_assistant.services import hooks


def tiny_workbook(path: Path, *, dimension: str | None = "A1:XFD1048576", cells: str = "",
                  sheet: str = "worksheets/sheet1.xml") -> Path:
    """A hand-built xlsx zip of a few KB: one sheet with a header row and ``cells``."""
    header = ('<row r="1"><c r="A1" t="inlineStr"><is><t>NHS Number</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>Date of Birth</t></is></c></row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    main = "http://schemas.openxmlformats.org"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            f'<Types xmlns="{main}/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            f'<Relationships xmlns="{main}/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{main}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'<workbook xmlns="{main}/spreadsheetml/2006/main" xmlns:r="{main}/officeDocument/2006/relationships">'
            '<sheets><sheet name="Referrals" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<Relationships xmlns="{main}/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{main}/officeDocument/2006/relationships/worksheet" Target="{sheet}"/>'
            '</Relationships>'))
        archive.writestr(f"xl/{sheet}", (
            f'<worksheet xmlns="{main}/spreadsheetml/2006/main">{dim}<sheetData>{header}{cells}'
            '</sheetData></worksheet>'))
    return path


def run_cli(database: Path, *args: str) -> subprocess.CompletedProcess:
    """The real command in its own process: an abort there shows as exit 134, not a crash here."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "pcn_assistant", "--database", str(database), *args],
                          capture_output=True, text=True, env=env, timeout=300)


def kill_when_paused(args: list[str], point: str) -> None:
    """Run the CLI in a real process that pauses at ``point``, and SIGKILL it there."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", hooks.PAUSE_ENV: point}
    child = subprocess.Popen([sys.executable, "-m", "pcn_assistant", *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    try:
        seen = []
        for line in child.stderr:
            seen.append(line)
            if line.startswith(f"PAUSED AT {point}"):
                break
        assert seen and seen[-1].startswith("PAUSED AT"), "".join(seen)[-2000:]
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=60)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=60)
    return child.pid


def flip_a_page(path: Path) -> None:
    """Overwrite the header of the patient table's root page, as a failing disk would."""
    conn = sqlite3.connect(path)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'patient'").fetchone()[0]
    finally:
        conn.close()
    data = bytearray(path.read_bytes())
    offset = (root - 1) * page_size
    data[offset:offset + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
