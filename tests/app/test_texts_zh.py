"""The Simplified Chinese lessons and plot explanations (resources/*/zh_CN) match their English originals."""

from __future__ import annotations

import re

import pytest

from rnnviz import resources_dir
from rnnviz.app.explain import EXPLANATIONS_KIND, explanation_markdown, explanation_names, explanation_title, markdown_html
from rnnviz.app.lessons import LESSONS_KIND, lesson_names, load_lesson, parse_lesson
from rnnviz.app.texts import text_path

ZH = "zh_CN"
#: The four bold parts of every explanation, in order, English and Chinese.
EXPLANATION_PARTS = {
    "en": ("**What is plotted.**", "**How to read it.**", "**What the lecture says.**", "**Try this.**"),
    ZH: ("**图示内容**：", "**读图方法**：", "**课程要点**：", "**试一试**："),
}
LESSON_PART_HEADINGS = ("试一试", "你应该看到")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]+")
#: English words that never occur in a formula, a proper name or a control's value: one of them in a
#: Chinese text is an untranslated phrase.
ENGLISH_WORDS = {"the", "and", "of", "is", "are", "with", "to", "in", "at", "for", "that", "this", "from", "by",
                 "on", "it", "its", "as", "be", "not", "one", "step", "steps", "line", "gradient", "what"}
#: Characters that only formulas use: a whitespace-separated token holding one is a formula (or part
#: of one) and must appear in the translation exactly as in the original.
MATH = re.compile(r"[‖∂∏Σ⊙·ᵏₘₐₓₕᵢₙ₀₁₂γσρφλθτ′√≤≥≈→−±¼½⋯]")
CJK_OR_PUNCTUATION = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef“”‘’]")
FENCED = re.compile(r"^\s*(```|~~~).*?^\s*\1\s*$", re.S | re.M)


def _prose(markdown: str) -> str:
    """The text a reader sees as sentences: without fenced blocks and Markdown marks."""
    return FENCED.sub("", markdown).replace("*", "").replace("#", "")


def _formula_tokens(markdown: str) -> set[str]:
    """The formula pieces of an English text: tokens with a mathematical character, trailing punctuation off.

    A token that runs into an English word ("ρᵏ:") is cut there; a parenthesis is kept only when it is
    balanced inside the token, so "(γ·σₘₐₓ)ᵏ" stays whole and "(τ ≥" becomes "τ".
    """
    tokens = set()
    for token in CJK_OR_PUNCTUATION.sub(" ", _prose(markdown)).split():
        token = token.strip(".,;:!?\"“”'")
        while token and token.count("(") != token.count(")"):
            token = token[1:] if token.startswith("(") else token[:-1] if token.endswith(")") else ""
            token = token.strip(".,;:!?\"“”'")
        if token and MATH.search(token):
            tokens.add(token)
    return tokens


def _cjk_share(text: str) -> float:
    """Share of CJK ideographs among the letters (ideographs and Latin words count one each)."""
    cjk = len(CJK.findall(text))
    latin = len(LATIN_WORD.findall(text))
    return cjk / max(1, cjk + latin)


def _assert_reads_as_chinese(text: str, where: str) -> None:
    prose = _prose(text)
    assert _cjk_share(prose) > 0.5, (where, round(_cjk_share(prose), 2))
    for paragraph in (part.strip() for part in prose.split("\n\n")):
        if paragraph:
            assert CJK.search(paragraph), (where, "a paragraph without Chinese", paragraph)
    english = sorted({word for word in LATIN_WORD.findall(prose) if word.lower() in ENGLISH_WORDS})
    assert not english, (where, "untranslated English words", english)
    # A soft line break inside a Chinese paragraph is shown as a space between two characters.
    for line_end, line_start in re.findall(r"(\S)\n(\S)", FENCED.sub("", text)):
        assert not (CJK.match(line_end) and CJK.match(line_start)), (where, "a line break between ideographs")


def test_every_english_text_has_a_chinese_counterpart_and_no_other():
    for kind in (LESSONS_KIND, EXPLANATIONS_KIND):
        english = sorted(path.name for path in (resources_dir() / kind / "en").glob("*.md"))
        chinese = sorted(path.name for path in (resources_dir() / kind / ZH).glob("*.md"))
        assert english and chinese == english, kind
    for name in lesson_names():
        assert text_path(LESSONS_KIND, name, ZH).parent.name == ZH
    for name in explanation_names():
        assert text_path(EXPLANATIONS_KIND, name, ZH).parent.name == ZH
    # zh (without territory) falls back to nothing of its own, then English; zh_CN is found first.
    assert text_path(EXPLANATIONS_KIND, "decay", "zh_TW").parent.name == "en"


