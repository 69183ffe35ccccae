"""Typed access to QSettings: every read states its type, so nothing is parsed back from strings."""

from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT_FILES = 8
MIN_BUDGET_GB = 0.25
MAX_BUDGET_GB = 1024.0


class Settings:
    """The explorer's persistent preferences (window geometry, recent files, last session, folders)."""

    def __init__(self, qsettings: QSettings | None = None):
        self.qsettings = qsettings if qsettings is not None else QSettings()

    def _get(self, key: str, default, kind):
        value = self.qsettings.value(key, default, type=kind)
        return default if value is None else value

    # -- window ---------------------------------------------------------------------------------
    def geometry(self) -> QByteArray:
        return self._get("window/geometry", QByteArray(), QByteArray)

    def set_geometry(self, geometry: QByteArray) -> None:
        self.qsettings.setValue("window/geometry", geometry)

    def window_state(self) -> QByteArray:
        return self._get("window/state", QByteArray(), QByteArray)

    def set_window_state(self, state: QByteArray) -> None:
        self.qsettings.setValue("window/state", state)

    # -- files ----------------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self._get("files/recent", [], list)
        return [str(item) for item in value if item][:MAX_RECENT_FILES]

    def add_recent_file(self, path: str) -> list[str]:
        files = [path] + [item for item in self.recent_files() if item != path]
        files = files[:MAX_RECENT_FILES]
        self.qsettings.setValue("files/recent", files)
        return files

    def remove_recent_file(self, path: str) -> None:
        self.qsettings.setValue("files/recent", [item for item in self.recent_files() if item != path])

    def last_folder(self, purpose: str) -> str:
        return self._get(f"folders/{purpose}", "", str)

    def set_last_folder(self, purpose: str, folder: str) -> None:
        self.qsettings.setValue(f"folders/{purpose}", folder)

    def last_export_filter(self) -> str:
        return self._get("export/filter", "", str)

    def set_last_export_filter(self, name_filter: str) -> None:
        self.qsettings.setValue("export/filter", name_filter)

    # -- session --------------------------------------------------------------------------------
    def last_session(self) -> dict | None:
        """The session dict saved at the last exit, or None (also None if it was unreadable)."""
        text = self._get("session/last", "", str)
        if not text:
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            return None
        return value if isinstance(value, dict) else None

    def set_last_session(self, session: dict) -> None:
        self.qsettings.setValue("session/last", json.dumps(session))

    # -- memory -----------------------------------------------------------------------------------
    def memory_budget_gb(self) -> float:
        """The explorer's memory budget in GB (binary); out-of-range values give the default."""
        from rnnviz.core.budget import DEFAULT_BUDGET_BYTES

        default = DEFAULT_BUDGET_BYTES / 1024**3
        value = self._get("memory/budget_gb", default, float)
        return float(value) if MIN_BUDGET_GB <= value <= MAX_BUDGET_GB else default

    def set_memory_budget_gb(self, gigabytes: float) -> None:
        self.qsettings.setValue("memory/budget_gb", float(min(MAX_BUDGET_GB, max(MIN_BUDGET_GB, gigabytes))))

    # -- language ---------------------------------------------------------------------------------
    def language(self) -> str:
        """The interface language chosen in View → Language: "system" (the default), "en" or "zh_CN"."""
        from rnnviz.app.i18n import CHOICES, SYSTEM

        value = str(self._get("ui/language", SYSTEM, str))
        return value if value in CHOICES else SYSTEM

    def set_language(self, choice: str) -> None:
        from rnnviz.app.i18n import CHOICES

        if choice not in CHOICES:
            raise ValueError(f"unknown language choice {choice!r}; use one of {', '.join(CHOICES)}")
        self.qsettings.setValue("ui/language", choice)

    # -- sweeps ----------------------------------------------------------------------------------
    def sweep_scheduler(self) -> str:
        """The Dask scheduler address the Experiments tab runs sweeps on ("" = this machine)."""
        return str(self._get("sweep/scheduler", "", str)).strip()

    def set_sweep_scheduler(self, address: str) -> None:
        self.qsettings.setValue("sweep/scheduler", str(address).strip())

    def sync(self) -> None:
        self.qsettings.sync()
