"""The trainer tab: controls reach the config, fake events reach the plots, real training stays live."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest
from PySide6.QtCore import Qt

from rnnviz.app.jobs import JobRunner
from rnnviz.app.panels.trainer import TRAIN_LANE, TrainerPanel
from rnnviz.lm.train import GradientSnapshot, TrainEvent


@pytest.fixture
def make_panel(qtbot):
    made = []

    def factory(**kwargs):
        runner = JobRunner(max_threads=2)
        panel = TrainerPanel(runner, **kwargs)
        qtbot.addWidget(panel)
        panel.resize(1200, 800)
        made.append((panel, runner))
        return panel

    yield factory
    for panel, runner in made:
        panel.stop()
        panel._pause_flag.clear()
        runner.shutdown(10000)


def _small(panel):
    panel.hidden_spin.setValue(32)
    panel.embed_spin.setValue(16)
    panel.seq_len_spin.setValue(16)
    panel.batch_spin.setValue(8)
    panel.snapshot_spin.setValue(5)


def _fake_events():
    snapshot = GradientSnapshot(step=2, distance=np.arange(4), grad_by_distance=np.array([1.0, 0.1, 0.01, 0.001]),
                                grad_per_step=np.ones(4), jacobian_k=np.arange(1, 5),
                                jacobian_log10=np.array([-0.5, -1.0, -1.5, -2.0]), text="abcd")
    common = dict(epochs=2, batches_per_epoch=3, tokens_seen=0, tokens_per_s=1000.0, seconds=1.0,
                  lr=0.1, vocab_size=50)
    events = [
        TrainEvent(kind="step", step=1, epoch=1, batch_index=1, progress=1 / 6, eta_seconds=5.0,
                   train_loss=3.9, train_loss_avg=3.9, grad_norm=8.0, grad_norm_clipped=5.0, clipped=True, **common),
        TrainEvent(kind="step", step=2, epoch=1, batch_index=2, progress=2 / 6, eta_seconds=4.0,
                   train_loss=3.5, train_loss_avg=3.7, grad_norm=2.0, grad_norm_clipped=2.0,
                   snapshot=snapshot, **common),
        TrainEvent(kind="step", step=3, epoch=1, batch_index=3, progress=3 / 6, eta_seconds=3.0,
                   train_loss=3.1, train_loss_avg=3.5, grad_norm=1.0, grad_norm_clipped=1.0,
                   valid_loss=3.2, **common),
        TrainEvent(kind="done", step=3, epoch=2, batch_index=0, progress=1.0, eta_seconds=0.0,
                   valid_loss=3.0, test_loss=3.05, message="finished 2 epochs", **common),
    ]
    return events


def test_panel_shows_the_events_of_a_fake_generator(make_panel, qtbot):
    events = _fake_events()
    seen_configs = []

    def fake_train(config, data, should_stop):
        seen_configs.append(config)
        yield from events

    panel = make_panel(train_factory=fake_train, corpus_loader=lambda *a, **k: None)
    assert panel.start()
    qtbot.waitUntil(lambda: not panel.running, timeout=5000)
    panel.redraw()
    x, y = panel.train_curve.getData()
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_array_equal(y, [3.9, 3.5, 3.1])
    np.testing.assert_array_equal(panel.train_avg_curve.getData()[1], [3.9, 3.7, 3.5])
    vx, vy = panel.valid_curve.getData()
    np.testing.assert_array_equal(vx, [3, 3])
    np.testing.assert_array_equal(vy, [3.2, 3.0])
    assert panel.baseline_line.isVisible() and panel.baseline_line.value() == pytest.approx(math.log(50))
    # clipping: the first step was clipped from 8 to 5
    cx, cy = panel.clip_scatter.getData()
    np.testing.assert_array_equal(cx, [1])
    np.testing.assert_allclose(panel.grad_before_curve.yData, np.log10([8.0, 2.0, 1.0]))
    np.testing.assert_allclose(panel.grad_after_curve.yData, np.log10([5.0, 2.0, 1.0]))
    fx, fy = panel.flow_grad_curve.getData()
    np.testing.assert_allclose(fy, [0, -1, -2, -3])
    np.testing.assert_allclose(panel.flow_jac_curve.getData()[1], [-0.5, -1.0, -1.5, -2.0])
    assert panel.progress.value() == 1000 and "done" in panel.progress.format()
    assert "ppl" in panel.status_label.text() and "test loss 3.050" in panel.status_label.text()
    assert seen_configs[0].corpus == "builtin:sample"


def test_controls_reach_the_config(make_panel):
    panel = make_panel()
    panel.corpus_edit.setCurrentText("builtin:python-stdlib")
    panel.level_combo.setCurrentText("word")
    panel.cell_combo.setCurrentText("gru")
    panel.layers_spin.setValue(3)
    panel.hidden_spin.setValue(96)
    panel.embed_spin.setValue(96)
    panel.dropout_spin.setValue(0.25)
    panel.tie_check.setChecked(True)
    panel.dtype_combo.setCurrentText("float64")
    panel.optimizer_combo.setCurrentText("sgd")
    panel.lr_spin.setValue(0.5)
    panel.momentum_spin.setValue(0.9)
    panel.decay_spin.setValue(0.5)
    panel.decay_after_spin.setValue(4)
    panel.seq_len_spin.setValue(20)
    panel.batch_spin.setValue(10)
    panel.epochs_spin.setValue(7)
    panel.clip_norm_spin.setValue(0.0)
    panel.clip_value_spin.setValue(1.5)
    panel.seed_spin.setValue(42)
    panel.snapshot_spin.setValue(0)
    panel.threads_spin.setValue(2)
    config = panel.config()
    assert (config.corpus, config.level, config.cell, config.layers, config.hidden, config.embed) == (
        "builtin:python-stdlib", "word", "gru", 3, 96, 96)
    assert (config.dropout, config.tie_weights, config.dtype) == (0.25, True, "float64")
    assert (config.optimizer, config.lr, config.momentum, config.lr_decay, config.decay_after) == (
        "sgd", 0.5, 0.9, 0.5, 4)
    assert (config.seq_len, config.batch, config.epochs, config.seed) == (20, 10, 7, 42)
    assert config.clip_norm is None and config.clip_value == 1.5
    assert (config.snapshot_every, config.blas_threads) == (0, 2)


def test_invalid_settings_give_a_message_and_no_job(make_panel):
    panel = make_panel()
    panel.tie_check.setChecked(True)
    panel.hidden_spin.setValue(64)
    panel.embed_spin.setValue(32)
    assert not panel.start()
    assert "embed size == hidden size" in panel.status_label.text()
    assert panel.runner.current_job_id(TRAIN_LANE) is None


def test_real_training_streams_events_to_the_panel_and_stops(make_panel, qtbot):
    """A small real run in the worker: step events with gradient snapshots reach the panel, the loss
    falls, Stop ends it. (How long the UI thread waits meanwhile is measured by
    benchmarks/bench_trainer_responsiveness.py: timings do not belong in unit tests on a shared
    machine.)"""
    panel = make_panel()
    _small(panel)
    assert panel.start()
    qtbot.waitUntil(lambda: len(panel.events) > 10, timeout=60000)
    assert any(e.snapshot is not None for e in panel.events)
    losses = [e.train_loss for e in panel.events if e.kind == "step"]
    assert np.mean(losses[-3:]) < losses[0]
    panel.stop()
    qtbot.waitUntil(lambda: not panel.running, timeout=10000)
    assert panel.last_event.kind == "stopped"


def test_pause_resume_sample_and_stop(make_panel, qtbot):
    panel = make_panel()
    _small(panel)
    panel.start()
    qtbot.waitUntil(lambda: len(panel.events) >= 2, timeout=20000)
    panel.toggle_pause()
    assert panel.pause_button.text() == "Resume"
    qtbot.wait(200)
    count = len(panel.events)
    qtbot.wait(300)
    assert len(panel.events) == count  # nothing happens while paused
    panel.prime_edit.setText("The ")
    panel.request_sample()
    qtbot.waitUntil(lambda: panel.sample_text.startswith("The ") and len(panel.sample_text) > 50,
                    timeout=20000)
    assert panel.next_token_probs.sum() == pytest.approx(1.0)
    assert len(panel.bars.opts["height"]) == panel.shown_tokens() >= 5
    handoff = panel.explorer_handoff(length=16)
    assert handoff.inputs.shape == (16, 1, 16) and len(handoff.text) == 16
    panel.toggle_pause()
    qtbot.waitUntil(lambda: len(panel.events) > count + 2, timeout=20000)
    panel.stop()
    qtbot.waitUntil(lambda: not panel.running, timeout=10000)
    assert panel.last_event.kind == "stopped"
    panel.reset()
    panel.redraw()
    assert panel.train_curve.getData()[0] is None or len(panel.train_curve.getData()[0]) == 0


def test_redraw_ranges_the_views_before_the_repaint(make_panel, qtbot):
    # pyqtgraph would auto-range at the start of the next paint and then paint again
    events = _fake_events()

    def fake_train(config, data, should_stop):
        yield from events

    panel = make_panel(train_factory=fake_train, corpus_loader=lambda *a, **k: None)
    panel.show()
    qtbot.waitExposed(panel)
    panel.redraw_timer.stop()
    assert panel.start()
    qtbot.waitUntil(lambda: not panel.running, timeout=5000)
    panel.redraw_timer.stop()
    panel.redraw()
    qtbot.wait(50)  # painted with the first three steps
    late = events[2]
    panel.events.append(TrainEvent(**{**late.__dict__, "step": 40, "train_loss": 9.0, "train_loss_avg": 9.0,
                                      "grad_norm": 500.0, "grad_norm_clipped": 5.0, "valid_loss": None}))
    panel._dirty = True
    panel.redraw()  # no event processing between this and the checks
    (x0, x1), (y0, y1) = panel.loss_plot.vb.viewRange()
    assert x1 >= 40 and y1 >= 9.0
    (_, _), (g0, g1) = panel.grad_plot.vb.viewRange()  # log10 of 1 … 500
    assert g1 >= math.log10(500.0)


def test_best_validation_point_is_marked(make_panel, qtbot):
    events = _fake_events()
    late = events[2]
    events.insert(3, TrainEvent(**{**late.__dict__, "step": 4, "valid_loss": 3.4}))
    panel = make_panel(train_factory=lambda config, data, should_stop: iter(events),
                       corpus_loader=lambda *a, **k: None)
    assert panel.start()
    qtbot.waitUntil(lambda: not panel.running, timeout=5000)
    panel.redraw()
    np.testing.assert_array_equal(panel.best_scatter.getData()[0], [3])
    np.testing.assert_array_equal(panel.best_scatter.getData()[1], [3.0])   # the final evaluation, at step 3
    assert panel.best_point == (3, 3.0)
    label = panel.loss_plot.legend.getLabel(panel.best_scatter)
    assert "3.000" in label.text and re.search(r"(step|at) 3\b", label.text)  # long or short form
    panel.reset()
    panel.redraw()
    assert panel.best_point is None and len(panel.best_scatter.getData()[0] or []) == 0


@pytest.mark.parametrize("clipped", [True, False])
def test_the_gradient_norm_legend_says_when_no_step_was_clipped(make_panel, qtbot, clipped):
    """Nothing clipped: the thin "before clipping" curve lies exactly under "after clipping", and no
    marker is drawn; the legend said "before clipping" and "clipped" all the same. It says they are
    the same and that no step was clipped, and names them as before once a step is."""
    events = _fake_events()
    if not clipped:
        events[0] = TrainEvent(**{**events[0].__dict__, "grad_norm": 5.0, "clipped": False})
    panel = make_panel(train_factory=lambda config, data, should_stop: iter(events),
                       corpus_loader=lambda *a, **k: None)
    assert panel.start()
    qtbot.waitUntil(lambda: not panel.running, timeout=5000)
    panel.redraw()
    legend = panel.grad_plot.legend
    texts = {item: legend.getLabel(item).text for item in (panel.grad_before_curve, panel.clip_scatter)}
    assert panel.any_clipped is clipped
    if clipped:
        assert texts[panel.grad_before_curve] in ("before clipping", "before clip")
        assert texts[panel.clip_scatter] == "clipped" and len(panel.clip_scatter.getData()[0]) == 1
    else:
        np.testing.assert_array_equal(panel.grad_before_curve.yData, panel.grad_after_curve.yData)
        assert texts[panel.grad_before_curve] in ("before clipping (the same)", "before (=)")
        assert texts[panel.clip_scatter] in ("clipped: no step", "0 clipped")
        assert len(panel.clip_scatter.getData()[0] or []) == 0


def test_default_run_regularises_the_short_builtin_text(make_panel):
    config = make_panel().config()
    assert config.corpus == "builtin:sample" and config.dropout == 0.5 and config.epochs == 60


def test_sample_gives_new_text_each_click_and_a_seed_reproduces_it(make_panel, qtbot):
    panel = make_panel()
    _small(panel)
    panel.epochs_spin.setValue(1)
    panel.start()
    qtbot.waitUntil(lambda: not panel.running, timeout=30000)
    qtbot.waitUntil(lambda: panel.sample_text != "", timeout=20000)
    texts = []
    for _ in range(3):
        before = panel.sample_text
        qtbot.mouseClick(panel.sample_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda b=before: panel.sample_text != b, timeout=20000)
        texts.append((panel.sample_seed_spin.value(), panel.sample_text))
    assert len({text for _seed, text in texts}) == 3
    assert [seed for seed, _text in texts] == [1, 2, 3]
    panel.sample_seed_spin.setValue(1)            # the shown seed makes the same text again
    qtbot.waitUntil(lambda: panel.sample_text == texts[0][1], timeout=20000)


def _fits(widget, text) -> bool:
    from PySide6.QtGui import QFontMetrics

    return QFontMetrics(widget.font()).horizontalAdvance(text) <= widget.contentsRect().width()


def test_presentation_at_720p_start_in_view_progress_fits_labels_apart(make_panel, qtbot):
    events = _fake_events()
    events[-1] = TrainEvent(**{**events[2].__dict__, "step": 123456, "epoch": 188, "epochs": 1000,
                               "tokens_per_s": 123456.0, "eta_seconds": 4000.0})
    panel = make_panel(train_factory=lambda config, data, should_stop: iter(events),
                       corpus_loader=lambda *a, **k: None)
    from PySide6.QtGui import QFont
    font = QFont(panel.font())
    font.setPointSize(16)
    panel.resize(1280, 640)
    panel.show()
    qtbot.waitExposed(panel)
    panel.setFont(font)
    panel.set_presentation(True)
    assert not panel._controls_scroll.isAncestorOf(panel.start_button)
    assert not panel.start_button.visibleRegion().isEmpty()
    assert panel.start_button.mapTo(panel, panel.start_button.rect().bottomLeft()).y() < 640
    assert panel.start()
    qtbot.waitUntil(lambda: not panel.running, timeout=5000)
    panel.redraw()
    bar = panel.progress
    shown = bar.text()
    assert "epoch 188/1000" in shown and _fits(bar, shown)
    label = panel.progress_label
    assert not label.wordWrap() and _fits(label, label.text())
    assert "123,456 tokens/s" in label.toolTip()
    # the next-token labels keep apart at lecture font sizes
    panel.next_token_probs = np.linspace(1.0, 0.1, 40) / np.linspace(1.0, 0.1, 40).sum()
    panel._sample_tokens = [chr(ord("a") + i % 26) for i in range(40)]
    panel._show_bars()
    from PySide6.QtGui import QFontMetrics
    axis = panel.bars_plot.getAxis("bottom")
    count = len(panel.bars.opts["height"])
    slot = panel.bars_plot.vb.width() / count
    assert 5 <= count < 20 and QFontMetrics(axis.style["tickFont"]).horizontalAdvance("\\n") < slot


def test_narrow_settings_put_labels_above_fields_and_back(make_panel, qtbot):
    """A column narrower than the form: each label above its field (no field squeezed, nothing
    reached only sideways); wide again: side by side."""
    from PySide6.QtWidgets import QFormLayout

    panel = make_panel()
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.wait(50)   # the settings' first fit, after the panel is laid out
    wide = panel._settings_width(compact=False)
    panel._splitter.setSizes([120, 1080])
    qtbot.waitUntil(lambda: panel._compact, timeout=3000)
    assert panel._left.width() < wide
    assert all(form.rowWrapPolicy() == QFormLayout.RowWrapPolicy.WrapAllRows for form in panel._forms)
    assert "\n" in panel.tie_check.text()
    qtbot.waitUntil(lambda: not _cut_settings(panel), timeout=3000)   # once laid out again
    panel._splitter.setSizes([wide + 20, 1200 - wide - 20])
    qtbot.waitUntil(lambda: not panel._compact, timeout=3000)
    assert panel.tie_check.text() == "Tie embedding and softmax weights"
    qtbot.waitUntil(lambda: not _cut_settings(panel), timeout=3000)



def test_stop_ends_the_corpus_loading(make_panel, qtbot, endless_corpus):
    loader = endless_corpus
    panel = make_panel(corpus_loader=loader)
    assert panel.start()
    qtbot.waitUntil(loader.started.is_set, timeout=10000)
    qtbot.waitUntil(lambda: loader.chunks > 3, timeout=10000)  # still loading
    assert panel.running and panel.stop_button.isEnabled()
    panel.stop()
    qtbot.waitUntil(lambda: not panel.running, timeout=10000)
    assert loader.stopped and panel.start_button.isEnabled() and panel.trainer is None
    assert "corpus was loading" in panel.status_label.text() and panel.progress.format() == "stopped"


def test_reset_ends_the_corpus_loading(make_panel, qtbot, endless_corpus):
    loader = endless_corpus
    panel = make_panel(corpus_loader=loader)
    assert panel.start()
    qtbot.waitUntil(loader.started.is_set, timeout=10000)
    panel.reset()
    qtbot.waitUntil(lambda: loader.stopped, timeout=10000)
    assert not panel.running and panel.progress.format() == "idle"


def _cut_settings(panel) -> list[str]:
    """Settings whose widget reaches past the right edge of the settings' view (cut, or reached only
    by scrolling sideways), and a sideways scroll bar."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit

    scroll = panel._controls_scroll
    right = scroll.viewport().width()
    problems = ["the settings scroll sideways"] if scroll.horizontalScrollBar().isVisible() else []
    for kind in (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit):
        for widget in scroll.widget().findChildren(kind):
            if isinstance(widget.parent(), (QAbstractSpinBox, QComboBox)):
                continue   # the field inside a spin box or combo box: its box is checked
            edge = widget.mapTo(scroll.viewport(), widget.rect().topRight()).x()
            if edge > right:
                problems.append(f"{type(widget).__name__} '{getattr(widget, 'text', lambda: '')()}' ends at {edge} "
                                f"px of {right}")
            if widget.width() < widget.minimumSizeHint().width():
                problems.append(f"{type(widget).__name__} squeezed to {widget.width()} px")
    return problems


