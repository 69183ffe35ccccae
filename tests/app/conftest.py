"""Fixtures for the Qt tests: every test gets its own QSettings store and a window factory."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path_factory, qapp):
    """Point QSettings at a fresh per-test INI directory under a unique organisation/application.

    Without this, one test's saved settings (last folder, window geometry, last session ...) leak
    into the next test and into the user's real configuration.
    """
    from PySide6.QtCore import QCoreApplication, QSettings

    settings_dir = tmp_path_factory.mktemp("qsettings")
    unique = uuid.uuid4().hex[:12]
    QCoreApplication.setOrganizationName(f"rnnviz-tests-{unique}")
    QCoreApplication.setApplicationName(f"rnnviz-tests-{unique}")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.SystemScope, str(settings_dir / "system"))
    yield settings_dir


@pytest.fixture
def small_config():
    """A configuration the real engine computes in milliseconds (LSTM, H = 6, T = 12)."""
    from rnnviz.core.analysis import ExperimentConfig

    return ExperimentConfig(cell="lstm", hidden_size=6, input_size=3, seq_len=12, anchor=0)


@pytest.fixture
def closed_after(qtbot):
    """``closed_after(window) -> window``: the window is closed after the test and its jobs stopped."""
    windows = []

    def keep(window):
        qtbot.addWidget(window)
        windows.append(window)
        return window

    yield keep
    for window in windows:
        window.close()
        window.runner.shutdown(10000)


@pytest.fixture
def make_window(closed_after, small_config):
    """Factory: ``make_window(**kwargs) -> MainWindow``; every window it made is closed afterwards.

    Defaults: the small configuration, no restored session. Pass ``engine=`` to drive the window
    with a scripted engine, ``config=`` for another start configuration.
    """
    from rnnviz.app.main_window import MainWindow

    def factory(**kwargs):
        kwargs.setdefault("restore_session", False)
        if "config" not in kwargs and kwargs.get("restore_session") is False:
            kwargs["config"] = small_config
        return closed_after(MainWindow(**kwargs))

    return factory


def wait_for_results(qtbot, window, complete_map: bool = True, timeout: int = 30000) -> None:
    """Block (processing events) until the window shows results for its current configuration."""

    def done():
        fast = window.state.fast_result
        if fast is None or fast.config != window.state.config or window.compute.has_pending():
            return False
        if window.runner.current_job_id("explore") is not None and complete_map:
            return False
        if window.repaints.held():   # the panels' repaints still follow one another
            return False
        if any(panel.building for panel in window.panels):   # rows still built one per turn
            return False
        return not complete_map or (window.state.map_result is not None and window.state.map_result.complete)

    qtbot.waitUntil(done, timeout=timeout)


@pytest.fixture
def wait_results(qtbot):
    return lambda window, complete_map=True, timeout=30000: wait_for_results(qtbot, window, complete_map, timeout)


class EndlessCorpus:
    """A corpus loader that reads "chunks" for ever until its ``should_stop`` says stop (a huge corpus)."""

    def __init__(self):
        import threading

        self.started = threading.Event()
        self.chunks = 0
        self.stopped = False

    def __call__(self, corpus, *, should_stop=None, **_kwargs):
        import time

        from rnnviz.core.cancel import Cancelled

        assert should_stop is not None, "the trainer must let Stop end the corpus loading"
        self.started.set()
        while not should_stop():
            self.chunks += 1
            time.sleep(0.005)
        self.stopped = True
        raise Cancelled("corpus loading stopped")


@pytest.fixture
def endless_corpus():
    """A corpus loader that never finishes unless its ``should_stop`` hook says stop."""
    return EndlessCorpus()


@pytest.fixture
def language(request, qapp):
    """Installs the interface language ``request.param``; English again afterwards."""
    from rnnviz.app.i18n import ENGLISH, install_language

    install_language(request.param, qapp)
    yield request.param
    install_language(ENGLISH, qapp)
