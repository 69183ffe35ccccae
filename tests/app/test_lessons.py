"""Guided lessons (resources/lessons) and the Lessons dock; plot explanations (resources/explanations)."""

from __future__ import annotations

import argparse

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from rnnviz.app import texts
from rnnviz.app.explain import TRAINER_EXPLANATION, explanation_markdown, explanation_names
from rnnviz.app.lessons import TABS, lesson_names, list_lessons, load_lesson, parse_lesson, read_lesson
from rnnviz.app.plots import PLOT_NAMES
from rnnviz.core.analysis import ExperimentConfig
from rnnviz.core.config import ConfigError

SMALL = '"hidden_size": 6, "input_size": 3, "seq_len": 12'

GOOD_LESSON = f"""# A small lesson
What it is about.

## First step
Some text with a code block that is not a heading:

```
## not a step
```

```json
{{"config": {{"cell": "rnn", "activation": "tanh", "radius": 0.5, {SMALL}}}, "focus": "decay"}}
```

### Try this
Drag rho.

### What you should see
A falling line.

## Second step
More text.

```json
{{"config": {{"cell": "gru", {SMALL}}}, "focus": "gates"}}
```

### Try this
Look at z.

### What you should see
Gates.

## Third step
Only words: this step changes nothing.

### Try this
Think.

### What you should see
Nothing new.
"""


def test_the_course_has_eleven_lessons_that_all_parse_with_valid_configurations():
    names = lesson_names()
    assert len(names) == 11
    assert [name.split("-", 1)[0] for name in names] == [f"{n:02d}" for n in range(1, 12)]
    lessons = list_lessons("en")
    for lesson in lessons:
        assert lesson.title and lesson.steps, lesson.name
        assert any(step.config is not None or step.tab is not None for step in lesson.steps), lesson.name
        for step in lesson.steps:
            assert step.title and step.try_text and step.see_text
            assert step.focus in (None, "all", *PLOT_NAMES)
            assert step.tab in (None, *TABS)
            if step.config is not None:
                assert isinstance(step.config, ExperimentConfig)
                assert step.config.validate() is step.config
            assert "```" not in step.markdown()   # the set-up block is not shown as text
    # Lesson 11 (the trained character model) goes to the Trainer tab.
    assert lessons[-1].steps[0].tab == "trainer"
    # Every explorer plot is the focus of some step.
    focused = {step.focus for lesson in lessons for step in lesson.steps}
    assert set(PLOT_NAMES) <= focused


def test_a_lesson_parses_into_steps_with_configurations():
    lesson = parse_lesson(GOOD_LESSON, "small")
    assert lesson.title == "A small lesson" and lesson.summary == "What it is about."
    assert [step.title for step in lesson.steps] == ["First step", "Second step", "Third step"]
    first = lesson.steps[0]
    assert first.config == ExperimentConfig(cell="rnn", activation="tanh", radius=0.5, hidden_size=6,
                                            input_size=3, seq_len=12)
    assert first.focus == "decay" and first.tab is None
    assert first.try_heading == "Try this" and first.try_text == "Drag rho."
    assert first.see_heading == "What you should see" and first.see_text == "A falling line."
    assert "## not a step" in first.text
    assert lesson.steps[2].config is None and lesson.steps[2].focus is None


def test_load_lesson_by_number_and_unknown_names():
    assert load_lesson("2").name == "02-vanishing"
    assert load_lesson("02-vanishing").steps[0].config.radius == 0.9
    with pytest.raises(ConfigError, match="unknown lesson 'nope'; available: 01-unrolled"):
        load_lesson("nope")


