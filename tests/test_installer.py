"""The installer's parts that can be checked without building a bundle: icons, identity,
About's licence list, the spec's helpers, the Linux archive layout and the NSIS script.
(The bundle itself is built and self-tested by installer/build.py in .ci/run.)"""

from __future__ import annotations

import configparser
import importlib.util
import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
sys.path.insert(0, str(INSTALLER))

import build_info as project  # noqa: E402
import make_icons  # noqa: E402
from qt_prune import prune  # noqa: E402

from pcn_assistant.components import bundled_distributions, components, normalise  # noqa: E402


def _load(name: str, path: Path):  # noqa: ANN202
    """Import a script under a private name (``build`` is also a PyPI package)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load("pcn_installer_build", INSTALLER / "build.py")

ICONS = ROOT / "resources" / "icons"


def test_png_icons_exist_at_every_size_and_match_the_svg(qapp):
    renderer = QSvgRenderer(str(ICONS / "pcn-assistant.svg"))
    assert renderer.isValid()
    for size in make_icons.PNG_SIZES:
        image = QImage(str(ICONS / f"pcn-assistant-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
    # The committed PNGs are the SVG's current rendering (re-run make_icons.py after edits).
    fresh = make_icons.render(renderer, 48)
    committed = QImage(str(ICONS / "pcn-assistant-48.png")).convertToFormat(QImage.Format.Format_ARGB32)
    differing = sum(
        1 for y in range(48) for x in range(48)
        if abs(fresh.pixelColor(x, y).green() - committed.pixelColor(x, y).green()) > 24
    )
    assert differing < 48 * 48 * 0.02


def test_ico_holds_bmp_and_png_images_windows_and_qt_can_read(qapp, tmp_path):
    reader = QImageReader(str(ICONS / "pcn-assistant.ico"))
    sizes = []
    for index in range(reader.imageCount()):
        reader.jumpToImage(index)
        image = reader.read()
        sizes.append(image.width())
        centre = image.pixelColor(image.width() // 2, image.height() // 2)
        assert centre.green() > 120 and centre.red() < 40 and centre.blue() < 90  # the green cross
        assert image.pixelColor(0, 0).alpha() == 0  # transparent corner
    assert sorted(sizes) == sorted(make_icons.ICO_SIZES)

    # The writer itself: a red 16 px and 256 px image read back pixel for pixel.
    red = QImage(16, 16, QImage.Format.Format_ARGB32)
    red.fill(0xFFFF0000)
    big = QImage(256, 256, QImage.Format.Format_ARGB32)
    big.fill(0x800000FF)
    path = tmp_path / "test.ico"
    path.write_bytes(make_icons.ico_bytes([red, big]))
    back = QImageReader(str(path))
    assert back.imageCount() == 2
    first = back.read()
    assert first.pixelColor(3, 12).name() == "#ff0000" and first.pixelColor(3, 12).alpha() == 255


def test_the_application_carries_its_icon(qapp):
    from pcn_assistant.gui.app import ensure_application
    from pcn_assistant.gui.identity import DESKTOP_FILE_NAME

    app = ensure_application()
    sizes = {s.width() for s in app.windowIcon().availableSizes()}
    assert {16, 32, 48, 256} <= sizes
    assert app.desktopFileName() == DESKTOP_FILE_NAME


def test_project_identity_comes_from_pyproject():
    with (ROOT / "pyproject.toml").open("rb") as handle:
        table = tomllib.load(handle)["project"]
    read = project.read_project()
    assert (read.name, read.version) == (table["name"], table["version"])
    assert project.version_quad("1.2.3") == "1.2.3.0"
    assert project.version_quad("2.0rc1") == "2.0.0.0"
    assert project.version_quad("0.4.1+local.7") == "0.4.1.0"
    with pytest.raises(ValueError):
        project.version_quad("dev")
    with pytest.raises(ValueError):
        project.version_quad("1.70000")


def test_about_lists_every_runtime_dependency_with_a_licence(qapp):
    from pcn_assistant.gui.about import about_text

    with (ROOT / "pyproject.toml").open("rb") as handle:
        table = tomllib.load(handle)["project"]
    declared = {normalise(d.split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip())
                for d in table["dependencies"]}
    bundled = {normalise(name) for name in bundled_distributions()}
    assert declared <= bundled
    assert "psycopg-binary" in bundled  # reached through psycopg[binary]
    assert not {"pytest", "ruff", "pyinstaller"} & bundled  # extras are not shipped
    rows = components()
    assert all(c.licence and c.licence != "see package" for c in rows if c.direct)
    text = about_text("9.8.7")
    assert "PCN Assistant 9.8.7" in text
    for row in rows:
        assert row.name in text and row.licence in text
    assert "LGPL-3.0" in text and "Qt" in text and "SQLite" in text


def test_prune_drops_unused_plugins_and_only_their_own_libraries(tmp_path):
    files = {}
    for name in ("qgtk3.so", "qxcb.so", "libgtk-3.so.0", "libglib-2.0.so.0", "libssl.so.3", "core.so"):
        files[name] = tmp_path / name
        files[name].write_bytes(b"\x7fELF")
    links = {  # what each file loads
        "qgtk3.so": ["libgtk-3.so.0", "libglib-2.0.so.0", "libssl.so.3"],
        "libgtk-3.so.0": ["libglib-2.0.so.0"],
        "qxcb.so": ["libglib-2.0.so.0"],
    }

    def imports(path):
        name = Path(path).name
        return {(dep, str(files[dep])) for dep in links.get(name, [])}

    binaries = [
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", str(files["qgtk3.so"]), "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", str(files["qxcb.so"]), "BINARY"),
        ("libgtk-3.so.0", str(files["libgtk-3.so.0"]), "BINARY"),
        ("libglib-2.0.so.0", str(files["libglib-2.0.so.0"]), "BINARY"),
        ("libssl.so.3", str(files["libssl.so.3"]), "BINARY"),
        ("PySide6/Qt/lib/libQt6Quick.so.6", str(files["core.so"]), "BINARY"),
    ]
    datas = [("PySide6/Qt/translations/qtbase_de.qm", "x", "DATA"),
             ("PySide6/Qt/translations/qtbase_en.qm", "x", "DATA"),
             ("ui/main_window.ui", "x", "DATA")]
    kept, kept_data, removed = prune(binaries, datas, imports)
    assert [dest for dest, _src, _kind in kept] == [
        "PySide6/Qt/plugins/platforms/libqxcb.so", "libglib-2.0.so.0", "libssl.so.3"]
    assert [dest for dest, _src, _kind in kept_data] == [
        "PySide6/Qt/translations/qtbase_en.qm", "ui/main_window.ui"]
    assert "libgtk-3.so.0" in removed
    # Windows wheels keep Qt directly under PySide6/.
    win = [("PySide6\\plugins\\platforms\\qwindows.dll", "", "BINARY"),
           ("PySide6\\plugins\\platforms\\qvnc.dll", "", "BINARY"),
           ("PySide6\\Qt6Qml.dll", "", "BINARY")]
    assert [d for d, _s, _k in prune(win, [], lambda path: set())[0]] == [
        "PySide6\\plugins\\platforms\\qwindows.dll"]


def test_linux_archive_holds_bundle_desktop_entry_and_icons(tmp_path):
    bundle = tmp_path / "pcn-assistant"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "pcn-assistant").write_text("#!/bin/sh\n")
    (bundle / "pcn-assistant").chmod(0o755)
    (bundle / "_internal" / "libx.so").write_text("x")
    (bundle / "_internal" / "liby.so").symlink_to("libx.so")
    target = build.make_tarball(bundle, project.Project("pcn-assistant", "1.2.3", ""), tmp_path, 1)
    top = "pcn-assistant-1.2.3"
    with tarfile.open(target) as archive:
        members = {m.name: m for m in archive.getmembers()}
    assert members[f"{top}/pcn-assistant"].mode & 0o111
    assert members[f"{top}/_internal/liby.so"].issym()
    assert members[f"{top}/install-desktop-entry.sh"].mode & 0o111
    assert f"{top}/pcn-assistant.desktop" in members
    assert f"{top}/icons/pcn-assistant-256.png" in members and f"{top}/icons/pcn-assistant.svg" in members
    assert {m.uid for m in members.values()} == {0}


def test_desktop_entry_is_well_formed():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(INSTALLER / "linux" / "pcn-assistant.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Terminal"] == "false"
    assert section["Icon"] == "pcn-assistant" == section["StartupWMClass"]
    assert section["Exec"].split()[0] == "pcn-assistant"
    assert section["Categories"].endswith(";") and section["Keywords"].endswith(";")


def test_bundle_checks_run_without_the_virtual_environment(tmp_path):
    env = build.bare_environment(tmp_path)
    assert not any(key.startswith(("PYTHON", "VIRTUAL_ENV")) for key in env)
    assert str(Path(sys.executable).parent) not in env["PATH"].split(":")
    assert env["QT_QPA_PLATFORM"] == "offscreen" and env["PCN_ASSISTANT_DATA_DIR"] == str(tmp_path)


NSIS = INSTALLER / "windows" / "pcn-assistant.nsi"


def test_nsis_script_installs_per_user_and_keeps_data_by_default():
    script = NSIS.read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in script
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP_NAME}"' in script
    assert "WriteRegStr HKCU \"${UNINSTALL_KEY}\" \"DisplayVersion\" \"${VERSION}\"" in script
    assert "WriteRegStr HKCU \"${UNINSTALL_KEY}\" \"Publisher\"" in script
    assert "HKLM" not in script
    # The data question defaults to No, and a silent uninstall keeps the data.
    question = script[script.index("Also delete your"):]
    assert "MB_DEFBUTTON2" in script[script.index("MessageBox MB_YESNO"):] and "/SD IDNO" in question
    # Upgrades only clear program files, never the data folder.
    install = script[script.index('Section "!${APP_NAME}"'):script.index("SectionEnd")]
    assert "DATA_DIR" not in install and "RMDir /r \"$INSTDIR\\_internal\"" in install


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis (Debian package nsis) not installed")
def test_nsis_script_compiles(tmp_path):
    payload = tmp_path / "bundle"
    (payload / "_internal").mkdir(parents=True)
    (payload / "pcn-assistant.exe").write_bytes(b"MZ")
    (payload / "_internal" / "data.txt").write_text("x")
    out = tmp_path / "pcn-assistant-1.2.3-setup.exe"
    result = subprocess.run(
        ["makensis", "-V2", "-WX", "-DVERSION=1.2.3", "-DVERSION_QUAD=1.2.3.0", f"-DSOURCE_DIR={payload}",
         f"-DOUTFILE={out}", "-DFAST", str(NSIS)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.read_bytes()[:2] == b"MZ"
    missing = subprocess.run(["makensis", "-V1", f"-DSOURCE_DIR={payload}", str(NSIS)],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode != 0 and "/DVERSION" in missing.stdout + missing.stderr
