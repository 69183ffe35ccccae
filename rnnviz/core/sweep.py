"""Parameter sweeps: how do gradient reach and Lyapunov exponents change as one or two knobs move?

A :class:`SweepSpec` takes a base :class:`~rnnviz.core.analysis.ExperimentConfig`, one or two swept
parameters (each over a list of values) and a number of seeds. Every grid point is run for seeds
``base.seed + 0 … base.seed + seeds − 1``; each run measures, for the anchor t0 = ``base.anchor``
and the whole state s of the forward direction (batch element 0):

* ``reach`` — the largest k in 1 … T − t0 with ‖∂s_{t0+k}/∂s_{t0}‖₂ ≥ ``threshold`` (0 if none);
* ``log10_norm`` — log10 ‖∂s_T/∂s_{t0}‖₂, i.e. at k = T − t0;
* ``lyapunov`` — the largest Lyapunov exponent of the tangent product over all T steps (QR method,
  natural log per step; ``lyapunov_count`` > 1 adds ``lyapunov_2`` … ``lyapunov_m``);
* ``saturation`` — fraction of sigmoid-gate units below 0.1 or above 0.9, mean over gates and steps
  (NaN for the Elman RNN, which has no gates).

Only what the chosen metrics need is computed: a forward pass, the step Jacobians and one anchor
curve — no loss, no BPTT, no (t, k) map. Points run in a process pool (one BLAS thread per worker,
so that workers do not fight over cores); results do not depend on the number of workers or on the
order in which points finish, so the same spec always gives the same numbers. :mod:`.cluster` runs
the same per-point function on a Dask cluster, with the same numbers.
"""
from __future__ import annotations

import csv
import io
import math
import multiprocessing
# Imported now, by the thread that imports this module: the GUI starts sweeps from a worker
# thread, where this first import (by context.Event()) once hung a test run, unexplained.
import multiprocessing.synchronize  # noqa: F401
import sys
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, fields

import numpy as np

from .analysis import ExperimentConfig, build, make_aux
from .config import ACTIVATIONS, CELLS, INITS, ConfigError
from .jacobian import gate_statistics, step_jacobians
from .cancel import Cancelled
from .dynamics import lyapunov_exponents
from .parallel.blas import limit_this_process, single_threaded_blas
from .parallel.pool import main_not_imported
from .reference import LOG10_2, running_products
from .sequence import forward

__all__ = [
    "SWEEPABLE", "CATEGORICAL", "METRICS", "SweepAxis", "SweepSpec", "SweepProgress", "SweepResult",
    "parse_values", "format_values", "measure", "reach_and_final_norm", "iter_sweep", "run_sweep", "Cancelled",
]

#: Parameters that can be swept and the type of their values.
SWEEPABLE: dict[str, type] = {
    "radius": float, "hidden_size": int, "seq_len": int, "forget_bias": float,
    "activation": str, "cell": str, "init": str, "input_scale": float,
}
#: Categorical parameters and their allowed values (plots draw one line per value).
CATEGORICAL: dict[str, tuple[str, ...]] = {"cell": CELLS, "activation": ACTIVATIONS, "init": INITS}
METRICS = ("reach", "log10_norm", "lyapunov", "saturation")
METRIC_LABELS = {
    "reach": "gradient reach k (steps)",
    "log10_norm": "log10 ||ds_T/ds_t0||",
    "lyapunov": "largest Lyapunov exponent (per step)",
    "saturation": "saturated gate fraction",
}
MAX_GRID_POINTS = 100_000
# Above this the step-Jacobian stack of one run (T·S²·8 bytes) would not fit comfortably in memory.
MAX_JACOBIAN_BYTES = 2 << 30
SPEC_FORMAT = "rnnviz-sweep"
SPEC_VERSION = 1


# --------------------------------------------------------------------------- swept values


def _tidy_float(value: float) -> float:
    # linspace gives 0.6000000000000001; 12 significant digits keep CSVs and labels readable.
    return float(f"{float(value):.12g}")


