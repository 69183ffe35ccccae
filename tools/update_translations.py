#!/usr/bin/env python3
"""Bring the interface translations up to date: lupdate over the app's code, then lrelease.

    .venv/bin/python tools/update_translations.py          # update the .ts files and build the .qm
    .venv/bin/python tools/update_translations.py --check  # only say whether they are up to date

The sources are every ``.py`` under ``rnnviz/app``, the titles and descriptions of the presets
(``resources/presets/*.json``, context "Presets"), which the Presets menu shows, and the strings of
pyqtgraph's plot context menu and export dialog (its own contexts: "ViewBox", "PlotItem", "Form",
"Exporter", "GraphicsScene"), read from the installed pyqtgraph, and the templates of the messages
of rnnviz's errors and memory budget (context "ConfigError": ``ConfigError("... {k} ...", k=k)`` and
``Message(...)`` in core, lm and app). New strings arrive
in ``resources/i18n/rnnviz_<language>.ts`` as unfinished entries: translate them (Qt Linguist,
``pyside6-linguist``, or any editor), then run this again to build the ``.qm`` the app loads.
Entries whose source text is gone are dropped. ``--check`` exits 1 when the code has strings the
``.ts`` lacks, an entry is unfinished, or the ``.qm`` is not the one the ``.ts`` builds.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "rnnviz" / "app"
I18N = ROOT / "resources" / "i18n"
PRESETS = ROOT / "resources" / "presets"
LANGUAGES = ("zh_CN",)
PRESET_CONTEXT = "Presets"


def tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease beside this Python (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        sys.exit(f"{name} not found: install the project's venv (make .venv/.installed-test)")
    return found


def preset_strings() -> list[str]:
    """The preset titles and descriptions, in file order."""
    strings: list[str] = []
    for path in sorted(PRESETS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for key in ("title", "description"):
            if data.get(key):
                strings.append(str(data[key]))
    return strings


def write_marked_source(path: Path, strings: list[tuple[str, str]]) -> Path:
    """A Python file that marks (context, text) ``strings`` for lupdate (QT_TRANSLATE_NOOP): the
    strings that are not in rnnviz/app's code (data files, pyqtgraph, core's messages)."""
    lines = [f"QT_TRANSLATE_NOOP({context!r}, {json.dumps(text, ensure_ascii=False)})" for context, text in strings]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


#: The parts of pyqtgraph whose strings the explorer shows: a plot's right-click menu (the view box's
#: and the plot's options, the scene's Export…) and the export dialog with its exporters.
PYQTGRAPH_PARTS = ("GraphicsScene/GraphicsScene.py", "GraphicsScene/exportDialogTemplate_generic.py",
                   "exporters", "graphicsItems/ViewBox", "graphicsItems/PlotItem")


def pyqtgraph_strings() -> list[tuple[str, str]]:
    """(context, text) of every literal ``translate(context, text)`` in PYQTGRAPH_PARTS, and the
    exporters' names (the export dialog translates them in the context "Exporter")."""
    spec = importlib.util.find_spec("pyqtgraph")
    if spec is None or spec.origin is None:
        sys.exit("pyqtgraph not found: run this with the project's venv (.venv/bin/python)")
    root = Path(spec.origin).parent
    found: list[tuple[str, str]] = []
    for part in PYQTGRAPH_PARTS:
        paths = [root / part] if part.endswith(".py") else sorted((root / part).glob("*.py"))
        for path in paths:
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and len(node.args) >= 2 and _called(node) in ("translate", "_translate") \
                        and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[:2]):
                    found.append((node.args[0].value, node.args[1].value))
                elif part == "exporters" and isinstance(node, ast.ClassDef):
                    found += [("Exporter", item.value.value) for item in node.body
                              if isinstance(item, ast.Assign) and [getattr(t, "id", "") for t in item.targets] == ["Name"]
                              and isinstance(item.value, ast.Constant) and isinstance(item.value.value, str)]
    return list(dict.fromkeys(found))


