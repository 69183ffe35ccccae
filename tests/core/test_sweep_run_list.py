"""The run list of a sweep is built in one pass: linear in the number of runs."""
from __future__ import annotations

import pytest

from rnnviz.core.analysis import ExperimentConfig
from rnnviz.core.sweep import SweepAxis, SweepSpec


@pytest.fixture
def spec():
    return SweepSpec(base=ExperimentConfig(cell="rnn", hidden_size=2, seq_len=4),
                     axes=(SweepAxis("radius", (0.5, 1.0, 1.5)), SweepAxis("hidden_size", (2, 3))),
                     seeds=2).validate()


def test_runs_build_the_grid_once(spec, monkeypatch):
    expected = [(p, s, spec.base.replace(radius=r, hidden_size=h, seed=s))
                for p, (r, h) in enumerate(spec.point_values()) for s in range(2)]
    calls = []
    original = SweepSpec.point_values
    monkeypatch.setattr(SweepSpec, "point_values", lambda self: calls.append(1) or original(self))
    assert spec.runs() == expected
    assert len(calls) == 1   # not once per run (that made 100,000 points quadratic)


def test_config_at_does_not_build_the_grid(spec, monkeypatch):
    monkeypatch.setattr(SweepSpec, "point_values", lambda self: pytest.fail("grid built for one point"))
    assert spec.config_at(3, 1) == spec.base.replace(radius=1.0, hidden_size=3, seed=1)
    with pytest.raises(IndexError):
        spec.config_at(6)


def test_a_validated_spec_is_not_checked_again(spec, monkeypatch):
    from rnnviz.core import sweep

    monkeypatch.setattr(SweepSpec, "validate", lambda self: pytest.fail("validated twice"))
    events = list(sweep.iter_sweep(spec, workers=1))
    assert events[-1].result is not None and events[-1].done == spec.num_runs