@pytest.mark.parametrize("text, message", [
    ("no title\n## s\n### a\nx\n### b\ny\n", "must start with a '# ' title"),
    ("# T\n", "no steps"),
    ("# T\n## s\ntext\n### a\nx\n", "needs two '### ' parts"),
    ("# T\n## s\n### a\nx\n### b\n\n", "must not be empty"),
    ("# T\n## s\n```json\n{\"config\": {\"cell\": \"rnn\"}\n### a\nx\n### b\ny\n", "not closed"),
    ("# T\n## s\n```json\n{\"config\": {\"cell\": \"rnn\",}}\n```\n### a\nx\n### b\ny\n", "not valid JSON"),
    ("# T\n## s\n```json\n{\"focus\": \"nowhere\"}\n```\n### a\nx\n### b\ny\n", "focus must be one of"),
    ("# T\n## s\n```json\n{\"tab\": \"kitchen\"}\n```\n### a\nx\n### b\ny\n", "tab must be one of"),
    ("# T\n## s\n```json\n{\"zoom\": 2}\n```\n### a\nx\n### b\ny\n", "unknown key"),
    ("# T\n## s\n```json\n{\"config\": {\"radius\": -1}}\n```\n### a\nx\n### b\ny\n", "spectral radius"),
    ("# T\n## s\n```json\n{\"config\": {\"colour\": 1}}\n```\n### a\nx\n### b\ny\n", "unknown configuration key"),
    ("# T\n## ok\n### a\nx\n### b\ny\n## s\n```json\n[1]\n```\n### a\nx\n### b\ny\n", "step 2: the json block"),
])
def test_a_malformed_lesson_gives_a_clear_message(text, message):
    with pytest.raises(ConfigError, match=message) as info:
        parse_lesson(text, "bad")
    assert str(info.value).startswith("lesson bad")


def test_read_lesson_rejects_unreadable_files(tmp_path):
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(ConfigError, match="lesson binary.md: cannot read"):
        read_lesson(binary)
    with pytest.raises(ConfigError, match="cannot read"):
        read_lesson(tmp_path / "missing.md")


def test_texts_fall_back_to_english(tmp_path, monkeypatch):
    assert texts.language_chain("zh_CN") == ["zh_CN", "zh", "en"]
    assert texts.language_chain("en_GB") == ["en_GB", "en"]
    assert texts.language_chain(None) == ["en"]
    for folder, body in (("en", "english"), ("zh_CN", "chinese")):
        (tmp_path / "explanations" / folder).mkdir(parents=True)
        (tmp_path / "explanations" / folder / "decay.md").write_text(body, encoding="utf-8")
    (tmp_path / "explanations" / "en" / "map.md").write_text("english map", encoding="utf-8")
    monkeypatch.setattr(texts, "resources_dir", lambda: tmp_path)
    assert texts.read_text("explanations", "decay", "zh_CN") == "chinese"
    assert texts.read_text("explanations", "map", "zh_CN") == "english map"   # not translated yet
    assert texts.read_text("explanations", "decay", "de_DE") == "english"
    with pytest.raises(KeyError):
        texts.read_text("explanations", "gates", "en")


def test_every_plot_has_an_explanation():
    names = set(explanation_names())
    assert {*PLOT_NAMES, "sweep", "compare", TRAINER_EXPLANATION} <= names
    for name in names:
        text = explanation_markdown(name, "en")
        assert text.startswith("# ")
        for part in ("**What is plotted.**", "**How to read it.**", "**What the lecture says.**", "**Try this.**"):
            assert part in text, (name, part)
    assert "(γ·σₘₐₓ)ᵏ" in explanation_markdown("decay", "en") and "¼" in explanation_markdown("decay", "en")


def test_every_plot_panel_opens_its_explanation(make_window, qtbot):
    window = make_window()
    panels = window.explained_panels()
    assert len(panels) == len(PLOT_NAMES) + 2
    for panel in panels:
        assert not panel.help_button.isHidden(), panel.name
        qtbot.mouseClick(panel.help_button, Qt.MouseButton.LeftButton)
        dialog = window.explanation_dialog
        assert dialog.isVisible() and dialog.name == panel.name
        assert "What is plotted" in dialog.browser.toPlainText()
        assert "How to read it" in panel.whatsThis()
    qtbot.mouseClick(window.trainer.help_button, Qt.MouseButton.LeftButton)
    assert window.explanation_dialog.name == TRAINER_EXPLANATION
    assert "clipping" in window.trainer.plots_box.whatsThis()
    # Shift+F1 is Qt's What's This mode, in the Help menu.
    assert window.whats_this_action.shortcut().toString() == "Shift+F1"
    # Presentation mode: lecture-size text in the dialog and in the What's This help.
    window.set_presentation_mode(True, full_screen=False)
    window.show_explanation("decay")
    from rnnviz.app.explain import MIN_PRESENTATION_TEXT_PT, NORMAL_TEXT_PT

    # (as large as fits the screen without scrolling: see test_presentation_explanations_fit_...)
    assert window.explanation_dialog.browser.font().pointSize() >= max(MIN_PRESENTATION_TEXT_PT, NORMAL_TEXT_PT + 2)
    assert "font-size:18pt" in window.panel_by_name["decay"].whatsThis()



