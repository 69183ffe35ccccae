"""Lecture presets: JSON files in ``resources/presets`` ({"name", "title", "description", "config"}).

``config`` lists only the fields that differ from ExperimentConfig's defaults; everything else
takes the default, so a preset stays valid when new fields are added.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rnnviz import resources_dir
from rnnviz.core.analysis import ExperimentConfig
from rnnviz.core.config import ConfigError


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str
    config: ExperimentConfig


def presets_dir() -> Path:
    return resources_dir() / "presets"


def read_preset(path: Path) -> Preset:
    """Parse one preset file; ConfigError with the file name on any problem."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError("preset {name}: cannot read ({error})", name=Path(path).name, error=error) from None
    if not isinstance(data, dict) or not isinstance(data.get("config"), dict):
        raise ConfigError("preset {name}: expected an object with a 'config' object", name=Path(path).name)
    try:
        config = ExperimentConfig.from_dict({**ExperimentConfig().to_dict(), **data["config"]})
        config.validate()
    except (ConfigError, TypeError, ValueError) as error:
        raise ConfigError("preset {name}: {error}", name=Path(path).name, error=error) from None
    name = str(data.get("name", Path(path).stem))
    return Preset(name=name, title=str(data.get("title", name)), description=str(data.get("description", "")),
                  config=config)


def list_presets() -> list[Preset]:
    """Every preset in display order ("order" field, then name)."""
    entries = []
    for path in sorted(presets_dir().glob("*.json")):
        order = json.loads(path.read_text(encoding="utf-8")).get("order", 1000)
        entries.append((order, path.stem, read_preset(path)))
    return [preset for _order, _name, preset in sorted(entries, key=lambda entry: entry[:2])]


def load_preset(name: str) -> Preset:
    """The preset called ``name`` (file stem); ConfigError naming the available ones otherwise."""
    path = presets_dir() / f"{name}.json"
    if not path.is_file():
        available = ", ".join(sorted(p.stem for p in presets_dir().glob("*.json")))
        raise ConfigError("unknown preset {name!r}; available: {available}", name=name, available=available)
    return read_preset(path)
