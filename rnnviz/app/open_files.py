"""File → Open network…, File → Open inputs… and files dropped onto the window.

Files are read off the UI thread (``jobs.py`` lanes "open-network" and "open-inputs"; the readers are
the plain functions of :mod:`rnnviz.app.loading`). A network is shown in a summary dialog first, and
analysed only on Analyse (``AppState.set_weights``); inputs are analysed at once. A file that cannot
be used gets its reader's one message in an error dialog, and nothing changes.

Sessions record the files (path, SHA-256, size); opening the session reads them again and analyses
them only if they are still the files that were analysed (otherwise generated weights or inputs are
shown and a message says why).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QFileDialog

from rnnviz.app.i18n import translated
from rnnviz.app.jobs import JobRunner
from rnnviz.app.loading import (CELL_TITLES, INPUT_SUFFIXES, NETWORK_SUFFIXES, FileSource, OpenedInputs, OpenedNetwork,
                                read_inputs_file, read_network_file)
from rnnviz.app.network_dialog import NetworkSummaryDialog
from rnnviz.app.state import INPUT_FIELDS, NETWORK_FIELDS, AppState, LoadedWeights, clamp_dependent_fields
from rnnviz.core.config import ConfigError


def describe_in_language(net) -> str:
    """:func:`rnnviz.app.loading.describe_net` in the interface language (loading.py stays Qt-free)."""
    if net.num_layers > 1:
        text = QCoreApplication.translate("OpenFiles", "{cell}, {layers} layers, H = {hidden}")
    else:
        text = QCoreApplication.translate("OpenFiles", "{cell}, 1 layer, H = {hidden}")
    text = text.format(cell=CELL_TITLES.get(net.cell, net.cell), layers=net.num_layers, hidden=net.hidden_size)
    return text + (QCoreApplication.translate("OpenFiles", ", bidirectional") if net.bidirectional else "")


NETWORK_LANE = "open-network"
INPUTS_LANE = "open-inputs"
SESSION_LANE = "open-session-files"


@dataclass(frozen=True)
class _SessionFiles:
    """What a session's files turned out to be when read again."""

    network: OpenedNetwork | None
    inputs: OpenedInputs | None
    problems: tuple


def recorded_files(view: dict) -> dict[str, FileSource]:
    """The valid ``network``/``inputs`` records of a session's view (path, SHA-256, size)."""
    records = {}
    for key in ("network", "inputs"):
        record = view.get(key)
        if isinstance(record, dict) and isinstance(record.get("path"), str) and isinstance(record.get("sha256"), str):
            size = record.get("size", 0)
            records[key] = FileSource(record["path"], record["sha256"], size if isinstance(size, int) else 0)
    return records


def dropped_paths(mime) -> list[Path]:
    """Local files of a drag's mime data."""
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def droppable(path: Path) -> bool:
    return path.suffix.lower() in NETWORK_SUFFIXES + INPUT_SUFFIXES


