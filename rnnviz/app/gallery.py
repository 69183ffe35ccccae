"""The matrix of transitions the explorer's views are checked after, and pictured after.

The view-invariant test walks :data:`TRANSITIONS` and checks every visible plot after each step
(``rnnviz.app.plots.invariants``); ``rnnviz screenshot --gallery DIR`` walks the same steps and
writes a picture of the window after each one, then one of every tab at both sizes with
presentation mode off and on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from rnnviz.core.analysis import ExperimentConfig

#: The two window sizes everything is checked at: a 1280×720 projector and the default window.
SIZES = ((1280, 720), (1600, 1000))
PLOT_ORDER = ("decay", "map", "gates", "bptt", "spectrum", "hidden", "unrolled")
#: A line of text the hand-off's model "reads" (characters embedded by a seeded table).
HANDOFF_TEXT = "Shall I compare thee to a summer's day? Thou art more lovely and more temperate."


@dataclass(frozen=True)
class Transition:
    """One step of the matrix: ``name`` (a file-name stem), what it does to the window, and whether
    it changes the configuration (then every read-out must be cleared)."""

    name: str
    apply: Callable[[object], None]
    changes_config: bool


@dataclass(frozen=True)
class Matrix:
    start_config: ExperimentConfig
    steps: tuple[Transition, ...]


def trained_handoff(hidden_size: int = 24, embedding: int = 12, seed: int = 3):
    """What the Trainer's *Open in explorer* sends, for an LSTM whose recurrent weights are as large
    as a trained model's (σ_max ≈ 3: the Pascanu bound climbs tens of decades over the text while
    the measured norms stay near 1), reading :data:`HANDOFF_TEXT`."""
    from rnnviz.app.panels.trainer import ExplorerHandoff
    from rnnviz.core.config import NetConfig
    from rnnviz.core.params import init_params

    net = NetConfig(cell="lstm", input_size=embedding, hidden_size=hidden_size)
    params = init_params(net, "orthogonal", seed=seed)
    params = {name: value * 3.0 if name.startswith("weight_hh") else value for name, value in params.items()}
    rng = np.random.default_rng(seed)
    table = rng.normal(0.0, 1.0, (256, embedding))
    codes = np.frombuffer(HANDOFF_TEXT.encode("ascii"), dtype=np.uint8)
    inputs = table[codes][:, None, :]  # (T, 1, E)
    return ExplorerHandoff(params, net, inputs, HANDOFF_TEXT)


def opened_network(hidden_size: int = 20, input_size: int = 3, layers: int = 2, seed: int = 5):
    """What File → Open network… reads from a file: a stacked GRU as a torch state dict would hold it
    (float32; no file is needed for the matrix, only what the reader returns)."""
    from rnnviz.app.loading import FileSource, OpenedNetwork
    from rnnviz.core.config import NetConfig
    from rnnviz.core.params import init_params

    net = NetConfig(cell="gru", input_size=input_size, hidden_size=hidden_size, num_layers=layers)
    params = {name: value.astype(np.float32).astype(np.float64)
              for name, value in init_params(net, "pytorch", seed=seed).items()}
    return OpenedNetwork(FileSource("/gallery/my-gru.safetensors", "0" * 64, 0), params, net, "safetensors",
                         complete=False, stored_dtype="float32")


def opened_inputs(steps: int = 64, width: int = 3, batch: int = 2, seed: int = 6):
    """What File → Open inputs… reads from a (T, batch, input) .npy file: a noisy sine per channel."""
    from rnnviz.app.loading import FileSource, OpenedInputs

    t = np.arange(steps)[:, None, None]
    rng = np.random.default_rng(seed)
    x = np.sin(0.2 * t + np.arange(width)) + 0.1 * rng.normal(size=(steps, batch, width))
    return OpenedInputs(FileSource("/gallery/signal.npy", "1" * 64, 0), x, "npy")


def _update(**changes) -> Callable:
    return lambda window: window.state.update(**changes)


def _preset(name: str) -> Callable:
    def apply(window):
        from rnnviz.app.presets import load_preset

        window.apply_preset(load_preset(name))
    return apply


def _focus(name: str | None) -> Callable:
    def apply(window):
        if window.focused_plot != name:
            window.focus_plot(name)
    return apply


def _resize(width: int, height: int) -> Callable:
    return lambda window: window.resize(width, height)


def _opened_on_screen(width: int, height: int) -> Callable:
    def apply(window):
        from rnnviz.app.main_window import window_size_on_screen

        window.resize(*window_size_on_screen(width, height))
    return apply


def _presentation(on: bool) -> Callable:
    return lambda window: window.set_presentation_mode(on, full_screen=False)


def _build_matrix() -> Matrix:
    steps = [
        Transition("start", lambda window: None, False),
        Transition("T-up-120", _update(seq_len=120), True),
        Transition("T-down-25", _update(seq_len=25), True),
        Transition("cell-gru", _update(cell="gru"), True),
        Transition("cell-rnn", _update(cell="rnn"), True),
        Transition("cell-lstm-cifg", _update(cell="lstm-cifg"), True),
        Transition("cell-lstm", _update(cell="lstm"), True),
        Transition("aux-on", _update(aux_size=4), True),
        Transition("encoder-decoder", _update(loss_placement="encoder-decoder", encoder_steps=15,
                                              decoder_steps=8), True),
        Transition("encoder-decoder-T-down-12", _update(seq_len=12), True),
        Transition("encoder-decoder-T-up-30", _update(seq_len=30), True),
        Transition("encoder-decoder-cell-rnn", _update(cell="rnn"), True),
        Transition("encoder-decoder-back-to-all", _update(loss_placement="all", cell="lstm"), True),
        Transition("aux-off", _update(aux_size=0), True),
        Transition("preset-vanishing-rnn", _preset("vanishing-rnn"), True),
        Transition("preset-lstm-forget-bias-1", _preset("lstm-forget-bias-1"), True),
        Transition("network-file", lambda window: window.opener.analyse_network(opened_network()), True),
        Transition("network-file-T-up-90", _update(seq_len=90), True),
        Transition("network-file-inputs", lambda window: window.opener.analyse_inputs(opened_inputs()), True),
        Transition("network-file-back-to-generated-network", lambda window: window.state.generated_network(), True),
        Transition("inputs-file-back-to-generated-inputs", lambda window: window.state.generated_inputs(), True),
        Transition("trained-model", lambda window: window.open_trained_model(trained_handoff()), True),
        Transition("trained-then-preset-gru", _preset("gru"), True),
        Transition("recompute-F5", lambda window: window.recompute_action.trigger(), True),
        # All weights zero: every ‖∂L/∂hₜ‖ is 0, so no loss step has a point on the log axis.
        Transition("zero-weights", _update(init_scale=0.0), True),
        Transition("zero-weights-back", _update(init_scale=None), True),
        # Eight layers (small ones: the map stays quick), one way and both ways: 32 and 64 blocks in
        # the spectrum, 8 and 16 rows of state boxes in the unrolled network, in all plots and in
        # the presentation grid.
        Transition("layers-8", _update(num_layers=8, hidden_size=4), True),
        Transition("layers-8-bidirectional", _update(bidirectional=True), True),
        Transition("layers-8-presentation-on", _presentation(True), False),
        Transition("layers-8-presentation-all", _focus(None), False),
        Transition("layers-8-presentation-unrolled", _focus("unrolled"), False),
        Transition("layers-8-presentation-off", _presentation(False), False),
        Transition("layers-8-back-to-1", _update(num_layers=1, bidirectional=False, hidden_size=16), True),
    ]
    for name in PLOT_ORDER:
        steps.append(Transition(f"focus-{name}", _focus(name), False))
        steps.append(Transition(f"focus-{name}-back-to-all", _focus(None), False))
    # The sizes with the configuration the window opens with (an LSTM: four rows of gates).
    steps.append(Transition("default-configuration", lambda window: window.state.set_config(ExperimentConfig()), True))
    for width, height in SIZES:
        size = f"{width}x{height}"
        steps.append(Transition(f"size-{size}", _resize(width, height), False))
        steps.append(Transition(f"{size}-presentation-on", _presentation(True), False))
        for name in PLOT_ORDER[1:]:
            steps.append(Transition(f"{size}-presentation-{name}", _focus(name), False))
        steps.append(Transition(f"{size}-presentation-all", _focus(None), False))
        steps.append(Transition(f"{size}-presentation-off", _presentation(False), False))
        # The window as it opens on a screen of this size (smaller than the screen: room for the
        # frame), where the real window's rows are shorter than at the exact size.
        screen = f"on-{size}-screen"
        steps.append(Transition(screen, _opened_on_screen(width, height), False))
        steps.append(Transition(f"{screen}-presentation-on", _presentation(True), False))
        steps.append(Transition(f"{screen}-presentation-off", _presentation(False), False))
    start = ExperimentConfig(cell="lstm", hidden_size=16, input_size=4, seq_len=40, anchor=0)
    return Matrix(start, tuple(steps))


TRANSITIONS = _build_matrix()


#: How long a picture waits for the panels' held repaints at most (they go one per event-loop turn).
HELD_REPAINTS_WAIT_S = 5.0


def settle(window, wait: Callable[[], object], rounds: int = 4) -> None:
    """Wait for the window's results (``wait()``), then let layouts, ranges and text settle."""
    from PySide6.QtWidgets import QApplication

    wait()
    app = QApplication.instance()
    # panels shown again (a tab, all plots, presentation mode) take their layout and style one per
    # event-loop turn as their held repaints are let go: the picture waits for the last of them
    repaints = getattr(window, "repaints", None)
    deadline = time.monotonic() + HELD_REPAINTS_WAIT_S
    while repaints is not None and repaints.held() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
    for _ in range(rounds):
        app.processEvents()
        for panel in window.panels:
            panel.settle()
        time.sleep(0.01)
    app.processEvents()