def parse_values(name: str, text: str) -> tuple:
    """Values of a swept parameter from ``"start:stop:num"`` (evenly spaced, both ends) or ``"a,b,c"``.

    Integer parameters accept ranges whose points are whole numbers; categorical ones accept lists.
    Raises ConfigError with one line on anything else.
    """
    if name not in SWEEPABLE:
        raise ConfigError("cannot sweep {name!r}; choose one of {choices}", name=name, choices=', '.join(SWEEPABLE))
    kind = SWEEPABLE[name]
    text = str(text).strip()
    if not text:
        raise ConfigError("{name}: no values given", name=name)
    if ":" in text:
        if kind is str:
            raise ConfigError("{name}: give a comma-separated list, not a range ({text!r})", name=name, text=text)
        parts = text.split(":")
        if len(parts) != 3:
            raise ConfigError("{name}: a range is start:stop:num, got {text!r}", name=name, text=text)
        try:
            start, stop = float(parts[0]), float(parts[1])
            num = int(parts[2])
        except ValueError:
            raise ConfigError("{name}: a range is start:stop:num with numbers, got {text!r}", name=name, text=text) from None
        if not (math.isfinite(start) and math.isfinite(stop)):
            raise ConfigError("{name}: range ends must be finite, got {text!r}", name=name, text=text)
        if not 1 <= num <= MAX_GRID_POINTS:
            raise ConfigError("{name}: number of points must be in [1, {MAX_GRID_POINTS}], got {num}", name=name, MAX_GRID_POINTS=MAX_GRID_POINTS, num=num)
        raw = list(np.linspace(start, stop, num)) if num > 1 else [start]
    else:
        raw = [part.strip() for part in text.split(",")]
        if any(not part for part in raw):
            raise ConfigError("{name}: empty entry in list {text!r}", name=name, text=text)
    return _coerce_values(name, raw)


def _coerce_values(name: str, raw) -> tuple:
    kind = SWEEPABLE[name]
    values = []
    for item in raw:
        if kind is str:
            if not isinstance(item, str) or item not in CATEGORICAL[name]:
                raise ConfigError("{name}: unknown value {item!r}; choose from {choices}", name=name, item=item, choices=', '.join(CATEGORICAL[name]))
            values.append(item)
            continue
        if isinstance(item, bool):
            raise ConfigError("{name}: expected a number, got {item!r}", name=name, item=item)
        try:
            number = float(item)
        except (TypeError, ValueError):
            raise ConfigError("{name}: expected a number, got {item!r}", name=name, item=item) from None
        if not math.isfinite(number):
            raise ConfigError("{name}: values must be finite, got {item!r}", name=name, item=item)
        if kind is int:
            if abs(number - round(number)) > 1e-9:
                raise ConfigError("{name}: values must be whole numbers, got {value2}", name=name, value2=_tidy_float(number))
            values.append(int(round(number)))
        else:
            values.append(_tidy_float(number))
    if not values:
        raise ConfigError("{name}: no values given", name=name)
    if len(set(values)) != len(values):
        raise ConfigError("{name}: values repeat ({choices})", name=name, choices=', '.join(map(str, values)))
    return tuple(values)


def format_values(values) -> str:
    """The shortest text :func:`parse_values` reads back: ``"start:stop:num"`` if evenly spaced."""
    values = list(values)
    if len(values) >= 3 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        grid = np.linspace(values[0], values[-1], len(values))
        if np.allclose(grid, values, rtol=0, atol=1e-9 * max(1.0, abs(values[-1] - values[0]))):
            return f"{_number_text(values[0])}:{_number_text(values[-1])}:{len(values)}"
    return ",".join(_number_text(v) if not isinstance(v, str) else v for v in values)


def _number_text(value) -> str:
    return str(value) if isinstance(value, int) else repr(float(value))


@dataclass(frozen=True)
class SweepAxis:
    """One swept parameter: ``name`` (a key of SWEEPABLE) and its ``values`` in sweep order."""

    name: str
    values: tuple

    def __post_init__(self):
        object.__setattr__(self, "values", tuple(self.values))

    @classmethod
    def parse(cls, name: str, text: str) -> "SweepAxis":
        return cls(name, parse_values(name, text))

    @property
    def categorical(self) -> bool:
        return self.name in CATEGORICAL

    def validate(self) -> None:
        if self.name not in SWEEPABLE:
            raise ConfigError("cannot sweep {name!r}; choose one of {choices}", name=self.name, choices=', '.join(SWEEPABLE))
        if tuple(_coerce_values(self.name, self.values)) != self.values:
            raise ConfigError("{name}: values of the wrong type: {values!r}", name=self.name, values=self.values)


# --------------------------------------------------------------------------- the spec