@pytest.mark.parametrize("name", lesson_names())
def test_a_chinese_lesson_has_the_english_steps_and_set_ups(qapp, name):
    english, chinese = load_lesson(name, "en"), load_lesson(name, ZH)
    assert chinese.path.parent.name == ZH and english.path.parent.name == "en"
    assert chinese.title.split(" ", 1)[0] == english.title.split(" ", 1)[0]   # "3." stays "3."
    assert bool(chinese.summary) == bool(english.summary)
    assert len(chinese.steps) == len(english.steps)
    for number, (en_step, zh_step) in enumerate(zip(english.steps, chinese.steps), start=1):
        where = f"{name} step {number}"
        assert (zh_step.config, zh_step.focus, zh_step.tab) == (en_step.config, en_step.focus, en_step.tab), where
        assert (zh_step.try_heading, zh_step.see_heading) == LESSON_PART_HEADINGS, where
        assert bool(zh_step.text) == bool(en_step.text), where
        for part in ("title", "text", "try_text", "see_text"):
            missing = _formula_tokens(getattr(en_step, part)) - _formula_tokens(getattr(zh_step, part))
            assert not missing, (where, part, "formulas changed or lost", sorted(missing))
        _assert_reads_as_chinese(zh_step.markdown(), where)
        assert "**" not in markdown_html(zh_step.markdown()), (where, "emphasis that Markdown does not close")
    _assert_reads_as_chinese(chinese.title + "\n\n" + chinese.summary, name)
    # The set-up blocks are copied byte for byte, not re-typed.
    en_blocks = FENCED.findall(english.path.read_text(encoding="utf-8"))
    blocks = [match.group(0) for match in FENCED.finditer(chinese.path.read_text(encoding="utf-8"))]
    assert blocks == [match.group(0) for match in FENCED.finditer(english.path.read_text(encoding="utf-8"))]
    assert len(blocks) == len(en_blocks)


@pytest.mark.parametrize("name", explanation_names())
def test_a_chinese_explanation_parses_like_its_english_original(qapp, name):
    english, chinese = explanation_markdown(name, "en"), explanation_markdown(name, ZH)
    assert chinese != english and chinese.startswith("# ")
    title = explanation_title(name, ZH)
    assert CJK.search(title) and title != explanation_title(name, "en")
    positions = [chinese.find(part) for part in EXPLANATION_PARTS[ZH]]
    assert all(position > 0 for position in positions) and positions == sorted(positions), name
    # Each part (the text between two bold labels) keeps the English part's formulas.
    def parts(text, labels):
        cuts = [text.find(label) for label in labels] + [len(text)]
        return [text[start:end] for start, end in zip(cuts, cuts[1:])]
    for label, en_part, zh_part in zip(EXPLANATION_PARTS[ZH], parts(english, EXPLANATION_PARTS["en"]),
                                       parts(chinese, EXPLANATION_PARTS[ZH])):
        missing = _formula_tokens(en_part) - _formula_tokens(zh_part)
        assert not missing, (name, label, "formulas changed or lost", sorted(missing))
    _assert_reads_as_chinese(chinese, name)
    html = markdown_html(chinese, 18)
    assert title in html and "图示内容" in html and "**" not in html


def test_the_checks_catch_english_left_in_a_chinese_text():
    assert _formula_tokens("the bound (γ·σₘₐₓ)ᵏ: with ρ < 1, ‖∂L/∂h(t)‖ falls") == {
        "(γ·σₘₐₓ)ᵏ", "ρ", "‖∂L/∂h(t)‖"}
    with pytest.raises(AssertionError, match="untranslated English"):
        _assert_reads_as_chinese("梯度在每一步都缩小，所以 the gradient vanishes 很快。", "x")
    with pytest.raises(AssertionError, match="a paragraph without Chinese"):
        _assert_reads_as_chinese("梯度消失的原因与梯度爆炸的原因是同一个乘积。\n\nSaturated units block ρ.", "x")
    with pytest.raises(AssertionError, match="line break between ideographs"):
        _assert_reads_as_chinese("梯度消失的原因与梯度爆炸的\n原因是同一个乘积。", "x")
    with pytest.raises(AssertionError):
        _assert_reads_as_chinese("Vanishing gradients 梯度.", "x")   # too little Chinese
    # A lesson whose step lost a set-up would differ from the English one in (config, focus, tab).
    english = load_lesson("02", "en")
    text = english.path.read_text(encoding="utf-8")
    stripped = parse_lesson(FENCED.sub("", text, count=1), "stripped")
    assert (stripped.steps[0].config, stripped.steps[0].focus) != (english.steps[0].config, english.steps[0].focus)


def test_a_chinese_screenshot_shows_the_chinese_lesson_and_explanation(qapp, tmp_path, monkeypatch):
    """``rnnviz screenshot --lang zh_CN --lesson 2``: the Lessons dock (chooser, step text) and a plot's
    "?" dialog are in Chinese, and the built-in lesson is not added a second time in English."""
    import argparse

    from PySide6.QtGui import QImage

    from rnnviz.app.i18n import ENGLISH, install_language
    from rnnviz.app.main_window import MainWindow
    from rnnviz.commands import screenshot

    seen = {}
    show_lesson = MainWindow.show_lesson

    def spy(window, lesson, step=0):
        show_lesson(window, lesson, step)
        window.show_explanation("decay")
        seen.update(lesson=lesson, text=window.lessons.text.toPlainText(),
                    titles=[window.lessons.chooser.itemText(i) for i in range(window.lessons.chooser.count())],
                    explanation=window.explanation_dialog.browser.toPlainText())

    monkeypatch.setattr(MainWindow, "show_lesson", spy)
    parser = argparse.ArgumentParser()
    screenshot.register(parser.add_subparsers(dest="command"))
    out = tmp_path / "lesson.png"
    args = parser.parse_args(["screenshot", "--lang", ZH, "--lesson", "2", "--step", "2", "--out", str(out),
                              "--size", "1280x720", "--presentation"])
    try:
        assert args.func(args) == 0
    finally:
        install_language(ENGLISH, qapp)
    assert QImage(str(out)).size().toTuple() == (1280, 720)
    assert seen["lesson"].path == load_lesson("2", ZH).path
    assert seen["text"].startswith("上界 (γ·σₘₐₓ)ᵏ") and "试一试" in seen["text"]
    assert len(seen["titles"]) == len(lesson_names()) and all(CJK.search(title) for title in seen["titles"])
    assert seen["explanation"].startswith("梯度衰减") and "图示内容" in seen["explanation"]
