"""``rnnviz sweep``: how far back does the gradient reach as one or two parameters change?

Give each swept parameter a range start:stop:num (evenly spaced, both ends
included) or a comma-separated list; a flag with a single value just fixes that
parameter. One or two parameters may vary. Every grid point runs for --seeds
seeds (base seed, base seed + 1, ...) and measures, from the anchor t0 over
k = 1 ... T-t0, on the whole state s (batch element 0):

  reach       largest k with ||ds_(t0+k)/ds_t0||_2 >= --threshold (0 if none);
              a reach of T-t0 is a lower bound (still above it at the last step)
  log10_norm  log10 ||ds_T/ds_t0||_2
  lyapunov    largest Lyapunov exponent (QR method, natural log per step);
              --lyapunov-count m adds lyapunov_2 ... lyapunov_m
  saturation  fraction of sigmoid-gate units < 0.1 or > 0.9, mean over gates
              and steps (nan for the Elman RNN)

--out FILE.csv gets one row per grid point and seed with the full configuration;
FILE_summary.csv beside it the mean and std over seeds per point; run.json the
sweep definition, versions and timing; --spec run.json repeats that sweep. --plot FILE.png (or .svg) draws lines
with +-1 std bands (one numeric parameter, optionally one line per cell /
activation / init) or a heatmap (two numeric parameters). The same command
always writes the same CSV, whatever --workers is. --scheduler tcp://host:8786
runs the same runs on a Dask distributed cluster (pip install 'rnnviz[cluster]',
rnnviz installed on its workers) and writes the same CSV.

example: rnnviz sweep --cell rnn,lstm,gru --radius 0.5:1.5:21 --seeds 3 --out reach.csv --plot reach.png
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from rnnviz.commands import with_flag_names
from rnnviz.core.analysis import ExperimentConfig
from rnnviz.core.config import ConfigError
from rnnviz.core.sweep import CATEGORICAL, METRICS, SWEEPABLE, SweepAxis, SweepSpec, default_workers, \
    iter_sweep, parse_values
from rnnviz.io_utils import AtomicFileSet, atomic_path, check_output_file, parse_json, versions

NAME = "sweep"
DEFAULTS = ExperimentConfig()

#: command-line flag -> swept parameter
SWEEP_FLAGS = {
    "--cell": "cell", "--activation": "activation", "--init": "init", "--radius": "radius",
    "--hidden": "hidden_size", "--seq-len": "seq_len", "--forget-bias": "forget_bias",
    "--input-scale": "input_scale",
}
SWEEP_HELP = {
    "cell": "recurrent cell", "activation": "activation", "init": "init scheme",
    "radius": "spectral radius rho of each recurrent block", "hidden_size": "hidden units",
    "seq_len": "sequence length T", "forget_bias": "LSTM forget-gate bias", "input_scale": "input scale",
}
PLOT_SUFFIXES = (".png", ".svg")
# flags that --spec replaces (flag -> argparse dest) and their defaults
FILE_SPEC_CONFLICTS = {
    "--input-size": "input_size", "--layers": "layers", "--init-scale": "init_scale",
    "--input-signal": "input_signal", "--anchor": "anchor", "--seed": "seed", "--dtype": "dtype",
    "--seeds": "seeds", "--metric": "metric", "--threshold": "threshold", "--lyapunov-count": "lyapunov_count",
}
#: sweep and configuration field -> the flag that sets it, for messages
FIELD_FLAGS = {field: flag for field, flag in (
    *((name, flag) for flag, name in SWEEP_FLAGS.items()),
    *((name, flag) for flag, name in FILE_SPEC_CONFLICTS.items()),
    ("num_layers", "--layers"), ("anchor", "--anchor"), ("seeds", "--seeds"),
) if "_" in field or field in ("anchor", "seeds")}
DEFAULT_ARGUMENTS = {
    "input_size": DEFAULTS.input_size, "layers": DEFAULTS.num_layers, "init_scale": None,
    "input_signal": DEFAULTS.input_signal, "anchor": DEFAULTS.anchor, "seed": DEFAULTS.seed,
    "dtype": DEFAULTS.dtype, "seeds": 3, "metric": ",".join(METRICS), "threshold": 1e-6, "lyapunov_count": 1,
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``sweep`` parser to ``rnnviz``'s subcommands."""
    parser = subparsers.add_parser(
        NAME, help="sweep one or two parameters; gradient reach, Lyapunov exponents (CSV + plot)",
        description=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    swept = parser.add_argument_group("swept parameters", "a range start:stop:num or a list a,b,c")
    for flag, name in SWEEP_FLAGS.items():
        default = getattr(DEFAULTS, name)
        choices = f" from {','.join(CATEGORICAL[name])}" if name in CATEGORICAL else ""
        swept.add_argument(flag, dest=name, default=None, metavar="VALUES",
                           help=f"{SWEEP_HELP[name]}{choices} (default {default})")
    fixed = parser.add_argument_group("fixed parameters")
    fixed.add_argument("--input-size", type=int, default=DEFAULTS.input_size, metavar="N",
                       help=f"input features (default {DEFAULTS.input_size})")
    fixed.add_argument("--layers", type=int, default=DEFAULTS.num_layers, metavar="N",
                       help=f"stacked layers (default {DEFAULTS.num_layers})")
    fixed.add_argument("--init-scale", type=float, default=None, metavar="X",
                       help="sigma (gaussian) or a (uniform) of the init scheme (default: its own)")
    fixed.add_argument("--input-signal", default=DEFAULTS.input_signal,
                       help=f"gaussian, zeros, constant, sine or onehot (default {DEFAULTS.input_signal})")
    fixed.add_argument("--anchor", type=int, default=DEFAULTS.anchor, metavar="T0",
                       help=f"anchor step t0 (default {DEFAULTS.anchor})")
    fixed.add_argument("--seed", type=int, default=DEFAULTS.seed, help="first seed (default 0)")
    fixed.add_argument("--dtype", default=DEFAULTS.dtype, help="float64 or float32 (default float64)")
    fixed.add_argument("--spec", default=None, metavar="FILE.json",
                       help="repeat a sweep: its definition from a run.json (or a saved sweep definition); "
                       "parameter and measurement flags are then not allowed")
    output = parser.add_argument_group("measurement and output")
    output.add_argument("--seeds", type=int, default=DEFAULT_ARGUMENTS["seeds"], metavar="N", help="seeds per grid point (default 3)")
    output.add_argument("--metric", default=",".join(METRICS), metavar="LIST",
                     help=f"comma-separated subset of {','.join(METRICS)} (default all)")
    output.add_argument("--threshold", type=float, default=DEFAULT_ARGUMENTS["threshold"], help="norm that counts as reached (default 1e-6)")
    output.add_argument("--lyapunov-count", type=int, default=1, metavar="M",
                     help="number of leading Lyapunov exponents (default 1)")
    output.add_argument("--workers", type=int, default=None, metavar="N",
                     help=f"processes (default: one per CPU, here {default_workers()})")
    output.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="run on the Dask distributed cluster of this scheduler (tcp://host:8786; needs "
                     "pip install 'rnnviz[cluster]' here and rnnviz on the workers); same CSV as a local run")
    output.add_argument("--out", required=True, metavar="FILE.csv", help="rows CSV (summary and run.json beside it)")
    output.add_argument("--plot", default=None, metavar="FILE.png", help="also draw the result (.png or .svg)")
    output.add_argument("--plot-metric", default=None, metavar="METRIC",
                     help="metric to plot (default: the first of --metric)")
    output.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(func=run)


