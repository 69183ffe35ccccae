"""A test helper: an event filter that notes each paint event of the widgets it is installed on."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject


class PaintLog(QObject):
    """An event filter that calls ``note()`` at each paint event of the widgets it is installed on."""

    def __init__(self, note):
        super().__init__()
        self._note = note

    def eventFilter(self, watched, event):  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.Paint:
            self._note()
        return False
