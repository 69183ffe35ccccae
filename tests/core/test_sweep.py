"""Sweeps: metrics against closed forms, the spec's JSON round trip, determinism and cancellation."""
from __future__ import annotations

import csv
import io
import json
import math
import multiprocessing

import numpy as np
import pytest

from rnnviz.core.analysis import ExperimentConfig, build
from rnnviz.core.config import ConfigError
from rnnviz.core.jacobian import step_jacobians
from rnnviz.core.params import block_spectra
from rnnviz.core.products import anchor_curve
from rnnviz.core.sequence import forward
from rnnviz.core.sweep import (
    METRICS, Cancelled, SweepAxis, SweepSpec, format_values, iter_sweep, measure, parse_values,
    reach_and_final_norm, run_sweep,
)

THRESHOLD = 1e-6


def linear_config(rho: float, seq_len: int = 200, anchor: int = 0, hidden: int = 16) -> ExperimentConfig:
    # Linear Elman RNN, W_hh orthogonal scaled to rho: ds_{t0+k}/ds_{t0} = W^k with every singular
    # value rho^k, so the norm is exactly rho^k and every Lyapunov exponent is ln rho.
    return ExperimentConfig(cell="rnn", activation="linear", init="orthogonal", radius=rho,
                            hidden_size=hidden, seq_len=seq_len, anchor=anchor, seed=3)


@pytest.mark.parametrize("rho, anchor", [(0.5, 0), (0.8, 0), (0.9, 0), (0.9, 50), (0.95, 50)])
def test_linear_orthogonal_reach_lyapunov_and_norm(rho, anchor):
    T = 200
    ratio = math.log(THRESHOLD) / math.log(rho)
    # Honest test values: log(theta)/log(rho) is not within rounding distance of an integer.
    assert abs(ratio - round(ratio)) > 1e-3
    expected_reach = min(math.floor(ratio), T - anchor)
    metrics = measure(linear_config(rho, T, anchor), threshold=THRESHOLD, lyapunov_count=3)
    assert metrics["reach"] == expected_reach
    assert metrics["log10_norm"] == pytest.approx((T - anchor) * math.log10(rho), abs=1e-9)
    for column in ("lyapunov", "lyapunov_2", "lyapunov_3"):
        assert metrics[column] == pytest.approx(math.log(rho), abs=1e-10)
    assert math.isnan(metrics["saturation"])


def test_capped_reach_when_rho_is_at_least_one():
    # 0.95 from anchor 50: floor(269.3) is capped at T - t0 = 150 (checked above); rho >= 1 never decays.
    for rho in (1.0, 1.3):
        metrics = measure(linear_config(rho, 120, 20), threshold=THRESHOLD)
        assert metrics["reach"] == 100
        assert metrics["lyapunov"] == pytest.approx(math.log(rho), abs=1e-10)


def test_a_reach_at_its_limit_is_counted_as_a_lower_bound():
    # Linear orthogonal RNN from anchor 10: rho = 1 never decays, so its reach is each point's
    # T - t0; rho = 0.5 falls below 1e-6 after 19 steps, below every limit here.
    spec = SweepSpec(base=linear_config(1.0, 40, anchor=10, hidden=4),
                     axes=(SweepAxis("radius", (0.5, 1.0)), SweepAxis("seq_len", (30, 40, 60))),
                     seeds=2, metrics=("reach",))
    np.testing.assert_array_equal(spec.reach_limits(), [[20, 30, 50], [20, 30, 50]])
    result = run_sweep(spec, workers=1)
    np.testing.assert_array_equal(result.mean["reach"], [[19, 19, 19], [20, 30, 50]])
    np.testing.assert_array_equal(result.seeds_at_reach_limit(), [[0, 0, 0], [2, 2, 2]])
    with pytest.raises(ValueError, match="reach"):
        run_sweep(SweepSpec(base=spec.base, axes=spec.axes[:1], metrics=("lyapunov",)),
                  workers=1).seeds_at_reach_limit()