@dataclass(frozen=True)
class Picture:
    """One picture of a gallery: its file name, the state it shows, and the view problems found then."""

    file: str
    tab: str
    size: tuple[int, int]
    presentation: bool
    state: str
    problems: tuple[str, ...]


def pin_two(window, wait_ms: int = 60000) -> None:
    """Two pins in the Compare tab (the current configuration and one with ρ = 1.2), computed."""
    from PySide6.QtCore import QDeadlineTimer
    from PySide6.QtWidgets import QApplication

    compare = window.compare
    config = window.state.config
    compare.pin_current()
    window.state.set_config(config.replace(radius=1.2))
    compare.pin_current()
    deadline = QDeadlineTimer(wait_ms)
    while len(compare.plots.decay_curves) < 2 and not deadline.hasExpired():
        QApplication.instance().processEvents()
        time.sleep(0.01)
    window.state.set_config(config)


#: The gallery's sweep: three cells over five radii, one seed, on one worker (in the sweep's own job
#: thread: no processes to start), for the explorer's configuration at the end of the matrix.
GALLERY_SWEEP = (("cell", "rnn,lstm,gru"), ("radius", "0.5:1.5:5"))
#: The gallery's training run: a small LSTM over the built-in sample, three epochs (~100 steps),
#: with validation points, gradient-flow snapshots and a sample at the end. Seeded: the same run
#: every time.
GALLERY_TRAINING = {"hidden_spin": 32, "embed_spin": 16, "seq_len_spin": 16, "batch_spin": 8,
                    "epochs_spin": 3, "snapshot_spin": 10, "seed_spin": 0, "threads_spin": 1}


