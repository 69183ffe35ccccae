"""The training generator: learning, exact resume, cancel, divergence, snapshots."""
from __future__ import annotations

import math

import numpy as np
import pytest

from rnnviz.core.config import ConfigError
from rnnviz.lm.checkpoint import load_checkpoint
from rnnviz.lm.data import build_corpus, load_corpus
from rnnviz.lm.train import TrainConfig, Trainer, train

SMALL = dict(hidden=24, embed=12, seq_len=16, batch=8, snapshot_every=0)


@pytest.fixture(scope="module")
def sample_corpus():
    return load_corpus("builtin:sample")


def _collect(events):
    return list(events)


def test_loss_falls_on_the_builtin_sample(sample_corpus):
    config = TrainConfig(max_steps=40, **SMALL, lr=0.01)
    events = _collect(train(config, sample_corpus))
    steps = [e for e in events if e.kind == "step"]
    assert len(steps) == 40 and events[-1].kind == "done"
    first, last = steps[0].train_loss, np.mean([e.train_loss for e in steps[-5:]])
    assert first == pytest.approx(math.log(sample_corpus.vocab_size), abs=0.1)
    assert last < first - 0.5
    assert events[-1].valid_loss < first and events[-1].test_loss is not None
    assert all(e.grad_norm_clipped <= e.grad_norm + 1e-9 for e in steps)
    assert steps[-1].tokens_per_s > 0 and steps[-1].eta_seconds is not None
    assert steps[0].train_bits == pytest.approx(steps[0].train_loss / math.log(2))
    assert steps[0].train_ppl == pytest.approx(math.exp(steps[0].train_loss))
    # the validation loss is reported at the end of every epoch
    per_epoch = steps[0].batches_per_epoch
    assert per_epoch == -(-(sample_corpus.train.size // 8 - 1) // 16)
    assert steps[per_epoch - 1].valid_loss is not None and steps[0].valid_loss is None


@pytest.mark.parametrize("cell, optimizer", [("lstm", "adam"), ("gru", "sgd"), ("rnn", "rmsprop")])
def test_resume_gives_identical_losses(tmp_path, sample_corpus, cell, optimizer):
    path = tmp_path / "run.npz"
    base = TrainConfig(cell=cell, optimizer=optimizer, momentum=0.9 if optimizer == "sgd" else 0.0,
                       lr=0.05 if optimizer == "sgd" else 0.005, layers=2, dropout=0.3,
                       max_steps=14, checkpoint=str(path),
                       **{**SMALL, "batch": 16, "seq_len": 32})
    whole = [e for e in train(base, sample_corpus) if e.kind == "step"]

    calls = []
    def stop_after_six():
        calls.append(1)
        return len(calls) > 6
    first = _collect(train(base, sample_corpus, should_stop=stop_after_six))
    assert first[-1].kind == "stopped" and first[-1].step == 6
    assert load_checkpoint(path).position["step"] == 6
    rest = _collect(train(base, sample_corpus, resume=path))
    resumed = [e for e in first + rest if e.kind == "step"]
    assert [e.step for e in resumed] == list(range(1, 15))
    # the sample corpus has fewer than 14 batches per epoch, so the resumed part crosses an epoch
    assert resumed[-1].epoch == 2
    assert [e.train_loss for e in resumed] == [e.train_loss for e in whole]
    assert [e.grad_norm for e in resumed] == [e.grad_norm for e in whole]
    assert rest[-1].valid_loss == train_final_valid(base, sample_corpus)


def train_final_valid(config, corpus):
    return _collect(train(config.replace(checkpoint=None), corpus))[-1].valid_loss


def test_resume_refuses_other_settings(tmp_path, sample_corpus):
    path = tmp_path / "run.npz"
    config = TrainConfig(max_steps=2, checkpoint=str(path), **SMALL)
    _collect(train(config, sample_corpus))
    with pytest.raises(ConfigError, match="different settings for hidden"):
        Trainer(config.replace(hidden=32), sample_corpus, resume=path)
    # run-control settings may change
    Trainer(config.replace(max_steps=5, epochs=3), sample_corpus, resume=path)


def test_cancel_hook_stops_before_the_next_step(sample_corpus):
    config = TrainConfig(max_steps=100, **SMALL)
    seen = []
    events = train(config, sample_corpus, should_stop=lambda: len(seen) >= 3)
    for event in events:
        seen.append(event)
    assert [e.kind for e in seen] == ["step", "step", "step", "stopped"]


def test_nan_stops_training_and_keeps_the_last_good_checkpoint(tmp_path, sample_corpus):
    path = tmp_path / "run.npz"
    config = TrainConfig(max_steps=50, checkpoint=str(path), checkpoint_every=2, **SMALL)
    trainer = Trainer(config, sample_corpus)
    events = trainer.run()
    for _ in range(4):
        next(events)
    good = path.read_bytes()
    # a numerical blow-up of one weight (as an exploding gradient would cause)
    trainer.model.params["decoder.bias"][0] = np.nan
    rest = list(events)
    assert rest[-1].kind == "diverged"
    assert "became nan at step 5" in rest[-1].message and str(path) in rest[-1].message
    assert path.read_bytes() == good


def test_huge_learning_rate_is_caught_as_divergence(sample_corpus):
    config = TrainConfig(cell="rnn", activation="relu", optimizer="sgd", lr=1e30, clip_norm=None,
                         max_steps=20, **SMALL)
    events = _collect(train(config, sample_corpus))
    assert events[-1].kind == "diverged"
    assert events[-1].step < 20


def test_gradient_flow_snapshot_on_real_text(sample_corpus):
    config = TrainConfig(max_steps=4, snapshot_every=2, snapshot_len=12, layers=2,
                         **{k: v for k, v in SMALL.items() if k != "snapshot_every"})
    events = _collect(train(config, sample_corpus))
    snapshots = [e.snapshot for e in events if e.snapshot is not None]
    assert [s.step for s in snapshots] == [2, 4]
    snap = snapshots[0]
    assert snap.grad_by_distance.shape == (12,) and snap.jacobian_log10.shape == (12,)
    assert np.all(np.isfinite(snap.grad_by_distance)) and np.all(snap.grad_by_distance > 0)
    # with a small random LSTM the gradient from far away is weaker than from nearby
    assert snap.grad_by_distance[-1] < snap.grad_by_distance[0]
    assert len(snap.text) == 12


def test_word_level_training_and_fixed_embedding():
    text = "".join(f"the cat number {i % 7} sat on the mat\n" for i in range(200))
    corpus = build_corpus(text, level="word")
    config = TrainConfig(level="word", embedding="random-fixed", max_steps=5, **SMALL)
    trainer = Trainer(config, corpus)
    before = trainer.model.params["embedding.weight"].copy()
    events = list(trainer.run())
    assert events[-1].kind == "done"
    np.testing.assert_array_equal(trainer.model.params["embedding.weight"], before)


@pytest.mark.parametrize("changes, message", [
    (dict(batch=128, seq_len=64), "shorter than one batch"),
    (dict(lr=-1.0), "lr must be > 0"),
    (dict(cell="transformer"), "unknown cell"),
    (dict(embedding="pretrained-fixed"), "needs an embedding file"),
    (dict(dtype="float16"), "float32 or float64"),
])
def test_bad_configs(sample_corpus, changes, message):
    with pytest.raises(ConfigError, match=message):
        Trainer(TrainConfig(**{**SMALL, **changes}), sample_corpus)


def test_float64_training(sample_corpus):
    config = TrainConfig(dtype="float64", max_steps=2, **SMALL)
    trainer = Trainer(config, sample_corpus)
    list(trainer.run())
    assert all(v.dtype == np.float64 for v in trainer.model.params.values())


@pytest.mark.parametrize("embedding, trainable", [("pretrained-init", True), ("pretrained-fixed", False)])
def test_pretrained_word_vectors_fixed_or_as_initial_value(tmp_path, embedding, trainable):
    text = "".join(f"the cat saw {i % 5} dogs\n" for i in range(200))
    corpus = build_corpus(text, level="word")
    vectors = tmp_path / "vectors.txt"
    vectors.write_text("the " + " ".join(["0.5"] * 12) + "\ncat " + " ".join(["-0.5"] * 12) + "\n",
                       encoding="utf-8")
    config = TrainConfig(level="word", embedding=embedding, embedding_file=str(vectors), max_steps=4,
                         **SMALL)
    trainer = Trainer(config, corpus)
    the = corpus.vocab.index("the")
    np.testing.assert_array_equal(trainer.model.params["embedding.weight"][the], np.full(12, 0.5))
    list(trainer.run())
    moved = not np.array_equal(trainer.model.params["embedding.weight"][the], np.full(12, 0.5))
    assert moved == trainable


def test_events_report_the_learning_rate_of_their_step(sample_corpus):
    config = TrainConfig(optimizer="sgd", lr=1.0, lr_decay=0.5, decay_after=1, max_steps=20,
                         **{**SMALL, "batch": 16, "seq_len": 32})
    steps = [e for e in train(config, sample_corpus) if e.kind == "step"]
    per_epoch = steps[0].batches_per_epoch
    assert [e.lr for e in steps[:per_epoch]] == [1.0] * per_epoch
    assert steps[per_epoch].lr == 0.5 and steps[per_epoch].epoch == 2


def test_periodic_evaluation_can_use_part_of_the_validation_text(sample_corpus):
    from rnnviz.lm.train import evaluate

    config = TrainConfig(max_steps=3, eval_every=1, eval_tokens=100, **SMALL)
    trainer = Trainer(config, sample_corpus)
    events = list(trainer.run())
    assert events[-2].valid_loss == evaluate(trainer.model, sample_corpus.valid[:100], 8, 16)
    assert events[-1].valid_loss == evaluate(trainer.model, sample_corpus.valid, 8, 16)


def test_exploding_loss_keeps_the_checkpoint_written_before_it(tmp_path, sample_corpus):
    # A finite but huge loss is divergence too; a checkpoint is written only once the next
    # step's loss shows its parameters are sound, so the one kept predates the explosion.
    path = tmp_path / "run.npz"
    config = TrainConfig(max_steps=50, checkpoint=str(path), checkpoint_every=1, **SMALL)
    trainer = Trainer(config, sample_corpus)
    events = trainer.run()
    steps = [next(events) for _ in range(3)]
    assert [e.checkpoint_path is not None for e in steps] == [False, True, True]
    assert load_checkpoint(path).position["step"] == 2
    for name in ("decoder.weight", "decoder.bias"):
        trainer.model.params[name] *= 1e4   # finite weights, absurd predictions
    rest = list(events)
    assert rest[-1].kind == "diverged"
    assert "far above ln V" in rest[-1].message and "(step 2)" in rest[-1].message
    kept = load_checkpoint(path)
    assert kept.position["step"] == 2
    assert max(float(np.abs(v).max()) for v in kept.params.values()) < 10


def test_a_second_trainer_on_the_same_checkpoint_is_refused(tmp_path, sample_corpus):
    from rnnviz.errors import BusyError

    path = tmp_path / "run.npz"
    config = TrainConfig(max_steps=2, checkpoint=str(path), **SMALL)
    first = Trainer(config, sample_corpus)
    with pytest.raises(BusyError, match="in use by another training run"):
        Trainer(config, sample_corpus)
    events = first.run()
    assert list(events)[-1].kind == "done"   # a finished run lets go of the file
    assert list(train(config.replace(max_steps=3), sample_corpus, resume=path))[-1].kind == "done"


@pytest.mark.parametrize("corrupt, message", [
    (lambda meta: meta["rng_state"].update(bit_generator="NoSuchGenerator"), "random-number state"),
    (lambda meta: meta["rng_state"]["state"].update(state="x"), "random-number state"),
    (lambda meta: meta["position"].update(batch_index=10**9), "data position"),
    (lambda meta: meta["position"].update(step="many"), "data position"),
])
def test_resume_from_a_corrupt_checkpoint_is_refused(tmp_path, sample_corpus, corrupt, message):
    from rnnviz.lm.checkpoint import Checkpoint, save_checkpoint
    import dataclasses

    path = tmp_path / "run.npz"
    config = TrainConfig(max_steps=2, checkpoint=str(path), **SMALL)
    _collect(train(config, sample_corpus))
    checkpoint = load_checkpoint(path)
    meta = {"rng_state": checkpoint.rng_state, "position": dict(checkpoint.position)}
    corrupt(meta)
    save_checkpoint(path, dataclasses.replace(checkpoint, rng_state=meta["rng_state"],
                                              position=meta["position"]))
    with pytest.raises(ConfigError, match=f"cannot resume: the checkpoint's {message}"):
        Trainer(config.replace(max_steps=4), sample_corpus, resume=path)
