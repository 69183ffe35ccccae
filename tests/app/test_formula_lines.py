"""Formulas in the teaching texts are never broken across lines ("f = 1 −" and "i" on the next)."""

from __future__ import annotations

import pytest

from rnnviz.app.texts import FORMULA_OPERATORS, keep_formulas_together, read_text, text_names

LANGUAGES = ("en", "zh_CN")
#: Widths of a narrow Lessons dock, the explanation dialog and a What's This popup, in pixels.
WIDTHS = (150, 190, 240, 300, 420)


def _texts() -> list[tuple[str, str]]:
    """(where, Markdown) of every explanation and every lesson step, in both languages."""
    from rnnviz.app.lessons import lesson_names, load_lesson

    texts = [(f"explanation {name} ({language})", read_text("explanations", name, language))
             for name in text_names("explanations") for language in LANGUAGES]
    for name in lesson_names():
        for language in LANGUAGES:
            for number, step in enumerate(load_lesson(name, language).steps, start=1):
                texts.append((f"lesson {name} step {number} ({language})", step.markdown()))
    return texts


def broken_formulas(markdown: str, points: int = 11) -> list[str]:
    """The line ends, laid out at each of WIDTHS, where a line breaks beside a formula's operator."""
    from PySide6.QtGui import QFont, QTextDocument

    document = QTextDocument()
    font = QFont()
    font.setPointSize(points)
    document.setDefaultFont(font)
    document.setMarkdown(markdown)
    found = []
    for width in WIDTHS:
        document.setTextWidth(width)
        document.documentLayout().documentSize()  # lays the text out at this width now
        block = document.begin()
        while block.isValid():
            layout, text = block.layout(), block.text()
            lines = [text[layout.lineAt(index).textStart():][:layout.lineAt(index).textLength()]
                     for index in range(layout.lineCount())]
            for first, second in zip(lines, lines[1:]):
                if " " not in first.strip():
                    continue  # one unbreakable run wider than the line: Qt has to cut it somewhere
                end, start = first.rstrip()[-1:], second.lstrip()[:1]
                if (end and end in FORMULA_OPERATORS + "∏Σ") or (start and start in FORMULA_OPERATORS):
                    found.append(f"{first.rstrip()[-24:]!r} | {second.lstrip()[:24]!r} at {width} px")
            block = block.next()
    return found


def test_the_check_finds_a_formula_broken_across_lines(qapp):
    text = "The CIFG ties the forget gate to the input gate: f = 1 − i, always."
    assert broken_formulas(text)   # some width breaks it beside an operator
    assert not broken_formulas(keep_formulas_together(text))
    assert keep_formulas_together("+ a list item\n- another") == "+ a list item\n- another"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_formula_breaks_across_lines_in_explanations_and_lessons(qapp, language):
    texts = [(where, markdown) for where, markdown in _texts() if where.endswith(f"({language})")]
    before = [where for where, markdown in texts if broken_formulas(markdown)]
    assert before, "the texts as written break some formula at these widths (else the check tests nothing)"
    failures = [f"{where}: {problem}" for where, markdown in texts
                for problem in broken_formulas(keep_formulas_together(markdown))]
    assert not failures, "\n".join(failures[:20])
