"""Presets, sessions, export, remembered settings."""
from __future__ import annotations

import csv
import json
import threading
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest

from rnnviz.app.presets import list_presets, load_preset
from rnnviz.app.session import SESSION_VERSION, read_session
from rnnviz.core.config import ConfigError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
REQUIRED_PRESETS = {"vanishing-rnn", "exploding-rnn", "linear-orthogonal", "irnn", "saturated-sigmoid",
                    "lstm-forget-bias-1", "lstm-forget-bias-0", "cifg-lstm", "gru"}


def test_presets_exist_validate_and_say_what_they_show():
    presets = {preset.name: preset for preset in list_presets()}
    assert REQUIRED_PRESETS <= set(presets)
    assert presets["vanishing-rnn"].config.radius == 0.9 and presets["vanishing-rnn"].config.cell == "rnn"
    assert presets["exploding-rnn"].config.radius == 1.5
    assert presets["linear-orthogonal"].config.activation == "linear"
    assert (presets["irnn"].config.activation, presets["irnn"].config.init) == ("relu", "identity")
    assert presets["saturated-sigmoid"].config.activation == "sigmoid"
    assert presets["lstm-forget-bias-1"].config.forget_bias == 1.0
    assert presets["lstm-forget-bias-0"].config.forget_bias == 0.0
    assert presets["cifg-lstm"].config.cell == "lstm-cifg"
    assert presets["gru"].config.cell == "gru"
    for preset in presets.values():
        assert preset.title and preset.description


def test_unknown_preset_names_the_available_ones():
    with pytest.raises(ConfigError, match="vanishing-rnn"):
        load_preset("no-such-preset")


def test_preset_menu_applies_the_preset(make_window, wait_results):
    window = make_window()
    action = next(a for a in window.presets_menu.actions() if a.objectName() == "preset_gru")
    action.trigger()
    assert window.state.config == load_preset("gru").config
    assert window.controls.cell_combo.currentText() == "GRU (PyTorch/cuDNN)"


def test_session_round_trip(make_window, wait_results, tmp_path):
    window = make_window()
    window.state.update(cell="gru-cho", seed=5, radius=0.7, truncate=3)
    path = tmp_path / "lecture.json"
    assert window.save_session(path)
    saved = json.loads(path.read_text())
    assert saved["version"] == SESSION_VERSION and saved["config"]["cell"] == "gru-cho"
    other = make_window()
    assert other.open_session(path)
    assert other.state.config == window.state.config
    assert other.controls.radius_spin.value() == pytest.approx(0.7)
    assert str(path.resolve()) in other.settings.recent_files()
    assert other.recent_menu.actions()[0].text() == "lecture.json"


BAD_SESSIONS = [
    ("{not json", "not valid JSON"),
    ('{"format": "rnnviz-session", "version": 99, "config": {}}', "newer"),
    ('{"format": "rnnviz-session", "config": {}}', "version"),
    ('{"format": "something-else", "version": 1, "config": {}}', "not an rnnviz session"),
    ('{"format": "rnnviz-session", "version": 1, "config": {"hidden_size": -3}}', "hidden_size"),
    ('{"format": "rnnviz-session", "version": 1, "config": {"warp_drive": 1}}', "warp_drive"),
    ('[1, 2, 3]', "JSON object"),
    # A hostile file: nesting deeper than the JSON parser's recursion limit.
    ('{"format": "rnnviz-session", "version": 1, "config": ' + "[" * 100_000 + "]" * 100_000 + "}",
     "nested too deeply"),
]


@pytest.mark.parametrize("content, fragment", BAD_SESSIONS)
def test_bad_session_file_gives_a_message_and_changes_nothing(make_window, qtbot, tmp_path, content, fragment):
    window = make_window()
    window.state.update(seed=11)
    before = window.state.config
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert not window.open_session(path)
    assert window.state.config == before
    assert window.controls.seed_spin.value() == 11
    assert "Could not open session" in window.last_error and fragment in window.last_error
    assert window.settings.recent_files() == []
    with pytest.raises(ConfigError):
        read_session(path)
    # Read off the UI thread (File → Open session): the same message, nothing changed.
    message, window.last_error = window.last_error, None
    window.start_open_session(path)
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=10000)
    assert window.last_error == message
    assert window.state.config == before and window.settings.recent_files() == []


