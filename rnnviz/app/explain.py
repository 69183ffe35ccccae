"""What each plot shows: the texts of ``resources/explanations`` in a dialog and as What's This help.

Every plot panel (the explorer's six, the Experiments sweep, Compare) and the Trainer's plots have
a "?" button that opens :class:`ExplanationDialog`; the same text is the panel's What's This help
(Shift+F1, then click the plot).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from rnnviz.app.texts import read_text, text_names

EXPLANATIONS_KIND = "explanations"
#: The Trainer tab's plots are not a PlotPanel; their explanation is called this.
TRAINER_EXPLANATION = "trainer"
NORMAL_TEXT_PT = 11
PRESENTATION_TEXT_PT = 18


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
    document.setMarkdown(markdown)
    html = document.toHtml()
    if points is None:
        return html
    return f"<div style='font-size:{points}pt'>{html}</div>"


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

    def show_explanation(self, name: str, presentation: bool = False) -> None:
        """Show the explanation of plot ``name``; KeyError if there is none."""
        markdown = explanation_markdown(name)
        self.name = name
        self.presentation = presentation
        font = self.browser.font()
        font.setPointSize(PRESENTATION_TEXT_PT if presentation else NORMAL_TEXT_PT)
        self.browser.setFont(font)
        self.browser.document().setDefaultFont(font)
        # The title is the window's too: a modest heading leaves the room to the text.
        self.browser.setMarkdown(markdown.replace("# ", "### ", 1) if markdown.startswith("# ") else markdown)
        self.setWindowTitle(QCoreApplication.translate("ExplanationDialog", "About this plot: {0}")
                            .format(explanation_title(name)))
        parent = self.parentWidget()
        if presentation and parent is not None:
            # Most of a 1280×720 projector: the text at lecture size without scrolling.
            self.resize(int(parent.width() * 0.8), int(parent.height() * 0.85))
        else:
            self.resize(640, 520)
        self.show()
        self.raise_()
        self.activateWindow()
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
