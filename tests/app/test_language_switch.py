"""View → Language switches at once and loses nothing: en → zh_CN → en with a configuration, an opened
network and inputs, the undo, a sweep's result, pins, a finished training run, a lesson at a step, a
tab, a focused plot, presentation mode and the window's size; the trained model's hand-off; a
training run that is going refuses the switch."""

from __future__ import annotations

import re

import pytest

from tests.app.test_i18n import interface_texts, untranslated

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


@pytest.fixture
def switch(qapp, closed_after):
    """``switch(window, language) -> new window``; English is installed again after the test."""
    from rnnviz.app.i18n import ENGLISH, install_language

    def run(window, language):
        window.language_actions[language].trigger()
        new = window.replaced_by
        assert new is not None and new.isVisible() and not window.isVisible()
        return closed_after(new)

    yield run
    install_language(ENGLISH, qapp)


def chinese_left(window) -> list[str]:
    """Chinese text in an English window (the language menu names 简体中文 in itself)."""
    return [f"{where}: {text!r}" for where, text in interface_texts(window)
            if CJK.search(text) and text != "简体中文"]


def on_every_tab(window, check) -> list[str]:
    """``check(window)`` with each tab shown in turn (the current one again afterwards)."""
    current, found = window.tabs.currentIndex(), []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        found += check(window)
    window.tabs.setCurrentIndex(current)
    return found


def test_en_zh_en_keeps_everything(make_window, wait_results, switch, qtbot):
    from rnnviz.app.gallery import opened_inputs, opened_network, run_gallery_sweep, run_gallery_training
    from rnnviz.app.i18n import current_language
    from rnnviz.app.lessons import lessons_dir

    window = make_window()
    window.resize(1400, 860)
    window.show()
    wait_results(window)
    # an opened network and inputs file, then a configuration change they allow
    assert window.opener.analyse_network(opened_network())
    assert window.opener.analyse_inputs(opened_inputs())
    assert window.state.update(anchor=5, loss_step=40)
    wait_results(window)
    weights, config = window.state.weights, window.state.config
    run_gallery_sweep(window)
    sweep = window.experiments.result
    window.compare.add_pin(config.replace(radius=None))
    window.compare.add_pin(config.replace(cell="rnn"), name="pin_b")
    qtbot.waitUntil(window.compare.wait_ready, timeout=60000)
    pins = [(pin.name, pin.config, window.compare.results[pin.uid]) for pin in window.compare.pins]
    run_gallery_training(window, epochs_spin=1)
    window.trainer.lr_spin.setValue(0.125)
    window.trainer.prime_edit.setText("Once ")
    window.experiments.workers.setValue(2)
    trained, events, sample = window.trainer.trainer, window.trainer.events, window.trainer.sample_text
    lesson = window.lessons.lessons[1]
    window.show_lesson(lesson, step=2)
    window.focus_plot("spectrum")
    window.tabs.setCurrentIndex(2)
    window.set_presentation_mode(True, full_screen=False)
    assert window.show_explanation("map")
    zoom = {0: [[2.0, 9.0], [-3.0, 0.5]]}
    window.panel_by_name["decay"].set_user_views(zoom)   # as a zoom with the mouse leaves it
    size = window.size()

    zh = switch(window, "zh_CN")
    assert current_language() == "zh_CN" and zh.settings.language() == "zh_CN"
    assert zh.state.config == config
    assert zh.state.weights.params is weights.params and zh.state.weights.inputs is weights.inputs
    assert zh.state.weights.network_file is weights.network_file and zh.state.weights.inputs_file is weights.inputs_file
    assert zh.state.weights.label == "网络 my-gru.safetensors" and "GRU" in zh.state.weights.description
    assert zh.experiments.result is sweep
    assert [(pin.config, zh.compare.results[pin.uid]) for pin in zh.compare.pins] == [(c, r) for _n, c, r in pins]
    assert zh.compare.pins[1].name == "pin_b"
    assert zh.trainer.trainer is trained and zh.trainer.events is events and zh.trainer.sample_text == sample
    assert zh.trainer.explorer_button.isEnabled() and zh.trainer.sample_view.toPlainText() == sample
    assert zh.trainer.lr_spin.value() == 0.125 and zh.trainer.prime_edit.text() == "Once "
    assert zh.experiments.workers.value() == 2
    assert zh.lessons.lesson.name == lesson.name and zh.lessons.step_index == 2
    assert lessons_dir("zh_CN") in zh.lessons.lesson.path.parents and zh.lessons_dock.isVisible()
    assert zh.tabs.currentIndex() == 2 and zh.focused_plot == "spectrum" and zh.presentation_mode
    assert zh.size() == size
    assert zh.explanation_dialog.isVisible() and zh.explanation_dialog.name == "map"
    assert zh.panel_by_name["decay"].user_views() == zoom and zh.panel_by_name["decay"].fit_button.isEnabled()
    assert "梯度" in zh.explanation_dialog.browser.toPlainText() and zh.explanation_dialog.presentation
    wait_results(zh)
    assert zh.panel_by_name["decay"].user_views() == zoom   # the new results keep the user's zoom
    problems = on_every_tab(zh, untranslated)
    assert not problems, "\n".join(problems)

    # what Ctrl+Z brings back goes along too
    assert zh.state.generated_inputs()
    assert zh.state.can_undo_drop and zh.undo_action.isEnabled()
    en = switch(zh, "en")
    assert current_language() == "en" and en.settings.language() == "en"
    assert en.state.weights.params is weights.params and en.state.weights.inputs is None
    assert en.state.can_undo_drop and en.undo_action.text() == "&Undo: back to the network my-gru.safetensors"
    assert en.experiments.result is sweep and en.trainer.trainer is trained
    assert en.lessons.lesson.name == lesson.name and en.lessons.step_index == 2
    assert lessons_dir("en") in en.lessons.lesson.path.parents
    assert en.tabs.currentIndex() == 2 and en.focused_plot == "spectrum" and en.presentation_mode
    assert en.size() == size
    wait_results(en)
    leftovers = on_every_tab(en, chinese_left)
    assert not leftovers, "\n".join(leftovers)
    assert en.undo_drop() and en.state.weights.inputs is weights.inputs


