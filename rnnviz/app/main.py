"""Start the desktop application: ``run_app(argv) -> exit status``."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

ORGANIZATION = "rnnviz"
APPLICATION = "rnnviz"


def ensure_application(argv: list[str] | None = None) -> QApplication:
    """The process's QApplication (created with rnnviz's organisation/application names if needed)."""
    app = QApplication.instance()
    if app is None:
        from rnnviz.app.allocator import keep_freed_memory

        keep_freed_memory()  # each recomputation reuses the last one's memory (see allocator)
        QCoreApplication.setOrganizationName(ORGANIZATION)
        QCoreApplication.setApplicationName(APPLICATION)
        app = QApplication(list(argv) if argv else ["rnnviz"])
        app.setApplicationDisplayName("rnnviz")
    return app


def run_app(argv: list[str] | None = None) -> int:
    """Open the explorer window and run the event loop until it closes; returns the exit status."""
    app = ensure_application(sys.argv if argv is None else argv)
    from rnnviz.app.main_window import MainWindow

    window = MainWindow()
    window.show()
    status = app.exec()
    return int(status)
