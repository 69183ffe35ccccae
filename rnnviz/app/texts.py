"""Teaching texts kept as data: ``resources/<kind>/<language>/<name>.md``.

``kind`` is ``explanations`` (one file per plot, named like the plot) or ``lessons``. A language
folder is a Qt locale name (``en``, ``zh_CN``); a text missing in the requested language falls back
to the language without its territory (``zh``) and then to English, so a translation can be partial.
"""

from __future__ import annotations

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
