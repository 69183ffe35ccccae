"""What each plot shows: the texts of ``resources/explanations`` in a dialog and as What's This help.

Every plot panel (the explorer's six, the Experiments sweep, Compare) and the Trainer's plots have
a "?" button that opens :class:`ExplanationDialog`; the same text is the panel's What's This help
(Shift+F1, then click the plot).
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from rnnviz.app.texts import keep_formulas_together, read_text, text_names

EXPLANATIONS_KIND = "explanations"
#: The Trainer tab's plots are not a PlotPanel; their explanation is called this.
TRAINER_EXPLANATION = "trainer"
NORMAL_TEXT_PT = 11
PRESENTATION_TEXT_PT = 18
#: The smallest lecture size an explanation is set in to fit its dialog without scrolling.
MIN_PRESENTATION_TEXT_PT = 13


def fitting_points(markdown: str, font, room, largest: int = PRESENTATION_TEXT_PT,
                   smallest: int = MIN_PRESENTATION_TEXT_PT) -> int:
    """The largest size from ``largest`` down to ``smallest`` at which ``markdown`` in ``font`` fits
    ``room`` (a QSize) without scrolling (``smallest`` where none does): the lecture size of a text
    in presentation mode (an explanation's dialog, a lesson step's dock)."""
    document = QTextDocument()
    font = QFont(font)
    for points in range(largest, smallest - 1, -1):
        font.setPointSize(points)
        document.setDefaultFont(font)
        document.setMarkdown(markdown)
        document.setTextWidth(room.width())
        if document.size().height() <= room.height():
            return points
    return smallest


def ui_language() -> str:
    """The language the teaching texts are shown in: Qt's default locale (e.g. ``en_GB``, ``zh_CN``)."""
    return QLocale().name()


def explanation_names() -> list[str]:
    return text_names(EXPLANATIONS_KIND)


def explanation_markdown(name: str, language: str | None = None) -> str:
    """The explanation of plot ``name`` (Markdown) in ``language`` (default: the UI's), else English."""
    return read_text(EXPLANATIONS_KIND, name, ui_language() if language is None else language)


def markdown_html(markdown: str, points: int | None = None) -> str:
    """Rich text for a QLabel or What's This popup (Qt renders Markdown itself in a QTextBrowser)."""
    document = QTextDocument()
    document.setMarkdown(keep_formulas_together(markdown))
    html = document.toHtml()
    if points is None:
        return html
    return f"<div style='font-size:{points}pt'>{html}</div>"


@functools.lru_cache(maxsize=64)
def explanation_html(name: str, points: int, language: str) -> str:
    """Explanation ``name`` in ``language`` as rich text at ``points`` (:func:`markdown_html`), read and
    converted once: each switch of presentation mode set every plot's What's This help anew, and
    reading and converting the eleven files took ~6 ms of that turn. KeyError if there is none."""
    return markdown_html(explanation_markdown(name, language), points)


def explanation_title(name: str, language: str | None = None) -> str:
    """The explanation's first heading (its plot's name)."""
    for line in explanation_markdown(name, language).splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return name


class ExplanationDialog(QDialog):
    """A non-modal window showing one plot's explanation; large text in presentation mode."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("explanation_dialog")
        self.name: str | None = None
        self.presentation = False
        self.browser = QTextBrowser()
        self.browser.setObjectName("explanation_text")
        self.browser.setOpenExternalLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(640, 520)

    def _set_text(self, markdown: str, points: int) -> None:
        font = self.browser.font()
        font.setPointSize(points)
        self.browser.setFont(font)
        self.browser.document().setDefaultFont(font)
        self.browser.setMarkdown(markdown)

    def screen_size(self):
        """The available size of the screen the main window is on (a 1280×720 projector in a lecture)."""
        from PySide6.QtCore import QSize

        parent = self.parentWidget()
        screen = (parent.screen() if parent is not None else None) or self.screen()
        return screen.availableGeometry().size() if screen is not None else QSize(1280, 720)

    def _presentation_room(self):
        """90 % of the screen's available size, and no larger than the main window."""
        from PySide6.QtCore import QSize

        available = self.screen_size()
        parent = self.parentWidget()
        if parent is not None and parent.isVisible() and parent.width() > 0:
            available = available.boundedTo(parent.size())
        return QSize(int(available.width() * 0.9), int(available.height() * 0.9))

    def _text_room(self):
        """The size the text has inside the dialog at its current size (layout margins, buttons and
        the browser's frame taken off)."""
        from PySide6.QtCore import QSize

        layout = self.layout()
        layout.activate()
        margins = layout.contentsMargins()
        buttons = layout.itemAt(1).widget().sizeHint().height() + layout.spacing()
        frame = 2 * self.browser.frameWidth() + 2
        return QSize(self.width() - margins.left() - margins.right() - frame,
                     self.height() - margins.top() - margins.bottom() - buttons - frame)

    def _fitting_points(self, markdown: str) -> int:
        return fitting_points(markdown, self.browser.font(), self._text_room())

    def show_explanation(self, name: str, presentation: bool = False) -> None:
        """Show the explanation of plot ``name``; KeyError if there is none."""
        markdown = explanation_markdown(name)
        self.name = name
        self.presentation = presentation
        # The title is the window's too: a modest heading leaves the room to the text.
        markdown = keep_formulas_together(markdown)
        markdown = markdown.replace("# ", "### ", 1) if markdown.startswith("# ") else markdown
        self.setWindowTitle(QCoreApplication.translate("ExplanationDialog", "About this plot: {0}")
                            .format(explanation_title(name)))
        parent = self.parentWidget()
        if parent is not None:
            # A window does not take its parent's font: the Close button kept the normal size in
            # presentation mode. The text's own size is set below.
            self.setFont(parent.font())
        if presentation:
            # Most of the screen the window is on (a 1280×720 projector), the text at the largest
            # lecture size that needs no scrolling.
            room = self._presentation_room()
            self.resize(room)
            self._set_text(markdown, self._fitting_points(markdown))
        else:
            self.resize(640, 520)
            self._set_text(markdown, NORMAL_TEXT_PT)
        self.show()
        self.raise_()
        self.activateWindow()
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
