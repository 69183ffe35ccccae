"""The whole language model against central finite differences (float64)."""
from __future__ import annotations

import numpy as np
import pytest

from rnnviz.core.config import CELLS, ConfigError
from rnnviz.lm.model import LanguageModel, ModelSpec, init_model_params, load_word_vectors, zero_state


def _relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    return float(np.max(np.abs(analytic - numeric)) / max(1e-12, np.max(np.abs(analytic) + np.abs(numeric))))


def _check_all_params(model: LanguageModel, tokens, targets, state, reduction="mean", n_entries=6):
    rng = np.random.default_rng(1)
    _, grads, _ = model.loss_and_grads(tokens, targets, state, reduction=reduction)
    T, B = tokens.shape
    factor = 1.0 if reduction == "mean" else T
    assert set(grads) == set(model.trainable_names())
    for name, grad in grads.items():
        param = model.params[name]
        flat = param.reshape(-1)
        # the embedding rows of tokens that occur have a gradient; pick entries that matter
        if name == "embedding.weight":
            rows = np.unique(tokens)
            candidates = (rows[:, None] * param.shape[1] + np.arange(param.shape[1])).reshape(-1)
        else:
            candidates = np.arange(flat.size)
        picks = rng.choice(candidates, size=min(n_entries, candidates.size), replace=False)
        numeric, analytic = [], []
        for index in picks:
            old = flat[index]
            eps = 1e-5
            flat[index] = old + eps
            plus, _ = model.loss(tokens, targets, state)
            flat[index] = old - eps
            minus, _ = model.loss(tokens, targets, state)
            flat[index] = old
            numeric.append(factor * (plus - minus) / (2 * eps))
            analytic.append(grad.reshape(-1)[index])
        error = _relative_error(np.array(analytic), np.array(numeric))
        assert error <= 1e-6, f"{name}: relative error {error:.2e}"


@pytest.mark.parametrize("cell", CELLS)
def test_whole_model_gradient_matches_finite_differences(cell):
    spec = ModelSpec(vocab_size=7, embed_size=5, cell=cell, hidden_size=4, num_layers=2)
    params = init_model_params(spec, seed=3, init_scale=0.5, dtype=np.float64)
    model = LanguageModel(spec, params)
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, 7, (5, 3))
    targets = rng.integers(0, 7, (5, 3))
    state = {k: rng.normal(0, 0.5, v.shape) for k, v in zero_state(spec, 3, np.float64).items()}
    _check_all_params(model, tokens, targets, state)


@pytest.mark.parametrize("reduction", ["mean", "sum-time"])
def test_tied_weights_and_reduction_gradients(reduction):
    spec = ModelSpec(vocab_size=6, embed_size=4, cell="gru", hidden_size=4, num_layers=1,
                     tie_weights=True)
    model = LanguageModel(spec, init_model_params(spec, seed=5, init_scale=0.4, dtype=np.float64))
    assert "decoder.weight" not in model.params
    rng = np.random.default_rng(2)
    tokens, targets = rng.integers(0, 6, (4, 2)), rng.integers(0, 6, (4, 2))
    _check_all_params(model, tokens, targets, None, reduction=reduction)


def test_fixed_embedding_gets_no_gradient():
    spec = ModelSpec(vocab_size=6, embed_size=3, cell="rnn", hidden_size=4, embedding="random-fixed")
    model = LanguageModel(spec, init_model_params(spec, seed=0, dtype=np.float64))
    tokens = np.array([[0, 1], [2, 3]])
    _, grads, _ = model.loss_and_grads(tokens, tokens, None)
    assert "embedding.weight" not in grads
    assert "decoder.weight" in grads


