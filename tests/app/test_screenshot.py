"""`rnnviz screenshot` renders offscreen and writes a PNG."""

from __future__ import annotations

import argparse
import json

import pytest
from PySide6.QtGui import QImage

from rnnviz.commands import screenshot
from rnnviz.core.config import ConfigError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _parse(arguments):
    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers(dest="command")
    screenshot.register(subparsers)
    return parser.parse_args(["screenshot", *arguments])


@pytest.fixture
def small_session(tmp_path):
    path = tmp_path / "small.json"
    path.write_text(json.dumps({"format": "rnnviz-session", "version": 1,
                                "config": {"cell": "gru", "hidden_size": 5, "input_size": 3, "seq_len": 10}}))
    return path


@pytest.mark.parametrize("plot, size", [("window", (1100, 720)), ("decay", (500, 360)), ("map", (420, 380))])
def test_screenshot_writes_a_png_of_the_requested_size(qapp, tmp_path, small_session, plot, size, capsys):
    out = tmp_path / f"{plot}.png"
    args = _parse(["--session", str(small_session), "--plot", plot, "--out", str(out), "--size", "%dx%d" % size])
    assert args.func(args) == 0
    data = out.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 5000
    image = QImage(str(out))
    assert (image.width(), image.height()) == size
    # Not a blank picture: a plot has many distinct colours.
    colours = {image.pixel(x, y) for x in range(0, size[0], 7) for y in range(0, size[1], 7)}
    assert len(colours) > 20
    assert f"wrote {out}" in capsys.readouterr().out


def test_screenshot_of_a_preset(qapp, tmp_path, monkeypatch):
    from rnnviz.app import presets

    real_load = presets.load_preset

    def small_preset(name):
        preset = real_load(name)
        # Same preset, smaller network: the test checks the plumbing, not the engine's speed.
        return type(preset)(preset.name, preset.title, preset.description,
                            preset.config.replace(hidden_size=6, seq_len=15))

    monkeypatch.setattr(presets, "load_preset", small_preset)
    out = tmp_path / "preset.png"
    args = _parse(["--preset", "vanishing-rnn", "--out", str(out), "--size", "1024x700", "--presentation"])
    assert args.func(args) == 0
    assert out.read_bytes().startswith(PNG_SIGNATURE)


def test_screenshot_bad_input_is_one_clear_error(qapp, tmp_path):
    with pytest.raises(ConfigError, match="unknown preset"):
        args = _parse(["--preset", "nope", "--out", str(tmp_path / "x.png")])
        args.func(args)
    with pytest.raises(ValueError, match=".png"):
        args = _parse(["--out", str(tmp_path / "x.jpg")])
        args.func(args)
    with pytest.raises(SystemExit):
        _parse(["--out", str(tmp_path / "x.png"), "--size", "huge"])
    assert not (tmp_path / "x.png").exists()
