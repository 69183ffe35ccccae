"""Guided lessons: Markdown files in ``resources/lessons/<language>/`` (or a lecturer's own file).

A lesson file::

    # Lesson title
    One paragraph saying what the lesson is about (optional).

    ## Step title
    The step's text (Markdown).

    ```json
    {"config": {"cell": "rnn", "radius": 0.9}, "focus": "decay"}
    ```

    ### Try this
    A question or something to do.

    ### What you should see
    What the plots then show.

Every step is a ``##`` section with exactly two ``###`` parts: first the question ("try this"),
then what the student should see; their headings are shown as written, so a translation keeps the
structure and translates the words. The optional fenced ``json`` block is the step's set-up:
``config`` lists ExperimentConfig fields that differ from the defaults (as a preset does),
``focus`` names the plot to show alone (or ``all``) and ``tab`` the tab to open (``explorer``,
``experiments``, ``compare`` or ``trainer``). A step without the block changes nothing.
Any problem is a ConfigError naming the file and the step; nothing is applied then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from rnnviz.app.plots import PLOT_NAMES
from rnnviz.app.texts import language_chain, text_names
from rnnviz import resources_dir
from rnnviz.core.analysis import ExperimentConfig
from rnnviz.core.config import ConfigError
from rnnviz.io_utils import parse_json

LESSONS_KIND = "lessons"
TABS = ("explorer", "experiments", "compare", "trainer")
FOCUS_ALL = "all"
SETUP_KEYS = ("config", "focus", "tab")
MAX_LESSON_BYTES = 1_000_000
_FENCE = re.compile(r"^\s*(```|~~~)\s*([A-Za-z0-9_-]*)\s*$")


@dataclass(frozen=True)
class LessonStep:
    title: str
    text: str                      # Markdown, without the set-up block
    try_heading: str
    try_text: str
    see_heading: str
    see_text: str
    config: ExperimentConfig | None = None   # None: the step leaves the configuration alone
    focus: str | None = None                 # a plot name, "all", or None (leave the view)
    tab: str | None = None

    def markdown(self) -> str:
        """The whole step as one Markdown text (what the Lessons panel shows)."""
        parts = [f"### {self.title}", self.text.strip(), f"#### {self.try_heading}", self.try_text.strip(),
                 f"#### {self.see_heading}", self.see_text.strip()]
        return "\n\n".join(part for part in parts if part)


@dataclass(frozen=True)
class Lesson:
    name: str
    title: str
    summary: str
    steps: tuple[LessonStep, ...]
    path: Path | None = None


def lessons_dir(language: str = "en") -> Path:
    return resources_dir() / LESSONS_KIND / language


def _split_fences(lines: list[str]):
    """Yield (line, inside_fence, fence_info) so that headings inside code blocks are not headings."""
    fence = None
    for line in lines:
        match = _FENCE.match(line)
        if fence is None and match:
            fence = (match.group(1), match.group(2).lower())
            yield line, True, fence[1], "open"
        elif fence is not None and match and match.group(1) == fence[0] and not match.group(2):
            info = fence[1]
            fence = None
            yield line, True, info, "close"
        else:
            yield line, fence is not None, fence[1] if fence else "", ""


def _parse_setup(raw: str, where: str) -> tuple[ExperimentConfig | None, str | None, str | None]:
    data = parse_json(raw, QCoreApplication.translate("Lessons", "{0}: the json block").format(where))
    if not isinstance(data, dict):
        raise ConfigError(QCoreApplication.translate("Lessons", "{0}: the json block must be an object with {1}").format(where, ', '.join(SETUP_KEYS)))
    unknown = sorted(set(data) - set(SETUP_KEYS))
    if unknown:
        raise ConfigError(QCoreApplication.translate("Lessons", "{0}: unknown key(s) {1} in the json block; use {2}").format(where, ', '.join(unknown), ', '.join(SETUP_KEYS)))
    config = None
    if "config" in data:
        if not isinstance(data["config"], dict):
            raise ConfigError(QCoreApplication.translate("Lessons", "{0}: 'config' must be an object of configuration fields").format(where))
        try:
            config = ExperimentConfig.from_dict({**ExperimentConfig().to_dict(), **data["config"]})
        except (ConfigError, TypeError, ValueError) as error:
            raise ConfigError("{where}: {error}", where=where, error=error) from None
    focus = data.get("focus")
    if focus is not None and focus not in (*PLOT_NAMES, FOCUS_ALL):
        raise ConfigError(QCoreApplication.translate("Lessons", "{0}: focus must be one of {1}, got {2!r}").format(where, ', '.join((*PLOT_NAMES, FOCUS_ALL)), focus))
    tab = data.get("tab")
    if tab is not None and tab not in TABS:
        raise ConfigError(QCoreApplication.translate("Lessons", "{0}: tab must be one of {1}, got {2!r}").format(where, ', '.join(TABS), tab))
    if focus is not None and tab not in (None, "explorer"):
        raise ConfigError(QCoreApplication.translate("Lessons", "{0}: focus names an explorer plot, so tab must be explorer").format(where))
    return config, focus, tab


def _parse_step(title: str, lines: list[str], where: str) -> LessonStep:
    body: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    setup_blocks: list[str] = []
    block: list[str] | None = None
    for line, inside, info, edge in _split_fences(lines):
        if info == "json":
            if edge == "open":
                block = []
            elif edge == "close":
                setup_blocks.append("\n".join(block or []))
                block = None
            elif block is not None:
                block.append(line)
            continue
        if not inside and line.startswith("### "):
            sections.append((line[4:].strip(), []))
        elif line.startswith("#### ") or not line.startswith("#") or inside:
            (sections[-1][1] if sections else body).append(line)
        else:
            raise ConfigError(QCoreApplication.translate("Lessons", "{0}: unexpected heading {1!r} (steps are '## ' sections with two '### ' parts)").format(where, line.strip()))
    if block is not None:
        raise ConfigError(QCoreApplication.translate("Lessons", "{0}: the json block is not closed").format(where))
    if len(setup_blocks) > 1:
        raise ConfigError(QCoreApplication.translate("Lessons", "{0}: a step has at most one json block, found {1}").format(where, len(setup_blocks)))
    if len(sections) != 2:
        raise ConfigError(QCoreApplication.translate("Lessons", "{0}: a step needs two '### ' parts (try this, what you should see), found {1}").format(where, len(sections)))
    if not title:
        raise ConfigError(QCoreApplication.translate("Lessons", "{0}: the step has no title").format(where))
    (try_heading, try_lines), (see_heading, see_lines) = sections
    if not "\n".join(try_lines).strip() or not "\n".join(see_lines).strip():
        raise ConfigError(QCoreApplication.translate("Lessons", "{0}: the parts '{1}' and '{2}' must not be empty").format(where, try_heading, see_heading))
    config, focus, tab = _parse_setup(setup_blocks[0], where) if setup_blocks else (None, None, None)
    return LessonStep(title=title, text="\n".join(body).strip(), try_heading=try_heading,
                      try_text="\n".join(try_lines).strip(), see_heading=see_heading,
                      see_text="\n".join(see_lines).strip(), config=config, focus=focus, tab=tab)


def parse_lesson(text: str, name: str, path: Path | None = None) -> Lesson:
    """A lesson from its Markdown ``text``; ConfigError naming ``name`` and the step on any problem."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    title = ""
    summary: list[str] = []
    steps: list[tuple[str, list[str]]] = []
    for line, inside, _info, _edge in _split_fences(lines):
        if not inside and line.startswith("# ") and not title and not steps:
            title = line[2:].strip()
        elif not inside and line.startswith("## "):
            steps.append((line[3:].strip(), []))
        elif steps:
            steps[-1][1].append(line)
        elif not inside and line.startswith("#"):
            raise ConfigError(QCoreApplication.translate("Lessons", "lesson {0}: unexpected heading {1!r} before the first step").format(name, line.strip()))
        elif line.strip() and not title:
            raise ConfigError(QCoreApplication.translate("Lessons", "lesson {0}: the file must start with a '# ' title line").format(name))
        else:
            summary.append(line)
    if not title:
        raise ConfigError(QCoreApplication.translate("Lessons", "lesson {0}: no '# ' title line").format(name))
    if not steps:
        raise ConfigError(QCoreApplication.translate("Lessons", "lesson {0}: no steps ('## ' sections)").format(name))
    parsed = tuple(_parse_step(step_title, step_lines, QCoreApplication.translate("Lessons", "lesson {0}, step {1}").format(name, number))
                   for number, (step_title, step_lines) in enumerate(steps, start=1))
    return Lesson(name=name, title=title, summary="\n".join(summary).strip(), steps=parsed, path=path)


