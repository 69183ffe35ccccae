"""One panel repainted per turn of the event loop after a new result, not the whole window at once.

A new FastResult changes every plot; Qt then repaints all of them in one paint of the window. At
heavy settings that one paint held the UI thread 130-250 ms (T = 2000, hidden 1024, the return to
the default configuration: new axis ranges in every plot, curves of thousands of points, new
images), so the window could not react for that long. Each panel alone paints in 10-40 ms.

:class:`StaggeredRepaint` holds the repaint of every panel but the first (``setUpdatesEnabled``:
Qt repaints a widget whose updates are enabled again in full) and lets one more panel paint on each
turn of the event loop, so the longest gap is one panel's paint. The window gives each held panel
its new data then too, in ``before_release`` (MainWindow._show_in): until its turn a held panel shows
the previous result whole, data and labels alike, and the panels come one after the other within a few
milliseconds of each other.

A widget can have work of its own to do just before it paints (``before_release``): the panels shown
together by "all plots" or by leaving presentation mode take their new style then, one per turn, not
all in the turn that showed them (six panels restyled and laid out at once held the UI thread ~150 ms).

:class:`PaintPriority` lets a worker's Python loop (the Trainer's steps) step aside while a view
repaints, so the paint does not wait for the interpreter lock between its items.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

#: How long a released widget may take to paint before the next one is released anyway (a widget
#: with nothing to paint, or one hidden meanwhile, sends no paint event).
PAINT_WAIT_MS = 60


class StaggeredRepaint(QObject):
    """``hold(widgets)``: the first widget repaints now (or on the next turn: ``first_now``), each next
    one once the one before it has painted (the next turn of the event loop), or after
    ``PAINT_WAIT_MS`` at the latest.

    ``painted_by(widget)``: the widget whose paint event says that ``widget`` has painted (for a
    plot panel, its graphics view's viewport).

    ``before_release(widget)``: called for each widget right before its repaint is let go (the first
    widget's in ``hold``)."""

    def __init__(self, painted_by: Callable[[QWidget], QWidget] = lambda widget: widget,
                 parent: QObject | None = None,
                 before_release: Callable[[QWidget], None] = lambda widget: None):
        super().__init__(parent)
        self._painted_by = painted_by
        self._before_release = before_release
        self._held: deque[QWidget] = deque()
        self._awaited: QWidget | None = None
        self._next = QTimer(self)       # zero: right after the paint event that let it start
        self._next.setSingleShot(True)
        self._next.setInterval(0)
        self._next.timeout.connect(self._release_next)
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(PAINT_WAIT_MS)
        self._fallback.timeout.connect(self._release_next)

    def hold(self, widgets: list[QWidget], first_now: bool = True) -> None:
        """Repaint ``widgets`` one after the other, in this order. A widget still held from before
        that is not one of ``widgets`` is released now (nothing stays held behind a newer result);
        one that is stays held, in its new place (or is released now, if it comes first).

        ``first_now=False``: the first widget is held too, and let go on the next turn of the event
        loop, after the timers and input events that are due: for a change made by the user that
        restyles or lays out much (presentation mode on), the change and the first paint in one turn
        held the UI thread ~120 ms, and a hold repeated in that turn let the first widget go each time."""
        self._stop_waiting()
        kept = set(map(id, widgets))
        for widget in list(self._held):
            if id(widget) not in kept:
                self._release(widget)
        self._held.clear()
        if not widgets:
            return
        # the others held first: the first one's before_release may lay the window out (its settle),
        # and a held widget takes its new size only when it is let go (HeldLayoutWidget)
        for widget in (widgets[1:] if first_now else widgets):
            widget.setUpdatesEnabled(False)
            self._held.append(widget)
        if not first_now:
            self._next.start()
        elif not widgets[0].updatesEnabled():
            self._release(widgets[0])
        else:
            self._before_release(widgets[0])
        if first_now and self._held:
            self._await(widgets[0])

    def held(self) -> list[QWidget]:
        """The widgets still waiting for their repaint."""
        return list(self._held)

    def release_all(self) -> None:
        self._stop_waiting()
        while self._held:
            self._release(self._held.popleft())

    def _release(self, widget: QWidget) -> None:
        self._before_release(widget)
        widget.setUpdatesEnabled(True)

    def _await(self, widget: QWidget) -> None:
        if getattr(widget, "building", False):
            # a panel building new rows over turns paints once they are built, after the others
            # (PlotPanel.build_waits): the next one on the next turn, not after PAINT_WAIT_MS
            self._next.start()
            return
        self._awaited = self._painted_by(widget)
        self._awaited.installEventFilter(self)
        self._fallback.start()

    def _stop_waiting(self) -> None:
        self._next.stop()
        self._fallback.stop()
        if self._awaited is not None:
            self._awaited.removeEventFilter(self)
            self._awaited = None

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        if watched is self._awaited and event.type() == QEvent.Type.Paint:
            self._next.start()
        return False

    def _release_next(self) -> None:
        self._stop_waiting()
        if self._held:
            widget = self._held.popleft()
            self._release(widget)
            if self._held:
                self._await(widget)


class NextTurnRepaint(QObject):
    """``hold()``: ``widget`` does not repaint in this turn of the event loop but in the next one
    (a zero timer: after this turn's paint, the timers and input events that are due), in full.
    For a widget whose repaint would share one turn with much other work (a tab's first paint, a
    change of the window's font)."""

    def __init__(self, widget: QWidget, parent: QObject | None = None):
        super().__init__(parent if parent is not None else widget)
        self._widget = widget
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.release)

    def hold(self) -> None:
        self._widget.setUpdatesEnabled(False)
        self._timer.start()

    def release(self) -> None:
        self._timer.stop()
        self._widget.setUpdatesEnabled(True)


class PaintPriority(QObject):
    """Background loops step aside while ``view`` (a QGraphicsView) repaints.

    pyqtgraph paints its items in Python, so a paint needs the interpreter lock as often as a
    Python loop in a worker thread does. The Trainer's steps are such a loop (a default step is
    ~9 ms, nearly all of it holding the lock), and the two took turns at the lock every switch
    interval (5 ms): the first redraw of a run on a 105 MB corpus took 40 ms of UI-thread CPU and
    74-124 ms on the clock, 26-59 ms of it waiting for the lock.

    :meth:`claim` (UI thread) holds the loops until the view's next paint is over, or
    :data:`MAX_HOLD_MS` at most; a loop calls :meth:`wait_turn` at its step boundaries (any
    thread, no Qt), which returns at once unless a claim is held. A view that did not paint within
    the limit (hidden, minimised) is not claimed again until it paints: the loop is never held for
    a paint that does not come.
    """

    MAX_HOLD_MS = 150

    def __init__(self, view, parent: QObject | None = None):
        super().__init__(parent if parent is not None else view)
        self._view = view
        self._free = threading.Event()
        self._free.set()
        self._unanswered = False   # the last claim ended at the limit, without a paint
        self._limit = QTimer(self)
        self._limit.setSingleShot(True)
        self._limit.setInterval(self.MAX_HOLD_MS)
        self._limit.timeout.connect(self._expire)
        view.viewport().installEventFilter(self)

    @property
    def claimed(self) -> bool:
        return not self._free.is_set()

    def claim(self) -> None:
        """Hold the loops until the view's next paint is over (nothing while it is hidden)."""
        if self._unanswered or not self._view.isVisible():
            return
        self._free.clear()
        self._limit.start()

    def release(self) -> None:
        self._limit.stop()
        self._free.set()

    def _expire(self) -> None:
        self._unanswered = True
        self.release()

    def wait_turn(self) -> None:
        """(Any thread) Wait while the UI thread holds a claim, ``MAX_HOLD_MS`` at most."""
        self._free.wait(self.MAX_HOLD_MS / 1e3)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.Paint:
            self._unanswered = False
            if self.claimed:
                QTimer.singleShot(0, self, self.release)   # once this paint is over
        return False
