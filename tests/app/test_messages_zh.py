"""rnnviz's error messages and the memory budget's refusals in the interface language: core keeps
English (a rnnviz.errors.Message with its template and values), the explorer translates them at its
boundary (rnnviz.app.i18n.translated) and falls back to the English text."""

from __future__ import annotations

import pytest

from tests.app.test_i18n import english_words


@pytest.fixture
def chinese(qapp):
    from rnnviz.app.i18n import CHINESE, ENGLISH, install_language

    install_language(CHINESE, qapp)
    yield
    install_language(ENGLISH, qapp)


def test_messages_keep_english_and_their_template():
    """Outside the explorer (command line, Python API) a message is the English text it always was."""
    import pickle

    from rnnviz.core.analysis import ExperimentConfig
    from rnnviz.core.config import ConfigError
    from rnnviz.errors import Message

    with pytest.raises(ConfigError) as caught:
        ExperimentConfig(radius=-1.0).validate()
    assert str(caught.value) == "spectral radius must be >= 0, got -1.0"
    assert caught.value.message.template == "spectral radius must be >= 0, got {radius}"
    assert caught.value.message.params == {"radius": -1.0}
    again = pickle.loads(pickle.dumps(caught.value))   # from a worker process
    assert str(again) == str(caught.value) and again.message.template == caught.value.message.template
    assert isinstance(caught.value.message, str) and Message("a {b}") == "a {b}"


def test_translated_fills_in_translates_nested_and_falls_back(chinese):
    from rnnviz.app.i18n import translated
    from rnnviz.core.config import ConfigError
    from rnnviz.errors import Message, Parts

    error = ConfigError("invalid {what}: {exc}", what="config", exc=ConfigError("spectral radius must be >= 0, got {radius}",
                                                                                 radius=-2))
    assert translated(error) == "无效的config：谱半径必须 ≥ 0，实际为 -2"
    listed = Message("~{total} ({largest})", total="2 GB", largest=Parts([Message("weights"), Message("spectra")]))
    assert translated(listed) == "约 2 GB（权重、谱）"
    assert translated(ConfigError("not a template anyone translated: {x}", x=1)) == "not a template anyone translated: 1"
    assert translated(ValueError("plain")) == "plain" and translated("text") == "text"


def test_the_explorer_shows_core_errors_and_refusals_in_chinese(chinese, make_window, wait_results, qtbot, tmp_path):
    """Several ConfigErrors from rnnviz.core and the memory budget's refusal, each reaching the
    zh_CN window by its own path (AppState, a job, the Experiments tab, the Trainer), read Chinese."""
    window = make_window()
    wait_results(window)
    shown: list[str] = []
    window.error_shown.connect(shown.append)   # AppState's messages and the jobs' failures
    # rnnviz.core.config / analysis validation, through AppState
    assert not window.state.update(radius=-1.0)
    assert not window.state.update(cell="q9")
    # the memory budget's refusal (rnnviz.core.budget), with the estimate's parts
    window.compute.budget_bytes = 1024 ** 2
    assert not window.state.update(hidden_size=256, seq_len=400)
    window.compute.budget_bytes = 4 * 1024 ** 3
    # rnnviz.core.formats, through a job (File → Open network…)
    window.opener.open_network(tmp_path / "missing.pt")
    qtbot.waitUntil(lambda: len(shown) >= 4, timeout=20000)
    # rnnviz.core.sweep, in the Experiments tab's status
    window.experiments.first_values.setText("1:2")
    assert window.experiments.run() is None
    shown.append(window.experiments.status.text())
    # rnnviz.lm, in the Trainer tab's status
    window.trainer.corpus_edit.setCurrentText("builtin:nothing")
    window.trainer.start()
    qtbot.waitUntil(lambda: "builtin" in window.trainer.status_label.text() and not window.trainer.running,
                    timeout=20000)
    shown.append(window.trainer.status_label.text())
    assert len(shown) == 6, shown
    assert "谱半径" in shown[0] and "未知的单元" in shown[1] and "逐步雅可比矩阵" in shown[2] and "预算" in shown[2]
    assert "找不到网络文件" in shown[3] and "逗号分隔的列表" in shown[4] and "内置语料" in shown[5]
    problems = [f"{text!r}: {words}" for text in shown if (words := english_words(text))]
    assert not problems, "\n".join(problems)


def test_the_same_messages_stay_english_in_english(make_window, wait_results):
    window = make_window()
    wait_results(window)
    shown: list[str] = []
    window.state.message.connect(shown.append)
    assert not window.state.update(radius=-1.0)
    assert shown == ["Not applied: spectral radius must be >= 0, got -1.0"]


def test_a_diverged_training_run_is_reported_in_chinese(chinese, qtbot):
    """rnnviz.lm's divergence report (a Message with nested ones) in the Trainer tab's status."""
    from rnnviz.app.panels.trainer import TrainerPanel
    from rnnviz.lm.data import load_corpus
    from rnnviz.lm.train import TrainConfig, train
    from tests.lm.test_train import SMALL

    config = TrainConfig(cell="rnn", activation="relu", optimizer="sgd", lr=1e30, clip_norm=None, max_steps=20,
                         **SMALL)
    last = list(train(config, load_corpus("builtin:sample")))[-1]
    assert last.kind == "diverged" and "training stopped" in last.message   # English outside the explorer
    from rnnviz.app.jobs import JobRunner

    runner = JobRunner()
    panel = TrainerPanel(runner)
    qtbot.addWidget(panel)
    text = panel._final_message(last)
    runner.shutdown(5000)
    assert text.startswith("训练发散：") and "训练已停止" in text, text
    assert english_words(text) == [], text


def test_the_names_in_file_and_config_messages_are_chinese_too(chinese, make_window, tmp_path):
    """A message whose template names what is wrong ("{what} file not found", "unknown {what}
    key(s)", "{what} is shorter than one batch") reads Chinese whole: the name is a Message too."""
    import json

    from rnnviz.app.i18n import translated
    from rnnviz.app.session import session_dict
    from rnnviz.core.analysis import ExperimentConfig
    from rnnviz.core.config import ConfigError
    from rnnviz.core.formats.inputs import read_input_file
    from rnnviz.lm.data import load_corpus
    from rnnviz.lm.train import TrainConfig, Trainer

    window = make_window()
    session = session_dict(ExperimentConfig())
    session["config"]["spectral_wobble"] = 1
    (tmp_path / "odd.json").write_text(json.dumps(session), encoding="utf-8")
    assert not window.open_session(tmp_path / "odd.json")            # a session with a key nobody knows
    shown = [window.last_error]
    with pytest.raises(ConfigError) as missing:                       # File → Open inputs…, a file gone
        read_input_file(tmp_path / "gone.npy", 1)
    with pytest.raises(ConfigError) as short:                         # the Trainer on a tiny text
        Trainer(TrainConfig(batch=512, seq_len=512, max_steps=1), load_corpus("builtin:sample"))
    shown += [translated(missing.value), translated(short.value)]
    assert "未知的配置键" in shown[0] and "找不到输入文件" in shown[1] and shown[2].startswith("训练文本不足一个批次"), shown
    problems = [f"{text!r}: {words}" for text in shown if (words := english_words(text))]
    assert not problems, "\n".join(problems)
    assert str(missing.value).startswith("inputs file not found")     # the API and the CLI keep English