def test_switching_presentation_mode_reads_each_explanation_once_for_the_what_s_this_help(make_window,
                                                                                          monkeypatch):
    window = make_window()
    window.set_presentation_mode(True, full_screen=False)
    window.set_presentation_mode(False, full_screen=False)
    from rnnviz.app import explain

    read = []
    real_read = explain.read_text
    monkeypatch.setattr(explain, "read_text", lambda *args: read.append(args) or real_read(*args))
    for on in (True, False, True):
        window.set_presentation_mode(on, full_screen=False)
    assert not read   # (each switch read and converted every plot's file anew)
    decay = window.panel_by_name["decay"].whatsThis()
    assert "How to read it" in decay and "font-size:18pt" in decay
    window.set_presentation_mode(False, full_screen=False)
    assert "How to read it" in window.panel_by_name["decay"].whatsThis()
    assert "font-size:18pt" not in window.panel_by_name["decay"].whatsThis()

def _small_lesson(tmp_path, name="small.md"):
    path = tmp_path / name
    path.write_text(GOOD_LESSON, encoding="utf-8")
    return path


def test_applying_a_step_sets_the_controls_and_focuses_the_plot(make_window, qtbot, tmp_path):
    window = make_window()
    assert window.lessons_dock.isHidden()
    assert window.open_lesson(_small_lesson(tmp_path))
    assert not window.lessons_dock.isHidden()
    lessons = window.lessons
    assert lessons.lesson.title == "A small lesson" and lessons.step_index == 0
    assert lessons.step_label.text() == "Step 1 of 3"
    assert "Drag rho." in lessons.text.toPlainText() and "A falling line." in lessons.text.toPlainText()
    window.tabs.setCurrentWidget(window.trainer)
    qtbot.mouseClick(lessons.apply_button, Qt.MouseButton.LeftButton)
    assert window.state.config.cell == "rnn" and window.state.config.radius == 0.5
    assert window.controls.cell_combo.currentData() == "rnn"
    assert window.controls.radius_spin.value() == pytest.approx(0.5)
    assert window.tabs.currentWidget() is window.explorer
    assert window.focused_plot == "decay"
    assert window.panel_by_name["map"].isHidden() and not window.panel_by_name["decay"].isHidden()
    qtbot.mouseClick(lessons.next_button, Qt.MouseButton.LeftButton)   # showing a step applies nothing
    assert lessons.step_index == 1 and window.state.config.cell == "rnn"
    qtbot.mouseClick(lessons.apply_button, Qt.MouseButton.LeftButton)
    assert window.state.config.cell == "gru" and window.focused_plot == "gates"
    qtbot.mouseClick(lessons.next_button, Qt.MouseButton.LeftButton)
    assert not lessons.apply_button.isEnabled() and not lessons.next_button.isEnabled()


