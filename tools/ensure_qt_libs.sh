#!/usr/bin/env bash
# Make sure Qt (from the PySide6 wheel in the venv) can start: the wheel ships
# Qt itself but links against system libraries (OpenGL/EGL, fontconfig, xkb,
# xcb, ...).  On Debian/Ubuntu, install what is missing with apt-get when we
# are root; otherwise print the exact command to run and fail.
#
# Usage: tools/ensure_qt_libs.sh PATH/TO/venv/bin/python
set -euo pipefail

python=${1:?usage: $0 VENV_PYTHON}

# Debian 12 packages that provide the shared libraries of PySide6's QtCore,
# QtGui, QtWidgets, the offscreen platform plugin (tests) and the xcb platform
# plugin (the app on an X11 desktop), found with ldd + dpkg -S, plus a font so
# that text renders (Qt warns about a missing font directory otherwise) and a
# CJK font for the Simplified Chinese interface (without one its text shows as
# empty boxes).
packages=(
    libegl1 libgl1 libglib2.0-0 libdbus-1-3 libfontconfig1 libfreetype6 fonts-dejavu-core fonts-noto-cjk
    libxkbcommon0 libxkbcommon-x11-0 libx11-6 libx11-xcb1
    libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
    libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
    libxcb-util1 libxcb-xfixes0 libxcb-xkb1
)

qt_smoke_test() {
    QT_QPA_PLATFORM=offscreen "$python" - <<'PY' 2>&1
import sys
from PySide6 import QtCore, QtGui, QtWidgets

app = QtWidgets.QApplication(["qt-smoke-test"])
QtGui.QFontDatabase.families()
# The Simplified Chinese interface needs a font with its characters (fontconfig's :lang=zh).
if not QtGui.QFontDatabase.families(QtGui.QFontDatabase.WritingSystem.SimplifiedChinese):
    sys.exit("no font with Simplified Chinese characters (fc-list :lang=zh is empty)")
# The xcb plugin is only loaded on a desktop, so check its libraries directly.
import pathlib, subprocess
plugins = pathlib.Path(QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.PluginsPath))
xcb = plugins / "platforms" / "libqxcb.so"
if xcb.exists():
    missing = [line.split()[0] for line in subprocess.run(
        ["ldd", str(xcb)], capture_output=True, text=True).stdout.splitlines() if "not found" in line]
    if missing:
        sys.exit("missing libraries for the xcb platform plugin: " + " ".join(missing))
PY
}

if output=$(qt_smoke_test); then
    exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "Qt cannot start, and this is not a Debian-like system; install Qt 6's runtime libraries" >&2
    echo "(OpenGL/EGL, fontconfig, xkbcommon, xcb-cursor) with your package manager. Qt said:" >&2
    echo "$output" >&2
    exit 1
fi

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
    echo "Qt cannot start although its system libraries are installed. Qt said:" >&2
    echo "$output" >&2
    exit 1
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "Qt needs system libraries that are not installed. Run:" >&2
    echo "    sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "Installing Qt's system libraries: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

if ! output=$(qt_smoke_test); then
    echo "Qt still cannot start after installing its libraries. Qt said:" >&2
    echo "$output" >&2
    exit 1
fi
