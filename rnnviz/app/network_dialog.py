"""The summary File → Open network… shows before the explorer analyses a network read from a file:
what was found (format, cell, layers, sizes, directions, activation, every parameter's shape), with
Analyse and Cancel."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from dataclasses import replace

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHeaderView,
                               QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from rnnviz.app.loading import FORMAT_NAMES, CELL_TITLES, OpenedNetwork
from rnnviz.app.panels.controls import ACTIVATION_NAMES

#: Cells a state dict cannot tell apart (the same weight shapes): the user chooses.
SAME_SHAPES = ("gru", "gru-cho", "lstm-cifg")
#: Elman nonlinearities offered for a state dict (torch's nn.RNN has tanh and relu).
RNN_ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")

#: Rows of the parameter table shown without scrolling (a stacked bidirectional LSTM has 16 and more).
TABLE_ROWS = 8


def _size_text(n_bytes: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}"
    return QCoreApplication.translate("NetworkSummaryDialog", "{0} bytes").format(n_bytes)


def _parameter_order(name: str) -> tuple:
    """Layer by layer, forward before reverse, as torch lists them: weight_ih, weight_hh, bias_ih,
    bias_hh, then the peepholes."""
    kinds = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_ci", "weight_cf", "weight_co")
    kind = next((k for k in kinds if name.startswith(k + "_l")), name)
    rest = name[len(kind) + 2:] if kind in kinds else ""
    layer_text, _, direction = rest.partition("_")
    layer = int(layer_text) if layer_text.isdigit() else 0
    return layer, direction != "", kinds.index(kind) if kind in kinds else len(kinds), name


class NetworkSummaryDialog(QDialog):
    """Non-modal; ``analyse_requested(OpenedNetwork)`` when the user chooses Analyse."""

    analyse_requested = Signal(object)

    def __init__(self, opened: OpenedNetwork, parent: QWidget | None = None, font=None):
        super().__init__(parent)
        if font is not None:
            self.setFont(font)   # before the layout: the table's height follows the font
        self.setObjectName("network_summary")
        self.opened = opened
        net = opened.net
        self.setWindowTitle(self.tr("Open network: {name}").format(name=opened.source.name))
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("<b>{name}</b> describes this network:").format(name=opened.source.name))
        heading.setObjectName("network_summary_heading")
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setToolTip(opened.source.path)
        layout.addWidget(heading)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, QLabel] = {}
        activation = ACTIVATION_NAMES.get(net.activation, net.activation)
        yes, no = self.tr("yes"), self.tr("no")
        rows = [
            ("format", self.tr("Format"), self.tr("{format}, {size}").format(
                format=FORMAT_NAMES.get(opened.format, opened.format), size=_size_text(opened.source.size))),
            ("cell", self.tr("Cell"), CELL_TITLES.get(net.cell, net.cell)),
            ("layers", self.tr("Layers"), str(net.num_layers)),
            ("hidden_size", self.tr("Hidden size H"), str(net.hidden_size)),
            ("input_size", self.tr("Input size"), str(net.input_size)),
            ("bidirectional", self.tr("Bidirectional"), yes if net.bidirectional else no),
            ("activation", self.tr("Activation φ"), activation),
            ("dtype", self.tr("Stored as"), self.tr("{dtype} (analysed in float64)").format(dtype=opened.stored_dtype)),
            ("parameters", self.tr("Parameters"), f"{opened.parameter_count:,}"),
        ]
        if opened.vocabulary is not None:
            rows.append(("vocabulary", self.tr("Vocabulary"), self.tr("{count} {level} tokens (File → Open inputs… "
                                                                      "takes text in it)").format(
                count=len(opened.vocabulary.tokens), level=opened.vocabulary.level)))
        if opened.ignored:
            shown = ", ".join(opened.ignored[:4]) + (" …" if len(opened.ignored) > 4 else "")
            rows.append(("ignored", self.tr("Not analysed"), shown))
        self.cell_combo = self.activation_combo = None
        if not opened.complete and net.cell in SAME_SHAPES:
            self.cell_combo = self._choice("cell", [(c, CELL_TITLES[c]) for c in SAME_SHAPES], net.cell, self.tr(
                "A state dict does not say which of these cells it holds (their weights have the same shapes): "
                "torch's nn.GRU is GRU"))
        if not opened.complete and net.cell == "rnn":
            self.activation_combo = self._choice(
                "activation", [(a, ACTIVATION_NAMES[a]) for a in RNN_ACTIVATIONS], net.activation, self.tr(
                    "A state dict does not record nn.RNN's nonlinearity: choose it (torch's default is tanh)"))
        for key, title, value in rows:
            combo = {"cell": self.cell_combo, "activation": self.activation_combo}.get(key)
            if combo is not None:
                form.addRow(title, combo)
                continue
            label = QLabel(value)
            label.setObjectName(f"summary_{key}")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(title, label)
            self.fields[key] = label
        layout.addLayout(form)

        shapes = sorted(opened.parameter_shapes(), key=lambda item: _parameter_order(item[0]))
        self.table = QTableWidget(len(shapes), 2)
        self.table.setObjectName("summary_parameters")
        self.table.setHorizontalHeaderLabels([self.tr("Parameter"), self.tr("Shape")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # Enter and Esc go to Analyse and Cancel
        self.table.setToolTip(self.tr("The file's recurrent weights in PyTorch's names and gate order"))
        for row, (name, shape) in enumerate(shapes):
            self.table.setItem(row, 0, QTableWidgetItem(name))
            self.table.setItem(row, 1, QTableWidgetItem(" × ".join(str(n) for n in shape)))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)

        self.buttons = QDialogButtonBox()
        self.analyse_button = self.buttons.addButton(self.tr("Analyse"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.analyse_button.setObjectName("summary_analyse")
        self.analyse_button.setToolTip(self.tr("Analyse this network in the explorer (Enter)"))
        self.analyse_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Leave the explorer as it is (Esc)"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.accepted.connect(lambda: self.analyse_requested.emit(self.chosen()))
        self._fit_table()
        # wide enough for the notes beside the fields on one line or two
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)

    def _choice(self, key: str, items: list[tuple[str, str]], current: str, tip: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"summary_{key}_choice")
        for value, text in items:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.setToolTip(tip)
        return combo

    def chosen(self) -> OpenedNetwork:
        """The network as read, with the cell and activation chosen where the file does not say them."""
        net = self.opened.net
        if self.cell_combo is not None:
            net = replace(net, cell=self.cell_combo.currentData())
        if self.activation_combo is not None:
            net = replace(net, activation=self.activation_combo.currentData())
        return self.opened if net == self.opened.net else replace(self.opened, net=net.validate())

    def _fit_table(self) -> None:
        """Tall enough for TABLE_ROWS rows (it scrolls beyond), as the font allows."""
        rows = min(TABLE_ROWS, self.table.rowCount())
        height = self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
        # rows as tall as set below (sizeHintForRow lags a font set on the dialog), and a little room
        height += rows * self.table.verticalHeader().defaultSectionSize() + self.fontMetrics().height() // 2
        self.table.setMinimumHeight(height)
        if self.table.rowCount() <= TABLE_ROWS:
            self.table.setMaximumHeight(height)   # no empty rows below a short list
