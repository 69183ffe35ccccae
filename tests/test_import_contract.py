"""The import-linter contracts: Qt stays out of rnnviz.core and rnnviz.lm, the engine is layered,
the engine does not import its parallel runtime, and rnnviz has no import cycles.

The first test runs the real contracts on the real package.  The others run the
same contracts (copied from pyproject.toml) on a throw-away ``rnnviz`` package
in tmp_path, once clean and once with forbidden imports, to prove each contract
passes and fails for the right reason rather than always passing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import tomllib
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


def test_the_real_package_keeps_every_contract():
    result = _run_lint_imports(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def _contracts() -> list[dict]:
    with open(PROJECT_ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]["contracts"]


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write_pyproject(root: Path, contracts: list[dict]) -> None:
    """The project's import-linter settings with only ``contracts`` (a throw-away package holds
    only the modules those contracts name)."""
    lines = ["[tool.importlinter]", 'root_packages = ["rnnviz"]', "include_external_packages = true"]
    for contract in contracts:
        lines += ["", "[[tool.importlinter.contracts]]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in contract.items()]
    (root / "pyproject.toml").write_text("\n".join(lines) + "\n")


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
    _write_pyproject(tmp_path, [c for c in _contracts() if c["type"] == "forbidden"
                                and "PySide6" in c["forbidden_modules"]])
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


def _engine_modules() -> list[str]:
    """Every rnnviz.core module that the engine contracts name."""
    names = set()
    for contract in _contracts():
        if contract["type"] == "layers":
            for layer in contract["layers"]:
                names.update(f"rnnviz.core.{part.strip()}" for part in layer.split("|"))
        elif contract["type"] == "forbidden" and "rnnviz.core.parallel" in contract["forbidden_modules"]:
            names.update(contract["source_modules"])
    return sorted(names)


@pytest.fixture
def fake_engine(tmp_path: Path) -> Path:
    """A throw-away rnnviz with an empty module for every name of the engine contracts, each
    importing the modules of the layer right below it (allowed)."""
    contracts = [{k: v for k, v in c.items() if k != "ignore_imports"} for c in _contracts()
                 if c["type"] != "forbidden" or "rnnviz.core.parallel" in c["forbidden_modules"]]
    _write_pyproject(tmp_path, contracts)
    files = {"rnnviz/__init__.py": "", "rnnviz/core/__init__.py": "", "rnnviz/app/__init__.py": "",
             "rnnviz/core/parallel/__init__.py": "from rnnviz.core import curve, normmap\n"}
    for name in _engine_modules():
        if name != "rnnviz.core.parallel":  # a package, above
            files[name.replace(".", "/") + ".py"] = ""
    files["rnnviz/core/products.py"] = "from rnnviz.core.parallel import schedule\n"
    files["rnnviz/core/parallel/schedule.py"] = "from rnnviz.core import normmap\n"
    files["rnnviz/core/normmap.py"] = "from rnnviz.core import spectral_norm, options\n"
    _write_package(tmp_path, files)
    return tmp_path


def test_the_engine_contracts_pass_on_a_clean_layout(fake_engine: Path):
    result = _run_lint_imports(fake_engine)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("relative", "source", "expected"),
    [
        # The engine reaching into its parallel runtime, directly or through another module.
        ("rnnviz/core/cells.py", "from rnnviz.core.parallel import schedule\n",
         "rnnviz.core.cells -> rnnviz.core.parallel.schedule"),
        ("rnnviz/core/jacobian.py", "from rnnviz.core import products\n",
         "rnnviz.core.jacobian -> rnnviz.core.products"),
        # A lower layer importing a higher one.
        ("rnnviz/core/spectral_norm.py", "from rnnviz.core import curve\n",
         "rnnviz.core.spectral_norm -> rnnviz.core.curve"),
        # A cycle between siblings outside the layers.
        ("rnnviz/core/cells.py", "from rnnviz.core import params\n",
         "No cycles are allowed in rnnviz.core"),
    ],
)
def test_the_engine_contracts_fail_on_a_wrong_import(fake_engine: Path, relative, source, expected):
    if "params" in source:
        (fake_engine / "rnnviz/core/params.py").write_text("from rnnviz.core import cells\n")
    path = fake_engine / relative
    path.write_text(path.read_text() + source)
    result = _run_lint_imports(fake_engine)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "BROKEN" in output and expected in output, output
