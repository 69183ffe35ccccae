"""The auxiliary input and the encoder–decoder in the window: controls, clamping, sessions, views."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rnnviz.app.gallery import trained_handoff
from rnnviz.app.presets import read_preset
from rnnviz.app.session import read_session
from rnnviz.core.config import ConfigError


def _select(combo, value):
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def _boundaries(window):
    """name -> the x of every visible boundary line in that panel."""
    out = {}
    for name in ("bptt", "gates", "hidden"):
        panel = window.panel_by_name[name]
        out[name] = [line.value() for line in panel.boundary.lines if line.isVisible()]
    return out


def test_aux_controls_reach_state_and_engine(make_window, wait_results):
    window = make_window()
    controls = window.controls
    wait_results(window)
    assert controls.aux_size_spin.value() == 0 and controls.aux_size_spin.text() == "none"
    assert not controls.aux_pattern_combo.isEnabled() and not controls.aux_scale_spin.isEnabled()
    controls.aux_size_spin.setValue(3)
    assert window.state.config.aux_size == 3
    assert controls.aux_pattern_combo.isEnabled() and controls.aux_scale_spin.isEnabled()
    _select(controls.aux_pattern_combo, "gaussian")
    controls.aux_scale_spin.setValue(2.5)
    config = window.state.config
    assert (config.aux_size, config.aux_pattern, config.aux_scale) == (3, "gaussian", 2.5)
    wait_results(window)
    fast = window.state.fast_result
    assert fast.config == config and fast.params["weight_aux_l0"].shape == (4 * 6, 3)
    # the equations show the extra term, per gate, and lose it again
    text = window.equations.toPlainText()
    assert text.count("+ Ai at") + text.count("+ Af at") + text.count("+ Ag at") + text.count("+ Ao at") == 4
    assert "auxiliary input" in text
    controls.aux_size_spin.setValue(0)
    assert "auxiliary input" not in window.equations.toPlainText()


def test_equations_of_the_elman_rnn_with_aux(make_window):
    window = make_window()
    window.state.update(cell="rnn", aux_size=2)
    assert "Wih xt + A at" in window.equations.toPlainText()


def test_encoder_decoder_controls_and_views(make_window, wait_results):
    window = make_window()
    controls = window.controls
    assert not controls.encoder_spin.isEnabled() and not controls.decoder_spin.isEnabled()
    _select(controls.loss_combo, "encoder-decoder")
    config = window.state.config
    assert config.loss_placement == "encoder-decoder"
    assert controls.encoder_spin.isEnabled() and controls.decoder_spin.isEnabled()
    assert (controls.encoder_spin.value(), controls.decoder_spin.value()) == (6, 6)   # T = 12
    wait_results(window)
    assert _boundaries(window) == {"bptt": [6.5, 6.5], "gates": [6.5] * 5, "hidden": [6.5, 6.5]}
    np.testing.assert_array_equal(window.panel_by_name["bptt"].loss_markers.getData()[0], np.arange(7, 13))
    assert "encoder" in window.panel_by_name["bptt"].boundary.lines[0].label.toPlainText()
    assert "Encoder–decoder" in window.equations.toPlainText()
    # N moves the boundary and keeps M where it fits; M then gives way to N
    controls.encoder_spin.setValue(4)
    assert (window.state.config.encoder_steps, window.state.config.decoder_steps) == (4, 6)
    controls.encoder_spin.setValue(9)
    assert (window.state.config.encoder_steps, window.state.config.decoder_steps) == (9, 3)
    assert controls.decoder_spin.value() == 3
    controls.decoder_spin.setValue(2)
    assert (window.state.config.encoder_steps, window.state.config.decoder_steps) == (9, 2)
    wait_results(window)
    assert _boundaries(window)["bptt"] == [9.5, 9.5]
    np.testing.assert_array_equal(window.panel_by_name["bptt"].loss_markers.getData()[0], [11, 12])
    grads = window.state.fast_result.grad_norm_per_step
    assert np.all(grads[:9] > 0)   # the encoder learns from the decoder's two losses only
    # and back: no line, losses everywhere
    _select(controls.loss_combo, "all")
    assert not controls.encoder_spin.isEnabled()
    wait_results(window)
    assert _boundaries(window) == {"bptt": [], "gates": [], "hidden": []}


def test_t_down_and_up_keeps_n_and_m_valid(make_window, wait_results):
    window = make_window()
    window.state.update(seq_len=100, loss_placement="encoder-decoder", encoder_steps=60, decoder_steps=30)
    controls = window.controls
    controls.seq_len_spin.setValue(30)
    config = window.state.config
    assert (config.encoder_steps, config.decoder_steps) == (20, 10)         # in proportion
    assert (controls.encoder_spin.value(), controls.decoder_spin.value()) == (20, 10)
    assert controls.encoder_spin.maximum() == 29
    wait_results(window)
    assert _boundaries(window)["bptt"] == [20.5, 20.5]
    controls.seq_len_spin.setValue(3)
    assert (window.state.config.encoder_length, window.state.config.decoder_length) == (2, 1)
    wait_results(window)
    assert _boundaries(window)["hidden"] == [2.5, 2.5]
    # T = 1 cannot hold an encoder and a decoder: refused with a message, nothing changes
    messages = []
    window.state.message.connect(messages.append)
    controls.seq_len_spin.setValue(1)
    assert window.state.config.seq_len == 3 and controls.seq_len_spin.value() == 3
    assert messages and "at least 2 steps" in messages[-1]
    controls.seq_len_spin.setValue(40)
    assert (window.state.config.encoder_length, window.state.config.decoder_length) == (2, 1)  # kept
    # unset, N and M follow T
    window.state.update(encoder_steps=None, decoder_steps=None)
    controls.seq_len_spin.setValue(17)
    assert (controls.encoder_spin.value(), controls.decoder_spin.value()) == (9, 8)


def test_the_controls_round_trip_through_a_session(make_window, wait_results, tmp_path):
    window = make_window()
    controls = window.controls
    controls.aux_size_spin.setValue(5)
    _select(controls.aux_pattern_combo, "constant")
    controls.aux_scale_spin.setValue(0.5)
    _select(controls.loss_combo, "encoder-decoder")
    controls.decoder_spin.setValue(4)
    path = tmp_path / "topology.json"
    assert window.save_session(path)
    saved = json.loads(path.read_text())["config"]
    assert (saved["aux_size"], saved["aux_pattern"], saved["aux_scale"]) == (5, "constant", 0.5)
    assert (saved["loss_placement"], saved["encoder_steps"], saved["decoder_steps"]) == ("encoder-decoder", 6, 4)
    other = make_window()
    assert other.open_session(path)
    assert other.state.config == window.state.config
    shown = other.controls
    assert (shown.aux_size_spin.value(), shown.aux_pattern_combo.currentData(), shown.aux_scale_spin.value()) == \
        (5, "constant", 0.5)
    assert shown.loss_combo.currentData() == "encoder-decoder"
    assert (shown.encoder_spin.value(), shown.decoder_spin.value()) == (6, 4)
    wait_results(other)
    assert _boundaries(other)["bptt"] == [6.5, 6.5]


@pytest.mark.parametrize("changes, fragment", [
    ({"aux_size": 65}, "auxiliary input size A 65 is beyond the explorer's range [0, 64]"),
    ({"aux_scale": 500.0}, "auxiliary input scale 500 is beyond"),
    ({"aux_pattern": "previous"}, "auxiliary input pattern"),
    ({"loss_placement": "encoder-decoder", "seq_len": 10, "encoder_steps": 8, "decoder_steps": 5}, "N + M"),
])
def test_sessions_beyond_the_controls_are_refused(make_window, tmp_path, changes, fragment):
    window = make_window()
    before = window.state.config
    path = tmp_path / "beyond.json"
    path.write_text(json.dumps({"format": "rnnviz-session", "version": 1, "config": changes}))
    with pytest.raises(ConfigError, match=fragment.replace("+", r"\+").replace("[", r"\[")):
        read_session(path)
    assert not window.open_session(path)
    assert window.state.config == before and window.controls.aux_size_spin.value() == 0
    assert fragment in window.last_error


def test_a_preset_carries_the_new_fields(tmp_path):
    path = tmp_path / "seq2seq.json"
    path.write_text(json.dumps({"name": "seq2seq", "title": "t", "config": {
        "aux_size": 2, "aux_pattern": "gaussian", "loss_placement": "encoder-decoder", "decoder_steps": 10}}))
    config = read_preset(path).config
    assert (config.aux_size, config.aux_pattern, config.loss_placement, config.decoder_length) == \
        (2, "gaussian", "encoder-decoder", 10)


def test_a_trained_model_analysed_without_aux_and_its_controls_greyed(make_window, wait_results):
    window = make_window()
    window.state.update(aux_size=3)
    assert window.open_trained_model(trained_handoff())
    assert window.state.config.aux_size == 0
    controls = window.controls
    for widget in (controls.aux_size_spin, controls.aux_pattern_combo, controls.aux_scale_spin):
        assert not widget.isEnabled()
    wait_results(window)
    assert "weight_aux_l0" not in window.state.fast_result.params


def test_the_boundary_follows_presentation_mode(make_window, wait_results, qapp):
    window = make_window()
    window.resize(1600, 1000)
    window.show()
    window.state.update(loss_placement="encoder-decoder", encoder_steps=3, decoder_steps=6)
    wait_results(window)
    panel = window.panel_by_name["bptt"]
    line = panel.boundary.lines[0]
    width, points = line.pen.widthF(), line.label.textItem.font().pointSizeF()
    assert line.label.toPlainText() == "← encoder   decoder →"
    window.set_presentation_mode(True, full_screen=False)
    window.focus_plot("bptt")
    qapp.processEvents()
    assert panel.style["font_pt"] > 9
    assert line.pen.widthF() > width and line.label.textItem.font().pointSizeF() > points
    # a boundary near an end names only the side with room
    window.state.update(encoder_steps=1, decoder_steps=11)
    wait_results(window)
    assert line.label.toPlainText() == "decoder →"
    window.set_presentation_mode(False, full_screen=False)
    assert line.pen.widthF() == pytest.approx(width)
