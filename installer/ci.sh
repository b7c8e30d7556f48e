#!/usr/bin/env bash
# CI step, run once by .ci/run before the tests: install the build extra, build the Linux
# bundle, run its self-test with a bare environment, compile the NSIS script against it.
# Works on a fresh Debian machine (installs nsis, and libpythonX.Y for Debian's Python).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
source scripts/_venv.sh

apt_install() {
  echo "[installer] installing $*"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
command -v makensis >/dev/null 2>&1 || apt_install nsis
# PyInstaller needs Python as a shared library; Debian ships it separately from python3.
if [ "$(.venv/bin/python -c 'import sys; print(sys.base_prefix)')" = /usr ]; then
  version=$(.venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  dpkg -s "libpython$version" >/dev/null 2>&1 || apt_install "libpython$version"
fi

.venv/bin/python -m pip install --quiet -e ".[build]"
.venv/bin/python installer/build.py --no-tarball --fast-nsis
echo "[installer] CI step took $((SECONDS - started)) s"
