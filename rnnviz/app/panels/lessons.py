"""The Lessons dock: the course's guided lessons, one step at a time.

Each step shows its text, a question ("try this") and what the student should see; *Apply* sets
the step's configuration and shows its plot (the window does that on ``apply_requested``).
The lessons themselves are data (:mod:`rnnviz.app.lessons`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QTextBrowser,
                               QVBoxLayout, QWidget)

from rnnviz.app.explain import PRESENTATION_TEXT_PT, fitting_points
from rnnviz.app.lessons import Lesson, LessonStep
from rnnviz.app.plots.base import combo_text_room
from rnnviz.app.texts import keep_formulas_together

NORMAL_TEXT_PT = 11
#: The smallest size a lesson step is set in, in presentation mode, to fit the dock without scrolling
#: (one point below an explanation's: the dock is narrower than the explanation's dialog; at 1280×720
#: the topologies lesson's encoder–decoder step needs it).
MIN_PRESENTATION_LESSON_PT = 12


class LessonsPanel(QWidget):
    """Chooses a lesson and steps through it. ``apply_requested(step)``: set this step up."""

    apply_requested = Signal(object)
    step_changed = Signal(int)

    def __init__(self, lessons: list[Lesson], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lessons")
        self.lessons: list[Lesson] = []
        self.lesson: Lesson | None = None
        self.step_index = 0
        self.presentation = False
        self.chooser = QComboBox()
        self.chooser.setObjectName("lesson_chooser")
        self.chooser.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.chooser.setToolTip(self.tr("The course's lessons, and the lesson files you opened"))
        self.chooser.currentIndexChanged.connect(self._on_chosen)
        # The chosen lesson's whole title, wrapped, shown only when the chooser cuts it off.
        self.title_label = QLabel()
        self.title_label.setObjectName("lesson_title")
        self.title_label.setWordWrap(True)
        self.title_label.setVisible(False)
        self.chooser.whole_text_label = self.title_label
        self.step_label = QLabel()
        self.step_label.setObjectName("lesson_step_label")
        self.text = QTextBrowser()
        self.text.setObjectName("lesson_text")
        self.text.setOpenExternalLinks(False)
        self.previous_button = QPushButton(self.tr("◀ Previous"))
        self.previous_button.setObjectName("lesson_previous")
        self.previous_button.setToolTip(self.tr("The previous step (Page Up in presentation mode)"))
        self.previous_button.clicked.connect(self.previous_step)
        self.apply_button = QPushButton(self.tr("Apply"))
        self.apply_button.setObjectName("lesson_apply")
        self.apply_button.setToolTip(self.tr("Set this step's configuration and show its plot"))
        self.apply_button.clicked.connect(self.apply_current)
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.next_button.setObjectName("lesson_next")
        self.next_button.setToolTip(self.tr("The next step (Page Down in presentation mode)"))
        self.next_button.clicked.connect(self.next_step)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.previous_button)
        buttons.addWidget(self.apply_button, 1)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.chooser)
        layout.addWidget(self.title_label)
        layout.addWidget(self.step_label)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        for lesson in lessons:
            self.add_lesson(lesson, select=False)
        if self.lessons:
            self.select_lesson(0)

    # -- lessons ---------------------------------------------------------------------------------
    def add_lesson(self, lesson: Lesson, select: bool = True) -> int:
        """Add ``lesson`` to the chooser (a lesson from the same file replaces its older copy)."""
        for index, known in enumerate(self.lessons):
            if lesson.path is not None and known.path == lesson.path:
                self.lessons[index] = lesson
                self.chooser.setItemText(index, lesson.title)
                break
        else:
            self.lessons.append(lesson)
            self.chooser.addItem(lesson.title)
            index = len(self.lessons) - 1
        if select:
            self.select_lesson(index)
            if self.lesson is not lesson:   # the chooser already showed this index
                self.lesson = lesson
                self.show_step(0)
        return index

    def select_lesson(self, index: int) -> None:
        self.chooser.setCurrentIndex(index)
        if self.lesson is not self.lessons[index]:
            self._on_chosen(index)

    def _on_chosen(self, index: int) -> None:
        if 0 <= index < len(self.lessons):
            self.lesson = self.lessons[index]
            self.show_step(0)

    # -- steps -----------------------------------------------------------------------------------
    def current_step(self) -> LessonStep | None:
        if self.lesson is None:
            return None
        return self.lesson.steps[self.step_index]

    def show_step(self, index: int) -> bool:
        """Show step ``index`` (0-based) of the lesson; False (nothing changes) when there is none."""
        if self.lesson is None or not 0 <= index < len(self.lesson.steps):
            return False
        self.step_index = index
        step = self.lesson.steps[index]
        count = len(self.lesson.steps)
        self.step_label.setText(self.tr("Step {0} of {1}").format(index + 1, count))
        self._show_whole_title()
        self._set_text()
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index + 1 < count)
        self.apply_button.setEnabled(step.config is not None or step.focus is not None or step.tab is not None)
        self.step_changed.emit(index)
        return True

    def next_step(self) -> bool:
        return self.show_step(self.step_index + 1)

    def previous_step(self) -> bool:
        return self.show_step(self.step_index - 1)

    def apply_current(self) -> None:
        step = self.current_step()
        if step is not None:
            self.apply_requested.emit(step)

    # -- look ------------------------------------------------------------------------------------
    def set_presentation(self, on: bool) -> None:
        """Lecture-size text in the step's text (the window's font covers the buttons)."""
        self.presentation = bool(on)
        self._set_text()
        self._show_whole_title()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._show_whole_title()   # the chooser's text is as wide as its font

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._show_whole_title()
        if self.presentation:
            self._set_text()   # the dock's width decides the size that fits

    def _show_whole_title(self) -> None:
        """The title label under the chooser: shown, with the whole title, when the chooser cuts it."""
        title = self.chooser.currentText()
        cut = self.chooser.fontMetrics().horizontalAdvance(title) > combo_text_room(self.chooser)
        self.title_label.setText(title)
        if cut != self.title_label.isVisibleTo(self):
            self.title_label.setVisible(cut)

    def _text_room(self) -> QSize:
        """The text's room without a scroll bar (the one shown now gives its width back)."""
        room = self.text.viewport().size()
        scroll = self.text.verticalScrollBar()
        if scroll.isVisible():
            room.setWidth(room.width() + scroll.width())
        return room

    def _set_text(self) -> None:
        """The step's text; in presentation mode at the largest lecture size at which the whole step
        fits the dock without scrolling (as an explanation fits its dialog)."""
        step = self.current_step()
        markdown = keep_formulas_together(step.markdown()) if step is not None else ""
        font = self.text.font()
        if not self.presentation:
            points = NORMAL_TEXT_PT
        elif markdown:
            points = fitting_points(markdown, font, self._text_room(), PRESENTATION_TEXT_PT, MIN_PRESENTATION_LESSON_PT)
        else:
            points = PRESENTATION_TEXT_PT
        if points != font.pointSize():
            font.setPointSize(points)
            self.text.setFont(font)
        self.text.document().setDefaultFont(font)
        if markdown:
            self.text.setMarkdown(markdown)