def spec_from_file(path) -> SweepSpec:
    """The sweep definition in a run.json (its "spec") or in a file holding just the definition."""
    path = Path(path)
    if path.exists() and not path.is_file():
        raise ConfigError(f"--spec: {path} is not a regular file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"--spec: cannot read {path.name}: {error}") from None
    data = parse_json(text, f"--spec: {path.name}")
    if isinstance(data, dict) and "spec" in data:
        data = data["spec"]
    try:
        return SweepSpec.from_dict(data)
    except ConfigError as error:
        raise ConfigError(f"--spec {path.name}: {error}") from None


#: From this many runs on, checking every grid point takes noticeable time: say so first.
ANNOUNCE_RUNS = 1000


def spec_from_args(args: argparse.Namespace, announce=None) -> SweepSpec:
    """The SweepSpec described by the command line; ConfigError with one line if it is not valid.

    ``announce(runs)`` is called before a large sweep (``ANNOUNCE_RUNS`` runs or more) is checked.
    """
    if args.spec is not None:
        given = [flag for flag, name in SWEEP_FLAGS.items() if getattr(args, name) is not None]
        given += [flag for flag, dest in FILE_SPEC_CONFLICTS.items()
                  if getattr(args, dest) != DEFAULT_ARGUMENTS[dest]]
        if given:
            raise ConfigError(f"--spec defines the whole sweep; drop {', '.join(given)}")
        return spec_from_file(args.spec)
    fixed, axes = {}, []
    for flag, name in SWEEP_FLAGS.items():
        text = getattr(args, name)
        if text is None:
            continue
        try:
            values = parse_values(name, text)
        except ConfigError as error:
            raise ConfigError(f"{flag}: {error}") from None
        if len(values) == 1:
            fixed[name] = values[0]
        else:
            axes.append(SweepAxis(name, values))
    if not axes:
        raise ConfigError("nothing to sweep: give two or more values to one of "
                          + ", ".join(SWEEP_FLAGS))
    if len(axes) > 2:
        raise ConfigError("at most two parameters can vary, got "
                          + ", ".join(f"--{a.name.replace('_', '-')}" for a in axes))
    # Categorical first: it becomes one line per value over the numeric parameter.
    axes.sort(key=lambda axis: (not axis.categorical, list(SWEEPABLE).index(axis.name)))
    base = DEFAULTS.replace(input_size=args.input_size, num_layers=args.layers, init_scale=args.init_scale,
                            input_signal=args.input_signal, anchor=args.anchor, seed=args.seed,
                            dtype=args.dtype, **fixed)
    metrics = tuple(part.strip() for part in args.metric.split(",") if part.strip())
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ConfigError(f"--metric: unknown metric {unknown[0]!r}; choose from {', '.join(METRICS)}")
    metrics = tuple(m for m in METRICS if m in metrics)
    spec = SweepSpec(base=base, axes=tuple(axes), seeds=args.seeds, metrics=metrics,
                     threshold=args.threshold, lyapunov_count=args.lyapunov_count)
    if announce is not None and spec.num_runs >= ANNOUNCE_RUNS:
        announce(spec.num_runs)
    try:
        return spec.validate()
    except ConfigError as error:
        raise with_flag_names(error, FIELD_FLAGS) from None


class _Progress:
    """Progress on stderr: one rewritten line on a terminal, a line every ~10 % otherwise."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.start = time.perf_counter()
        self.last_tenth = -1
        self.last_time = 0.0

    def __call__(self, done: int, total: int) -> None:
        if self.quiet:
            return
        now = time.perf_counter()
        line = f"rnnviz sweep: {done}/{total} runs ({100 * done // total}%), {now - self.start:.1f} s"
        if 0 < done < total:
            line += f", ETA {(now - self.start) * (total - done) / done:.0f} s"
        if self.tty:
            if now - self.last_time >= 0.2 or done == total:
                print("\r" + line, end="\n" if done == total else "", file=sys.stderr, flush=True)
                self.last_time = now
        else:
            tenth = 10 * done // total
            if tenth != self.last_tenth:
                print(line, file=sys.stderr, flush=True)
                self.last_tenth = tenth


def summary_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}_summary{out.suffix or '.csv'}")


def run_json_path(out: Path) -> Path:
    """The sweep's ``run.json``, named after its CSV so that sweeps sharing a folder keep theirs."""
    return out.with_name(f"{out.stem}_run.json")


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)

    def announce(runs: int) -> None:
        if not args.quiet:
            print(f"rnnviz sweep: checking {runs} runs", file=sys.stderr, flush=True)

    spec = spec_from_args(args, announce)
    # every output is tried before the first run
    for path in (out, summary_path(out), run_json_path(out)):
        check_output_file(path, "--out")
    plot = Path(args.plot) if args.plot else None
    if plot is not None:
        if plot.suffix.lower() not in PLOT_SUFFIXES:
            raise ConfigError(f"--plot: use a .png or .svg file name, got {plot.name!r}")
        check_output_file(plot, "--plot")
    plot_metric = args.plot_metric or spec.metrics[0]
    if plot_metric not in spec.metric_columns:
        raise ConfigError(f"--plot-metric: {plot_metric!r} is not among the measured "
                          f"{', '.join(spec.metric_columns)}")
    workers = default_workers() if args.workers is None else args.workers
    if workers < 1:
        raise ConfigError(f"--workers must be >= 1, got {workers}")
    client = None
    if args.scheduler is not None:
        if args.workers is not None:
            raise ConfigError("--workers does not apply with --scheduler (the cluster's workers run the sweep)")
        from rnnviz.core.cluster import connect, iter_cluster_sweep  # Dask is optional: only when asked

        client = connect(args.scheduler)  # an unreachable scheduler fails here, before any work
        events = iter_cluster_sweep(spec, client)
    else:
        events = iter_sweep(spec, workers=workers)

    try:
        progress = _Progress(args.quiet)
        progress(0, spec.num_runs)
        result = None
        for event in events:
            if event.result is None:
                progress(event.done, event.total)
            else:
                result = event.result
    finally:
        events.close()  # an interrupted cluster sweep cancels its runs before the client goes
        if client is not None:
            client.close()
    summary = summary_path(out)
    run_json = run_json_path(out)
    # grid points where a seed's reach is T − t0, the longest measurable: a lower bound there
    bounded = ([] if "reach" not in result.values else
               [point for point, seeds in enumerate(result.seeds_at_reach_limit().ravel().tolist()) if seeds])
    # The CSVs, the plot (when beside them) and run.json appear together: all new or all old.
    with AtomicFileSet(out.parent, marker=run_json.name) as files:
        files.write_text(out.name, result.rows_csv())
        files.write_text(summary.name, result.summary_csv())
        if plot is not None:
            if plot.resolve().parent == out.resolve().parent:
                render_plot(result, plot_metric, files.path(plot.name))
            else:
                with atomic_path(plot) as temporary:
                    render_plot(result, plot_metric, temporary)
        files.write_json(run_json.name, {
            "command": "rnnviz sweep",
            "spec": spec.to_dict(),
            "files": {"rows": out.name, "summary": summary.name, "plot": plot.name if plot else None},
            "runs": spec.num_runs,
            "workers": result.workers,
            "scheduler": args.scheduler,
            "seconds": round(result.seconds, 3),
            "reach_lower_bound_points": bounded,
            "versions": versions(),
        })
        files.commit()
    if not args.quiet:
        written = ", ".join(str(p) for p in (out, summary, plot, run_json) if p is not None)
        where = f" of the Dask cluster at {args.scheduler}" if args.scheduler is not None else ""
        print(f"rnnviz sweep: {spec.num_runs} runs in {result.seconds:.1f} s on {result.workers} "
              f"worker(s){where}; wrote {written}", file=sys.stderr)
        if bounded:
            print(f"rnnviz sweep: at {len(bounded)} of {spec.num_points} points a reach is T - t0, the "
                  f"longest measurable: there the reach is a lower bound (a longer --seq-len measures "
                  f"further; points in run.json, reach_lower_bound_points)", file=sys.stderr)
    return 0


def render_plot(result, metric: str, path: Path) -> None:
    """Draw the sweep offscreen with the Experiments tab's plot and save it (.png or .svg)."""
    from rnnviz._display import has_display

    if not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    from rnnviz.app.panels.experiments import SweepPlot

    app = QApplication.instance() or QApplication(["rnnviz"])
    plot = SweepPlot()
    plot.resize(900, 600)
    plot.show_result(result, metric)
    app.processEvents()  # let the layout settle (colour bar, axes) before rendering
    try:
        plot.save_image(path)
    finally:
        plot.close()
        plot.deleteLater()
        app.processEvents()
