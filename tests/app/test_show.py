"""rnnviz.show: the explorer opened from Python on an analysis result."""
from __future__ import annotations

import numpy as np
import pytest

import rnnviz
from rnnviz.app import launch


@pytest.fixture
def shown(closed_after):
    windows = []

    def open_(*args, **kwargs):
        window = closed_after(rnnviz.show(*args, block=False, **kwargs))
        windows.append(window)
        return window

    yield open_
    for window in windows:
        launch._WINDOWS.remove(window)   # closed after the test (closed_after), not at exit


def test_show_analyses_the_given_weights_and_inputs(shown, wait_results):
    rng = np.random.default_rng(4)
    params = {"weight_ih_l0": rng.normal(size=(9, 2)), "weight_hh_l0": rng.normal(0, 0.5, (9, 3)),
              "bias_ih_l0": np.zeros(9), "bias_hh_l0": np.zeros(9)}
    x = rng.normal(size=(8, 2))
    result = rnnviz.analyze(params, x, anchor=1)
    window = shown(result)
    assert window.isVisible() and not launch.event_loop_running()
    wait_results(window, complete_map=False)
    fast = window.state.fast_result
    assert window.state.weights is not None and window.state.weights.params is result.params
    assert (fast.config.cell, fast.config.seq_len, fast.config.anchor) == ("gru", 8, 1)
    np.testing.assert_allclose(fast.final_state["h"][0], result.final_state["h"], rtol=1e-12)
    # the explorer's fast tolerance against the exact norms of the result
    np.testing.assert_allclose(fast.curve["log10_spectral"], result.state_jacobian.log10_spectral_norm,
                               atol=1e-4)


def test_show_a_configuration_generates_its_network(shown, wait_results):
    window = shown(cell="rnn", hidden_size=4, input_size=2, seq_len=10, seed=7)
    wait_results(window, complete_map=False)
    assert window.state.weights is None
    assert (window.state.config.cell, window.state.config.hidden_size) == ("rnn", 4)
    expected = rnnviz.analyze(cell="rnn", hidden_size=4, input_size=2, seq_len=10, seed=7, tol=1e-6)
    np.testing.assert_allclose(window.state.fast_result.final_state["h"][0], expected.final_state["h"],
                               rtol=1e-12)


def test_show_from_a_script_runs_the_event_loop_until_the_window_closes(tmp_path):
    """A plain script: show() blocks in Qt's event loop and returns once the window is closed."""
    import subprocess
    import sys

    script = tmp_path / "script.py"
    script.write_text(
        "import rnnviz\n"
        "from PySide6.QtCore import QTimer\n"
        "from rnnviz.app.main import ensure_application\n"
        "app = ensure_application()\n"
        "seen = []\n"
        "def close():\n"
        "    seen.extend(w.isVisible() for w in app.topLevelWidgets() if w.objectName() == 'rnnviz_main_window')\n"
        "    app.closeAllWindows()\n"
        "QTimer.singleShot(1500, close)\n"
        "window = rnnviz.show(cell='rnn', hidden_size=3, input_size=2, seq_len=6)\n"
        "print('returned', seen, window)\n"
        "open_one = rnnviz.show(cell='gru', hidden_size=3, input_size=2, seq_len=6, block=False)\n"
        "print(open_one.state.config.cell)\n")
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                         env=env)
    assert run.returncode == 0, run.stderr
    # the window was visible while the loop ran; a window still open at exit is deleted cleanly
    assert run.stdout.split() == ["returned", "[True]", "None", "gru"]


def test_the_application_shortens_the_interpreter_switch_interval(tmp_path):
    """The app's set-up lets the UI thread take the interpreter lock back from a worker's Python
    loop after 1 ms instead of 5 (the Trainer's redraw waited 25-29 ms for it at 5 ms)."""
    import os
    import subprocess
    import sys

    from rnnviz.app.main import UI_SWITCH_INTERVAL_S

    code = ("import sys\nbefore = sys.getswitchinterval()\n"
            "from rnnviz.app.main import ensure_application\nensure_application()\n"
            "print(before, sys.getswitchinterval())\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr
    before, after = (float(value) for value in run.stdout.split())
    assert before == 0.005 and after == UI_SWITCH_INTERVAL_S < before
