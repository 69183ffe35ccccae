"""The main window's tabs work together: sweep points and pins open in the explorer, sessions keep them."""
import json

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
