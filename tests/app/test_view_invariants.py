"""Every visible plot tells the truth after every transition of a matrix of changes.

After each transition (T up and down, cell changes, presets, the trained model's hand-off, F5, each
plot shown alone and all again, presentation mode on and off at 1280×720 and 1600×1000) every
visible plot's view covers the data it holds, no legend covers curve points, no text is cut, no
heatmap is a strip, and -- after a change of configuration -- no read-out keeps an old value.
The checks are ``rnnviz.app.plots.invariants``; ``rnnviz screenshot --gallery`` renders the same
matrix as pictures (``rnnviz.app.gallery``).
"""

from __future__ import annotations

from rnnviz.app.gallery import TRANSITIONS, settle
from rnnviz.app.plots.invariants import view_problems


def _hover_every_panel(window) -> None:
    """Fill each visible panel's read-out, as a mouse resting on its first plot would."""
    for panel in window.panels:
        if panel.isVisible() and panel._hover:
            plot = panel._hover[0][0]
            panel._on_mouse_moved(plot.vb.sceneBoundingRect().center())


def test_every_view_holds_its_data_after_every_transition(make_window, wait_results):
    window = make_window(config=TRANSITIONS.start_config)
    window.resize(1600, 1000)
    window.show()
    failures = []
    hovered = 0
    for transition in TRANSITIONS.steps:
        _hover_every_panel(window)
        hovered += sum(bool(panel.readout.text()) for panel in window.panels)
        transition.apply(window)
        settle(window, wait=lambda: wait_results(window))
        problems = view_problems(window.panels, readouts=transition.changes_config)
        failures += [f"after {transition.name}: {problem}" for problem in problems]
    assert hovered > 0  # the read-outs had something to clear
    assert not failures, "\n".join(failures)
