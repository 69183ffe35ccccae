"""The desktop app leaves its start-up objects out of full garbage collections (rnnviz.app.main)."""

from __future__ import annotations

import gc
import weakref

from rnnviz.app import main


class _Node:
    pass


def test_start_up_objects_are_frozen_and_later_garbage_is_still_collected(qapp):
    gc.unfreeze()
    try:
        main.freeze_startup_objects()
        assert gc.get_freeze_count() > 1000   # the interpreter's, Qt's and rnnviz's objects
        a, b = _Node(), _Node()
        a.other, b.other = b, a               # a cycle made after the freeze
        ref = weakref.ref(a)
        del a, b
        gc.collect()
        assert ref() is None
    finally:
        gc.unfreeze()


def test_run_app_freezes_once_the_window_is_built_and_before_it_is_shown(monkeypatch):
    import rnnviz.app.main_window as main_window

    calls = []

    class Window:
        def __init__(self):
            calls.append("built")

        def show(self):
            calls.append("shown")

    class App:
        def exec(self):
            calls.append("exec")
            return 0

    monkeypatch.setattr(main_window, "MainWindow", Window)
    monkeypatch.setattr(main, "ensure_application", lambda argv=None: App())
    monkeypatch.setattr(main, "freeze_startup_objects", lambda: calls.append("frozen"))
    assert main.run_app(["rnnviz"]) == 0
    assert calls == ["built", "frozen", "shown", "exec"]