def test_the_trained_models_hand_off_is_carried_and_relabelled(make_window, wait_results, switch):
    from rnnviz.app.gallery import trained_handoff

    window = make_window()
    wait_results(window)
    handoff = trained_handoff()
    assert window.open_trained_model(handoff)
    wait_results(window)
    assert window.state.weights.label == "trained language model"
    zh = switch(window, "zh_CN")
    assert zh.state.weights.params is handoff.params and zh.state.weights.text == handoff.text
    assert zh.state.weights.label == "训练所得的语言模型" and "lstm" in zh.state.weights.description
    assert zh.state.config == window.state.config
    wait_results(zh)
    assert zh.state.fast_result is not None
    en = switch(zh, "en")
    assert en.state.weights.label == "trained language model"
    assert en.state.weights.description == window.state.weights.description


def test_a_running_training_refuses_the_switch(make_window, endless_corpus, qtbot, qapp):
    """While a run is going the window stays as it is, in its language, and says why."""
    from PySide6.QtWidgets import QMessageBox

    from rnnviz.app.i18n import current_language

    window = make_window()
    window.trainer.corpus_loader = endless_corpus
    assert window.trainer.start()
    qtbot.waitUntil(endless_corpus.started.is_set, timeout=10000)
    window.language_actions["zh_CN"].trigger()
    box = window.findChild(QMessageBox, "language_box")
    try:
        assert box is not None and box.isVisible()
        assert "Stop it" in box.text() and "running" in box.text()
        assert current_language() == "en" and window.settings.language() == "system"
        assert window.language_actions["system"].isChecked() and not window.language_actions["zh_CN"].isChecked()
        assert window.switch_language("zh_CN") is None and window.tabs.tabText(0) == "Explorer"
    finally:
        box.close()
        window.trainer.stop()
        qtbot.waitUntil(lambda: not window.trainer.running, timeout=10000)


def test_a_running_sweep_refuses_the_switch(make_window, wait_results):
    from PySide6.QtWidgets import QMessageBox

    from rnnviz.app.i18n import current_language

    window = make_window()
    window.show()
    wait_results(window)
    panel = window.experiments
    panel.first_param.setCurrentText("radius")
    panel.first_values.setText("0.5:1.5:40")
    panel.second_enabled.setChecked(False)
    panel.workers.setValue(1)
    panel.scheduler.setText("")
    assert panel.run() is not None, panel.status.text()
    try:
        window.language_actions["zh_CN"].trigger()
        box = window.findChild(QMessageBox, "language_box")
        assert box is not None and box.isVisible() and "sweep is running" in box.text()
        assert current_language() == "en" and window.replaced_by is None and window.isVisible()
        box.close()
    finally:
        window.experiments.cancel()