def test_threshold_above_every_norm_gives_zero_reach():
    metrics = measure(linear_config(0.5, 30), metrics=("reach",), threshold=0.9)
    assert metrics == {"reach": 0.0}  # ||W|| = 0.5 < 0.9 already at k = 1


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tanh_reach_within_pascanu_bound(seed):
    config = ExperimentConfig(cell="rnn", activation="tanh", init="gaussian", init_scale=0.08, radius=None,
                              hidden_size=24, seq_len=150, seed=seed, input_scale=0.5)
    net, params, _, _ = build(config)
    sigma_max = block_spectra(params, net)[0].sigma_max
    gamma = 1.0  # sup tanh'
    assert 0.3 < sigma_max * gamma < 1.0
    bound_reach = min(math.floor(math.log(THRESHOLD) / math.log(sigma_max * gamma)), config.seq_len)
    metrics = measure(config, metrics=("reach", "lyapunov"), threshold=THRESHOLD)
    assert 1 <= metrics["reach"] <= bound_reach
    assert metrics["lyapunov"] <= math.log(sigma_max) + 1e-12


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_reach_and_final_norm_agree_with_the_anchor_curve(cell):
    config = ExperimentConfig(cell=cell, hidden_size=12, seq_len=90, radius=1.0, anchor=5, seed=4)
    net, params, x, _ = build(config)
    J = step_jacobians(params, net, forward(params, net, x))
    curve = anchor_curve(J, 5).log10_spectral
    for threshold in (1e-2, 1e-6, 1e-12):
        reach, final = reach_and_final_norm(J, 5, threshold)
        above = np.nonzero(curve >= math.log10(threshold))[0]
        assert reach == (above[-1] + 1 if above.size else 0)
        assert final == pytest.approx(curve[-1], abs=1e-6)


def test_saturation_is_a_fraction_for_gated_cells():
    metrics = measure(ExperimentConfig(cell="lstm", hidden_size=8, seq_len=40, forget_bias=8.0),
                      metrics=("saturation",))
    assert list(metrics) == ["saturation"]
    # A forget bias of 8 pushes f above 0.9: at least a quarter (one of four gates) is saturated.
    assert 0.25 <= metrics["saturation"] <= 1.0


# --------------------------------------------------------------------------- values and the spec


def test_parse_values_ranges_and_lists():
    assert parse_values("radius", "0.5:1.5:3") == (0.5, 1.0, 1.5)
    assert parse_values("radius", "0.5:1.5:21")[1] == 0.55
    assert parse_values("hidden_size", "8:64:8") == (8, 16, 24, 32, 40, 48, 56, 64)
    assert parse_values("seq_len", "10,20") == (10, 20)
    assert parse_values("cell", "rnn, lstm,gru") == ("rnn", "lstm", "gru")
    assert parse_values("radius", "2:2:1") == (2.0,)
    for name, text in [("radius", "1:2"), ("radius", "a:2:3"), ("hidden_size", "8:64:6"),
                       ("cell", "rnn,transformer"), ("cell", "0:1:2"), ("radius", "1,1"),
                       ("radius", "1,,2"), ("batch", "1,2"), ("radius", "0:1:0"), ("radius", "nan,1")]:
        with pytest.raises(ConfigError):
            parse_values(name, text)


@pytest.mark.parametrize("values", [(0.5, 0.55, 0.6, 0.65), (1.0, 3.0), (8, 16, 24), ("rnn", "gru"), (2.0,)])
def test_format_values_reads_back(values):
    name = "hidden_size" if isinstance(values[0], int) else "cell" if isinstance(values[0], str) else "radius"
    assert parse_values(name, format_values(values)) == values


def small_spec(**changes) -> SweepSpec:
    fields = dict(base=ExperimentConfig(hidden_size=6, seq_len=25, seed=7),
                  axes=(SweepAxis("cell", ("rnn", "lstm", "gru")), SweepAxis.parse("radius", "0.6:1.4:3")),
                  seeds=2, metrics=METRICS, threshold=1e-4, lyapunov_count=2)
    fields.update(changes)
    return SweepSpec(**fields)