def test_export_each_plot_png_svg_csv(make_window, wait_results, tmp_path):
    window = make_window()
    window.show()
    wait_results(window)
    for panel in window.panels:
        png = tmp_path / f"{panel.name}.png"
        svg = tmp_path / f"{panel.name}.svg"
        window.export_plot(panel, png)
        window.export_plot(panel, svg)
        assert png.read_bytes().startswith(PNG_SIGNATURE) and png.stat().st_size > 1000
        root = ElementTree.parse(svg).getroot()
        assert root.tag.endswith("svg")
        written = window.export_plot(panel, tmp_path / f"{panel.name}.csv")
        for path in written:
            lines = path.read_text().splitlines()
            assert lines[0].startswith("# rnnviz")
            config_line = next(line for line in lines if line.startswith("# config: "))
            assert json.loads(config_line[len("# config: "):]) == window.state.config.to_dict()
            rows = list(csv.reader(line for line in lines if not line.startswith("#")))
            assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows)


def test_exported_csv_holds_the_plotted_numbers(make_window, wait_results, tmp_path):
    window = make_window()
    wait_results(window)
    fast = window.state.fast_result
    path = tmp_path / "decay.csv"
    window.export_plot(window.panel_by_name["decay"], path)
    data = _read_csv(path)
    np.testing.assert_array_equal(data["k"], fast.curve["k"])
    np.testing.assert_array_equal(data["log10_spectral"], fast.curve["log10_spectral"])
    # the file and the status bar say how precise these norms are: the explorer's fast tolerance
    assert "# precision: spectral norms by Lanczos to tolerance 1e-06 (anchor curve)" in path.read_text()
    assert fast.tol == 1e-6
    assert window.precision_label.text() == "norms: Lanczos 1e-06"
    assert "rnnviz analyze gives exact norms" in window.precision_label.toolTip()
    path = tmp_path / "bptt.csv"
    window.export_plot(window.panel_by_name["bptt"], path)
    np.testing.assert_array_equal(_read_csv(path)["grad_norm"], fast.grad_norm_per_step)


def _read_csv(path) -> dict[str, np.ndarray]:
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    return {name: np.array([float(row[name]) for row in rows]) for name in rows[0]}


def test_export_all_writes_every_plot_and_the_session(make_window, wait_results, tmp_path):
    window = make_window()
    window.show()
    wait_results(window)
    folder = tmp_path / "all"
    written = window.export_all_to(folder)
    names = {path.name for path in written}
    for panel in window.panels:
        assert {f"{panel.name}.png", f"{panel.name}.svg", f"{panel.name}.csv"} <= names
    config, _view = read_session(folder / "session.json")
    assert config == window.state.config


def test_last_session_and_geometry_are_restored(make_window, small_config):
    first = make_window()
    first.state.update(cell="gru", seed=21)
    # Qt fits restored geometry onto the screen; the offscreen screen is small, so stay inside it.
    first.resize(1024, 700)
    first.close()
    second = make_window(restore_session=True, config=None)
    assert second.state.config.cell == "gru" and second.state.config.seed == 21
    assert second.controls.seed_spin.value() == 21
    assert second.size().height() == 700


def test_presentation_mode_enlarges_fonts_and_lines(make_window, wait_results, qtbot):
    window = make_window()
    wait_results(window)
    decay = window.panel_by_name["decay"]
    normal_width = decay.curves["spectral"].opts["pen"].widthF()
    marker_panels = {"bptt": [window.panel_by_name["bptt"].loss_markers],
                     "spectrum": window.panel_by_name["spectrum"].eigen_items}
    markers = [m for items in marker_panels.values() for m in items]
    normal_sizes = [m.opts["size"] for m in markers]
    window.show()
    assert window.compute_label.isVisible()
    window.set_presentation_mode(True, full_screen=False)
    qtbot.wait(10)  # the decay plot, shown alone, takes its new size (and with it the lecture style)
    assert decay.curves["spectral"].opts["pen"].widthF() > 2 * normal_width
    # markers grow with the lines: a lecture hall sees dots as well as curves. A plot presentation
    # mode hides takes the lecture style when it is shown.
    for name, items in marker_panels.items():
        window.focus_plot(name)
        qtbot.wait(10)
        assert window.panel_by_name[name].isVisible()
        assert [m.opts["size"] for m in items] == [2 * normal_sizes[markers.index(m)] for m in items], name
    window.focus_plot("decay")
    qtbot.wait(10)
    assert window.font().pointSize() >= 16
    assert window.presentation_action.isChecked()
    # the engine timings make room for the key hint, which starts with how to leave
    assert not window.compute_label.isVisible()
    assert window.statusBar().currentMessage().startswith("F11: leave")
    window.set_presentation_mode(False, full_screen=False)
    assert decay.curves["spectral"].opts["pen"].widthF() == normal_width
    # the other plots shown again take their style one per turn, as their held repaints are let go
    qtbot.waitUntil(lambda: not window.repaints.held(), timeout=5000)
    assert [m.opts["size"] for m in markers] == normal_sizes
    assert window.compute_label.isVisible()


