"""Teaching texts kept as data: ``resources/<kind>/<language>/<name>.md``.

``kind`` is ``explanations`` (one file per plot, named like the plot) or ``lessons``. A language
folder is a Qt locale name (``en``, ``zh_CN``); a text missing in the requested language falls back
to the language without its territory (``zh``) and then to English, so a translation can be partial.
"""

from __future__ import annotations

import re
from pathlib import Path

from rnnviz import resources_dir

FALLBACK_LANGUAGE = "en"


def language_chain(language: str | None) -> list[str]:
    """The folders tried for ``language``, best first: ``zh_CN`` -> zh_CN, zh, en."""
    chain: list[str] = []
    if language:
        language = language.replace("-", "_")
        chain.append(language)
        base = language.split("_", 1)[0]
        if base != language:
            chain.append(base)
    if FALLBACK_LANGUAGE not in chain:
        chain.append(FALLBACK_LANGUAGE)
    return chain


def text_path(kind: str, name: str, language: str | None = None) -> Path | None:
    """The file holding text ``name`` of ``kind`` in the best available language (None: none has it)."""
    root = resources_dir() / kind
    for folder in language_chain(language):
        path = root / folder / f"{name}.md"
        if path.is_file():
            return path
    return None


def text_names(kind: str) -> list[str]:
    """The names of ``kind`` that exist in English (every text has an English original), sorted."""
    return sorted(path.stem for path in (resources_dir() / kind / FALLBACK_LANGUAGE).glob("*.md"))


def read_text(kind: str, name: str, language: str | None = None) -> str:
    """Text ``name`` of ``kind`` (Markdown) in the best available language; KeyError if there is none."""
    path = text_path(kind, name, language)
    if path is None:
        raise KeyError(f"no {kind} text called {name!r}")
    return path.read_text(encoding="utf-8")


#: Operators of the formulas the texts write inline ("f = 1 − i", "(1 − z) ⊙ n + z ⊙ h(t−1)").
FORMULA_OPERATORS = "=−+⊙·×÷/≈≠≤≥∝"
_NO_BREAK_SPACE = "\u00a0"
_WORD_JOINER = "\u2060"   # no line break here, and nothing drawn
_SPACE = r"(?:[ \t]*\n[ \t]*|[ \t]+)"   # a space, or a line end inside a paragraph (Markdown's soft break)
_FORMULA_SPACES = re.compile(rf"(?<=\S){_SPACE}([{re.escape(FORMULA_OPERATORS)}]){_SPACE}(?=\S)")
#: A slash between two terms, "∂L/∂h(t)", "‖∂s(t₀+k)/∂s(t₀)‖", "σₘₐₓ/4" (and names such as
#: "PyTorch/cuDNN"): Qt breaks lines after a slash.
_FRACTION_SLASH = re.compile(r"(?<=[\w)‖])/(?=[\w∂‖(√])")
#: A product or sum sign and what it ranges over ("∏ f", "Σ over τ").
_BIG_OPERATOR = re.compile(r"([∏Σ]) (?=\S)")


def keep_formulas_together(text: str) -> str:
    """``text`` with no line break inside a formula: the spaces (or a source line's end) around a
    formula's operators become non-breaking ("f = 1 −" on one line and "i" on the next), so does
    the space after ∏ or Σ, and a fraction's slash is joined to its denominator. A space at the start of a line (a Markdown
    list's "+") and paragraph breaks are left alone."""
    text = _FORMULA_SPACES.sub(lambda match: f"{_NO_BREAK_SPACE}{match.group(1)}{_NO_BREAK_SPACE}", text)
    text = _BIG_OPERATOR.sub(lambda match: f"{match.group(1)}{_NO_BREAK_SPACE}", text)
    return _FRACTION_SLASH.sub(f"/{_WORD_JOINER}", text)
