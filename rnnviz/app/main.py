"""Start the desktop application: ``run_app(argv) -> exit status``."""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from rnnviz import resources_dir

ORGANIZATION = "rnnviz"
APPLICATION = "rnnviz"
#: The desktop entry's name (resources/rnnviz.desktop): Wayland and the task bar match windows with it.
DESKTOP_FILE_NAME = "rnnviz"
#: The interpreter's thread switch interval in the app (seconds; Python's default is 0.005).
UI_SWITCH_INTERVAL_S = 0.001


def application_icon() -> QIcon:
    """The application icon (resources/icons/rnnviz.svg; a null icon if the file is missing)."""
    return QIcon(str(resources_dir() / "icons" / "rnnviz.svg"))


def ensure_application(argv: list[str] | None = None) -> QApplication:
    """The process's QApplication (created with rnnviz's organisation/application names if needed)."""
    app = QApplication.instance()
    if app is None:
        from rnnviz.app.allocator import keep_freed_memory

        keep_freed_memory()  # each recomputation reuses the last one's memory (see allocator)
        # The UI thread waits for the interpreter lock each time it comes back from Qt into Python
        # (a paint calls Python for every axis and curve). A worker in a Python loop (training, the
        # explorer's job) keeps the lock until the switch interval has passed: at the default 5 ms
        # the Trainer's redraw + paint (25 ms of CPU) waited a further 25-29 ms (median) for the
        # lock; at 1 ms, 3-17 ms (training steps per second: within the noise of the same runs).
        sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
        QCoreApplication.setOrganizationName(ORGANIZATION)
        QCoreApplication.setApplicationName(APPLICATION)
        app = QApplication(list(argv) if argv else ["rnnviz"])
        # Qt appends the display name to window titles that do not already end with it.
        app.setApplicationDisplayName("rnnviz")
        QGuiApplication.setDesktopFileName(DESKTOP_FILE_NAME)
        app.setWindowIcon(application_icon())
        from rnnviz.app.i18n import install_language, resolve_language
        from rnnviz.app.settings import Settings

        install_language(resolve_language(Settings().language()), app)
    return app


def freeze_startup_objects() -> None:
    """Leave the objects alive now (modules, classes, the window's widgets and plot items: ~98 000)
    out of the interpreter's full garbage collections from here on.

    A full collection visits every tracked object: 50-67 ms here with the window built, taken at
    whatever moment the allocation count calls for it, often inside a paint (a tab's first paint
    after a walk of the controls: a 121 ms gap, 72 ms of it the collector). Objects made later
    (results, rebuilt plot rows) are collected as before; a cycle among the frozen objects that
    became garbage later would stay, at most the start-up objects. Call it once, with the window
    built: after a collection, so that no garbage is frozen."""
    gc.collect()
    gc.freeze()


def run_app(argv: list[str] | None = None) -> int:
    """Open the explorer window and run the event loop until it closes; returns the exit status."""
    app = ensure_application(sys.argv if argv is None else argv)
    from rnnviz.app.main_window import MainWindow

    window = MainWindow()
    freeze_startup_objects()
    window.show()
    status = app.exec()
    return int(status)
