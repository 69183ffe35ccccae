"""The main window's tabs work together: sweep points and pins open in the explorer, sessions keep them."""
import json

from PySide6.QtCore import Qt

from rnnviz.core.analysis import ExperimentConfig


def test_tabs_exist_and_open_in_explorer(make_window, small_config):
    window = make_window()
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles[:3] == ["Explorer", "Experiments", "Compare"]
    window.tabs.setCurrentWidget(window.compare)
    target = small_config.replace(cell="gru", radius=1.3)
    window.experiments.open_config.emit(target)
    assert window.state.config == target
    assert window.tabs.currentWidget() is window.explorer
    other = small_config.replace(cell="rnn")
    window.compare.open_config.emit(other)
    assert window.state.config == other


def test_pin_action_and_session_round_trip(make_window, small_config, tmp_path):
    window = make_window()
    window.pin_action.trigger()
    assert len(window.compare.pins) == 1 and window.compare.pins[0].config == small_config
    path = tmp_path / "s.json"
    assert window.save_session(path)
    data = json.loads(path.read_text())
    assert data["view"]["pins"] and data["view"]["sweep"]
    other = make_window()
    assert other.open_session(path)
    assert [p.config for p in other.compare.pins] == [small_config]
    assert other.experiments.sweep_definition() == window.experiments.sweep_definition()


def test_session_with_bad_pins_keeps_config_and_says_so(make_window, small_config, tmp_path):
    window = make_window()
    path = tmp_path / "s.json"
    window.save_session(path)
    data = json.loads(path.read_text())
    data["view"]["pins"] = [{"nonsense": True}]
    data["config"] = ExperimentConfig(cell="gru", hidden_size=4, input_size=2, seq_len=6).to_dict()
    path.write_text(json.dumps(data))
    assert window.open_session(path)
    assert window.state.config.cell == "gru"
    assert window.compare.pins == []
    assert "pins" in (window.last_error or "")


def test_trained_weights_open_in_the_explorer_until_the_shape_changes(make_window, qtbot):
    import numpy as np

    from rnnviz.app.panels.trainer import ExplorerHandoff
    from rnnviz.core.config import NetConfig
    from rnnviz.core.params import init_params

    net = NetConfig(cell="gru", input_size=5, hidden_size=7)
    params = init_params(net, seed=3)
    inputs = np.random.default_rng(0).normal(size=(9, 1, 5))
    window = make_window()
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())][-1] == "Trainer"
    window.trainer.open_in_explorer.emit(ExplorerHandoff(params, net, inputs, "some real text"))
    assert window.state.weights is not None
    assert window.state.config.cell == "gru" and window.state.config.seq_len == 9
    qtbot.waitUntil(lambda: window.state.fast_result is not None
                    and window.state.fast_result.config == window.state.config, timeout=20000)
    fast = window.state.fast_result
    np.testing.assert_array_equal(fast.params["weight_hh_l0"], params["weight_hh_l0"])
    window.state.update(anchor=3)                 # analysis knobs keep the trained weights
    assert window.state.weights is not None
    window.state.update(hidden_size=8)            # a new shape cannot use them
    assert window.state.weights is None


def _open_trained(window):
    import numpy as np

    from rnnviz.app.panels.trainer import ExplorerHandoff
    from rnnviz.core.config import NetConfig
    from rnnviz.core.params import init_params

    net = NetConfig(cell="lstm", input_size=5, hidden_size=7)
    inputs = np.random.default_rng(0).normal(size=(9, 1, 5))
    window.trainer.open_in_explorer.emit(ExplorerHandoff(init_params(net, seed=3), net, inputs, "to be or not to be"))
    return net


def test_controls_show_the_trained_model_and_what_no_longer_applies(make_window):
    window = make_window()
    _open_trained(window)
    controls = window.controls
    assert not controls.loaded_box.isHidden()
    assert "to be or not to be" in controls.loaded_label.text() and "lstm" in controls.loaded_label.text()
    assert controls.input_combo.currentText() == "real text (trained model)"      # not "Gaussian noise"
    assert controls.input_text_edit.text() == "to be or not to be"
    for widget in (controls.init_combo, controls.seed_spin, controls.radius_check, controls.forget_bias_spin,
                   controls.input_scale_spin, controls.input_combo, controls.input_size_spin):
        assert not widget.isEnabled() and "trained model" in widget.toolTip()
    assert controls.hidden_spin.isEnabled() and "generated weights" in controls.hidden_spin.toolTip()
    assert controls.anchor_spin.isEnabled() and "generated" not in controls.anchor_spin.toolTip()


