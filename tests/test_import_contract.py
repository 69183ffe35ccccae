"""The import-linter contract keeps Qt out of rnnviz.core and rnnviz.lm.

The first test runs the real contract on the real package.  The others run the
same contract (copied from pyproject.toml) on a throw-away ``rnnviz`` package
in tmp_path, once clean and once with forbidden imports, to prove the contract
passes and fails for the right reason rather than always passing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _lint_imports_executable() -> str:
    candidate = Path(sys.executable).parent / "lint-imports"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("lint-imports")
    assert found, "lint-imports (import-linter) is not installed; install the 'test' extra"
    return found


def _run_lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ)
    # Let the package under cwd win over any installed rnnviz.
    environment["PYTHONPATH"] = os.pathsep.join([str(cwd), environment.get("PYTHONPATH", "")])
    return subprocess.run(
        [_lint_imports_executable(), "--no-cache"],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_real_package_keeps_qt_out_of_core_and_lm():
    result = _run_lint_imports(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def _write_package(root: Path, files: dict[str, str]) -> None:
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))


CLEAN_FILES = {
    "rnnviz/__init__.py": "",
    "rnnviz/core/__init__.py": "import numpy\n",
    "rnnviz/core/cells.py": "from rnnviz.core import params\n",
    "rnnviz/core/params.py": "import json\n",
    "rnnviz/lm/__init__.py": "",
    "rnnviz/lm/train.py": "from rnnviz.core import cells\n",
    "rnnviz/app/__init__.py": "",
    # The app may import Qt and the engine; that is the allowed direction.
    "rnnviz/app/window.py": "import PySide6.QtWidgets\nimport pyqtgraph\nfrom rnnviz.core import cells\n",
}


@pytest.fixture
def fake_project(tmp_path: Path) -> Path:
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    _write_package(tmp_path, CLEAN_FILES)
    return tmp_path


def test_contract_passes_on_a_clean_layout(fake_project: Path):
    result = _run_lint_imports(fake_project)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("relative", "source", "expected_chain"),
    [
        ("rnnviz/core/cells.py", "from PySide6 import QtCore\n", "rnnviz.core.cells -> PySide6"),
        ("rnnviz/core/params.py", "def f():\n    import shiboken6\n", "rnnviz.core.params -> shiboken6"),
        ("rnnviz/lm/train.py", "import pyqtgraph as pg\n", "rnnviz.lm.train -> pyqtgraph"),
        # Indirect: the engine reaching Qt through the app package is forbidden too.
        ("rnnviz/lm/__init__.py", "from rnnviz.app import window\n", "rnnviz.lm -> rnnviz.app.window"),
    ],
)
def test_contract_fails_on_a_forbidden_import(fake_project: Path, relative, source, expected_chain):
    path = fake_project / relative
    path.write_text(path.read_text() + source)
    result = _run_lint_imports(fake_project)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "0 kept, 1 broken" in output, output
    assert expected_chain in output, output
