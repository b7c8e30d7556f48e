"""Build the desktop bundle for this platform, prove it runs, and package it.

    .venv/bin/pip install -e ".[build]"
    .venv/bin/python installer/build.py [--nsis] [--fast-nsis] [--no-tarball] [--clean]

1. PyInstaller builds ``dist/pcn-assistant/`` from ``installer/pcn-assistant.spec``.
2. The bundled executable runs ``--version`` and ``self-test`` (offscreen) with a bare
   environment: no virtual environment, no PYTHONPATH, a throwaway data folder. The
   build fails if either fails, if the version is not pyproject.toml's, or if an Alembic
   migration script is missing from the bundle.
3. On Linux, ``dist/pcn-assistant-<version>-linux-<arch>.tar.gz`` holds the bundle,
   a .desktop file, the icon and a script that adds the menu entry.
4. With ``--nsis``, makensis compiles ``installer/windows/pcn-assistant.nsi`` against the
   bundle (on Linux this only proves the script is valid: the payload is the Linux build).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_info import ROOT, Project, read_project  # noqa: E402

INSTALLER = ROOT / "installer"
SPEC = INSTALLER / "pcn-assistant.spec"
NSIS_SCRIPT = INSTALLER / "windows" / "pcn-assistant.nsi"
DESKTOP_FILE = INSTALLER / "linux" / "pcn-assistant.desktop"
INSTALL_SCRIPT = INSTALLER / "linux" / "install-desktop-entry.sh"
ICONS = ROOT / "resources" / "icons"
MIGRATIONS = ROOT / "pcn_assistant" / "store" / "migrations"
IS_WINDOWS = sys.platform == "win32"


class BuildFailed(Exception):
    """A step failed; the message says which and why."""


def step(message: str) -> None:
    print(f"[build] {message}", flush=True)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def shown(path: Path) -> str:
    """``path`` relative to the checkout when it is inside it, for short log lines."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def mib(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MiB"


def check_installed_metadata(project: Project) -> None:
    """The bundle's version and Help -> About come from the installed package metadata, so
    it must match pyproject.toml (an editable install goes stale when either changes)."""
    from importlib.metadata import PackageNotFoundError, distribution

    from pcn_assistant.components import normalise, runtime_requirements

    reinstall = 'reinstall first: .venv/bin/pip install -e ".[build]"'
    try:
        installed = distribution(project.name).metadata["Version"]
    except PackageNotFoundError as error:
        raise BuildFailed(f"{project.name} is not installed; {reinstall}") from error
    if installed != project.version:
        raise BuildFailed(f"installed {project.name} is {installed}, pyproject.toml says "
                          f"{project.version}; {reinstall}")
    declared = {normalise(name) for name in project.dependencies}
    recorded = {normalise(name) for name, _extras in runtime_requirements(project.name)}
    if declared != recorded:
        raise BuildFailed(f"installed metadata lists other dependencies than pyproject.toml "
                          f"({sorted(declared ^ recorded)}); {reinstall}")


def run_pyinstaller(dist: Path, work: Path, clean: bool) -> Path:
    try:
        import PyInstaller  # noqa: F401
    except ImportError as error:
        raise BuildFailed('PyInstaller is missing: .venv/bin/pip install -e ".[build]"') from error
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    if clean:
        command.insert(3, "--clean")
    started = time.monotonic()
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        raise BuildFailed("PyInstaller failed (see its output above)")
    step(f"PyInstaller finished in {time.monotonic() - started:.0f} s")
    return dist / "pcn-assistant"


def executable(bundle: Path, project: Project) -> Path:
    """The console executable: on Windows the GUI one has no stdout."""
    name = f"{project.name}-cli.exe" if IS_WINDOWS else project.name
    return bundle / name