def test_spec_json_round_trip():
    spec = small_spec()
    text = json.dumps(spec.to_dict())
    assert SweepSpec.from_dict(json.loads(text)) == spec
    assert spec.num_points == 9 and spec.num_runs == 18 and spec.shape == (3, 3)
    assert spec.metric_columns == ("reach", "log10_norm", "lyapunov", "lyapunov_2", "saturation")
    assert spec.config_at(4, 1) == spec.base.replace(cell="lstm", radius=1.0, seed=8)


@pytest.mark.parametrize("changes, message", [
    (dict(axes=()), "one or two"),
    (dict(axes=(SweepAxis("cell", ("rnn",)), SweepAxis("radius", (1.0,)), SweepAxis("seq_len", (5,)))),
     "one or two"),
    (dict(axes=(SweepAxis("radius", (1.0,)), SweepAxis("radius", (2.0,)))), "twice"),
    (dict(metrics=("reach", "speed")), "unknown metric"),
    (dict(metrics=()), "at least one"),
    (dict(threshold=0.0), "threshold"),
    (dict(seeds=0), "seeds"),
    (dict(lyapunov_count=13), "state size"),
    (dict(axes=(SweepAxis("seq_len", (30, 10)),), base=ExperimentConfig(seq_len=30, anchor=20)),
     "seq_len=10"),
])
def test_spec_validation_gives_one_line(changes, message):
    with pytest.raises(ConfigError) as info:
        small_spec(**changes).validate()
    assert message in str(info.value) and "\n" not in str(info.value)


def test_from_dict_rejects_unknown_keys_and_bad_values():
    data = small_spec().to_dict()
    with pytest.raises(ConfigError, match="unknown sweep key"):
        SweepSpec.from_dict({**data, "colour": "red"})
    with pytest.raises(ConfigError, match="unknown value"):
        SweepSpec.from_dict({**data, "axes": [{"name": "cell", "values": ["lstm", "mamba"]}]})
    with pytest.raises(ConfigError):
        SweepSpec.from_dict({**data, "base": {**data["base"], "hidden_size": -1}})


# --------------------------------------------------------------------------- runner


def test_rows_and_summary_hold_every_run():
    spec = small_spec()
    result = run_sweep(spec, workers=1)
    rows = list(csv.DictReader(io.StringIO(result.rows_csv())))
    assert len(rows) == spec.num_runs
    assert rows[7]["cell"] == "lstm" and rows[7]["radius"] == "0.6" and rows[7]["seed"] == "8"
    assert rows[7]["hidden_size"] == "6" and rows[7]["init_scale"] == "" and rows[7]["point"] == "3"
    assert [r["seed_index"] for r in rows[:4]] == ["0", "1", "0", "1"]
    # each row's numbers are those of a direct measurement of its configuration
    direct = measure(spec.config_at(3, 1), spec.metrics, spec.threshold, spec.lyapunov_count)
    for column, value in direct.items():
        assert rows[7][column] == ("nan" if math.isnan(value) else
                                   (str(int(value)) if float(value).is_integer() else repr(value)))
    summary = list(csv.DictReader(io.StringIO(result.summary_csv())))
    assert len(summary) == 9 and summary[2]["cell"] == "rnn" and summary[2]["radius"] == "1.4"
    reach = result.values["reach"]
    assert result.mean["reach"].shape == (3, 3)
    assert float(summary[4]["reach_mean"]) == pytest.approx(reach[4].mean())
    assert float(summary[4]["reach_std"]) == pytest.approx(reach[4].std())
    assert summary[0]["saturation_mean"] == "nan" and 0 <= float(summary[3]["saturation_mean"]) <= 1


