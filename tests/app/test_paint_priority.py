"""Background loops step aside while a view repaints (app/repaint.PaintPriority): the Trainer's steps
and its sampler wait at their step boundaries while the UI thread paints the plots."""

from __future__ import annotations

import threading

import pyqtgraph as pg
import pytest

from rnnviz.app.jobs import JobRunner
from rnnviz.app.panels.trainer import ModelCopy, TrainerPanel, sampling_work, training_work
from rnnviz.app.repaint import PaintPriority
from rnnviz.lm.data import build_corpus
from rnnviz.lm.model import LanguageModel, ModelSpec, init_model_params
from rnnviz.lm.train import TrainConfig
from tests.app.test_trainer_panel import _fake_events


@pytest.fixture
def shown_view(qtbot):
    view = pg.GraphicsView()
    qtbot.addWidget(view)
    view.resize(200, 150)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: not view.viewport().visibleRegion().isEmpty())
    return view


def _patient(view) -> PaintPriority:
    priority = PaintPriority(view)
    priority.MAX_HOLD_MS = 60_000         # (the limit must not end the claim in these tests)
    priority._limit.setInterval(60_000)
    return priority


def test_a_claim_holds_a_loop_until_the_views_next_paint_is_over(shown_view, qtbot):
    priority = _patient(shown_view)
    priority.wait_turn()                  # nothing claimed: returns at once
    priority.claim()
    assert priority.claimed
    returned = threading.Event()
    loop = threading.Thread(target=lambda: (priority.wait_turn(), returned.set()), daemon=True)
    loop.start()
    assert not returned.wait(0.2)         # held while the claim stands
    shown_view.viewport().update()
    qtbot.waitUntil(lambda: not priority.claimed, timeout=5000)
    assert returned.wait(5.0)
    loop.join(5.0)


def test_a_hidden_view_is_not_claimed_and_a_claim_no_paint_answered_is_not_renewed(shown_view, qtbot):
    hidden = pg.GraphicsView()
    qtbot.addWidget(hidden)
    priority = PaintPriority(hidden)
    priority.claim()
    assert not priority.claimed           # a hidden view sends no paint: nobody is held for it

    priority = _patient(shown_view)
    priority.claim()
    priority._limit.timeout.emit()        # the limit passed without a paint (a minimised window)
    assert not priority.claimed
    priority.claim()
    assert not priority.claimed           # not claimed again until the view paints
    shown_view.viewport().update()
    qtbot.waitUntil(lambda: not priority._unanswered, timeout=5000)
    priority.claim()
    assert priority.claimed


def test_the_training_hook_and_the_sampler_wait_their_turn():
    turns = []
    seen = []

    def fake_train(config, data, should_stop):
        for event in _fake_events():
            seen.append(should_stop())
            yield event

    work = training_work(TrainConfig(), stop_flag=threading.Event(), pause_flag=threading.Event(),
                         params_request=threading.Event(), train_factory=fake_train,
                         corpus_loader=lambda *a, **k: None, wait_turn=lambda: turns.append("step"))
    assert len(list(work(lambda: False))) == 4
    assert seen == [False] * 4 and turns == ["step"] * 4

    # loading the corpus waits its turn between two chunks too (a Start clears the plots meanwhile)
    turns.clear()

    def chunked_loader(*_args, should_stop, **_kwargs):
        for _chunk in range(3):
            assert not should_stop()
        return None

    work = training_work(TrainConfig(), stop_flag=threading.Event(), pause_flag=threading.Event(),
                         params_request=threading.Event(), train_factory=lambda *a: iter(()),
                         corpus_loader=chunked_loader, wait_turn=lambda: turns.append("chunk"))
    assert list(work(lambda: False)) == [] and turns == ["chunk"] * 3

    data = build_corpus("abcabcabd" * 4, level="char")
    spec = ModelSpec(vocab_size=data.vocab_size, embed_size=4, hidden_size=8)
    copy = ModelCopy(LanguageModel(spec, init_model_params(spec, seed=0)), data.vocab, "char", 0)
    turns.clear()
    text, _distribution, _tokens = sampling_work(copy, "ab", 1.0, 12, seed=1,
                                                 wait_turn=lambda: turns.append("token"))(lambda: False)
    assert len(text) == 2 + 12 and turns == ["token"] * 12


def test_the_trainer_claims_its_plots_for_the_paint_of_each_redraw(qtbot):
    runner = JobRunner(max_threads=2)
    events = _fake_events()
    panel = TrainerPanel(runner, train_factory=lambda config, data, should_stop: iter(events),
                         corpus_loader=lambda *a, **k: None)
    qtbot.addWidget(panel)
    try:
        panel.resize(1200, 800)
        panel.show()
        qtbot.waitExposed(panel)
        assert panel.start()
        qtbot.waitUntil(lambda: not panel.running, timeout=5000)
        panel._dirty = True
        panel.redraw()
        assert panel._paint_priority.claimed        # new data: the loops wait for the paint
        qtbot.waitUntil(lambda: not panel._paint_priority.claimed, timeout=5000)
        panel.reset()                               # the plots cleared: the loader waits for that paint
        panel._dirty = True
        panel.redraw()
        assert panel._paint_priority.claimed and not panel.events
        qtbot.waitUntil(lambda: not panel._paint_priority.claimed, timeout=5000)
    finally:
        runner.shutdown(10000)
