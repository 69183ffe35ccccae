"""The window's status bar: messages in a line of their own that never runs into its widgets.

QStatusBar paints a message itself, from its left edge up to the first permanent widget and cut
there without a mark: at 1280×720 a preset's message ran into the compute time beside it
("…insteplots 385 ms"), and a button shown with a message (Undo) was painted over its start. Here
a message is shown by a label laid out like the other widgets, the first of the permanent ones and
as wide as they leave: elided with "…" where it is longer than its room, the whole text in its
tooltip. Qt's own painting then has no room left (it ends where the label begins), and
``showMessage``, ``clearMessage``, ``currentMessage``, the timeouts and ``messageChanged`` keep
their meaning.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QStatusBar

from rnnviz.app.plots.base import ReadoutLabel

GAP_PX = 12  # between the message and the widgets right of it


class MessageLabel(ReadoutLabel):
    """One elided line (the read-out's), with no tooltip of its own while the whole text shows."""

    IDLE_TIP = ""


class NoMessagePainting(QObject):
    """Keeps QStatusBar from painting its message itself: with a button shown beside a message
    (Undo), it painted the message's start under the button, up to the message line."""

    OBJECT_NAME = "no_message_painting"

    def __init__(self, bar: QStatusBar):
        super().__init__(bar)
        self.setObjectName(self.OBJECT_NAME)
        bar.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        # QStatusBar's paintEvent draws only the message and, in some styles, frames around its
        # widgets (none in Fusion); the widgets paint themselves.
        return event.type() == QEvent.Type.Paint and bool(watched.currentMessage())


def show_messages_in_a_label(bar: QStatusBar) -> MessageLabel:
    """Give ``bar`` its message line (call before adding other permanent widgets); returns it."""
    label = MessageLabel()
    label.setObjectName("status_message")
    label.setContentsMargins(0, 0, GAP_PX, 0)
    bar.addPermanentWidget(label, 1)
    NoMessagePainting(bar)

    def show(text: str) -> None:
        if shiboken6.isValid(label):  # QStatusBar reports its last message while it is destroyed
            label.setText(text)

    bar.messageChanged.connect(show)
    return label


class SteadyLabel(QLabel):
    """A status-bar label whose size changes only when a text needs more room than it has.

    A label's new text asks its window to lay itself out again (the status bar, the main window,
    its docks and splitters: ~1 ms each time, and the compute time changes two or three times per
    control change, in the middle of the plots' repaint). A widget of fixed size does not ask
    (QWidget::updateGeometry), so this label keeps a fixed size: as wide as the longest text shown
    so far in its present font (never narrower than its text: nothing is cut), as high as its
    font needs; a change of font sizes it anew."""

    def setText(self, text: str) -> None:  # noqa: N802 (Qt naming)
        super().setText(text)
        self._fit()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.setMinimumSize(0, 0)
            self.setMaximumSize(16777215, 16777215)
            self._fit(shrink=True)

    def _fit(self, shrink: bool = False) -> None:
        hint = QLabel.sizeHint(self)
        width = hint.width() if shrink else max(hint.width(), self.minimumWidth())
        if width != self.minimumWidth() or width != self.maximumWidth() or hint.height() != self.maximumHeight():
            self.setFixedSize(width, hint.height())
