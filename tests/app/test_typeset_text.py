"""No widget of the window shows raw markup (``_{``, ``^{``, ``_F``, ``^k``): every text is typeset.

The scan (``rnnviz.app.plots.invariants.raw_markup_problems``) reads labels, buttons, combo items,
fields, tab and dock titles, actions, tooltips, status tips and the plots' titles, axis labels,
ticks and legends; the CSV exports' header lines are read too.
"""

from __future__ import annotations

import pytest

from rnnviz.app.gallery import TRANSITIONS, settle, trained_handoff
from rnnviz.app.plots.invariants import RAW_MARKUP, raw_markup_problems


@pytest.mark.parametrize("text", ["‖·‖_F", "b_f", "x_T", "ρ^k", "1.5^k", "s_{t0}", "e^{x}", "log10 ||ds_T/ds_t0||"])
def test_the_scan_finds_raw_markup(text):
    assert RAW_MARKUP.search(text)


@pytest.mark.parametrize("text", ["‖·‖₂", "ρᵏ", "weight_hh_l0[i]", "log10_spectral", "builtin:sample",
                                  "b<sub>f</sub>", "‖∂s(t₀+k)/∂s(t₀)‖₂", "Wₕₕ = ρ·Q"])
def test_the_scan_leaves_typeset_text_and_names_alone(text):
    assert not RAW_MARKUP.search(text)


def test_the_scan_finds_tags_in_plain_text_only(qtbot):
    from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    layout.addWidget(QLabel("forget bias b<sub>f</sub>"))  # rich text: drawn typeset
    combo = QComboBox()
    combo.addItem("‖·‖<sub>F</sub>")  # a combo item is plain text: the tags would show
    layout.addWidget(combo)
    problems = raw_markup_problems(root)
    assert len(problems) == 1 and "QComboBox" in problems[0]


def test_no_text_in_the_window_shows_raw_markup(make_window, wait_results):
    from rnnviz.app.export import csv_header

    window = make_window(config=TRANSITIONS.start_config)
    window.resize(1280, 720)
    window.show()
    problems = []

    def scan(state: str) -> None:
        settle(window, wait=lambda: wait_results(window))
        problems.extend(f"{state}: {problem}" for problem in raw_markup_problems(window))
        for panel in window.panels:
            for line in csv_header(panel, window.state.config):
                if RAW_MARKUP.search(line):
                    problems.append(f"{state}: CSV header of {panel.name}: {line!r}")

    scan("start")
    window.open_trained_model(trained_handoff())
    scan("trained model")
    window.set_presentation_mode(True, full_screen=False)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        scan(f"presentation, tab {window.tabs.tabText(index)}")
    window.set_presentation_mode(False, full_screen=False)
    assert not problems, "\n".join(problems)