def bare_environment(data_dir: Path) -> dict[str, str]:
    """What a practice PC would give the app: no venv, no Python variables, offscreen Qt."""
    if IS_WINDOWS:
        env = {k: v for k, v in os.environ.items()
               if not k.upper().startswith(("PYTHON", "VIRTUAL_ENV", "QT_"))}
        venv_bin = str(Path(sys.executable).parent).lower()
        env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                      if p.lower() != venv_bin)
    else:
        env = {"PATH": "/usr/bin:/bin", "HOME": str(data_dir), "LANG": "C.UTF-8"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PCN_ASSISTANT_DATA_DIR"] = str(data_dir)
    return env


def check_bundle(bundle: Path, project: Project) -> float:
    """Run the bundle's own checks; returns the self-test's wall time in seconds."""
    exe = executable(bundle, project)
    if not exe.is_file():
        raise BuildFailed(f"{exe} was not built")
    internal = bundle / "_internal"
    wanted = sorted(p.relative_to(MIGRATIONS).as_posix() for p in MIGRATIONS.rglob("*")
                    if p.is_file() and p.suffix in {".py", ".mako"} and "__pycache__" not in p.parts)
    bundled_dir = internal / "pcn_assistant" / "store" / "migrations"
    bundled = sorted(p.relative_to(bundled_dir).as_posix() for p in bundled_dir.rglob("*")
                     if p.is_file() and p.suffix in {".py", ".mako"})
    if wanted != bundled:
        raise BuildFailed(f"Migration scripts differ: missing {sorted(set(wanted) - set(bundled))}")
    for folder in ("ui", "resources"):
        if not (internal / folder).is_dir():
            raise BuildFailed(f"{folder}/ is missing from the bundle")
    # Help -> About reads versions and licences from package metadata.
    from pcn_assistant.components import APP_DISTRIBUTION, bundled_distributions, normalise

    have = {normalise(p.name.split("-")[0]) for p in internal.glob("*.dist-info")}
    lacking = [d for d in [APP_DISTRIBUTION, *bundled_distributions()] if normalise(d) not in have]
    if lacking:
        raise BuildFailed(f"Package metadata missing from the bundle: {lacking}")

    with tempfile.TemporaryDirectory(prefix="pcn-bundle-check-") as tmp:
        env = bare_environment(Path(tmp))
        version = subprocess.run([str(exe), "--version"], env=env, cwd=tmp,
                                 capture_output=True, text=True, timeout=120)
        expected = f"{project.name} {project.version}"
        if version.returncode != 0 or version.stdout.strip() != expected:
            raise BuildFailed(f"--version printed {version.stdout.strip()!r}, wanted {expected!r} "
                              f'(reinstall: pip install -e ".[build]")\n{version.stderr[-3000:]}')
        started = time.monotonic()
        test = subprocess.run([str(exe), "self-test"], env=env, cwd=tmp,
                              capture_output=True, text=True, timeout=300)
        elapsed = time.monotonic() - started
    if test.returncode != 0 or test.stdout.strip().splitlines()[-1:] != ["OK"]:
        raise BuildFailed(f"Bundled self-test failed (exit {test.returncode}):\n"
                          f"{test.stdout[-3000:]}\n{test.stderr[-3000:]}")
    step(f"Bundled self-test passed in {elapsed:.1f} s; --version: {expected}")
    return elapsed


def _normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def make_tarball(bundle: Path, project: Project, dist: Path, level: int) -> Path:
    """``pcn-assistant-<version>/`` with the bundle, .desktop file, icon and menu script."""
    arch = platform.machine().lower() or "unknown"
    top = f"{project.name}-{project.version}"
    target = dist / f"{top}-linux-{arch}.tar.gz"
    started = time.monotonic()
    with tarfile.open(target, "w:gz", compresslevel=level) as archive:
        archive.add(bundle, arcname=top, filter=_normalise)
        archive.add(DESKTOP_FILE, arcname=f"{top}/{DESKTOP_FILE.name}", filter=_normalise)
        archive.add(INSTALL_SCRIPT, arcname=f"{top}/{INSTALL_SCRIPT.name}", filter=_normalise)
        archive.add(ICONS / "pcn-assistant.svg", arcname=f"{top}/icons/pcn-assistant.svg",
                    filter=_normalise)
        for png in sorted(ICONS.glob("pcn-assistant-*.png")):
            archive.add(png, arcname=f"{top}/icons/{png.name}", filter=_normalise)
    step(f"Linux archive {shown(target)}: {mib(target.stat().st_size)} "
         f"in {time.monotonic() - started:.0f} s")
    return target


def compile_nsis(bundle: Path, project: Project, dist: Path, fast: bool) -> Path:
    makensis = shutil.which("makensis")
    if not makensis:
        raise BuildFailed("makensis not found (Debian: apt-get install nsis; Windows: nsis.sf.net)")
    target = dist / f"{project.name}-{project.version}-setup.exe"
    command = [makensis, "-V2", "-WX", f"-DVERSION={project.version}",
               f"-DVERSION_QUAD={project.version_quad}", f"-DSOURCE_DIR={bundle}",
               f"-DOUTFILE={target}", f"-DICON={ICONS / 'pcn-assistant.ico'}"]
    if fast:
        command.append("-DFAST")
    started = time.monotonic()
    result = subprocess.run([*command, str(NSIS_SCRIPT)], capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildFailed(f"makensis failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    if target.read_bytes()[:2] != b"MZ":
        raise BuildFailed(f"{target} is not a Windows executable")
    note = " (uncompressed, Linux payload: a validity check)" if fast or not IS_WINDOWS else ""
    step(f"NSIS installer {shown(target)}: {mib(target.stat().st_size)} "
         f"in {time.monotonic() - started:.0f} s{note}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller's cache (kept between builds to speed them up)")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    parser.add_argument("--skip-build", action="store_true", help="check and package the existing bundle")
    parser.add_argument("--nsis", action="store_true", help="also compile the NSIS installer")
    parser.add_argument("--fast-nsis", action="store_true", help="NSIS without compression (CI check)")
    parser.add_argument("--no-tarball", action="store_true", help="skip the Linux .tar.gz")
    parser.add_argument("--gzip-level", type=int, default=6, choices=range(1, 10), metavar="1-9")
    args = parser.parse_args(argv)

    project = read_project()
    started = time.monotonic()
    args.dist.mkdir(parents=True, exist_ok=True)
    try:
        check_installed_metadata(project)
        bundle = (args.dist / "pcn-assistant" if args.skip_build
                  else run_pyinstaller(args.dist, args.work, args.clean))
        step(f"Bundle {shown(bundle)}: {mib(folder_size(bundle))}")
        check_bundle(bundle, project)
        if sys.platform.startswith("linux") and not args.no_tarball:
            make_tarball(bundle, project, args.dist, args.gzip_level)
        if args.nsis or args.fast_nsis:
            compile_nsis(bundle, project, args.dist, args.fast_nsis)
    except BuildFailed as error:
        print(f"[build] FAILED: {error}", file=sys.stderr)
        return 1
    step(f"Done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