def read_lesson(path) -> Lesson:
    """Parse the lesson file ``path``; ConfigError with the file name on any problem."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_LESSON_BYTES:
            raise ConfigError(QCoreApplication.translate("Lessons", "lesson {0}: larger than {1} kB; not a lesson file?").format(path.name, MAX_LESSON_BYTES // 1000))
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(QCoreApplication.translate("Lessons", "lesson {0}: cannot read ({1})").format(path.name, error)) from None
    return parse_lesson(text, path.stem, path)


def lesson_names() -> list[str]:
    """The course's lessons (file stems of the English originals), in order."""
    return text_names(LESSONS_KIND)


def load_lesson(name: str, language: str | None = None) -> Lesson:
    """Built-in lesson ``name`` (file stem, or its number: "2" or "02") in the best available language."""
    names = lesson_names()
    if name not in names:
        by_number = [n for n in names if name.isdigit() and n.split("-", 1)[0].lstrip("0") == name.lstrip("0")]
        if len(by_number) != 1:
            raise ConfigError(QCoreApplication.translate("Lessons", "unknown lesson {0!r}; available: {1}").format(name, ', '.join(names)))
        name = by_number[0]
    for folder in language_chain(language):
        path = resources_dir() / LESSONS_KIND / folder / f"{name}.md"
        if path.is_file():
            return read_lesson(path)
    raise ConfigError(QCoreApplication.translate("Lessons", "unknown lesson {0!r}").format(name))


def list_lessons(language: str | None = None) -> list[Lesson]:
    return [load_lesson(name, language) for name in lesson_names()]
