"""Install rnnviz into the desktop's application menu: ``make desktop`` (or ``python -m rnnviz.desktop``).

Writes, per the XDG base-directory rules (``$XDG_DATA_HOME``, default ``~/.local/share``):

* ``applications/rnnviz.desktop`` — ``resources/rnnviz.desktop`` with ``Exec`` set to the absolute
  path of this installation's ``rnnviz`` command (so the entry works without the venv on PATH);
* ``icons/hicolor/scalable/apps/rnnviz.svg`` — the application icon.

Both files are written atomically; running it again replaces them. No Qt needed.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from rnnviz import resources_dir
from rnnviz.io_utils import atomic_write_bytes, atomic_write_text

DESKTOP_FILE = "rnnviz.desktop"
ICON_FILE = "rnnviz.svg"


def data_home() -> Path:
    """``$XDG_DATA_HOME`` if set and absolute, else ``~/.local/share``."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"


def rnnviz_command() -> str:
    """Absolute path of the ``rnnviz`` script beside this interpreter, else ``rnnviz`` from PATH."""
    beside = Path(sys.executable).parent / "rnnviz"
    if beside.is_file():
        return str(beside)
    found = shutil.which("rnnviz")
    return found if found else "rnnviz"


def desktop_entry(command: str) -> str:
    """The desktop entry text with ``Exec`` running ``command`` (quoted when it holds spaces)."""
    exec_value = f'"{command}"' if any(c.isspace() for c in command) else command
    lines = []
    for line in (resources_dir() / DESKTOP_FILE).read_text(encoding="utf-8").splitlines():
        lines.append(f"Exec={exec_value}" if line.startswith("Exec=") else line)
    return "\n".join(lines) + "\n"


def install(target: Path | None = None, command: str | None = None) -> list[Path]:
    """Write the entry and the icon under ``target`` (default :func:`data_home`); returns the paths."""
    root = data_home() if target is None else Path(target)
    entry_path = root / "applications" / DESKTOP_FILE
    icon_path = root / "icons" / "hicolor" / "scalable" / "apps" / ICON_FILE
    for folder in (entry_path.parent, icon_path.parent):
        folder.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(icon_path, (resources_dir() / "icons" / ICON_FILE).read_bytes())
    atomic_write_text(entry_path, desktop_entry(command or rnnviz_command()))
    return [entry_path, icon_path]


def main() -> int:
    try:
        written = install()
    except OSError as error:
        print(f"rnnviz desktop: error: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
