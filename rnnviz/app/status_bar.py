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
from PySide6.QtWidgets import QStatusBar

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

