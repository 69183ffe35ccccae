"""Fixtures for the Qt tests: every test gets its own QSettings store."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path_factory, qapp):
    """Point QSettings at a fresh per-test INI directory.

    Without this, one test's saved settings (last folder, window geometry, ...)
    leak into the next test and into the user's real configuration.
    """
    from PySide6.QtCore import QCoreApplication, QSettings

    settings_dir = tmp_path_factory.mktemp("qsettings")
    QCoreApplication.setOrganizationName("rnnviz-tests")
    QCoreApplication.setApplicationName("rnnviz-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.SystemScope, str(settings_dir / "system"))
    yield settings_dir