def test_same_spec_same_csv_for_one_and_two_workers():
    spec = small_spec(seeds=2, metrics=("reach", "lyapunov"))
    first = run_sweep(spec, workers=1).rows_csv()
    assert run_sweep(spec, workers=1).rows_csv() == first
    events = []
    parallel = run_sweep(spec, workers=2, progress=events.append)
    assert parallel.rows_csv() == first
    assert [e.done for e in events] == list(range(1, spec.num_runs + 1)) + [spec.num_runs]
    assert events[-1].result is parallel and parallel.workers == 2


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_stops_the_sweep(workers):
    spec = small_spec(seeds=6)
    seen = []
    others = set(multiprocessing.active_children())  # e.g. the map's worker pool

    def should_stop():
        return len(seen) >= 2

    with pytest.raises(Cancelled):
        for event in iter_sweep(spec, workers=workers, should_stop=should_stop, poll_seconds=0.02):
            seen.append(event)
    assert 2 <= len(seen) < spec.num_runs
    assert all(e.result is None for e in seen)
    assert set(multiprocessing.active_children()) <= others  # the sweep's processes are gone


def test_closing_the_generator_early_shuts_the_pool_down():
    others = set(multiprocessing.active_children())  # e.g. the map's worker pool
    events = iter_sweep(small_spec(seeds=6), workers=2)
    first = next(events)
    assert first.done == 1 and first.result is None
    events.close()
    assert set(multiprocessing.active_children()) <= others


def test_bad_workers_is_a_config_error():
    with pytest.raises(ConfigError, match="workers"):
        run_sweep(small_spec(), workers=0)


def test_reach_decides_products_whose_norm_bounds_straddle_the_threshold():
    eye = np.eye(4)
    # P1 = 0.5 I; P2 = 0.9e-6 I: ||P2||_F = 1.8e-6 >= 1e-6 > ||P2||_F / 2, so the spectral norm
    # (0.9e-6) decides: not reached. P3 = 0.9e-9 I.
    J = np.stack([0.5 * eye, 1.8e-6 * eye, 1e-3 * eye])
    reach, final = reach_and_final_norm(J, 0, 1e-6)
    assert reach == 1 and final == pytest.approx(math.log10(0.9e-9), abs=1e-12)
    # P2 = diag(1.1e-6, 0, 0, 0): same bracket, spectral norm 1.1e-6 reaches
    J[1] = np.diag([2.2e-6, 0.0, 0.0, 0.0])
    assert reach_and_final_norm(J, 0, 1e-6)[0] == 2
    # not monotone: the largest k counts, P3 = 1e4 * P2
    J[2] = 1e4 * eye
    assert reach_and_final_norm(J, 0, 1e-6)[0] == 3
    assert reach_and_final_norm(J, 1, 1e-6)[0] == 2  # from t0 = 1: 2.2e-6, then 2.2e-2
    # a zero product has log10 norm -inf and never reaches
    J[1] = 0.0
    assert reach_and_final_norm(J, 0, 1e-6) == (1, -math.inf)
    # 1e-400 is not 0: 100 steps of 1e-4 I from 1e-6 still have an exact log norm
    tiny = np.stack([1e-4 * eye] * 100)
    assert reach_and_final_norm(tiny, 0, 1e-301) == (75, pytest.approx(-400.0, abs=1e-9))


def test_a_script_without_a_main_guard_runs_once_with_spawned_workers(run_unguarded_script):
    """Spawned sweep workers must not run the user's script again (it has no __main__ guard).
    A second thread makes the sweep spawn its workers, as it does in the GUI."""
    out = run_unguarded_script(
        "import threading, time\n"
        "threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"
        "from rnnviz.core.analysis import ExperimentConfig\n"
        "from rnnviz.core.sweep import SweepAxis, SweepSpec, _start_method, run_sweep\n"
        "base = ExperimentConfig(cell='rnn', hidden_size=8, seq_len=20)\n"
        "spec = SweepSpec(base=base, axes=(SweepAxis('radius', (0.5, 0.9)),), seeds=2)\n"
        "one = run_sweep(spec, workers=1).rows_csv()\n"
        "assert run_sweep(spec, workers=2).rows_csv() == one\n"
        "print('ok', _start_method())\n")
    assert out == "ok spawn"