def test_page_up_and_down_step_through_in_presentation_mode(make_window, qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication

    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    window.open_lesson(_small_lesson(tmp_path))
    qtbot.keyClick(window, Qt.Key.Key_PageDown)                 # not in presentation mode: no step
    assert window.lessons.step_index == 0
    window.set_presentation_mode(True, full_screen=False)
    assert window.next_step_action.isEnabled()
    window.lessons.text.setFocus()          # the lesson's own text would scroll on Page Down
    qtbot.waitUntil(window.lessons.text.hasFocus, timeout=2000)
    qtbot.keyClick(window.lessons.text, Qt.Key.Key_PageDown)
    assert window.lessons.step_index == 1
    assert window.state.config.cell == "gru" and window.focused_plot == "gates"   # set up at once
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert window.lessons.step_index == 0 and window.state.config.cell == "rnn"
    qtbot.keyClick(window, Qt.Key.Key_PageUp)                   # the first step: stays
    assert window.lessons.step_index == 0
    window.lessons_dock.close()
    assert not window.next_step_action.isEnabled()
    window.set_presentation_mode(False)
    assert not window.next_step_action.isEnabled()


def test_a_malformed_lesson_file_gives_a_message_and_changes_nothing(make_window, tmp_path):
    window = make_window()
    before_config = window.state.config
    before_lessons = list(window.lessons.lessons)
    before_lesson, before_step = window.lessons.lesson, window.lessons.step_index
    bad = tmp_path / "bad.md"
    bad.write_text("# Bad\n## s\n```json\n{\"config\": {\"cell\": \"lsmt\"}}\n```\n### a\nx\n### b\ny\n",
                   encoding="utf-8")
    assert not window.open_lesson(bad)
    assert "lesson bad, step 1" in window.last_error and "lsmt" in window.last_error
    assert window.state.config == before_config
    assert window.lessons.lessons == before_lessons
    assert (window.lessons.lesson, window.lessons.step_index) == (before_lesson, before_step)
    assert window.lessons_dock.isHidden()


def test_the_built_in_lessons_are_in_the_dock_and_apply(make_window):
    window = make_window()
    assert [lesson.name for lesson in window.lessons.lessons] == lesson_names()
    window.lessons.select_lesson(1)
    assert window.lessons.lesson.name == "02-vanishing"
    window.lessons.apply_current()
    assert window.state.config.cell == "rnn" and window.state.config.radius == 0.9
    assert window.focused_plot == "decay"
    window.lessons.select_lesson(10)
    window.lessons.apply_current()
    assert window.tabs.currentWidget() is window.trainer


def _parse(arguments):
    from rnnviz.commands import screenshot

    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers(dest="command")
    screenshot.register(subparsers)
    return parser.parse_args(["screenshot", *arguments])


def test_screenshot_of_a_lesson_step(qapp, tmp_path, capsys):
    out = tmp_path / "lesson.png"
    args = _parse(["--lesson", str(_small_lesson(tmp_path)), "--step", "2", "--out", str(out),
                   "--size", "1280x720", "--presentation"])
    assert args.func(args) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 720)
    with pytest.raises(ConfigError, match="--step must be in 1..3"):
        args = _parse(["--lesson", str(_small_lesson(tmp_path)), "--step", "4", "--out", str(out)])
        args.func(args)
    with pytest.raises(ConfigError, match="--step needs --lesson"):
        args = _parse(["--step", "2", "--out", str(out)])
        args.func(args)
    with pytest.raises(ConfigError, match="unknown lesson"):
        args = _parse(["--lesson", "nope", "--out", str(out)])
        args.func(args)


def _projector_window(make_window):
    """A window at 1280×720 (a projector) in presentation mode."""
    window = make_window()
    window.resize(1280, 720)
    window.show()
    window.set_presentation_mode(True, full_screen=False)
    return window


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_presentation_explanations_fit_a_projector_without_scrolling(make_window, monkeypatch, language):
    """In presentation mode at 1280×720 every plot's explanation is read whole: the dialog takes
    most of the screen, and the text the largest lecture size that needs no scroll bar."""
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    from rnnviz.app.explain import MIN_PRESENTATION_TEXT_PT, ExplanationDialog, explanation_names
    from rnnviz.app.i18n import install_language

    install_language(language, QApplication.instance())
    monkeypatch.setattr(ExplanationDialog, "screen_size", lambda self: QSize(1280, 720))  # the projector
    try:
        window = _projector_window(make_window)
        failures = []
        for name in explanation_names():
            window.show_explanation(name)
            dialog = window.explanation_dialog
            QApplication.instance().processEvents()
            scroll = dialog.browser.verticalScrollBar()
            points = dialog.browser.font().pointSize()
            if scroll.maximum() > 0:
                failures.append(f"{name}: scrolls {scroll.maximum()} px at {points} pt")
            if points < MIN_PRESENTATION_TEXT_PT or dialog.width() > 1280 or dialog.height() > 720:
                failures.append(f"{name}: {points} pt in {dialog.width()}×{dialog.height()}")
            dialog.close()
        assert not failures, "\n".join(failures)
    finally:
        install_language("en", QApplication.instance())


