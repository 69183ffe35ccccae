"""Start the desktop application: ``run_app(argv) -> exit status``."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from rnnviz import resources_dir

ORGANIZATION = "rnnviz"
APPLICATION = "rnnviz"
#: The desktop entry's name (resources/rnnviz.desktop): Wayland and the task bar match windows with it.
DESKTOP_FILE_NAME = "rnnviz"


def application_icon() -> QIcon:
    """The application icon (resources/icons/rnnviz.svg; a null icon if the file is missing)."""
    return QIcon(str(resources_dir() / "icons" / "rnnviz.svg"))


def ensure_application(argv: list[str] | None = None) -> QApplication:
    """The process's QApplication (created with rnnviz's organisation/application names if needed)."""
    app = QApplication.instance()
    if app is None:
        from rnnviz.app.allocator import keep_freed_memory

        keep_freed_memory()  # each recomputation reuses the last one's memory (see allocator)
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


def run_app(argv: list[str] | None = None) -> int:
    """Open the explorer window and run the event loop until it closes; returns the exit status."""
    app = ensure_application(sys.argv if argv is None else argv)
    from rnnviz.app.main_window import MainWindow

    window = MainWindow()
    window.show()
    status = app.exec()
    return int(status)
