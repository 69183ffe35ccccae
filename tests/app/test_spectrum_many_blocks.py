"""The spectrum of a deep network: its plots keep their room however many blocks it has."""

from __future__ import annotations

from rnnviz.app.plots.invariants import view_problems
from rnnviz.app.plots.spectrum import LEGEND_MAX_BLOCKS


def test_eight_layers_leave_the_spectrum_plots_their_room(make_window, qtbot, wait_results):
    window = make_window()
    window.remember = False
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    window.state.update(num_layers=8, hidden_size=16, seq_len=20)
    wait_results(window)
    qtbot.wait(50)
    panel = window.panel_by_name["spectrum"]
    assert len(panel.spectra) == 32 > LEGEND_MAX_BLOCKS
    for plot in (panel.eigen_plot, panel.singular_plot):
        assert plot.vb.height() >= 60, plot.vb.height()
    # the table below names every block with its colour: a legend of 32 entries took the whole panel
    assert not panel.legend.isVisible()
    assert [problem for problem in view_problems(window.panels) if "spectrum" in problem.lower()] == []
    window.state.update(num_layers=1)                # back to four blocks: the legend again
    wait_results(window)
    qtbot.wait(50)
    assert len(panel.spectra) == 4 and panel.legend.isVisible()
    assert len(panel.legend.items) == 4
