"""Session files: the explorer's configuration as versioned JSON.

``{"format": "rnnviz-session", "version": 1, "config": {...ExperimentConfig...}, "view": {...}}``.
Reading validates everything before returning, so a bad or newer file changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from rnnviz import __version__
from rnnviz.core.analysis import ExperimentConfig
from rnnviz.app.i18n import translated
from rnnviz.app.state import MAX_AUX_SIZE, MAX_SEQ_LEN
from rnnviz.core.config import ConfigError
from rnnviz.io_utils import atomic_write_json, parse_json

SESSION_FORMAT = "rnnviz-session"
SESSION_VERSION = 1

#: What the explorer's controls can show (panels/controls.py): a session beyond these would be
#: shown clamped, i.e. wrongly, so it is refused. Field -> (low, high, the control's name).
CONTROL_RANGES = {
    "hidden_size": (1, 1024, QT_TRANSLATE_NOOP("Names", "hidden size")),
    "input_size": (1, 512, QT_TRANSLATE_NOOP("Names", "input size")),
    "num_layers": (1, 8, QT_TRANSLATE_NOOP("Names", "layers")),
    "seq_len": (1, MAX_SEQ_LEN, QT_TRANSLATE_NOOP("Names", "length T")),
    "seed": (0, 2**31 - 1, QT_TRANSLATE_NOOP("Names", "seed")),
    "radius": (0.0, 10.0, QT_TRANSLATE_NOOP("Names", "spectral radius")),
    "init_scale": (0.0, 10.0, QT_TRANSLATE_NOOP("Names", "init scale")),
    "forget_bias": (-10.0, 10.0, QT_TRANSLATE_NOOP("Names", "forget bias")),
    "input_scale": (0.0, 100.0, QT_TRANSLATE_NOOP("Names", "input scale")),
    "leaky_slope": (0.0, 1.0, QT_TRANSLATE_NOOP("Names", "leaky slope")),
    "aux_size": (0, MAX_AUX_SIZE, QT_TRANSLATE_NOOP("Names", "auxiliary input size A")),
    "aux_scale": (0.0, 100.0, QT_TRANSLATE_NOOP("Names", "auxiliary input scale")),
}


def check_control_ranges(config: ExperimentConfig) -> None:
    """ConfigError naming the first field outside what the explorer's controls offer."""
    for name, (low, high, label) in CONTROL_RANGES.items():
        value = getattr(config, name)
        if value is not None and not low <= value <= high:
            raise ConfigError(QCoreApplication.translate("Session", "{0} {1:g} is beyond the explorer's range [{2:g}, {3:g}]").format(
                QCoreApplication.translate("Names", label), value, low, high))


def session_dict(config: ExperimentConfig, view: dict | None = None) -> dict:
    return {"format": SESSION_FORMAT, "version": SESSION_VERSION, "rnnviz": __version__,
            "config": config.to_dict(), "view": dict(view or {})}


def write_session(path, config: ExperimentConfig, view: dict | None = None) -> None:
    """Write atomically (the old file stays intact if anything fails)."""
    atomic_write_json(path, session_dict(config, view))


def parse_session(data) -> tuple[ExperimentConfig, dict]:
    """(config, view) from a decoded session object; ConfigError with one clear line otherwise."""
    if not isinstance(data, dict):
        raise ConfigError(QCoreApplication.translate("Session", "not an rnnviz session: expected a JSON object"))
    if data.get("format") != SESSION_FORMAT:
        raise ConfigError(QCoreApplication.translate("Session", "not an rnnviz session: 'format' is {0!r}, expected {1!r}").format(
            data.get("format"), SESSION_FORMAT))
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ConfigError(QCoreApplication.translate("Session", "session has no valid 'version' (got {0!r})").format(version))
    if version > SESSION_VERSION:
        raise ConfigError(QCoreApplication.translate("Session", "session version {0} is newer than this rnnviz supports ({1}); "
                                                     "update rnnviz to open it").format(version, SESSION_VERSION))
    if version < 1:
        raise ConfigError(QCoreApplication.translate("Session", "session version {0} is not valid").format(version))
    try:
        config = ExperimentConfig.from_dict(data.get("config"))
        config.validate()
    except (TypeError, ValueError, AttributeError) as error:  # ConfigError is a ValueError
        raise ConfigError(QCoreApplication.translate("Session", "session config is invalid: {0}").format(translated(error))) from None
    check_control_ranges(config)
    view = data.get("view", {})
    return config, view if isinstance(view, dict) else {}


def read_session(path) -> tuple[ExperimentConfig, dict]:
    """Read and validate a session file; ConfigError naming the file on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(QCoreApplication.translate("Session", "cannot read {0}: {1}").format(path.name, error)) from None
    data = parse_json(text, path.name)
    try:
        return parse_session(data)
    except ConfigError as error:
        raise ConfigError("{name}: {error}", name=path.name, error=error) from None