def test_dropout_masks_change_the_loss_only_in_training():
    spec = ModelSpec(vocab_size=6, embed_size=4, cell="lstm", hidden_size=5, num_layers=2, dropout=0.5)
    model = LanguageModel(spec, init_model_params(spec, seed=0, dtype=np.float64))
    tokens = np.random.default_rng(0).integers(0, 6, (6, 3))
    clean, _ = model.loss(tokens, tokens)
    clean_again, _ = model.loss(tokens, tokens)
    noisy, _, _ = model.loss_and_grads(tokens, tokens, rng=np.random.default_rng(1))
    assert clean == clean_again
    assert noisy != clean


def test_final_state_carries_over():
    spec = ModelSpec(vocab_size=5, embed_size=3, cell="lstm", hidden_size=4, num_layers=2)
    model = LanguageModel(spec, init_model_params(spec, seed=0, dtype=np.float64))
    tokens = np.random.default_rng(0).integers(0, 5, (8, 2))
    whole = model.forward(tokens)
    first = model.forward(tokens[:5])
    second = model.forward(tokens[5:], first.final_state)
    np.testing.assert_allclose(second.logits, whole.logits[5 * 2:], rtol=1e-12, atol=1e-12)
    for name in whole.final_state:
        np.testing.assert_allclose(second.final_state[name], whole.final_state[name], atol=1e-12)


def test_bad_model_specs_are_rejected():
    with pytest.raises(ConfigError, match="embed size == hidden size"):
        ModelSpec(vocab_size=5, embed_size=3, hidden_size=4, tie_weights=True).validate()
    with pytest.raises(ConfigError, match="dropout"):
        ModelSpec(vocab_size=5, dropout=1.0).validate()
    with pytest.raises(ConfigError, match="trainable embedding"):
        ModelSpec(vocab_size=5, embed_size=4, hidden_size=4, tie_weights=True,
                  embedding="pretrained-fixed").validate()


def test_word_vectors_from_glove_and_word2vec_text(tmp_path):
    glove = tmp_path / "glove.txt"
    glove.write_text("the 0.5 -0.25\ncat 1 2\nunused 3 3\n", encoding="utf-8")
    w2v = tmp_path / "w2v.txt"
    w2v.write_text("2 2\nthe 0.5 -0.25\ncat 1 2\n", encoding="utf-8")
    for path in (glove, w2v):
        matrix = load_word_vectors(path, ("cat", "dog", "the"), 2, np.random.default_rng(0))
        np.testing.assert_array_equal(matrix[0], [1, 2])
        np.testing.assert_array_equal(matrix[2], [0.5, -0.25])
        assert np.all(np.abs(matrix[1]) <= 0.1)
    with pytest.raises(ConfigError, match="dimension 2 but the embedding size is 3"):
        load_word_vectors(glove, ("cat",), 3, np.random.default_rng(0))
    with pytest.raises(ConfigError, match="not found"):
        load_word_vectors(tmp_path / "nope.txt", ("cat",), 2, np.random.default_rng(0))


def test_embedding_gradient_is_right_on_consecutive_calls():
    spec = ModelSpec(vocab_size=9, embed_size=3, cell="gru", hidden_size=4)
    params = init_model_params(spec, seed=1, dtype=np.float64)
    reused = LanguageModel(spec, {k: v.copy() for k, v in params.items()})
    rng = np.random.default_rng(0)
    first, second = rng.integers(0, 4, (5, 2)), rng.integers(4, 9, (5, 2))
    reused.loss_and_grads(first, first)
    _, grads, _ = reused.loss_and_grads(second, second)
    _, fresh, _ = LanguageModel(spec, params).loss_and_grads(second, second)
    np.testing.assert_array_equal(grads["embedding.weight"], fresh["embedding.weight"])
    assert not grads["embedding.weight"][:4].any()


def _model_with_table(spec, params, table):
    model = LanguageModel(spec, {k: v.copy() for k, v in params.items()})
    model.token_table = table
    return model


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("table", [True, False])
def test_token_table_and_gemm_projection_both_match_finite_differences(cell, table):
    spec = ModelSpec(vocab_size=6, embed_size=3, cell=cell, hidden_size=4, num_layers=1)
    model = _model_with_table(spec, init_model_params(spec, seed=2, init_scale=0.5,
                                                      dtype=np.float64), table)
    rng = np.random.default_rng(4)
    tokens, targets = rng.integers(0, 6, (4, 3)), rng.integers(0, 6, (4, 3))
    assert model.forward(tokens).table is table
    _check_all_params(model, tokens, targets, None)


