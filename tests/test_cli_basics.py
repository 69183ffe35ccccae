"""The rnnviz command itself: help, version, GUI dispatch and error reporting."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

import rnnviz
from rnnviz import cli
from rnnviz._display import has_display
from rnnviz.core.config import ConfigError
from rnnviz.errors import InputFileError

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _run_module(*arguments: str, env_update: dict[str, str | None] | None = None):
    environment = dict(os.environ)
    for key, value in (env_update or {}).items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return subprocess.run(
        [sys.executable, "-m", "rnnviz", *arguments],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_version_via_python_m():
    result = _run_module("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"rnnviz {rnnviz.__version__}"


def test_help_lists_every_registered_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    for name in cli.COMMAND_MODULES:
        assert name in help_text


def test_console_script_is_declared():
    import tomllib

    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["rnnviz"] == "rnnviz.cli:main"
    assert project["requires-python"] == ">=3.11"


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({}, "linux", False),
        ({"DISPLAY": ""}, "linux", False),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", True),
        ({}, "freebsd13", False),
        ({}, "darwin", True),
        ({}, "win32", True),
    ],
)
def test_has_display(environ, platform, expected):
    assert has_display(environ, platform) is expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the no-display rule is Linux-only")
def test_no_display_prints_one_line_and_exits_2():
    result = _run_module(env_update={"DISPLAY": None, "WAYLAND_DISPLAY": None, "QT_QPA_PLATFORM": None})
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines == [cli.no_display_message()]
    assert lines[0].startswith("rnnviz: no display found; use the headless commands:")


def test_gui_is_started_when_a_display_exists(monkeypatch):
    import types

    calls = []
    fake_main = types.ModuleType("rnnviz.app.main")
    fake_main.run_app = lambda argv=None: calls.append(argv) or 0
    monkeypatch.setitem(sys.modules, "rnnviz.app.main", fake_main)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert cli.main([]) == 0
    assert calls == [["rnnviz"]]


def _fake_command_parser(func):
    parser = cli._OneLineParser(prog="rnnviz")
    subparsers = parser.add_subparsers(dest="command")
    fake = subparsers.add_parser("fake")
    fake.add_argument("--count", type=int, default=1)
    fake.set_defaults(func=func)
    return parser


@pytest.mark.parametrize(
    ("error", "expected_line"),
    [
        (ConfigError("hidden_size must be >= 1, got 0"), "rnnviz fake: error: hidden_size must be >= 1, got 0"),
        (InputFileError("weights file w.npz is not a valid .npz"),
         "rnnviz fake: error: weights file w.npz is not a valid .npz"),
        (FileNotFoundError(2, "No such file or directory", "w.npz"),
         "rnnviz fake: error: No such file or directory: w.npz"),
        (PermissionError(13, "Permission denied", "/out/m.npz"), "rnnviz fake: error: Permission denied: /out/m.npz"),
        (ConfigError("multi\nline   message"), "rnnviz fake: error: multi line message"),
        (MemoryError("Unable to allocate 4.3 GiB"),
         "rnnviz fake: error: out of memory (Unable to allocate 4.3 GiB); try smaller settings"),
    ],
)
def test_user_errors_become_one_line_and_exit_2(monkeypatch, capsys, error, expected_line):
    def run(args: argparse.Namespace) -> int:
        raise error

    monkeypatch.setattr(cli, "build_parser", lambda: _fake_command_parser(run))
    monkeypatch.delenv("RNNVIZ_DEBUG", raising=False)
    assert cli.main(["fake"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [expected_line]


@pytest.mark.parametrize("error", [ValueError("J must be finite"), KeyError("a bug"), TypeError("oops")])
def test_bugs_are_internal_errors_not_user_errors(monkeypatch, capsys, error):
    # A plain ValueError is not an expected failure: it is reported as a bug, with exit status 1.
    def run(args):
        raise error

    monkeypatch.setattr(cli, "build_parser", lambda: _fake_command_parser(run))
    monkeypatch.delenv("RNNVIZ_DEBUG", raising=False)
    assert cli.main(["fake"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"rnnviz fake: internal error: {type(error).__name__}: ")
    assert "RNNVIZ_DEBUG=1" in lines[0]


@pytest.mark.parametrize("error", [ValueError("boom"), ConfigError("boom")])
def test_debug_env_shows_the_traceback(monkeypatch, error):
    def run(args):
        raise error

    monkeypatch.setattr(cli, "build_parser", lambda: _fake_command_parser(run))
    monkeypatch.setenv("RNNVIZ_DEBUG", "1")
    with pytest.raises(type(error), match="boom"):
        cli.main(["fake"])


def test_keyboard_interrupt_exits_130_quietly(monkeypatch, capsys):
    def run(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", lambda: _fake_command_parser(run))
    assert cli.main(["fake"]) == 130
    captured = capsys.readouterr()
    assert captured.out == captured.err == ""


def test_command_exit_status_is_passed_through(monkeypatch):
    monkeypatch.setattr(cli, "build_parser", lambda: _fake_command_parser(lambda args: args.count))
    assert cli.main(["fake", "--count", "3"]) == 3


@pytest.mark.parametrize("arguments", [["--no-such-flag"], ["fake", "--count", "x"], ["nonsense"]])
def test_usage_errors_are_one_line(monkeypatch, capsys, arguments):
    monkeypatch.setattr(cli, "build_parser", lambda: _fake_command_parser(lambda args: 0))
    with pytest.raises(SystemExit) as exit_info:
        cli.main(arguments)
    assert exit_info.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert ": error: " in lines[0]


def test_resources_dir_points_at_top_level_resources(tmp_path):
    expected = PROJECT_ROOT / "resources"
    if expected.is_dir():
        assert rnnviz.resources_dir() == expected
    else:
        with pytest.raises(FileNotFoundError, match="resources folder not found"):
            rnnviz.resources_dir()
