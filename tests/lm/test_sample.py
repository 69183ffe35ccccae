"""Sampling and checkpoints."""
from __future__ import annotations

import numpy as np
import pytest

from rnnviz.core.config import ConfigError
from rnnviz.lm.checkpoint import load_checkpoint
from rnnviz.lm.data import load_corpus
from rnnviz.lm.sample import sample_text, sampler_from_checkpoint, softmax_with_temperature
from rnnviz.lm.train import TrainConfig, train


@pytest.fixture(scope="module")
def checkpoint_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("lm") / "model.npz"
    config = TrainConfig(hidden=24, embed=12, seq_len=16, batch=8, max_steps=30, lr=0.01,
                         checkpoint=str(path), snapshot_every=0)
    list(train(config, load_corpus("builtin:sample")))
    return path


def test_sampling_is_deterministic_with_a_seed(checkpoint_path):
    sampler = sampler_from_checkpoint(checkpoint_path)
    a = sample_text(sampler, prime="The ", length=40, temperature=0.8, seed=3)
    b = sample_text(sampler, prime="The ", length=40, temperature=0.8, seed=3)
    c = sample_text(sampler, prime="The ", length=40, temperature=0.8, seed=4)
    assert a == b and a != c
    assert a.startswith("The ") and len(a) == 44


def test_argmax_equals_zero_temperature_limit(checkpoint_path):
    sampler = sampler_from_checkpoint(checkpoint_path)
    greedy = sample_text(sampler, prime="A net", length=20, argmax=True, seed=1)
    cold = sample_text(sampler, prime="A net", length=20, temperature=1e-4, seed=2)
    assert greedy == cold


def test_next_token_distribution_follows_temperature(checkpoint_path):
    sampler = sampler_from_checkpoint(checkpoint_path)
    sampler.prime("the netw")
    p1 = sampler.next_distribution(1.0)
    p_hot = sampler.next_distribution(5.0)
    p_cold = sampler.next_distribution(0.2)
    assert p1.sum() == pytest.approx(1.0) and p1.shape == (len(sampler.vocab),)
    assert np.argmax(p1) == np.argmax(p_cold)
    assert p_cold.max() > p1.max() > p_hot.max()
    np.testing.assert_allclose(softmax_with_temperature(np.log(p1), 1.0), p1, rtol=1e-9)


def test_prime_outside_the_vocabulary_is_refused(checkpoint_path):
    sampler = sampler_from_checkpoint(checkpoint_path)
    with pytest.raises(ConfigError, match="not in the vocabulary"):
        sampler.prime("\u2603 snowman")


def test_checkpoint_holds_everything(checkpoint_path):
    checkpoint = load_checkpoint(checkpoint_path)
    assert checkpoint.position["step"] == 30
    assert checkpoint.config["hidden"] == 24
    assert "embedding.weight" in checkpoint.params and "weight_hh_l0" in checkpoint.params
    assert any(k.startswith("m/") for k in checkpoint.optimizer_state)   # Adam moments
    assert checkpoint.rng_state["bit_generator"] == "PCG64"
    assert set(checkpoint.carried_state) == {"h", "c"}


@pytest.mark.parametrize("content, message", [
    (b"not a zip file at all", "not a valid .npz"),
    (None, "not an rnnviz language-model checkpoint"),
    ("truncate", "not a valid .npz"),
])
def test_corrupt_checkpoints(tmp_path, checkpoint_path, content, message):
    path = tmp_path / "bad.npz"
    if content is None:
        np.savez(path, weights=np.zeros(3))
    elif content == "truncate":
        path.write_bytes(checkpoint_path.read_bytes()[:300])
    else:
        path.write_bytes(content)
    with pytest.raises(ConfigError, match=message):
        sampler_from_checkpoint(path)
    with pytest.raises(ConfigError, match="not found"):
        load_checkpoint(tmp_path / "missing.npz")


def test_tokens_stream_as_they_are_drawn(checkpoint_path):
    from rnnviz.lm.sample import sample_pieces

    sampler = sampler_from_checkpoint(checkpoint_path)
    pieces = sample_pieces(sampler, prime="The ", length=10**7, temperature=0.8, seed=3)
    first = [next(pieces) for _ in range(6)]   # ten million are not drawn before the first
    pieces.close()
    assert first[0] == "The " and all(len(piece) == 1 for piece in first[1:])
    whole = sample_text(sampler, prime="The ", length=5, temperature=0.8, seed=3)
    assert whole == "".join(first)


def test_length_limit(checkpoint_path):
    from rnnviz.lm.sample import MAX_SAMPLE_LENGTH

    sampler = sampler_from_checkpoint(checkpoint_path)
    with pytest.raises(ConfigError, match="length must be an integer in"):
        sample_text(sampler, length=MAX_SAMPLE_LENGTH + 1)
    with pytest.raises(ConfigError, match="length must be an integer in"):
        sampler.generate(-1)
