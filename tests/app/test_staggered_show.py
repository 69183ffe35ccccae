"""Panels shown together (leaving presentation mode, all plots) take their style and their layout one
per turn of the event loop, when their held repaint is let go (app/repaint.py), not all at once."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget

from rnnviz.app.plots.base import NORMAL_STYLE
from rnnviz.app.plots.invariants import view_problems
from rnnviz.app.repaint import StaggeredRepaint


def test_a_second_hold_keeps_the_widgets_it_holds_again_and_lets_each_go_once(qapp):
    released = []
    repaints = StaggeredRepaint(before_release=released.append)
    widgets = [QWidget() for _ in range(4)]
    repaints.hold(widgets)
    assert released == [widgets[0]] and repaints.held() == widgets[1:]
    repaints.hold(widgets)                      # the same panels again: none of the held ones is let go
    assert released == [widgets[0]] * 2 and repaints.held() == widgets[1:]
    assert not any(widget.updatesEnabled() for widget in widgets[1:])
    repaints.hold(widgets[2:])                  # widgets[1] is let go; widgets[2] now comes first
    assert released == [widgets[0]] * 2 + widgets[1:3] and repaints.held() == [widgets[3]]
    repaints.release_all()
    assert released == [widgets[0]] * 2 + widgets[1:] and all(widget.updatesEnabled() for widget in widgets)


def test_leaving_presentation_mode_restyles_and_lays_out_the_shown_panels_one_per_turn(qtbot, make_window, wait_results):
    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    window.set_presentation_mode(True, full_screen=False)
    wait_results(window)
    window.set_presentation_mode(False, full_screen=False)
    shown = [panel for panel in window.panels if panel.isVisible()]
    assert len(shown) >= 5
    held = window.repaints.held()
    assert held == shown[1:]
    # the first panel has its style and layout now; the held ones wait for their turn
    def ready(panel) -> bool:
        return not panel._restyle_when_shown and not panel.graphics.resize_held

    assert shown[0].style == NORMAL_STYLE and ready(shown[0])
    assert all(panel._restyle_when_shown for panel in held)   # a style changed while hidden, not applied yet
    assert any(panel.graphics.resize_held for panel in held)
    styled = []

    def let_go() -> bool:
        QApplication.processEvents()
        styled.append(sum(map(ready, shown)))
        return not window.repaints.held()

    qtbot.waitUntil(let_go, timeout=10000)
    assert len(set(styled)) >= 3                 # more than one turn between the first and the last
    wait_results(window)
    for panel in shown:
        assert panel.style == NORMAL_STYLE and ready(panel)
        assert panel.graphics.centralWidget.geometry().width() <= panel.graphics.viewport().width() + 1
    assert view_problems(window.panels) == []
