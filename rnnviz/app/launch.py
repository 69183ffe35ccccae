"""Open the explorer from Python (``rnnviz.show``): on an analysis result, with or without a running
Qt event loop."""
from __future__ import annotations

import atexit
import sys

import shiboken6
from PySide6.QtCore import QCoreApplication, QThread

from rnnviz.app.main import ensure_application
from rnnviz.app.state import LoadedWeights
from rnnviz.errors import ConfigError

#: Windows opened by show_result, kept referenced so that they stay open after the call returns.
_WINDOWS: list = []


def event_loop_running() -> bool:
    """Whether Qt's event loop already runs for this thread: inside ``exec()``, or IPython's
    ``%gui qt`` input hook."""
    if QThread.currentThread().loopLevel() > 0:
        return True
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    return str(getattr(shell, "active_eventloop", "") or "").startswith("qt")


def show_result(result, block: bool | None = None):
    """A new explorer window analysing ``result``'s network, inputs and configuration.

    ``block`` None: run the event loop until the window closes unless one already runs. Returns the
    window, or None after a blocking run (the window is closed and deleted by then)."""
    app = ensure_application()
    from rnnviz.app.main_window import MainWindow

    experiment = result.experiment
    # no session restored: the window opens on this analysis, and remembers nothing of it on close
    window = MainWindow(restore_session=False, remember=False, config=experiment)
    refusals: list[str] = []
    window.state.message.connect(refusals.append)
    if result.params is not None:
        source = result.config.get("weights") or "network"
        label, description = python_texts(source, experiment)
        accepted = window.state.set_weights(experiment, LoadedWeights(
            result.params, result.inputs, label, description=description,
            texts=lambda config: python_texts(source, config)))
    else:
        accepted = window.state.set_config(experiment)
    window.state.message.disconnect(refusals.append)
    if not accepted:
        window.close()
        raise ConfigError("the explorer cannot show this analysis: {value1}", value1='; '.join(refusals) or 'refused')
    window.show()
    if block if block is not None else not event_loop_running():
        app.exec()
        _delete(window)
        return None
    if not _WINDOWS:
        atexit.register(_delete_all)
    _WINDOWS.append(window)
    return window


def python_texts(source: str, config) -> tuple[str, str]:
    """The label and description of weights handed over from Python, in the interface language."""
    description = QCoreApplication.translate("Launch", "{0}, {1} layer(s), H = {2}").format(
        config.cell, config.num_layers, config.hidden_size)
    return QCoreApplication.translate("Launch", "from Python: {0}").format(source), description


def _delete(window) -> None:
    """Stop the window's jobs and delete its C++ side now: a main window left to the interpreter's
    final teardown crashes it (measured: exit status -11 after a clean close)."""
    window.close()
    window.runner.shutdown(10000)
    shiboken6.delete(window)


def _delete_all() -> None:
    while _WINDOWS:
        window = _WINDOWS.pop()
        if shiboken6.isValid(window):
            _delete(window)
