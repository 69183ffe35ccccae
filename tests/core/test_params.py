"""Init schemes, spectral rescaling, PyTorch names and shapes, .npz round trip and hostile files."""
import numpy as np
import pytest

from rnnviz.core.config import CELLS, INITS, ConfigError, NetConfig
from rnnviz.core.params import (block_spectra, expected_shapes, init_params, load_npz,
                                rescale_spectral_radius, save_npz)


def test_pytorch_names_and_shapes():
    net = NetConfig(cell="lstm", input_size=3, hidden_size=5, num_layers=2, bidirectional=True)
    shapes = expected_shapes(net)
    assert shapes["weight_ih_l0"] == (20, 3)
    assert shapes["weight_ih_l1_reverse"] == (20, 10)
    assert shapes["weight_hh_l1"] == (20, 5)
    assert shapes["bias_hh_l0_reverse"] == (20,)
    assert len(shapes) == 16
    assert expected_shapes(NetConfig(cell="gru", hidden_size=4))["weight_hh_l0"] == (12, 4)
    assert expected_shapes(NetConfig(cell="lstm-cifg", hidden_size=4))["weight_hh_l0"] == (12, 4)
    assert expected_shapes(NetConfig(cell="lstm-peephole", hidden_size=4))["weight_co_l0"] == (4,)


@pytest.mark.parametrize("scheme", INITS)
@pytest.mark.parametrize("cell", CELLS)
def test_init_is_seeded_and_rescaled_per_block(scheme, cell):
    net = NetConfig(cell=cell, input_size=3, hidden_size=12)
    a = init_params(net, scheme, seed=7, radius=0.7)
    b = init_params(net, scheme, seed=7, radius=0.7)
    c = init_params(net, scheme, seed=8, radius=0.7)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    if scheme != "identity":
        assert any(not np.array_equal(a[k], c[k]) for k in a)
    for spec in block_spectra(a, net):
        assert spec.spectral_radius == pytest.approx(0.7, rel=1e-9)
        assert spec.sigma_max >= spec.spectral_radius - 1e-12


def test_random_gaussian_sigma_max_is_about_twice_rho():
    net = NetConfig(cell="rnn", hidden_size=200)
    spec = block_spectra(init_params(net, "gaussian", seed=0, radius=1.0), net)[0]
    assert 1.6 < spec.sigma_max / spec.spectral_radius < 2.4


def test_orthogonal_and_identity_blocks():
    net = NetConfig(cell="rnn", hidden_size=8)
    w = init_params(net, "orthogonal", seed=0)["weight_hh_l0"]
    np.testing.assert_allclose(w @ w.T, np.eye(8), atol=1e-12)
    w = init_params(net, "identity", seed=0, radius=0.5)["weight_hh_l0"]
    np.testing.assert_allclose(w, 0.5 * np.eye(8))


def test_forget_bias():
    net = NetConfig(cell="lstm", hidden_size=3, input_size=1)
    b = init_params(net, "orthogonal", forget_bias=1.0)["bias_ih_l0"]
    np.testing.assert_array_equal(b, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    net = NetConfig(cell="lstm-cifg", hidden_size=3, input_size=1)
    b = init_params(net, "orthogonal", forget_bias=1.0)["bias_ih_l0"]
    np.testing.assert_array_equal(b[:3], [-1, -1, -1])


def test_bad_radius_and_scheme():
    net = NetConfig(cell="rnn", hidden_size=3)
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ConfigError, match="spectral radius"):
            init_params(net, radius=bad)
    with pytest.raises(ConfigError, match="init scheme"):
        init_params(net, "xavier")
    with pytest.raises(ConfigError, match="hidden_size"):
        init_params(NetConfig(hidden_size=0))


def test_zero_block_is_left_alone():
    net = NetConfig(cell="rnn", hidden_size=3)
    p = init_params(net)
    p["weight_hh_l0"][:] = 0
    q = rescale_spectral_radius(p, net, 2.0)
    assert np.all(q["weight_hh_l0"] == 0)


def test_npz_round_trip_and_validation(tmp_path):
    net = NetConfig(cell="gru-cho", input_size=2, hidden_size=4, num_layers=2, bidirectional=True)
    p = init_params(net, seed=1, output_size=3)
    path = tmp_path / "w.npz"
    save_npz(path, p, net)
    q, net2 = load_npz(path)
    assert net2 == net
    for k in p:
        np.testing.assert_array_equal(p[k], q[k])
    bad = dict(p)
    bad["weight_hh_l0"] = np.zeros((5, 4))
    np.savez(tmp_path / "bad.npz", **bad)
    with pytest.raises(ConfigError, match=r"weight_hh_l0: expected shape \(12, 4\), got \(5, 4\)"):
        load_npz(tmp_path / "bad.npz", net)


def test_hostile_and_corrupt_files(tmp_path):
    net = NetConfig(cell="rnn", hidden_size=2, input_size=1)
    pickled = tmp_path / "pickle.npz"
    np.savez(pickled, weight_ih_l0=np.array([object()], dtype=object))
    with pytest.raises(ConfigError):
        load_npz(pickled, net)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(ConfigError, match="not a valid .npz"):
        load_npz(junk, net)
    with pytest.raises(ConfigError, match="not found"):
        load_npz(tmp_path / "missing.npz", net)
    nan = init_params(net)
    nan["weight_hh_l0"][0, 0] = np.nan
    np.savez(tmp_path / "nan.npz", **nan)
    with pytest.raises(ConfigError, match="NaN"):
        load_npz(tmp_path / "nan.npz", net)
