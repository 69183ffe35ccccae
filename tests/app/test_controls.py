"""Controls -> AppState -> engine, and AppState -> controls."""

from __future__ import annotations

import threading

import pytest

from rnnviz.app.compute import Engine
from rnnviz.app.panels.controls import radius_to_slider, slider_to_radius
from rnnviz.core import analysis


class RecordingEngine:
    """The real engine, recording every configuration it was asked to compute."""

    def __init__(self):
        self.configs = []
        self.lock = threading.Lock()

    def run_fast(self, config, **kwargs):
        with self.lock:
            self.configs.append(config)
        return analysis.run_fast(config, **kwargs)

    def engine(self) -> Engine:
        return Engine(run_fast=self.run_fast, iter_map=analysis.iter_map)


def _select(combo, value):
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


@pytest.mark.parametrize("widget, action, field, expected", [
    ("cell_combo", ("select", "gru-cho"), "cell", "gru-cho"),
    ("activation_combo", ("select", "relu"), "activation", "relu"),
    ("hidden_spin", ("value", 5), "hidden_size", 5),
    ("input_size_spin", ("value", 4), "input_size", 4),
    ("layers_spin", ("value", 2), "num_layers", 2),
    ("bidirectional_check", ("check", True), "bidirectional", True),
    ("init_combo", ("select", "gaussian"), "init", "gaussian"),
    ("radius_spin", ("value", 1.25), "radius", 1.25),
    ("radius_check", ("check", False), "radius", None),
    ("forget_bias_spin", ("value", 0.0), "forget_bias", 0.0),
    ("seed_spin", ("value", 7), "seed", 7),
    ("input_combo", ("select", "sine"), "input_signal", "sine"),
    ("input_scale_spin", ("value", 2.5), "input_scale", 2.5),
    ("seq_len_spin", ("value", 9), "seq_len", 9),
    ("loss_combo", ("select", "last"), "loss_placement", "last"),
    ("truncate_check", ("check", True), "truncate", 1),
    ("anchor_spin", ("value", 3), "anchor", 3),
])
def test_every_control_reaches_state_and_engine(make_window, wait_results, widget, action, field, expected):
    recorder = RecordingEngine()
    window = make_window(engine=recorder.engine())
    wait_results(window)
    control = getattr(window.controls, widget)
    kind, value = action
    if kind == "select":
        _select(control, value)
    elif kind == "value":
        control.setValue(value)
    else:
        control.setChecked(value)
    assert getattr(window.state.config, field) == expected
    wait_results(window)
    assert getattr(recorder.configs[-1], field) == expected
    assert window.state.fast_result.config == window.state.config


def test_dependent_controls(make_window, wait_results):
    window = make_window()
    controls = window.controls
    _select(controls.input_combo, "text")
    assert controls.input_text_edit.isEnabled()
    controls.input_text_edit.setText("hello")
    assert window.state.config.input_text == "hello"
    assert window.state.config.input_signal == "text"
    _select(controls.loss_combo, "step")
    assert controls.loss_step_spin.isEnabled()
    controls.loss_step_spin.setValue(4)
    assert (window.state.config.loss_placement, window.state.config.loss_step) == ("step", 4)
    controls.truncate_check.setChecked(True)
    controls.truncate_spin.setValue(3)
    assert window.state.config.truncate == 3
    controls.truncate_check.setChecked(False)
    assert window.state.config.truncate is None
    _select(controls.activation_combo, "leaky-relu")
    assert controls.leaky_slope_spin.isEnabled()
    controls.leaky_slope_spin.setValue(0.2)
    assert window.state.config.leaky_slope == pytest.approx(0.2)
    _select(controls.init_combo, "uniform")
    controls.init_scale_spin.setValue(0.5)
    assert window.state.config.init_scale == pytest.approx(0.5)
    controls.init_scale_spin.setValue(0.0)  # the "default" special value
    assert window.state.config.init_scale is None
    _select(controls.cell_combo, "gru")
    assert not controls.forget_bias_spin.isEnabled()
    wait_results(window)
    assert window.state.fast_result.config.cell == "gru"