def test_gradient_check_runs_off_thread_and_reports(make_window, wait_results, qtbot):
    window = make_window()
    wait_results(window)
    with qtbot.waitSignal(window.compute.gradcheck_done, timeout=60000) as done:
        window.gradcheck_button.click()
        assert "running" in window.gradcheck_label.text()
    report = done.args[0]
    assert report.passed
    assert "passed" in window.gradcheck_label.text()
    assert f"{report.max_rel_error:.1e}" in window.gradcheck_label.text()


def test_keyboard_shortcuts_are_bound(make_window):
    from PySide6.QtGui import QKeySequence

    window = make_window()
    shortcuts = {action.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
                 for action in window.findChildren(type(window.save_action))}
    assert {"Ctrl+O", "Ctrl+S", "Ctrl+E", "F5", "F11", "Ctrl+Q", "Ctrl+G"} <= shortcuts


def test_main_tabs_accept_more_tabs(make_window):
    from PySide6.QtWidgets import QLabel

    window = make_window()
    index = window.add_tab(QLabel("trainer"), "Trainer")
    assert window.tabs.objectName() == "main_tabs"
    assert window.tabs.tabText(index) == "Trainer" and window.tabs.tabText(0) == "Explorer"


def test_status_bar_shows_computing_then_times(make_window, wait_results, qtbot):
    from rnnviz.app.compute import Engine
    from rnnviz.app.main_window import BUSY_DELAY_MS
    from rnnviz.core import analysis

    release = threading.Event()

    def slow_run_fast(config, **kwargs):
        if config.seed == 3:
            release.wait(10)
        return analysis.run_fast(config, **kwargs)

    window = make_window(engine=Engine(run_fast=slow_run_fast, iter_map=analysis.iter_map))
    wait_results(window)
    window.state.update(seed=3)
    assert window.compute_label.text() == "computing …"
    assert window.map_progress.maximum() == 100       # a quick result would not flicker the bar ...
    qtbot.wait(BUSY_DELAY_MS + 100)
    assert window.map_progress.maximum() == 0         # ... a slow one turns it indeterminate
    release.set()
    wait_results(window)
    assert window.map_progress.maximum() == 100 and window.map_progress.value() == 100
    assert window.compute_label.text().startswith("plots ") and "map" in window.compute_label.text()
    assert "ms" in window.compute_label.text()


def test_session_opened_from_the_menu_is_read_off_the_ui_thread(make_window, qtbot, tmp_path, monkeypatch):
    """File → Open session and Open recent read and check the file in a job; the UI thread only
    applies the result (a 10 MB session's JSON took 20-26 ms of it)."""
    from rnnviz.app import main_window as main_window_module

    window = make_window()
    window.state.update(cell="gru-cho", seed=5, radius=0.7)
    path = tmp_path / "lecture.json"
    assert window.save_session(path)
    readers = []

    def recording_read(read_path):
        readers.append(threading.current_thread() is threading.main_thread())
        return read_session(read_path)

    monkeypatch.setattr(main_window_module, "read_session", recording_read)
    other = make_window()
    before = other.state.config
    other.start_open_session(path)
    assert other.state.config == before          # nothing applied before the job has read the file
    qtbot.waitUntil(lambda: other.state.config == window.state.config, timeout=10000)
    assert readers == [False]
    assert other.controls.radius_spin.value() == pytest.approx(0.7)
    assert other.session_path == path
    assert str(path.resolve()) in other.settings.recent_files()


def test_a_newer_session_read_supersedes_an_older_one(make_window, qtbot, tmp_path):
    window = make_window()
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    window.state.update(seed=21)
    assert window.save_session(first)
    window.state.update(seed=22)
    assert window.save_session(second)
    window.state.update(seed=3)
    window.start_open_session(first)
    window.start_open_session(second)
    qtbot.waitUntil(lambda: window.state.config.seed == 22, timeout=10000)
    qtbot.wait(200)   # the first read, superseded, is never applied after the second
    assert window.state.config.seed == 22 and window.session_path == second