class FileOpener(QObject):
    """Opens networks and inputs for one window. ``show_error(text)``, ``show_status(text, ms)``
    and ``settings`` (typed, for the last folders) come from the window.

    Signals: ``summary_shown(NetworkSummaryDialog)``; ``opened(str)`` after a file is analysed.
    """

    summary_shown = Signal(object)
    opened = Signal(str)

    def __init__(self, state: AppState, runner: JobRunner, settings, show_error, show_status, parent=None):
        super().__init__(parent)
        self.state = state
        self.runner = runner
        self.settings = settings
        self._show_error = show_error
        self._show_status = show_status
        self.summary: NetworkSummaryDialog | None = None
        self.presentation_font = None
        runner.job_finished.connect(self._on_finished)
        runner.job_failed.connect(self._on_failed)

    # -- dialogs -------------------------------------------------------------------------------
    def network_filter(self) -> str:
        patterns = " ".join(f"*{suffix}" for suffix in NETWORK_SUFFIXES)
        return self.tr("Networks ({patterns});;All files (*)").format(patterns=patterns)

    def inputs_filter(self) -> str:
        return self.tr("Input arrays (*.npy *.csv);;Text in a trainer checkpoint's vocabulary (*.txt *.text *.md);;"
                       "All files (*)")

    def open_network_dialog(self, parent) -> None:
        path, _ = QFileDialog.getOpenFileName(parent, self.tr("Open network"), self.settings.last_folder("network"),
                                              self.network_filter())
        if path:
            self.settings.set_last_folder("network", str(Path(path).parent))
            self.open_network(path)

    def open_inputs_dialog(self, parent) -> None:
        path, _ = QFileDialog.getOpenFileName(parent, self.tr("Open inputs"), self.settings.last_folder("inputs"),
                                              self.inputs_filter())
        if path:
            self.settings.set_last_folder("inputs", str(Path(path).parent))
            self.open_inputs(path)

    # -- opening -------------------------------------------------------------------------------
    def open_network(self, path) -> int:
        """Read ``path`` off the UI thread; the summary dialog follows. Returns the job id."""
        path = str(path)
        self._show_status(self.tr("Reading network {name} …").format(name=Path(path).name), 0)
        return self.runner.start(NETWORK_LANE, lambda should_stop: read_network_file(path, should_stop))

    def open_inputs(self, path) -> int:
        """Read inputs off the UI thread for the network now analysed; they are analysed when read."""
        path = str(path)
        weights = self.state.weights
        network = weights if weights is not None and weights.network_file is not None else None
        input_size = self.state.config.input_size if network is not None else None
        vocabulary = network.vocabulary if network is not None else None
        self._show_status(self.tr("Reading inputs {name} …").format(name=Path(path).name), 0)
        return self.runner.start(INPUTS_LANE,
                                 lambda should_stop: read_inputs_file(path, input_size, vocabulary, should_stop))

    def open_dropped(self, paths: list[Path]) -> bool:
        """A network file opens as a network, anything else droppable as inputs (the first file)."""
        usable = [path for path in paths if droppable(path)]
        if not usable:
            names = ", ".join(path.name for path in paths[:3]) or self.tr("nothing")
            self._show_error(self.tr("Cannot open {names}: drop a network ({networks}) or inputs ({inputs})").format(
                names=names, networks=" ".join(NETWORK_SUFFIXES), inputs=" ".join(INPUT_SUFFIXES)))
            return False
        path = usable[0]
        if path.suffix.lower() in NETWORK_SUFFIXES:
            self.open_network(path)
        else:
            self.open_inputs(path)
        return True

    def _on_finished(self, lane: str, _job_id: int, result) -> None:
        if lane == NETWORK_LANE:
            self._show_status("", 0)
            self.show_summary(result)
        elif lane == INPUTS_LANE:
            self._show_status("", 0)
            self.analyse_inputs(result)
        elif lane == SESSION_LANE:
            self._apply_session_files(result)

    def _on_failed(self, lane: str, _job_id: int, message: str) -> None:
        if lane in (NETWORK_LANE, INPUTS_LANE, SESSION_LANE):
            what = {NETWORK_LANE: self.tr("Could not open the network"), INPUTS_LANE: self.tr("Could not open the inputs"),
                    SESSION_LANE: self.tr("Could not read the session's files")}[lane]
            self._show_error(f"{what}: {message}")

    # -- the summary and the analysis ---------------------------------------------------------
    def show_summary(self, opened: OpenedNetwork) -> NetworkSummaryDialog:
        if self.summary is not None:
            self.summary.close()
        dialog = NetworkSummaryDialog(opened, self.parent(), font=self.presentation_font)
        dialog.analyse_requested.connect(self.analyse_network)
        dialog.open()
        self.summary = dialog
        self.summary_shown.emit(dialog)
        return dialog

    def analyse_network(self, opened: OpenedNetwork) -> bool:
        """Analyse ``opened`` (with the inputs read from a file before, when they fit it)."""
        net = opened.net
        current = self.state.weights
        inputs_file = current.inputs_file if current is not None else None
        inputs = current.inputs if inputs_file is not None else None
        text = current.text if inputs_file is not None else ""
        notice = ""
        if inputs is not None and inputs.shape[2] != net.input_size:
            notice = self.tr(" · the inputs {name} (input {width}) do not fit it: generated inputs instead").format(
                name=inputs_file.name, width=inputs.shape[2])
            inputs, inputs_file, text = None, None, ""
        config = self.state.config
        changes = dict(cell=net.cell, activation=net.activation, leaky_slope=net.leaky_slope,
                       hidden_size=net.hidden_size, input_size=net.input_size, num_layers=net.num_layers,
                       bidirectional=net.bidirectional, radius=None, dtype="float64", aux_size=0)
        if current is not None and current.network_file is None and current.inputs_file is None:
            changes.update(input_signal="gaussian")  # a trained model's embedded text goes with it
        fixed = NETWORK_FIELDS + (INPUT_FIELDS if inputs is not None else ())
        weights = LoadedWeights(opened.params, inputs, self.tr("network {name}").format(name=opened.source.name),
                                text=text, description=describe_in_language(net), fixed=fixed,
                                network_file=opened.source, inputs_file=inputs_file, vocabulary=opened.vocabulary)
        if not self.state.set_weights(clamp_dependent_fields(config.replace(**changes)), weights):
            return False
        self._show_status(self.tr("Analysing network {name} ({description}){notice}").format(
            name=opened.source.name, description=weights.description, notice=notice), 10000)
        self.opened.emit(opened.source.path)
        return True

    def analyse_inputs(self, opened: OpenedInputs) -> bool:
        """Analyse ``opened`` with the network now analysed (a generated one takes their width)."""
        current = self.state.weights
        network = current if current is not None and current.network_file is not None else None
        x = opened.inputs
        steps, batch, width = x.shape
        config = self.state.config
        if network is not None and width != config.input_size:
            self._show_error(self.tr("Could not open the inputs: {name} has shape {found}; the network {network} "
                                     "expects (T, {size}) or (T, batch, {size})").format(
                name=opened.source.name, found=tuple(x.shape), network=network.network_file.name,
                size=config.input_size))
            return False
        changes = dict(seq_len=steps, batch=batch, input_size=width)
        if network is None:
            fixed = INPUT_FIELDS
            label = self.tr("inputs {name}").format(name=opened.source.name)
            params, description, source, vocabulary = None, "", None, None
        else:
            fixed = NETWORK_FIELDS + INPUT_FIELDS
            label, params, description = network.label, network.params, network.description
            source, vocabulary = network.network_file, network.vocabulary
        weights = LoadedWeights(params, x, label, text=opened.text, description=description, fixed=fixed,
                                network_file=source, inputs_file=opened.source, vocabulary=vocabulary)
        if not self.state.set_weights(clamp_dependent_fields(config.replace(**changes)), weights):
            return False
        note = f" ({opened.note})" if opened.note else ""
        batch_text = self.tr(", batch = {batch}").format(batch=batch) if batch > 1 else ""
        self._show_status(self.tr("Analysing inputs {name} (T = {steps}{batch}){note}").format(
            name=opened.source.name, steps=steps, batch=batch_text, note=note), 10000)
        self.opened.emit(opened.source.path)
        return True

    # -- sessions ------------------------------------------------------------------------------
    def session_view(self) -> dict:
        """The files a session records: ``{"network": {...}, "inputs": {...}}`` (only those loaded)."""
        weights = self.state.weights
        view = {}
        if weights is not None and weights.network_file is not None:
            view["network"] = weights.network_file.to_json()
        if weights is not None and weights.inputs_file is not None:
            view["inputs"] = weights.inputs_file.to_json()
        return view

    def restore(self, view: dict) -> int | None:
        """Read the files a session recorded again (off the UI thread); None if it recorded none."""
        records = recorded_files(view)
        for key in ("network", "inputs"):
            if view.get(key) is not None and key not in records:
                self._show_error(self.tr("The session's {what} entry is not valid; generated {what} are shown").format(
                    what=self.tr("network") if key == "network" else self.tr("inputs")))
        if not records:
            return None
        input_size = self.state.config.input_size
        return self.runner.start(SESSION_LANE, lambda should_stop: _read_session_files(records, input_size,
                                                                                        should_stop))

    def _apply_session_files(self, files: _SessionFiles) -> None:
        if files.network is not None:
            self.analyse_network(files.network)
        if files.inputs is not None:
            self.analyse_inputs(files.inputs)
        if files.problems:
            self._show_error(" · ".join(self._problem_text(*problem) for problem in files.problems))

    def _problem_text(self, kind: str, what: str, path: str, detail: str) -> str:
        what = self.tr("network") if what == "network" else self.tr("inputs")
        if kind == "missing":
            text = self.tr("The session analysed the {what} {path}, which is missing: generated {what} are shown")
        elif kind == "changed":
            text = self.tr("The session's {what} {path} has changed since the session was saved (its SHA-256 "
                           "differs): generated {what} are shown; open it again to analyse it as it is now")
        else:
            text = self.tr("The session's {what} {path} cannot be read ({detail}): generated {what} are shown")
        return text.format(what=what, path=path, detail=detail)