def test_dropping_the_trained_weights_is_a_notice_with_undo(make_window, qtbot):
    window = make_window()
    _open_trained(window)
    trained = window.state.config
    window.controls.hidden_spin.setValue(8)                   # a new shape: generated weights
    assert window.state.weights is None
    assert window._error_box is None and window.last_error is None           # no popup after the fact
    assert "Ctrl+Z" in window.statusBar().currentMessage() and not window.undo_button.isHidden()
    controls = window.controls
    assert controls.loaded_box.isHidden() and controls.input_combo.findData("loaded") < 0
    assert controls.seed_spin.isEnabled() and controls.input_combo.currentData() == "gaussian"
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()                               # Ctrl+Z
    assert window.state.weights is not None and window.state.config == trained
    assert controls.hidden_spin.value() == 7 and not controls.loaded_box.isHidden()
    assert not window.undo_action.isEnabled()
    qtbot.mouseClick(controls.generated_button, Qt.MouseButton.LeftButton)   # on purpose, also undoable
    assert window.state.weights is None and window.state.config == trained
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert window.state.weights is not None


def test_the_undo_button_shows_only_beside_its_own_message(make_window):
    """The status bar's Undo belongs to the notice of what replaced the trained weights: another
    message (here presentation mode's "F11: leave") hides it, the notice again shows it."""
    window = make_window()
    _open_trained(window)
    window.controls.hidden_spin.setValue(8)                   # the notice, with its Undo
    assert not window.undo_button.isHidden()
    window.set_presentation_mode(True, full_screen=False)
    assert "F11" in window.statusBar().currentMessage()
    assert window.undo_button.isHidden()
    window.set_presentation_mode(False, full_screen=False)
    window.statusBar().showMessage(window._drop_notice)
    assert not window.undo_button.isHidden()
    window.statusBar().clearMessage()
    assert window.undo_button.isHidden()


def test_the_trainer_tab_paints_at_its_width_without_the_docks_only(qtbot, make_window, wait_results):
    """The Controls and Equations docks go when the Trainer is shown: the tab takes the window's
    width before its first paint, not after a paint at the width beside the docks."""
    from tests.app.paint_log import PaintLog

    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    trainer = window.trainer
    widths = []
    paints = PaintLog(lambda: widths.append(trainer.plots.width()))
    trainer.plots.viewport().installEventFilter(paints)
    assert window.controls_dock.isVisible()
    window.tabs.setCurrentWidget(trainer)
    qtbot.waitUntil(lambda: bool(widths), timeout=5000)
    qtbot.wait(200)
    assert not window.controls_dock.isVisible()
    assert widths and set(widths) == {trainer.plots.width()}, widths


def test_the_trainer_tab_paints_its_plots_on_the_turn_after_its_first_paint(qtbot, make_window, wait_results):
    """The tab's settings column paints first; its four plots (their axes drawn anew at the new size)
    on the next turn of the event loop, not in the same one, and then take updates as usual."""
    from PySide6.QtWidgets import QApplication

    from rnnviz.app.gallery import settle
    from rnnviz.app.plots.invariants import clipped_widget_problems
    from tests.app.paint_log import PaintLog

    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    trainer = window.trainer
    painted = []   # (what painted, in which turn)
    turn = [0]

    plot_paints = PaintLog(lambda: painted.append(("plots", turn[0])))
    settings_paints = PaintLog(lambda: painted.append(("settings", turn[0])))
    trainer.plots.viewport().installEventFilter(plot_paints)
    trainer.start_button.installEventFilter(settings_paints)
    window.tabs.setCurrentWidget(trainer)
    assert not trainer.plots.updatesEnabled()
    while not any(what == "plots" for what, _turn in painted) and turn[0] < 50:
        QApplication.processEvents()
        turn[0] += 1
    settings = [t for what, t in painted if what == "settings"]
    plots = [t for what, t in painted if what == "plots"]
    assert settings and plots and min(plots) > min(settings), painted
    assert trainer.plots.updatesEnabled()
    settle(window, wait=lambda: wait_results(window))
    assert clipped_widget_problems(trainer) == []