@pytest.mark.parametrize("language", ["en", "zh_CN"], indirect=True)
def test_settings_beside_the_lessons_dock_are_whole_without_scrolling_sideways(make_window, wait_results, language):
    """Beside the Lessons dock in presentation mode at 1280×720 the English settings were cut ("PTB
    fold…") and scrolled sideways: now no setting is cut at either size, presentation on or off,
    and Start is in view."""
    from rnnviz.app.gallery import SIZES, TRANSITIONS, settle
    from rnnviz.app.lessons import load_lesson

    window = make_window(config=TRANSITIONS.start_config)
    window.resize(*SIZES[-1])
    window.show()
    settle(window, wait=lambda: wait_results(window))
    window.show_lesson(load_lesson("11", language))
    window.tabs.setCurrentWidget(window.trainer)
    panel = window.trainer
    failures = []
    for width, height in SIZES:
        for on in (True, False):
            window.resize(width, height)
            window.set_presentation_mode(on, full_screen=False)
            settle(window, wait=lambda: wait_results(window))
            state = f"{width}x{height}, presentation {'on' if on else 'off'}"
            failures += [f"{state}: {problem}" for problem in _cut_settings(panel)]
            start = panel.start_button
            if start.visibleRegion().isEmpty() or start.mapTo(window, start.rect().bottomLeft()).y() > height:
                failures.append(f"{state}: Start is not in view")
    assert panel.tie_check.text() == panel.tr("Tie embedding and softmax weights")   # wide again: one line
    assert not failures, "\n".join(failures)