def test_state_changes_update_widgets(make_window):
    window = make_window()
    config = window.state.config.replace(cell="lstm-peephole", hidden_size=7, radius=0.5, seq_len=20, anchor=4,
                                         truncate=5, input_signal="onehot", loss_placement="step", loss_step=6)
    assert window.state.set_config(config)
    controls = window.controls
    assert controls.cell_combo.currentData() == "lstm-peephole"
    assert controls.cell_combo.currentText() == "Peephole LSTM"
    assert controls.hidden_spin.value() == 7
    assert controls.radius_spin.value() == pytest.approx(0.5)
    assert controls.radius_slider.value() == radius_to_slider(0.5, False)
    assert controls.seq_len_spin.value() == 20
    assert controls.anchor_spin.value() == 4 and controls.anchor_spin.maximum() == 19
    assert controls.truncate_check.isChecked() and controls.truncate_spin.value() == 5
    assert controls.input_combo.currentData() == "onehot"
    assert controls.loss_step_spin.value() == 6 and controls.loss_step_spin.isEnabled()


def test_radius_slider_linear_and_log(make_window):
    window = make_window()
    controls = window.controls
    controls.radius_slider.setValue(750)
    assert window.state.config.radius == pytest.approx(1.5)
    assert controls.radius_spin.value() == pytest.approx(1.5)
    controls.radius_log_check.setChecked(True)
    assert window.state.config.radius == pytest.approx(1.5)  # switching the mapping keeps rho
    controls.radius_slider.setValue(1000)
    assert window.state.config.radius == pytest.approx(2.0)
    controls.radius_slider.setValue(0)
    assert window.state.config.radius == 0.0
    for log_scale in (False, True):
        for position in (1, 10, 333, 500, 999):
            assert radius_to_slider(slider_to_radius(position, log_scale), log_scale) == pytest.approx(position, abs=1)


def test_shorter_sequence_clamps_anchor_and_loss_step(make_window):
    window = make_window()
    window.state.update(anchor=10, loss_placement="step", loss_step=12)
    window.controls.seq_len_spin.setValue(5)
    config = window.state.config
    assert (config.seq_len, config.anchor, config.loss_step) == (5, 4, 5)
    assert window.controls.anchor_spin.value() == 4


def test_invalid_change_gives_message_and_changes_nothing(make_window):
    window = make_window()
    before = window.state.config
    messages = []
    window.state.message.connect(messages.append)
    assert not window.state.update(hidden_size=0)
    assert window.state.config == before
    assert len(messages) == 1 and "hidden_size" in messages[0]
    assert window.last_error == messages[0]


def test_every_control_has_a_tooltip(make_window):
    from PySide6.QtWidgets import QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit

    window = make_window()
    # Every control is named after its config field; Qt's own sub-widgets (scroll bars, the line edit
    # inside a spin box) are unnamed or named qt_*.
    inputs = [w for kind in (QComboBox, QAbstractSpinBox, QAbstractButton, QAbstractSlider, QLineEdit)
              for w in window.controls.findChildren(kind)
              if w.objectName() and not w.objectName().startswith("qt_")]
    assert len(inputs) >= 22
    assert [w.objectName() for w in inputs if not w.toolTip()] == []


def test_without_rescaling_the_radius_box_shows_the_measured_radius(make_window, wait_results, small_config):
    window = make_window(config=small_config.replace(cell="rnn", init="identity", radius=None))
    wait_results(window)
    controls = window.controls
    assert not controls.radius_spin.isEnabled()
    assert controls.radius_spin.value() == pytest.approx(1.0)  # identity weights: rho = 1
    controls.radius_check.setChecked(True)
    assert window.state.config.radius == pytest.approx(1.0)


@pytest.mark.parametrize("cell, fragment", [
    ("rnn", "ht = tanh(Wih xt + bih + Whh ht−1 + bhh)"),
    ("lstm", "ct = ft ⊙ ct−1 + it ⊙ gt"),
    ("lstm-peephole", "+ wci ⊙ ct−1)"),
    ("lstm-cifg", "ft = 1 − it"),
    ("gru", "rt ⊙ (Whn ht−1 + bhn)"),
    ("gru-cho", "Whn (rt ⊙ ht−1)"),
])
def test_equations_follow_the_cell(make_window, cell, fragment):
    window = make_window()
    window.state.update(cell=cell, activation="tanh")
    # Plain text: sub- and superscripts read as ordinary characters.
    assert fragment in window.equations.toPlainText()
    window.state.update(activation="relu")
    assert "ReLU" in window.equations.toPlainText()


def test_equations_are_laid_out_again_only_when_they_change(make_window, monkeypatch):
    window = make_window()
    calls = []
    real = window.equations.setHtml
    monkeypatch.setattr(window.equations, "setHtml", lambda html: (calls.append(html), real(html)))
    window.state.update(radius=0.7)
    window.state.update(seq_len=50, seed=4)
    assert calls == []
    window.state.update(activation="relu")
    assert len(calls) == 1 and "ReLU" in window.equations.toPlainText()
    window.equations.set_font_size(20)
    assert len(calls) == 2