def test_the_explanation_dialog_takes_the_lecture_size_in_presentation_mode(make_window):
    """Its Close button too, and the normal size again after presentation mode."""
    from PySide6.QtWidgets import QApplication

    from rnnviz.app.main_window import PRESENTATION_FONT_PT
    from rnnviz.app.plots.invariants import small_text_problems

    window = _projector_window(make_window)
    window.show_explanation("gates")
    QApplication.instance().processEvents()
    dialog = window.explanation_dialog
    assert dialog.isVisible()
    assert not small_text_problems(dialog, PRESENTATION_FONT_PT)
    dialog.close()
    window.set_presentation_mode(False, full_screen=False)
    window.show_explanation("gates")
    QApplication.instance().processEvents()
    from PySide6.QtWidgets import QAbstractButton

    sizes = {button.font().pointSize() for button in dialog.findChildren(QAbstractButton) if button.isVisible()}
    assert sizes == {window.font().pointSize()} and window.font().pointSize() < PRESENTATION_FONT_PT


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_presentation_lesson_steps_fit_the_dock_without_scrolling(make_window, language):
    """In presentation mode at 1280×720 every step of every built-in lesson is read whole in the
    Lessons dock: the text at the largest lecture size that needs no scroll bar."""
    from PySide6.QtWidgets import QApplication

    from rnnviz.app.i18n import install_language
    from rnnviz.app.lessons import list_lessons
    from rnnviz.app.panels.lessons import MIN_PRESENTATION_LESSON_PT

    install_language(language, QApplication.instance())
    try:
        window = _projector_window(make_window)
        failures = []
        for lesson in list_lessons(language):
            for index, step in enumerate(lesson.steps):
                window.show_lesson(lesson, index)
                QApplication.instance().processEvents()
                text = window.lessons.text
                points = text.font().pointSize()
                if text.verticalScrollBar().maximum() > 0:
                    failures.append(f"{lesson.name} step {index + 1}: scrolls {text.verticalScrollBar().maximum()} px"
                                    f" at {points} pt in {text.width()}×{text.height()}")
                if points < MIN_PRESENTATION_LESSON_PT:
                    failures.append(f"{lesson.name} step {index + 1}: {points} pt")
        assert not failures, "\n".join(failures)
    finally:
        install_language("en", QApplication.instance())


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_chosen_lessons_whole_title_is_read_in_presentation_mode(make_window, language):
    """At 1280×720 and 1600×1000 in presentation mode, each lesson's first step applied, the chosen
    lesson's title is read whole: in the chooser, or (where the chooser cuts it) in the wrapped label
    under it; and in normal mode the label is hidden again where the chooser shows the title whole."""
    from PySide6.QtWidgets import QApplication

    from rnnviz.app.i18n import install_language
    from rnnviz.app.lessons import list_lessons
    from rnnviz.app.plots.invariants import clipped_combo_problems, clipped_widget_problems

    install_language(language, QApplication.instance())
    try:
        window = _projector_window(make_window)
        failures = []
        for width, height in ((1280, 720), (1600, 1000)):
            window.resize(width, height)
            for lesson in list_lessons(language):
                window.show_lesson(lesson, 0)
                window.apply_lesson_step(lesson.steps[0])   # lesson 11's goes to the Trainer: a narrow dock
                QApplication.instance().processEvents()
                problems = clipped_combo_problems(window.lessons) + clipped_widget_problems(window.lessons)
                failures += [f"{width}×{height} {lesson.name}: {problem}" for problem in problems]
        assert not failures, "\n".join(failures)
        window.set_presentation_mode(False, full_screen=False)
        window.lessons_dock.resize(900, window.lessons_dock.height())
        window.lessons.resize(900, window.lessons.height())
        QApplication.instance().processEvents()
        assert window.lessons.chooser.currentText() and not window.lessons.title_label.isVisible()
    finally:
        install_language("en", QApplication.instance())