def test_the_lessons_dock_opened_beside_the_trainer_fits_its_settings_again(make_window, wait_results, qtbot):
    """The Lessons dock opened while the Trainer is shown: the settings column is fitted to the
    narrower tab (it kept its width, and the plots were left a third of the tab with legends as
    high as their plots); a column the user dragged keeps its width."""
    from rnnviz.app.gallery import TRANSITIONS, settle
    from rnnviz.app.lessons import load_lesson
    from rnnviz.app.panels.trainer import LEFT_MAX_FRACTION

    window = make_window(config=TRANSITIONS.start_config)
    window.resize(1280, 720)
    window.show()
    settle(window, wait=lambda: wait_results(window))
    window.tabs.setCurrentWidget(window.trainer)
    window.set_presentation_mode(True, full_screen=False)
    settle(window, wait=lambda: wait_results(window))
    panel = window.trainer
    before = panel.width()
    window.show_lesson(load_lesson("11"))
    qtbot.waitUntil(lambda: panel.width() < before - 100, timeout=3000)
    settle(window, wait=lambda: wait_results(window))
    room = max(panel._left.minimumWidth(), int(panel.width() * LEFT_MAX_FRACTION))
    assert panel._left.width() <= room + 1, (panel._left.width(), panel.width())
    qtbot.waitUntil(lambda: not _cut_settings(panel), timeout=3000)


