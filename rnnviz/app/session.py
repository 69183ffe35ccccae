"""Session files: the explorer's configuration as versioned JSON.

``{"format": "rnnviz-session", "version": 1, "config": {...ExperimentConfig...}, "view": {...}}``.
Reading validates everything before returning, so a bad or newer file changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from rnnviz import __version__
from rnnviz.core.analysis import ExperimentConfig
from rnnviz.app.state import MAX_AUX_SIZE, MAX_SEQ_LEN
from rnnviz.core.config import ConfigError
from rnnviz.io_utils import atomic_write_json, parse_json

SESSION_FORMAT = "rnnviz-session"
SESSION_VERSION = 1

#: What the explorer's controls can show (panels/controls.py): a session beyond these would be
#: shown clamped, i.e. wrongly, so it is refused. Field -> (low, high, the control's name).
CONTROL_RANGES = {
    "hidden_size": (1, 1024, "hidden size"),
    "input_size": (1, 512, "input size"),
    "num_layers": (1, 8, "layers"),
    "seq_len": (1, MAX_SEQ_LEN, "length T"),
    "seed": (0, 2**31 - 1, "seed"),
    "radius": (0.0, 10.0, "spectral radius"),
    "init_scale": (0.0, 10.0, "init scale"),
    "forget_bias": (-10.0, 10.0, "forget bias"),
    "input_scale": (0.0, 100.0, "input scale"),
    "leaky_slope": (0.0, 1.0, "leaky slope"),
    "aux_size": (0, MAX_AUX_SIZE, "auxiliary input size A"),
    "aux_scale": (0.0, 100.0, "auxiliary input scale"),
}


def check_control_ranges(config: ExperimentConfig) -> None:
    """ConfigError naming the first field outside what the explorer's controls offer."""
    for name, (low, high, label) in CONTROL_RANGES.items():
        value = getattr(config, name)
        if value is not None and not low <= value <= high:
            raise ConfigError(f"{label} {value:g} is beyond the explorer's range [{low:g}, {high:g}]")


def session_dict(config: ExperimentConfig, view: dict | None = None) -> dict:
    return {"format": SESSION_FORMAT, "version": SESSION_VERSION, "rnnviz": __version__,
            "config": config.to_dict(), "view": dict(view or {})}


def write_session(path, config: ExperimentConfig, view: dict | None = None) -> None:
    """Write atomically (the old file stays intact if anything fails)."""
    atomic_write_json(path, session_dict(config, view))


def parse_session(data) -> tuple[ExperimentConfig, dict]:
    """(config, view) from a decoded session object; ConfigError with one clear line otherwise."""
    if not isinstance(data, dict):
        raise ConfigError("not an rnnviz session: expected a JSON object")
    if data.get("format") != SESSION_FORMAT:
        raise ConfigError(f"not an rnnviz session: 'format' is {data.get('format')!r}, expected {SESSION_FORMAT!r}")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ConfigError(f"session has no valid 'version' (got {version!r})")
    if version > SESSION_VERSION:
        raise ConfigError(f"session version {version} is newer than this rnnviz supports ({SESSION_VERSION}); "
                          "update rnnviz to open it")
    if version < 1:
        raise ConfigError(f"session version {version} is not valid")
    try:
        config = ExperimentConfig.from_dict(data.get("config"))
        config.validate()
    except (TypeError, ValueError, AttributeError) as error:  # ConfigError is a ValueError
        raise ConfigError(f"session config is invalid: {error}") from None
    check_control_ranges(config)
    view = data.get("view", {})
    return config, view if isinstance(view, dict) else {}


def read_session(path) -> tuple[ExperimentConfig, dict]:
    """Read and validate a session file; ConfigError naming the file on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {path.name}: {error}") from None
    data = parse_json(text, path.name)
    try:
        return parse_session(data)
    except ConfigError as error:
        raise ConfigError(f"{path.name}: {error}") from None
