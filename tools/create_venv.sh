#!/usr/bin/env bash
# Create the project's virtual environment with whatever python3 is on PATH
# (or $PYTHON), after checking it is new enough.  On Debian the venv module
# lives in a separate package (python3-venv); install it when we are root,
# otherwise print the command to run.
#
# Usage: tools/create_venv.sh PYTHON VENV_DIR
set -euo pipefail

python=${1:?usage: $0 PYTHON VENV_DIR}
venv=${2:?usage: $0 PYTHON VENV_DIR}

if ! command -v "$python" >/dev/null 2>&1; then
    echo "rnnviz needs Python >= 3.11, but '$python' is not on PATH" >&2
    exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "rnnviz needs Python >= 3.11; '$python' is $("$python" -c 'import platform; print(platform.python_version())')." >&2
    echo "Run make with PYTHON=/path/to/python3.11 (or newer)." >&2
    exit 1
fi

if "$python" -m venv "$venv" 2>/dev/null; then
    exit 0
fi
rm -rf "$venv"

version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
if command -v apt-get >/dev/null 2>&1; then
    if [[ $(id -u) -eq 0 ]]; then
        echo "Installing python${version}-venv (needed to create $venv)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "python${version}-venv" >/dev/null
    else
        echo "Python's venv module is missing. Run:" >&2
        echo "    sudo apt-get install -y python${version}-venv" >&2
        exit 1
    fi
fi
"$python" -m venv "$venv"