@pytest.mark.parametrize("language", ["zh_CN"], indirect=True)
def test_lecture_size_plots_only_where_their_legends_keep_two_columns(make_window, wait_results, language):
    """In Chinese at 1600×1000 beside the Lessons dock the lecture-size loss legend was one column
    of four rows, as high as its plot: the plots keep the normal style there."""
    from rnnviz.app.gallery import TRANSITIONS, run_gallery_training, settle
    from rnnviz.app.lessons import load_lesson
    from rnnviz.app.plots.invariants import tab_problems

    window = make_window(config=TRANSITIONS.start_config)
    window.resize(1600, 1000)
    window.show()
    settle(window, wait=lambda: wait_results(window))
    run_gallery_training(window, epochs_spin=1, snapshot_spin=5)
    window.show_lesson(load_lesson("11", language))
    window.tabs.setCurrentWidget(window.trainer)
    window.set_presentation_mode(True, full_screen=False)
    settle(window, wait=lambda: wait_results(window))
    assert window.trainer.best_point is not None   # the legend's longest entry
    assert [problem for problem in tab_problems(window) if "legend" in problem] == []
    window.set_presentation_mode(False, full_screen=False)


def test_presentation_mode_at_1280x720_restyles_the_trainers_plots(make_window, wait_results):
    """At 1280×720 in presentation mode the Trainer's four plots are too small for the lecture
    style, but they no longer keep the normal one (small fonts and pens while the explorer and the
    rest of the window are lecture-size): they take the compact presentation style, and the view
    checks find nothing; presentation off gives the normal style back."""
    from rnnviz.app.gallery import TRANSITIONS, run_gallery_training, settle
    from rnnviz.app.plots.base import COMPACT_PRESENTATION_STYLE, NORMAL_STYLE
    from rnnviz.app.plots.invariants import tab_problems

    window = make_window(config=TRANSITIONS.start_config)
    window.resize(1280, 720)
    window.show()
    settle(window, wait=lambda: wait_results(window))
    run_gallery_training(window, epochs_spin=1, snapshot_spin=5)
    window.tabs.setCurrentWidget(window.trainer)
    window.set_presentation_mode(True, full_screen=False)
    settle(window, wait=lambda: wait_results(window))
    panel = window.trainer
    assert panel.plots_style() == COMPACT_PRESENTATION_STYLE
    assert panel.loss_plot.getAxis("bottom").style["tickFont"].pointSize() == COMPACT_PRESENTATION_STYLE["font_pt"]
    assert tab_problems(window) == []
    window.set_presentation_mode(False, full_screen=False)
    settle(window, wait=lambda: wait_results(window))
    assert panel.plots_style() == NORMAL_STYLE
    assert panel.loss_plot.getAxis("bottom").style["tickFont"].pointSize() == NORMAL_STYLE["font_pt"]