@pytest.mark.parametrize("options", [
    dict(cell="lstm", num_layers=2),
    dict(cell="gru", tie_weights=True, embed_size=4),
    dict(cell="rnn", embedding="random-fixed"),
    dict(cell="lstm", embedding="pretrained-init"),
    dict(cell="lstm-peephole"),
])
def test_token_table_gives_the_same_gradients_as_the_gemm_path(options):
    spec = ModelSpec(**{"vocab_size": 7, "embed_size": 3, "hidden_size": 4, **options})
    params = init_model_params(spec, seed=3, dtype=np.float64)
    rng = np.random.default_rng(5)
    tokens, targets = rng.integers(0, 5, (6, 4)), rng.integers(0, 7, (6, 4))  # tokens 5, 6 unused
    state = {k: rng.normal(0, 0.5, v.shape) for k, v in zero_state(spec, 4, np.float64).items()}
    results = []
    for table in (True, False):
        model = _model_with_table(spec, params, table)
        results.append(model.loss_and_grads(tokens, targets, state))
    (loss_t, grads_t, final_t), (loss_g, grads_g, final_g) = results
    assert loss_t == pytest.approx(loss_g, rel=1e-13)
    assert set(grads_t) == set(grads_g)
    for name in grads_g:
        np.testing.assert_allclose(grads_t[name], grads_g[name], rtol=1e-11, atol=1e-14,
                                   err_msg=name)
    for name in final_g:
        np.testing.assert_allclose(final_t[name], final_g[name], rtol=1e-12)
    if "embedding.weight" in grads_t:
        assert not grads_t["embedding.weight"][5:].any() or spec.tie_weights


def test_token_table_is_not_used_with_embedding_dropout_or_when_dearer():
    spec = ModelSpec(vocab_size=6, embed_size=4, cell="lstm", hidden_size=5, dropout=0.3)
    model = LanguageModel(spec, init_model_params(spec, seed=0, dtype=np.float64))
    tokens = np.random.default_rng(0).integers(0, 6, (20, 8))
    assert model.use_token_table(tokens.size)
    assert model.forward(tokens).table                       # evaluation: no dropout
    assert not model.forward(tokens, rng=np.random.default_rng(1)).table
    big = ModelSpec(vocab_size=5000, embed_size=16, cell="gru", hidden_size=8)
    assert not LanguageModel(big, init_model_params(big, seed=0)).use_token_table(20 * 8)


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn", "lstm-cifg"])
def test_reused_step_arrays_do_not_leak_between_calls(cell):
    # the training step keeps its big arrays from call to call; results must not depend on that
    spec = ModelSpec(vocab_size=5, embed_size=3, cell=cell, hidden_size=4, num_layers=2)
    params = init_model_params(spec, seed=2, dtype=np.float64)
    rng = np.random.default_rng(3)
    batches = [(rng.integers(0, 5, (6, 4)), rng.integers(0, 5, (6, 4))) for _ in range(3)]
    reused = LanguageModel(spec, {k: v.copy() for k, v in params.items()})
    state = None
    for tokens, targets in batches:
        loss, grads, new_state = reused.loss_and_grads(tokens, targets, state)
        fresh = LanguageModel(spec, {k: v.copy() for k, v in params.items()})
        loss_f, grads_f, state_f = fresh.loss_and_grads(tokens, targets, state)
        assert loss == loss_f
        for name in grads_f:
            np.testing.assert_array_equal(grads[name], grads_f[name], err_msg=name)
        for name in state_f:
            np.testing.assert_array_equal(new_state[name], state_f[name])
        state = new_state