def _called(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")


#: Where the messages of rnnviz's errors and of the memory budget come from (rnnviz.errors.Message
#: templates: the explorer translates them in the context "ConfigError", rnnviz.app.i18n.translated).
MESSAGE_SOURCES = ("rnnviz/errors.py", "rnnviz/io_utils.py", "rnnviz/core", "rnnviz/lm", "rnnviz/app")
MESSAGE_CONTEXT = "ConfigError"
#: The calls whose first argument is such a template.
MESSAGE_CALLS = ("Message", "ConfigError", "InputFileError", "OutputPathError", "ResourceError", "BusyError",
                 "NotAStateDict")


def message_templates() -> list[str]:
    """The literal templates given to MESSAGE_CALLS in MESSAGE_SOURCES, in file order."""
    found: list[str] = []
    for source in MESSAGE_SOURCES:
        path = ROOT / source
        for file in [path] if path.suffix == ".py" else sorted(path.rglob("*.py")):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and _called(node) in MESSAGE_CALLS and node.args:
                    first = node.args[0]   # a template, or one of two ("a" if ... else "b")
                    for choice in (first.body, first.orelse) if isinstance(first, ast.IfExp) else (first,):
                        if isinstance(choice, ast.Constant) and isinstance(choice.value, str) and choice.value.strip():
                            found.append(choice.value)
    return list(dict.fromkeys(found)) + [", "]   # ", ": how Parts are joined


def sources(folder: Path) -> list[str]:
    marked = {"presets.py": [(PRESET_CONTEXT, text) for text in preset_strings()],
              "pyqtgraph_strings.py": pyqtgraph_strings(),
              "messages.py": [(MESSAGE_CONTEXT, text) for text in message_templates()]}
    return [str(path) for path in sorted(APP.rglob("*.py"))] + [str(write_marked_source(folder / name, strings))
                                                                for name, strings in marked.items()]


def lupdate(ts: Path, folder: Path) -> str:
    done = subprocess.run([tool("pyside6-lupdate"), *sources(folder), "-locations", "none", "-no-obsolete",
                           "-source-language", "en", "-target-language", ts.stem.split("_", 1)[1], "-ts", str(ts)],
                          capture_output=True, text=True, check=True)
    # lupdate turns the code's "#:" comments into notes for translators: not meant for them, and
    # every edit of such a comment would change the .ts.
    text = ts.read_text(encoding="utf-8")
    ts.write_text(re.sub(r"\n *<extracomment>.*?</extracomment>", "", text, flags=re.S), encoding="utf-8")
    return done.stdout + done.stderr


def lrelease(ts: Path, qm: Path) -> str:
    done = subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], capture_output=True, text=True,
                          check=True)
    return done.stdout + done.stderr


def check(language: str) -> list[str]:
    """What is out of date for ``language`` (empty: nothing)."""
    problems: list[str] = []
    ts, qm = I18N / f"rnnviz_{language}.ts", I18N / f"rnnviz_{language}.qm"
    if not ts.is_file():
        return [f"{ts} is missing"]
    with tempfile.TemporaryDirectory() as scratch:
        scratch_ts = Path(scratch) / ts.name
        shutil.copy(ts, scratch_ts)
        lupdate(scratch_ts, Path(scratch))
        if scratch_ts.read_bytes() != ts.read_bytes():
            problems.append(f"{ts.name} is not up to date with the code (run {Path(__file__).name})")
        if 'type="unfinished"' in ts.read_text(encoding="utf-8"):
            problems.append(f"{ts.name} has unfinished entries")
        scratch_qm = Path(scratch) / qm.name
        lrelease(ts, scratch_qm)
        if not qm.is_file() or scratch_qm.read_bytes() != qm.read_bytes():
            problems.append(f"{qm.name} is not the one {ts.name} builds (run {Path(__file__).name})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report what is out of date")
    args = parser.parse_args(argv)
    if args.check:
        problems = [problem for language in LANGUAGES for problem in check(language)]
        print("\n".join(problems) or "translations are up to date")
        return 1 if problems else 0
    I18N.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        ts, qm = I18N / f"rnnviz_{language}.ts", I18N / f"rnnviz_{language}.qm"
        with tempfile.TemporaryDirectory() as scratch:
            print(lupdate(ts, Path(scratch)).strip())
        print(lrelease(ts, qm).strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
