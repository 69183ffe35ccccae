"""Two traps of desktop forms, closed for a whole window.

* **Shortcuts that a focused field swallows.** Under the X11 and KDE keyboard schemes a line edit
  or spin box claims Ctrl+E (end of line), Ctrl+P, Ctrl+K … through ``ShortcutOverride``, so the
  window's own shortcut never fires while such a field has focus. :class:`WindowShortcutGuard`
  lets the window's shortcuts win, except for the editing keys a field really needs (copy, paste,
  undo, select all, …).
* **The mouse wheel changing values while a panel scrolls.** :class:`WheelGuard` passes a wheel
  event over a spin box, combo box or slider on to the scroll area behind it unless the widget has
  keyboard focus (clicked or tabbed into), so scrolling the controls never changes a value.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (QAbstractScrollArea, QAbstractSlider, QApplication, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit, QScrollBar,
                               QTextEdit, QWidget)

#: Keys a text field keeps even when the window has a shortcut on them.
EDITING_KEYS = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Cut, QKeySequence.StandardKey.Paste,
                QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo, QKeySequence.StandardKey.SelectAll,
                QKeySequence.StandardKey.Delete, QKeySequence.StandardKey.Cancel,
                QKeySequence.StandardKey.DeleteStartOfWord, QKeySequence.StandardKey.DeleteEndOfWord)

#: The widgets that can claim a shortcut's key while they have focus.
TEXT_FIELDS = (QLineEdit, QAbstractSpinBox, QComboBox, QPlainTextEdit, QTextEdit)

#: The widgets whose value a wheel turn changes.
WHEEL_SENSITIVE = (QAbstractSpinBox, QComboBox, QAbstractSlider)


def _belongs_to(widget: QWidget, window: QWidget) -> bool:
    """``widget`` is inside ``window``, also through a floating dock (a window of its own)."""
    while widget is not None:
        if widget is window:
            return True
        widget = widget.parentWidget()
    return False


class WindowShortcutGuard(QObject):
    """Event filter for the window's text fields (:func:`guard_shortcuts`): a key that is one of ``window``'s action shortcuts reaches the
    action even when a field inside the window would claim it (editing keys excepted)."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window

    def shortcuts(self) -> dict[int, bool]:
        """Key combination (as int) -> whether it beats editing keys too, for every enabled action.

        An action with the dynamic property ``beats_editing`` takes its key even from a text field
        (the window's Ctrl+Z where a field's own undo matters less)."""
        keys: dict[int, bool] = {}
        for action in self.window.findChildren(QAction):
            if not action.isEnabled():
                continue
            for sequence in action.shortcuts():
                if sequence.count() == 1:
                    combined = sequence[0].toCombined()
                    keys[combined] = keys.get(combined, False) or bool(action.property("beats_editing"))
        return keys

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(watched, QWidget):
            return False
        if not isinstance(event, QKeyEvent) or not _belongs_to(watched, self.window):
            return False
        beats_editing = self.shortcuts().get(event.keyCombination().toCombined())
        if beats_editing is None or (not beats_editing and any(event.matches(key) for key in EDITING_KEYS)):
            return False
        event.ignore()  # not claimed by the field: Qt goes on to the window's shortcut
        return True


class WheelGuard(QObject):
    """Event filter for value widgets: a wheel turn without focus scrolls what is behind them."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget) or watched.hasFocus():
            return False
        area = watched.parentWidget()
        while area is not None and not isinstance(area, QAbstractScrollArea):
            area = area.parentWidget()
        if area is None:
            event.ignore()   # ignored and filtered: Qt hands it on to the parent
        else:
            # Straight to the panel's scroll area (a synthesized event would not propagate).
            QApplication.sendEvent(area.viewport(), event)
            event.accept()
        return True


def guard_wheel(root: QWidget, guard: WheelGuard) -> int:
    """Install ``guard`` on every spin box, combo box and slider under ``root``; returns how many.

    Their focus policy becomes StrongFocus (click or Tab), so that the wheel cannot give them focus.
    """
    count = 0
    for kind in WHEEL_SENSITIVE:
        for widget in root.findChildren(kind):
            if isinstance(widget, QScrollBar):  # a scroll area scrolls through its bars
                continue
            if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            widget.installEventFilter(guard)
            count += 1
    return count


def guard_shortcuts(root: QWidget, guard: WindowShortcutGuard) -> int:
    """Install ``guard`` on every text field under ``root`` (they receive ShortcutOverride while
    focused); returns how many."""
    widgets = {id(w): w for kind in TEXT_FIELDS for w in root.findChildren(kind)}
    for widget in widgets.values():
        widget.installEventFilter(guard)
    return len(widgets)


class ScrollFirstGuard(QObject):
    """Event filter for plot viewports inside a scrolling grid: while ``active`` the wheel scrolls the
    grid (``area``) instead of zooming the plot under the pointer; Ctrl+wheel still zooms."""

    def __init__(self, area: QAbstractScrollArea):
        super().__init__(area)
        self.area = area
        self.active = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if not self.active or event.type() != QEvent.Type.Wheel:
            return False
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False
        QApplication.sendEvent(self.area.viewport(), event)
        event.accept()
        return True