def _read_session_files(records: dict, input_size: int, should_stop) -> _SessionFiles:
    """Each recorded file read again if it exists and still has its SHA-256 (plain, off the UI
    thread). ``problems``: (kind, what, path, detail) with kind "missing", "unreadable" or "changed"."""
    problems = []
    network = inputs = None
    recorded = records.get("network")
    if recorded is not None:
        network, problem = _read_again(recorded, lambda: read_network_file(recorded.path, should_stop), "network")
        problems += [problem] if problem else []
    recorded = records.get("inputs")
    if recorded is not None:
        size = network.net.input_size if network is not None else None
        vocabulary = network.vocabulary if network is not None else None
        inputs, problem = _read_again(recorded, lambda: read_inputs_file(recorded.path, size, vocabulary,
                                                                         should_stop), "inputs")
        problems += [problem] if problem else []
    return _SessionFiles(network, inputs, tuple(problems))


def _read_again(recorded: FileSource, read, what: str):
    if not Path(recorded.path).is_file():
        return None, ("missing", what, recorded.path, "")
    try:
        opened = read()
    except ConfigError as error:
        return None, ("unreadable", what, recorded.path, translated(error))
    if opened.source.sha256 != recorded.sha256:
        return None, ("changed", what, recorded.path, "")
    return opened, None