def _wait_until(done: Callable[[], bool], what: str, wait_ms: int) -> None:
    from PySide6.QtCore import QDeadlineTimer, QEventLoop
    from PySide6.QtWidgets import QApplication

    deadline = QDeadlineTimer(wait_ms)
    app = QApplication.instance()
    while not done():
        if deadline.hasExpired():
            raise TimeoutError(f"{what} did not finish in {wait_ms / 1000:g} s")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.005)


def run_gallery_sweep(window, wait_ms: int = 120000) -> None:
    """Run :data:`GALLERY_SWEEP` through the Experiments tab's controls and wait for its result."""
    panel = window.experiments
    (first, first_values), (second, second_values) = GALLERY_SWEEP
    panel.first_param.setCurrentText(first)
    panel.first_values.setText(first_values)
    panel.second_enabled.setChecked(True)
    panel.second_param.setCurrentText(second)
    panel.second_values.setText(second_values)
    panel.seeds.setValue(1)
    panel.workers.setValue(1)
    panel.scheduler.setText("")
    if panel.run() is None:
        raise RuntimeError(f"the gallery's sweep did not start: {panel.status.text()}")
    _wait_until(lambda: panel.job_id is None, "the gallery's sweep", wait_ms)
    if panel.result is None:
        raise RuntimeError(f"the gallery's sweep gave no result: {panel.status.text()}")


