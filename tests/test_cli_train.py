"""`rnnviz train` and `rnnviz sample` through the real command-line entry point."""
from __future__ import annotations

import json

import numpy as np
import pytest

from rnnviz import cli


@pytest.fixture(autouse=True)
def _with_lm_commands(monkeypatch):
    modules = tuple(dict.fromkeys(cli.COMMAND_MODULES + ("train", "sample")))
    monkeypatch.setattr(cli, "COMMAND_MODULES", modules)


SMALL = ["--hidden", "16", "--embed", "8", "--seq-len", "16", "--batch", "8", "--seed", "1",
         "--snapshot-every", "0"]


def _one_error_line(capsys, pattern):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert pattern in err[0], err[0]


def test_train_json_and_sample(tmp_path, capsys):
    checkpoint = tmp_path / "m.npz"
    log = tmp_path / "log.jsonl"
    code = cli.main(["train", "--corpus", "builtin:sample", *SMALL, "--max-steps", "12",
                     "--checkpoint", str(checkpoint), "--log", str(log), "--json"])
    assert code == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out.strip().splitlines()[-1])
    assert set(result) == {"valid_loss", "valid_ppl", "test_loss", "test_ppl", "tokens_per_s", "seconds"}
    assert result["valid_ppl"] == pytest.approx(np.exp(result["valid_loss"]))
    assert result["test_ppl"] < 45  # below the uniform guess over the sample's characters
    assert "perplexity" in captured.out and "ETA" in captured.err
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["step"] for e in events if e["kind"] == "step"] == list(range(1, 13))
    assert cli.main(["sample", "--checkpoint", str(checkpoint), "--length", "30", "--prime", "The ",
                     "--temperature", "0.7"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("The ") and len(text.rstrip("\n")) >= 34
    assert cli.main(["sample", "--checkpoint", str(checkpoint), "--length", "0", "--prime", "Th",
                     "--top", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    probabilities = [float(line.split("\t")[1]) for line in lines[:3]]
    assert probabilities == sorted(probabilities, reverse=True) and 0 < sum(probabilities) <= 1
    assert lines[3] == "Th"
    # resume continues the step count
    assert cli.main(["train", "--resume", str(checkpoint), "--max-steps", "15", "--json"]) == 0
    assert "15 steps" in capsys.readouterr().out


def test_word_level_from_separate_files(tmp_path, capsys):
    train = tmp_path / "train.txt"
    train.write_text("".join(f"a b c {i % 5} d e\n" for i in range(120)), encoding="utf-8")
    valid = tmp_path / "valid.txt"
    valid.write_text("a b c 1 d e\na b z\n", encoding="utf-8")
    assert cli.main(["train", "--corpus", str(train), "--valid", str(valid), "--level", "word",
                     *SMALL, "--max-steps", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["test_loss"] is None and result["valid_loss"] > 0


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"\xff\xfe\xfa bad", "not valid UTF-8"),
    (b"too short for a batch\n", "shorter than one batch"),
])
def test_bad_corpora_exit_with_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "corpus.txt"
    path.write_bytes(content)
    assert cli.main(["train", "--corpus", str(path), *SMALL, "--max-steps", "1"]) != 0
    _one_error_line(capsys, message)


def test_missing_files_and_corrupt_checkpoint(tmp_path, capsys):
    assert cli.main(["train", "--corpus", str(tmp_path / "missing.txt")]) != 0
    _one_error_line(capsys, "not found")
    assert cli.main(["sample", "--checkpoint", str(tmp_path / "missing.npz")]) != 0
    _one_error_line(capsys, "not found")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"PK\x03\x04 definitely not a zip")
    assert cli.main(["sample", "--checkpoint", str(bad)]) != 0
    _one_error_line(capsys, "not a valid .npz")
    assert cli.main(["train", "--resume", str(bad)]) != 0
    _one_error_line(capsys, "not a valid .npz")


def test_bad_option_values(capsys):
    assert cli.main(["train", "--corpus", "builtin:sample", "--cell", "tcn"]) != 0
    _one_error_line(capsys, "unknown cell")
    assert cli.main(["train", "--corpus", "builtin:sample", "--dropout", "1.5"]) != 0
    _one_error_line(capsys, "dropout must be <= 0.95")


def test_ptb_small_preset_fields():
    from rnnviz.commands.train import build_config

    parser = cli.build_parser()
    config, _ = build_config(parser.parse_args(["train", "--preset", "ptb-small", "--corpus", "x"]))
    assert (config.cell, config.layers, config.hidden, config.seq_len, config.batch) == ("lstm", 2, 200, 20, 20)
    assert (config.optimizer, config.lr, config.lr_decay, config.decay_after) == ("sgd", 1.0, 0.5, 4)
    assert (config.epochs, config.clip_norm, config.dropout, config.init_scale) == (13, 5.0, 0.0, 0.1)
    # an explicit option wins over the preset
    config, _ = build_config(parser.parse_args(["train", "--preset", "ptb-small", "--epochs", "2"]))
    assert config.epochs == 2


def test_ptb_small_preset_runs_on_a_ptb_format_folder(tmp_path, capsys):
    words = [f"w{i}" for i in range(30)]
    rng = np.random.default_rng(0)
    for name, lines in (("ptb.train.txt", 300), ("ptb.valid.txt", 40), ("ptb.test.txt", 40)):
        text = "".join(" " + " ".join(rng.choice(words, 8)) + " \n" for _ in range(lines))
        (tmp_path / name).write_text(text, encoding="utf-8")
    code = cli.main(["train", "--preset", "ptb-small", "--corpus", str(tmp_path), "--hidden", "16",
                     "--embed", "16", "--max-steps", "4", "--json", "--quiet"])
    assert code == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    # 30 words + <eos>: the first steps stay near the uniform guess ln 31
    assert result["test_ppl"] == pytest.approx(31, rel=0.5)