@dataclass(frozen=True)
class SweepSpec:
    """What to sweep. Frozen and JSON round-trippable (saved in run.json and in the session file).

    base: every parameter that is not swept (its ``seed`` is the first seed, its ``anchor`` is t0).
    axes: one or two :class:`SweepAxis`; the grid is their Cartesian product, first axis slowest.
    seeds: runs per grid point, with seeds base.seed + 0 … base.seed + seeds − 1.
    metrics: subset of METRICS, in METRICS order.
    threshold: the norm that counts as "the gradient still reaches" (> 0).
    lyapunov_count: how many leading Lyapunov exponents (1 … state size).
    """

    base: ExperimentConfig = field(default_factory=ExperimentConfig)
    axes: tuple = ()
    seeds: int = 1
    metrics: tuple = METRICS
    threshold: float = 1e-6
    lyapunov_count: int = 1

    def __post_init__(self):
        object.__setattr__(self, "axes", tuple(self.axes))
        object.__setattr__(self, "metrics", tuple(self.metrics))

    # -- validation ---------------------------------------------------------------------------
    def validate(self) -> "SweepSpec":
        """Check everything, including every grid point's configuration; ConfigError with one line."""
        if not isinstance(self.base, ExperimentConfig):
            raise ConfigError("sweep base must be an ExperimentConfig")
        if not 1 <= len(self.axes) <= 2:
            raise ConfigError("a sweep varies one or two parameters, got {n_axes}", n_axes=len(self.axes))
        names = [axis.name for axis in self.axes]
        if len(set(names)) != len(names):
            raise ConfigError("parameter {names_item!r} is swept twice", names_item=names[0])
        for axis in self.axes:
            if not isinstance(axis, SweepAxis):
                raise ConfigError("sweep axes must be SweepAxis objects")
            axis.validate()
        if isinstance(self.seeds, bool) or not isinstance(self.seeds, int) or not 1 <= self.seeds <= 10_000:
            raise ConfigError("seeds must be an integer in [1, 10000], got {seeds!r}", seeds=self.seeds)
        if not self.metrics:
            raise ConfigError("choose at least one metric from {choices}", choices=', '.join(METRICS))
        unknown = [m for m in self.metrics if m not in METRICS]
        if unknown:
            raise ConfigError("unknown metric {unknown_item!r}; choose from {choices}", unknown_item=unknown[0], choices=', '.join(METRICS))
        if tuple(m for m in METRICS if m in self.metrics) != self.metrics:
            raise ConfigError("metrics must be distinct and in the order {choices}", choices=', '.join(METRICS))
        threshold = self.threshold
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) \
                or not math.isfinite(threshold) or threshold <= 0:
            raise ConfigError("threshold must be a positive number, got {threshold!r}", threshold=threshold)
        m = self.lyapunov_count
        if isinstance(m, bool) or not isinstance(m, int) or m < 1:
            raise ConfigError("lyapunov_count must be an integer >= 1, got {m!r}", m=m)
        if self.num_points * self.seeds > MAX_GRID_POINTS:
            raise ConfigError("the sweep has {value1} runs; at most {MAX_GRID_POINTS} are allowed", value1=self.num_points * self.seeds, MAX_GRID_POINTS=MAX_GRID_POINTS)
        self.base.validate()
        last_seed = self.base.seed + self.seeds - 1
        if last_seed > 2**63 - 1:
            raise ConfigError("base seed + seeds exceeds the largest seed")
        for config in self.point_configs():
            try:
                config.validate()
            except ConfigError as error:
                raise ConfigError("at {value1}: {error}", value1=self._describe(config), error=error) from None
            S = config.net.state_size
            if self.lyapunov_count > S and "lyapunov" in self.metrics:
                raise ConfigError("lyapunov_count {lyapunov_count} exceeds the state size {S} at {value5}", lyapunov_count=self.lyapunov_count, S=S, value5=self._describe(config))
            if config.seq_len * S * S * np.dtype(config.dtype).itemsize > MAX_JACOBIAN_BYTES:
                raise ConfigError("at {value1} the step Jacobians would need more than {value3} GiB; reduce seq_len or hidden_size", value1=self._describe(config), value3=MAX_JACOBIAN_BYTES >> 30)
        object.__setattr__(self, "_validated", True)   # a frozen spec stays valid: check it once
        return self

    def _describe(self, config: ExperimentConfig) -> str:
        return ", ".join(f"{axis.name}={getattr(config, axis.name)}" for axis in self.axes)

    # -- the grid -----------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(axis.values) for axis in self.axes)

    @property
    def num_points(self) -> int:
        return int(np.prod(self.shape)) if self.axes else 0

    @property
    def num_runs(self) -> int:
        return self.num_points * self.seeds

    def point_values(self) -> list[tuple]:
        """Swept values of every grid point, first axis slowest: [(v1,) or (v1, v2), …]."""
        grids = [axis.values for axis in self.axes]
        if len(grids) == 1:
            return [(v,) for v in grids[0]]
        return [(a, b) for a in grids[0] for b in grids[1]]

    def _values_at(self, point: int) -> tuple:
        # row-major index -> one value per axis, without building the whole grid
        if not 0 <= point < self.num_points:
            raise IndexError(f"grid point {point} out of range 0..{self.num_points - 1}")
        index = np.unravel_index(point, self.shape)
        return tuple(axis.values[int(i)] for axis, i in zip(self.axes, index))

    def point_configs(self, seed_index: int = 0) -> list[ExperimentConfig]:
        names = [axis.name for axis in self.axes]
        return [self.base.replace(**dict(zip(names, values)), seed=self.base.seed + seed_index)
                for values in self.point_values()]

    def config_at(self, point: int, seed_index: int = 0) -> ExperimentConfig:
        """Configuration of grid point ``point`` (row-major index) for seed ``base.seed + seed_index``."""
        names = [axis.name for axis in self.axes]
        return self.base.replace(**dict(zip(names, self._values_at(point))), seed=self.base.seed + seed_index)

    def reach_limits(self) -> np.ndarray:
        """The longest reach each grid point can measure, T − t₀ (its ``seq_len`` minus the
        anchor), grid-shaped (``shape``). A reach equal to it is a lower bound: the gradient was
        still at or above the threshold at the sequence's last step; a longer sequence measures
        further."""
        limits = [config.seq_len - config.anchor for config in self.point_configs()]
        return np.asarray(limits, dtype=np.float64).reshape(self.shape)

    def runs(self) -> list[tuple[int, int, ExperimentConfig]]:
        """Every (point, seed_index, config), point-major: the row order of the results.

        Built in one pass over the grid (linear in the number of runs)."""
        names = [axis.name for axis in self.axes]
        runs = []
        for point, values in enumerate(self.point_values()):
            swept = dict(zip(names, values))
            for seed_index in range(self.seeds):
                runs.append((point, seed_index, self.base.replace(**swept, seed=self.base.seed + seed_index)))
        return runs

    @property
    def metric_columns(self) -> tuple[str, ...]:
        columns = []
        for metric in self.metrics:
            columns.append(metric)
            if metric == "lyapunov":
                columns.extend(f"lyapunov_{i}" for i in range(2, self.lyapunov_count + 1))
        return tuple(columns)

    # -- JSON -----------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"format": SPEC_FORMAT, "version": SPEC_VERSION, "base": self.base.to_dict(),
                "axes": [{"name": a.name, "values": list(a.values)} for a in self.axes],
                "seeds": self.seeds, "metrics": list(self.metrics), "threshold": float(self.threshold),
                "lyapunov_count": self.lyapunov_count}

    @classmethod
    def from_dict(cls, data) -> "SweepSpec":
        """Inverse of :meth:`to_dict`; validates everything (ConfigError with one line)."""
        if not isinstance(data, dict):
            raise ConfigError("sweep definition must be a JSON object")
        if data.get("format", SPEC_FORMAT) != SPEC_FORMAT:
            raise ConfigError("not a sweep definition: format is {value1!r}", value1=data.get('format'))
        version = data.get("version", SPEC_VERSION)
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= SPEC_VERSION:
            raise ConfigError("unsupported sweep definition version {version!r}", version=version)
        known = {"format", "version", "base", "axes", "seeds", "metrics", "threshold", "lyapunov_count"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError("unknown sweep key(s): {choices}", choices=', '.join(unknown))
        axes_data = data.get("axes")
        if not isinstance(axes_data, list):
            raise ConfigError("sweep 'axes' must be a list")
        axes = []
        for entry in axes_data:
            if not isinstance(entry, dict) or set(entry) != {"name", "values"} \
                    or not isinstance(entry["values"], list):
                raise ConfigError("each sweep axis must be {\"name\": ..., \"values\": [...]}")
            name = entry["name"]
            if name not in SWEEPABLE:
                raise ConfigError("cannot sweep {name!r}; choose one of {choices}", name=name, choices=', '.join(SWEEPABLE))
            axes.append(SweepAxis(name, _coerce_values(name, entry["values"])))
        metrics = data.get("metrics", list(METRICS))
        if not isinstance(metrics, list):
            raise ConfigError("sweep 'metrics' must be a list")
        spec = cls(base=ExperimentConfig.from_dict(data.get("base", {})), axes=tuple(axes),
                   seeds=data.get("seeds", 1), metrics=tuple(metrics),
                   threshold=data.get("threshold", 1e-6), lyapunov_count=data.get("lyapunov_count", 1))
        return spec.validate()


# --------------------------------------------------------------------------- one run


def measure(config: ExperimentConfig, metrics=METRICS, threshold: float = 1e-6, lyapunov_count: int = 1,
            should_stop: Callable[[], bool] | None = None) -> dict[str, float]:
    """The sweep metrics of one configuration (see the module docstring), as ``column -> float``.

    Computes only what the metrics need: forward pass; step Jacobians ``(T, S, S)`` for reach,
    log10_norm and lyapunov; the anchor curve for reach and log10_norm. ``should_stop()`` is
    checked between stages (True raises Cancelled).
    """
    def check():
        if should_stop is not None and should_stop():
            raise Cancelled("sweep cancelled")

    net, params, x, _ = build(config)
    trace = forward(params, net, x, aux=make_aux(config))
    check()
    out: dict[str, float] = {}
    jacobians = None
    if {"reach", "log10_norm", "lyapunov"} & set(metrics):
        jacobians = step_jacobians(params, net, trace)
        check()
    if "reach" in metrics or "log10_norm" in metrics:
        reach, final = reach_and_final_norm(jacobians, config.anchor, threshold)
        if "reach" in metrics:
            out["reach"] = float(reach)
        if "log10_norm" in metrics:
            out["log10_norm"] = final
        check()
    if "lyapunov" in metrics:
        exponents = lyapunov_exponents(jacobians, m=lyapunov_count, seed=config.seed)
        out["lyapunov"] = float(exponents[0])
        for i in range(1, lyapunov_count):
            out[f"lyapunov_{i + 1}"] = float(exponents[i])
    if "saturation" in metrics:
        _, saturation = gate_statistics(trace, batch_index=0)
        out["saturation"] = float(np.mean([v.mean() for v in saturation.values()])) if saturation \
            else float("nan")
    return out


def _log10_spectral(P: np.ndarray) -> float:
    """log10 ‖P‖₂ from the largest eigenvalue of PᵀP (relative accuracy ~ machine epsilon)."""
    top = float(np.linalg.eigvalsh(P.T @ P)[-1])
    return 0.5 * math.log10(top) if top > 0 else -math.inf


def reach_and_final_norm(J: np.ndarray, t0: int, threshold: float) -> tuple[int, float]:
    """(reach, log10 ‖∂s_T/∂s_{t0}‖₂) from step Jacobians ``J: (T, S, S)``.

    reach = the largest k in 1 … T − t0 with ‖P(t0, k)‖₂ ≥ threshold, 0 if none, where
    P(t0, k) = J[t0+k−1] ⋯ J[t0]. A sweep needs the curve only where it crosses the threshold, so
    instead of a spectral norm per k (what the explorer's anchor curve computes) this forms the
    running products once, brackets ‖P‖₂ by ‖P‖_F/√S ≤ ‖P‖₂ ≤ ‖P‖_F, keeps only the products whose
    bracket contains the threshold, and computes their spectral norms scanning down from the
    largest k until one reaches it. The running products are those of
    :func:`.reference.running_products` (near unit norm by exact powers of two, so norms like
    1e-400 are no problem).
    """
    T, S, _ = J.shape
    K = T - t0
    level = math.log10(threshold)
    half_log_size = 0.5 * math.log10(S)
    undecided: dict[int, tuple[np.ndarray, float]] = {}  # k-1 -> (scaled product, log10 of its scale)
    log10_frobenius = np.full(K, -math.inf)
    for k, (P, exponent) in enumerate(running_products(J, t0)):
        norm = math.sqrt(float(np.vdot(P, P)))
        if norm == 0.0:  # a zero product stays zero
            break
        log10_frobenius[k] = math.log10(norm) + exponent * LOG10_2
        if log10_frobenius[k] - half_log_size < level <= log10_frobenius[k]:
            undecided[k] = (P, exponent * LOG10_2)
    final = float(_log10_spectral(P) + exponent * LOG10_2) if log10_frobenius[-1] > -math.inf else -math.inf
    for k in range(K - 1, -1, -1):
        if not log10_frobenius[k] >= level:
            continue
        if k not in undecided:  # even the lower bound reaches the threshold
            return k + 1, final
        product, log10_scale = undecided[k]
        if _log10_spectral(product) + log10_scale >= level:
            return k + 1, final
    return 0, final


# --------------------------------------------------------------------------- results


@dataclass
class SweepResult:
    """Metrics of every run plus their mean and spread per grid point.

    values: column -> (num_points, seeds) float64, runs in :meth:`SweepSpec.runs` order.
    mean, std: column -> grid-shaped arrays ``spec.shape`` (std over seeds, ddof=0; NaN-free inputs
    give finite results, NaN (e.g. saturation of an Elman RNN) stays NaN).
    """

    spec: SweepSpec
    values: dict
    seconds: float = 0.0
    workers: int = 1

    @property
    def columns(self) -> tuple[str, ...]:
        return self.spec.metric_columns

    @property
    def mean(self) -> dict:
        with np.errstate(invalid="ignore"):
            return {c: v.mean(axis=1).reshape(self.spec.shape) for c, v in self.values.items()}

    @property
    def std(self) -> dict:
        with np.errstate(invalid="ignore"):
            return {c: v.std(axis=1).reshape(self.spec.shape) for c, v in self.values.items()}

    def seeds_at_reach_limit(self) -> np.ndarray:
        """Grid-shaped count of the seeds whose reach is the point's limit
        (:meth:`SweepSpec.reach_limits`); where it is above 0, the mean reach is a lower bound."""
        if "reach" not in self.values:
            raise ValueError("the sweep did not measure 'reach'")
        limits = self.spec.reach_limits().reshape(-1, 1)
        return (self.values["reach"] >= limits).sum(axis=1).reshape(self.spec.shape)

    def rows_csv(self) -> str:
        """One row per grid point and seed: point, seed_index, every config field, every metric."""
        config_fields = [f.name for f in fields(ExperimentConfig)]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["point", "seed_index", *config_fields, *self.columns])
        for point, seed_index, config in self.spec.runs():
            writer.writerow([point, seed_index, *(_cell(getattr(config, name)) for name in config_fields),
                             *(_cell(self.values[c][point, seed_index]) for c in self.columns)])
        return buffer.getvalue()

    def summary_csv(self) -> str:
        """One row per grid point: point, the swept values, seeds, <metric>_mean and <metric>_std."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        names = [axis.name for axis in self.spec.axes]
        header = ["point", *names, "seeds"]
        for column in self.columns:
            header += [f"{column}_mean", f"{column}_std"]
        writer.writerow(header)
        mean, std = self.mean, self.std
        for point, values in enumerate(self.spec.point_values()):
            index = np.unravel_index(point, self.spec.shape)
            row = [point, *(_cell(v) for v in values), self.spec.seeds]
            for column in self.columns:
                row += [_cell(mean[column][index]), _cell(std[column][index])]
            writer.writerow(row)
        return buffer.getvalue()


def _cell(value) -> str:
    """CSV text of a value: exact floats (repr), integers without '.0', '' for None."""
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


@dataclass
class SweepProgress:
    """One event of :func:`iter_sweep`: ``done`` of ``total`` runs finished; ``result`` on the last."""

    done: int
    total: int
    point: int | None = None
    seed_index: int | None = None
    metrics: dict | None = None
    result: SweepResult | None = None

    @property
    def fraction(self) -> float:
        return self.done / max(self.total, 1)


# --------------------------------------------------------------------------- the runner

_worker_stop = None


def _init_worker(stop_event) -> None:
    global _worker_stop
    # Ctrl-C goes to the whole process group; the parent cleans up, workers must not print tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_stop = stop_event
    limit_this_process()


def _worker_run(config: ExperimentConfig, metrics, threshold, lyapunov_count) -> dict[str, float]:
    stop = _worker_stop
    return measure(config, metrics, threshold, lyapunov_count,
                   should_stop=None if stop is None else stop.is_set)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def _start_method() -> str:
    """"fork" from the main thread of a process without other Python threads and without Qt loaded
    (the command line: workers start in milliseconds), "spawn" otherwise (the GUI runs sweeps from a
    worker thread of a Qt process, and forking a multi-threaded process can deadlock the child).
    From Python 3.12 on, forking warns whenever native threads exist (OpenBLAS has some), so spawn."""
    import threading

    if ("fork" in multiprocessing.get_all_start_methods() and sys.version_info < (3, 12)
            and threading.current_thread() is threading.main_thread() and threading.active_count() == 1
            and "PySide6" not in sys.modules):
        return "fork"
    return "spawn"


def iter_sweep(spec: SweepSpec, *, workers: int | None = None,
               should_stop: Callable[[], bool] | None = None,
               poll_seconds: float = 0.1) -> Iterator[SweepProgress]:
    """Run every grid point and seed; yield a :class:`SweepProgress` per finished run.

    The last event carries the :class:`SweepResult`. ``workers`` processes (default: one per CPU)
    run the points; 1 runs them here in this process. ``should_stop()`` is polled about every
    ``poll_seconds``; when it returns True no new run is started, queued runs are cancelled, running
    ones are told to stop, and Cancelled is raised. Closing the generator early does the same.

    Workers are forked when that is safe (see :func:`_start_method`) and spawned otherwise; spawned
    workers do not import the calling script (:func:`.parallel.pool.main_not_imported`), so a script
    without an ``if __name__ == "__main__":`` guard does not run again in every worker.
    """
    if not getattr(spec, "_validated", False):
        spec.validate()
    workers = default_workers() if workers is None else workers
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ConfigError("workers must be an integer >= 1, got {workers!r}", workers=workers)
    runs = spec.runs()
    total = len(runs)
    workers = min(workers, total)
    columns = spec.metric_columns
    values = {c: np.full((spec.num_points, spec.seeds), np.nan) for c in columns}
    start = time.perf_counter()
    arguments = (spec.metrics, float(spec.threshold), spec.lyapunov_count)

    def stopped() -> bool:
        return should_stop is not None and bool(should_stop())

    def store(point, seed_index, metrics):
        for c in columns:
            values[c][point, seed_index] = metrics[c]

    done = 0
    if workers == 1:
        # One BLAS thread, as in the worker processes (the same arithmetic whatever the count).
        with single_threaded_blas():
            for point, seed_index, config in runs:
                if stopped():
                    raise Cancelled("sweep cancelled")
                metrics = measure(config, *arguments, should_stop=should_stop)
                store(point, seed_index, metrics)
                done += 1
                yield SweepProgress(done, total, point, seed_index, metrics)
    else:
        context = multiprocessing.get_context(_start_method())
        stop_event = context.Event()
        executor = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                                       initargs=(stop_event,))
        pending: dict[Future, int] = {}
        clean = False
        try:
            next_run = 0
            while next_run < total or pending:
                # Keep a short queue so that cancelling leaves little queued work behind.
                while next_run < total and len(pending) < 2 * workers:
                    config = runs[next_run][2]
                    with main_not_imported():  # a submit may start a worker process
                        pending[executor.submit(_worker_run, config, *arguments)] = next_run
                    next_run += 1
                if stopped():
                    raise Cancelled("sweep cancelled")
                finished, _ = wait(list(pending), timeout=poll_seconds, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=pending.__getitem__):
                    index = pending.pop(future)
                    metrics = future.result()
                    point, seed_index, _ = runs[index]
                    store(point, seed_index, metrics)
                    done += 1
                    yield SweepProgress(done, total, point, seed_index, metrics)
            clean = True
        finally:
            if not clean:
                stop_event.set()
                for future in pending:
                    future.cancel()
            # Wait even when cancelled: running points stop at their next check of stop_event, and
            # a worker still starting up needs the event (a semaphore) alive to unpickle it.
            executor.shutdown(wait=True, cancel_futures=not clean)
    result = SweepResult(spec, values, seconds=time.perf_counter() - start, workers=workers)
    yield SweepProgress(total, total, result=result)


def run_sweep(spec: SweepSpec, *, workers: int | None = None,
              progress: Callable[[SweepProgress], None] | None = None,
              should_stop: Callable[[], bool] | None = None) -> SweepResult:
    """Run the whole sweep and return its :class:`SweepResult` (see :func:`iter_sweep`)."""
    result = None
    for event in iter_sweep(spec, workers=workers, should_stop=should_stop):
        if progress is not None:
            progress(event)
        if event.result is not None:
            result = event.result
    return result
