"""Panels shown together (leaving presentation mode, all plots) take their style and their layout one
per turn of the event loop, when their held repaint is let go (app/repaint.py), not all at once."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from rnnviz.app.plots.base import NORMAL_STYLE, PRESENTATION_STYLE
from rnnviz.app.plots.invariants import view_problems
from rnnviz.app.repaint import StaggeredRepaint
from tests.app.paint_log import PaintLog



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


def test_held_with_first_now_off_even_the_first_widget_waits_for_the_next_turn(qapp):
    released = []
    repaints = StaggeredRepaint(before_release=released.append)
    widgets = [QWidget() for _ in range(3)]
    repaints.hold(widgets, first_now=False)
    repaints.hold(widgets, first_now=False)     # again in the same turn: still nothing let go
    assert released == [] and repaints.held() == widgets
    assert not any(widget.updatesEnabled() for widget in widgets)
    QApplication.processEvents()                # the next turn: the first one
    assert released == [widgets[0]] and widgets[0].updatesEnabled() and repaints.held() == widgets[1:]
    repaints.release_all()
    assert released == widgets and all(widget.updatesEnabled() for widget in widgets)


class BuildingWidget(QWidget):
    """A widget that builds its contents over turns (as the gates panel after a first switch)."""

    building = True


def test_a_widget_still_building_lets_the_next_one_go_on_the_next_turn(qapp):
    for first, expected in ((BuildingWidget, 2), (QWidget, 1)):
        released = []
        repaints = StaggeredRepaint(before_release=released.append)
        repaints._fallback.setInterval(60_000)   # (a widget that does not paint would wait this long)
        widgets = [first(), QWidget(), QWidget()]
        repaints.hold(widgets, first_now=False)
        QApplication.processEvents()            # the first one
        QApplication.processEvents()            # the next one, unless the first is awaited
        assert released == widgets[:expected], first.__name__
        repaints.release_all()


def test_presentation_mode_on_paints_its_plot_on_the_turn_after_the_change(qtbot, make_window, wait_results):
    """The restyle and the first paint of the plot shown large do not share one turn of the event
    loop (in one, ~120 ms of the UI thread): the plot is held until the next turn, then painted."""
    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    decay = window.panel_by_name["decay"]
    painted = []
    log = PaintLog(lambda: painted.append(decay.style["font_pt"]))
    decay.graphics.viewport().installEventFilter(log)
    window.set_presentation_mode(True, full_screen=False)
    assert window.repaints.held() == [decay] and not decay.updatesEnabled()
    assert decay.style["font_pt"] == PRESENTATION_STYLE["font_pt"] and painted == []
    qtbot.waitUntil(lambda: bool(painted) and not window.repaints.held(), timeout=5000)
    assert decay.updatesEnabled() and set(painted) == {PRESENTATION_STYLE["font_pt"]}
    wait_results(window)
    assert view_problems(window.panels) == []


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
    assert held == shown   # the first one too: let go on the next turn, not in the turn of the change
    # the first panel (shown in presentation mode) has its style now; the others wait for their turn
    def ready(panel) -> bool:
        return not panel._restyle_when_shown and not panel.graphics.resize_held

    assert shown[0].style == NORMAL_STYLE and not shown[0]._restyle_when_shown
    assert all(panel._restyle_when_shown for panel in held[1:])   # a style changed while hidden, not applied yet
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


def test_after_a_switch_of_cell_each_held_panel_settles_right_before_its_repaint(qtbot, make_window, wait_results):
    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    settled = []   # (panel, its updates enabled then) in the order they settle
    for panel in window.panels:
        def record(panel=panel, settle=panel.settle):
            settled.append((panel, panel.updatesEnabled()))
            settle()
        panel.settle = record
    at_result = []  # (the held panels, the panels settled so far) when the result has its data

    def note_result(_job_id) -> None:
        at_result.append((window.repaints.held(), [panel for panel, _enabled in settled]))

    window.compute.before_repaint.connect(note_result)   # after the window's own _settle_panels
    settled.clear()
    window.state.update(cell="rnn")                      # a new shape: the repaints follow one another
    wait_results(window)
    qtbot.waitUntil(lambda: not window.repaints.held(), timeout=10000)
    held, settled_then = at_result[0]
    assert len(held) >= 4
    assert settled_then and not set(map(id, held)) & set(map(id, settled_then))
    # afterwards, each held panel settled in its turn, in the held order, while still held (updates
    # off): the first time each settles after the result (the map settles again at each snapshot)
    first = {}
    for panel, enabled in settled[len(settled_then):]:
        if any(panel is h for h in held):
            first.setdefault(id(panel), (len(first), panel, enabled))
    assert [panel for _order, panel, _enabled in sorted(first.values(), key=lambda entry: entry[0])] == held
    assert not any(enabled for _order, _panel, enabled in first.values())
    assert view_problems(window.panels) == []


def test_after_a_switch_of_cell_each_held_panel_takes_the_new_result_right_before_its_repaint(
        qtbot, make_window, wait_results):
    """The held panels keep the previous result whole (data and labels) until their turn: each draws
    the new one while its updates are still off, in the held order, and then paints it."""
    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    old = window.state.fast_result
    drawn = []   # (panel, its updates enabled then, the result drawn)
    for panel in window.panels:
        def record(result, panel=panel, show_fast=panel.show_fast):
            drawn.append((panel, panel.updatesEnabled(), result))
            show_fast(result)
        panel.show_fast = record
    at_result = []   # (the held panels, which panels hold which result) when the result has come

    def note_result(_job_id) -> None:
        at_result.append((window.repaints.held(), [panel.fast for panel in window.panels]))

    window.compute.before_repaint.connect(note_result)
    window.state.update(cell="gru")
    wait_results(window)
    new = window.state.fast_result
    held, fast_then = at_result[0]
    assert len(held) >= 4 and new.config.cell == "gru"
    for panel, fast in zip(window.panels, fast_then):
        assert fast is (old if any(panel is h for h in held) else new), panel.name
    later = [(panel, enabled) for panel, enabled, result in drawn if any(panel is h for h in held)]
    assert [panel for panel, _enabled in later] == held          # one draw each, in the held order
    assert not any(enabled for _panel, enabled in later)         # while nothing of it can be painted
    assert all(result is new for _panel, _enabled, result in drawn)
    assert all(panel.fast is new for panel in window.panels)
    gates = window.panel_by_name["gates"]
    assert set(gates.heatmaps) == set(new.gates)
    assert view_problems(window.panels) == []


def test_a_plot_shown_alone_paints_only_at_its_new_size(qtbot, make_window, wait_results):
    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    for name in ("decay", "gates"):
        panel = window.panel_by_name[name]
        viewport = panel.graphics.viewport()
        painted_at = []   # the viewport's size at each of its paints

        class PaintSizes(QObject):
            def eventFilter(self, watched, event):  # noqa: N802 - Qt name
                if event.type() == QEvent.Type.Paint:
                    painted_at.append(watched.size().toTuple())
                return False

        watch = PaintSizes()
        viewport.installEventFilter(watch)
        before = viewport.size().toTuple()
        window.focus_plot(name)
        # the splitters gave it its size before the window went back to the event loop
        now = viewport.size().toTuple()
        assert now[0] > before[0] and now[1] > before[1]
        qtbot.waitUntil(lambda: bool(painted_at), timeout=5000)
        qtbot.wait(100)
        viewport.removeEventFilter(watch)
        assert viewport.size().toTuple() == now
        assert set(painted_at) == {now}       # never at its old height with its new width
        assert view_problems([panel]) == []
        window.focus_plot(None)
        wait_results(window)


def test_when_the_unrolled_network_leaves_the_grid_the_other_plots_repaint_one_per_turn(qtbot, make_window,
                                                                                        wait_results):
    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    unrolled = window.panel_by_name["unrolled"]
    assert unrolled.isVisible()
    window.state.update(num_layers=8, hidden_size=16, seq_len=20)   # too many layers for its row
    shown = [panel for panel in window.panels if panel.isVisible()]
    assert unrolled not in shown and len(shown) >= 5
    assert window.repaints.held() == shown   # each takes its new size's paint in its own turn (from the next)
    wait_results(window)
    assert not window.repaints.held()
    window.state.update(num_layers=1)                                # back in the grid
    assert unrolled.isVisible() and window.repaints.held()
    wait_results(window)
    assert not window.repaints.held() and unrolled.updatesEnabled()


def test_when_the_unrolled_network_leaves_or_joins_the_grid_each_held_plot_is_laid_out_when_let_go(
        qtbot, make_window, wait_results):
    """The other plots take new sizes: none of them is laid out while its repaint is held (all of
    them laid out in the turn of the change held the UI thread ~40 ms more), each when let go."""
    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    laid_out = []   # (panel, whether its repaint was held then)
    for panel in window.panels:
        panel.graphics.ci.geometryChanged.connect(
            lambda panel=panel: laid_out.append((panel, any(panel is h for h in window.repaints.held()))))
    for layers in (8, 1):    # leaves the grid (too many layers for its row), joins it again
        laid_out.clear()
        window.state.update(num_layers=layers, hidden_size=16, seq_len=20)
        held = window.repaints.held()
        assert len(held) >= 4
        wait_results(window)
        assert not window.repaints.held()
        assert not [panel.name for panel, was_held in laid_out if was_held]
        # every held plot took its new size (the unrolled network, shown again, has its old one)
        assert {panel.name for panel in held} - {"unrolled"} <= {panel.name for panel, _was_held in laid_out}
        for panel in window.panels:
            if panel.isVisible():
                graphics = panel.graphics
                assert abs(graphics.ci.geometry().height() - graphics.viewport().height()) <= 1, panel.name
        assert view_problems(window.panels) == []


def test_presentation_mode_restyles_a_tab_not_shown_when_it_is_shown(qtbot, make_window, wait_results):
    """Presentation on with the Explorer tab shown: the Compare, Experiments and Trainer plots keep
    their style until their tab is shown (in the turn of the change nobody saw them restyled), then
    take the lecture style before they paint, and their views hold their data."""
    from rnnviz.app.gallery import pin_two, run_gallery_training, settle
    from rnnviz.app.plots.invariants import tab_problems

    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    pin_two(window)
    run_gallery_training(window, epochs_spin=1, snapshot_spin=5)   # (the plots of an unrun Trainer are empty)
    window.tabs.setCurrentWidget(window.explorer)
    settle(window, wait=lambda: wait_results(window))
    compare, experiments, trainer = window.compare.plots, window.experiments.plot, window.trainer
    window.set_presentation_mode(True, full_screen=False)
    assert compare.style == NORMAL_STYLE and compare._restyle_when_shown
    assert experiments.style == NORMAL_STYLE and experiments._restyle_when_shown
    assert trainer._plots_style == NORMAL_STYLE and trainer._restyle_when_shown
    for tab, view, styled in ((window.compare, compare.graphics, lambda: compare.style),
                              (window.experiments, experiments.graphics, lambda: experiments.style),
                              (window.trainer, trainer.plots, lambda: trainer._plots_style)):
        painted = []
        log = PaintLog(lambda: painted.append(styled()["font_pt"]))
        view.viewport().installEventFilter(log)
        window.tabs.setCurrentWidget(tab)
        settle(window, wait=lambda: wait_results(window))
        assert painted and set(painted) == {styled()["font_pt"]}, tab.objectName()   # never painted in the old style
        assert styled()["font_pt"] > NORMAL_STYLE["font_pt"], tab.objectName()
        assert tab_problems(window) == []
    assert not (compare._restyle_when_shown or experiments._restyle_when_shown or trainer._restyle_when_shown)


def test_presentation_mode_repaints_the_controls_on_the_turn_after_the_change(qtbot, make_window, wait_results):
    """The Controls dock at the lecture font repaints on the next turn of the event loop, not in the
    turn of the change (with the window's other repaints); then it takes updates as before, and no
    text of it is cut."""
    from rnnviz.app.gallery import settle
    from rnnviz.app.plots.invariants import clipped_widget_problems

    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    dock = window.controls_dock
    painted = []
    log = PaintLog(lambda: painted.append(dock.font().pointSize()))
    window.controls.radius_spin.installEventFilter(log)
    window.set_presentation_mode(True, full_screen=False)
    assert not dock.updatesEnabled()
    QApplication.sendPostedEvents()     # this turn's posted events: the window's repaint but the dock's
    assert painted == []
    qtbot.waitUntil(lambda: bool(painted), timeout=5000)
    assert dock.updatesEnabled() and set(painted) == {dock.font().pointSize()}
    settle(window, wait=lambda: wait_results(window))
    assert clipped_widget_problems(window.controls) == []
    window.set_presentation_mode(False, full_screen=False)
    qtbot.waitUntil(dock.updatesEnabled, timeout=5000)