def test_before_a_run_and_after_reset_each_plot_says_what_it_will_show(make_window, wait_results):
    """An unrun Trainer showed four empty plots with 0…1 axes and no word; after Reset the last
    run's next-token bars stayed."""
    from rnnviz.app.gallery import TRANSITIONS, run_gallery_training, settle
    from rnnviz.app.plots.invariants import tab_problems

    window = make_window(config=TRANSITIONS.start_config)
    window.resize(1600, 1000)
    window.show()
    settle(window, wait=lambda: wait_results(window))
    window.tabs.setCurrentWidget(window.trainer)
    settle(window, wait=lambda: wait_results(window))
    panel = window.trainer
    plots = (panel.loss_plot, panel.grad_plot, panel.flow_plot, panel.bars_plot)

    def noted():
        return [bool(panel._empty_notes[plot].text()) for plot in plots]

    assert tab_problems(window) == []          # (each empty plot says why)
    assert noted() == [True] * 4
    run_gallery_training(window, epochs_spin=1, snapshot_spin=5)
    settle(window, wait=lambda: wait_results(window))
    assert noted() == [False] * 4 and len(panel.bars.opts["height"]) > 0
    assert "step" in panel.flow_plot.titleLabel.text   # (the snapshot's step)
    assert tab_problems(window) == []
    panel.reset()
    panel.redraw()
    settle(window, wait=lambda: wait_results(window))
    assert noted() == [True] * 4
    assert len(panel.bars.opts["height"]) == 0   # the last run's bars went with it
    assert "step" not in panel.flow_plot.titleLabel.text   # nor the title naming its snapshot's step
    assert tab_problems(window) == []