def run_gallery_training(window, wait_ms: int = 180000, **controls) -> None:
    """Train :data:`GALLERY_TRAINING` (``controls``: other values for some of its controls) through
    the Trainer tab's controls; wait for the run to end and for its sample (the next-token bars)."""
    from rnnviz.app.panels.trainer import SAMPLE_LANE

    trainer = window.trainer
    for name, value in {**GALLERY_TRAINING, **controls}.items():
        getattr(trainer, name).setValue(value)
    trainer.corpus_edit.setCurrentText("builtin:sample")
    trainer.level_combo.setCurrentText("char")
    trainer.cell_combo.setCurrentText("lstm")
    if not trainer.start():
        raise RuntimeError(f"the gallery's training did not start: {trainer.status_label.text()}")
    _wait_until(lambda: not trainer.running, "the gallery's training", wait_ms)
    if trainer.trainer is None or not trainer.events:
        raise RuntimeError(f"the gallery's training did not run: {trainer.status_label.text()}")
    _wait_until(lambda: trainer.next_token_probs is not None and not window.runner.is_running(SAMPLE_LANE),
                "the gallery's sample", wait_ms)
    trainer.redraw()


def render(window, folder, wait: Callable[[], object], save: Callable[[object, object], None],
           progress: Callable[[str], None] = lambda _text: None) -> list[Picture]:
    """Walk :data:`TRANSITIONS` on ``window`` and picture the window after each step, then every tab
    at both sizes with presentation mode off and on; ``save(pixmap, path)`` writes one PNG into
    ``folder``. Returns what each picture shows, with the view problems found at that moment."""
    from pathlib import Path

    from rnnviz.app.plots.invariants import explorer_scroll_problems, status_bar_problems, tab_problems, view_problems

    pictures: list[Picture] = []

    def shoot(state: str, readouts: bool) -> None:
        tab = window.tabs.tabText(window.tabs.currentIndex())
        name = f"{len(pictures) + 1:02d}-{state}.png"
        explorer = window.tabs.currentWidget() is window.explorer
        problems = tuple(view_problems(window.panels, readouts=readouts) + explorer_scroll_problems(window) if explorer
                         else tab_problems(window)) + tuple(status_bar_problems(window.statusBar()))
        save(window.grab(), Path(folder) / name)
        pictures.append(Picture(name, tab, (window.width(), window.height()), window.presentation_mode,
                                state, problems))
        progress(name)

    window.resize(*SIZES[-1])  # the default window size
    window.show()
    for transition in TRANSITIONS.steps:
        transition.apply(window)
        settle(window, wait)
        shoot(transition.name, transition.changes_config)
    pin_two(window)
    run_gallery_sweep(window)
    run_gallery_training(window)
    settle(window, wait)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        tab = window.tabs.widget(index).objectName().removesuffix("_panel")  # file names in any language
        for width, height in SIZES:
            for on in (False, True):
                window.resize(width, height)
                window.set_presentation_mode(on, full_screen=False)
                if window.focused_plot is not None:
                    window.focus_plot(None)  # every tab with all of its plots
                settle(window, wait)
                shoot(f"tab-{tab}-{width}x{height}-presentation-{'on' if on else 'off'}", False)
        window.set_presentation_mode(False, full_screen=False)
    window.tabs.setCurrentIndex(0)
    return pictures


def index_text(pictures: list[Picture]) -> str:
    """index.txt: one line per picture, tab-separated: file, tab, size, presentation, state, problems."""
    lines = [f"# rnnviz screenshot --gallery: {len(pictures)} pictures",
             "# file\ttab\tsize\tpresentation\tstate\tview problems (rnnviz.app.plots.invariants)"]
    for picture in pictures:
        problems = "; ".join(picture.problems) if picture.problems else "none"
        lines.append(f"{picture.file}\t{picture.tab}\t{picture.size[0]}x{picture.size[1]}\t"
                     f"{'on' if picture.presentation else 'off'}\t{picture.state}\t{problems}")
    return "\n".join(lines) + "\n"


def index_html(pictures: list[Picture]) -> str:
    """index.html: every picture with the state it shows and its view problems."""
    import html

    rows = []
    for picture in pictures:
        problems = "".join(f"<li>{html.escape(problem)}</li>" for problem in picture.problems) or "<li>none</li>"
        rows.append(f"<figure><a href='{picture.file}'><img src='{picture.file}' width='640'></a>"
                    f"<figcaption><b>{html.escape(picture.file)}</b>: {html.escape(picture.tab)}, "
                    f"{picture.size[0]}×{picture.size[1]}, presentation {'on' if picture.presentation else 'off'}, "
                    f"after <i>{html.escape(picture.state)}</i><ul>{problems}</ul></figcaption></figure>")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>rnnviz gallery</title></head><body>"
            f"<h1>rnnviz gallery ({len(pictures)} pictures)</h1>{''.join(rows)}</body></html>\n")
