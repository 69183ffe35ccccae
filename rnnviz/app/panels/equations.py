"""Equations panel: the selected cell's equations in the symbols the plots use (HTML + Unicode)."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTextBrowser

ACTIVATION_SYMBOLS = {"tanh": "tanh", "sigmoid": "σ", "relu": "ReLU", "linear": "id", "leaky-relu": "LeakyReLU"}
GAMMA = {"tanh": "1", "sigmoid": "¼", "relu": "1", "linear": "1", "leaky-relu": "1"}


def _lines(*rows: str) -> str:
    return "<br>".join(rows)


def cell_equations(cell: str, activation: str) -> str:
    """HTML of the recurrence s_t = F(s_{t−1}, x_t) for ``cell``, with φ the chosen activation."""
    phi = ACTIVATION_SYMBOLS.get(activation, activation)
    gate = "σ(W<sub>i{0}</sub> x<sub>t</sub> + b<sub>i{0}</sub> + W<sub>h{0}</sub> h<sub>t−1</sub> + b<sub>h{0}</sub>{1})"
    if cell == "rnn":
        body = _lines(f"h<sub>t</sub> = {phi}(W<sub>ih</sub> x<sub>t</sub> + b<sub>ih</sub> + "
                      "W<sub>hh</sub> h<sub>t−1</sub> + b<sub>hh</sub>)",
                      QCoreApplication.translate("Equations", "state s<sub>t</sub> = h<sub>t</sub>"))
    elif cell in ("lstm", "lstm-peephole", "lstm-cifg"):
        peep = cell == "lstm-peephole"
        i_line = "i<sub>t</sub> = " + gate.format("i", " + w<sub>ci</sub> ⊙ c<sub>t−1</sub>" if peep else "")
        if cell == "lstm-cifg":
            f_line = "f<sub>t</sub> = 1 − i<sub>t</sub> &nbsp;" + QCoreApplication.translate("Equations", "(coupled input-forget gate)")
        else:
            f_line = "f<sub>t</sub> = " + gate.format("f", " + w<sub>cf</sub> ⊙ c<sub>t−1</sub>" if peep else "")
        g_line = (f"g<sub>t</sub> = {phi}(W<sub>ig</sub> x<sub>t</sub> + b<sub>ig</sub> + W<sub>hg</sub> "
                  "h<sub>t−1</sub> + b<sub>hg</sub>)")
        o_line = "o<sub>t</sub> = " + gate.format("o", " + w<sub>co</sub> ⊙ c<sub>t</sub>" if peep else "")
        body = _lines(i_line, f_line, g_line, o_line,
                      "c<sub>t</sub> = f<sub>t</sub> ⊙ c<sub>t−1</sub> + i<sub>t</sub> ⊙ g<sub>t</sub>",
                      f"h<sub>t</sub> = o<sub>t</sub> ⊙ {phi}(c<sub>t</sub>)",
                      QCoreApplication.translate("Equations", "state s<sub>t</sub> = [h<sub>t</sub>; c<sub>t</sub>]"),
                      QCoreApplication.translate("Equations", "highway: the direct path c<sub>t−1</sub> → c<sub>t</sub> multiplies by "
                                 "diag(f<sub>t</sub>); the decay plot shows ‖∏ diag(f)‖")
                      + (" = ‖∏ diag(1 − i)‖" if cell == "lstm-cifg" else ""))
    elif cell in ("gru", "gru-cho"):
        r_line = "r<sub>t</sub> = " + gate.format("r", "")
        z_line = "z<sub>t</sub> = " + gate.format("z", "")
        if cell == "gru":
            n_line = (f"n<sub>t</sub> = {phi}(W<sub>in</sub> x<sub>t</sub> + b<sub>in</sub> + r<sub>t</sub> ⊙ "
                      "(W<sub>hn</sub> h<sub>t−1</sub> + b<sub>hn</sub>)) &nbsp;(PyTorch/cuDNN)")
        else:
            n_line = (f"n<sub>t</sub> = {phi}(W<sub>in</sub> x<sub>t</sub> + b<sub>in</sub> + W<sub>hn</sub> "
                      "(r<sub>t</sub> ⊙ h<sub>t−1</sub>) + b<sub>hn</sub>) &nbsp;(Cho et al. 2014)")
        body = _lines(r_line, z_line, n_line,
                      "h<sub>t</sub> = (1 − z<sub>t</sub>) ⊙ n<sub>t</sub> + z<sub>t</sub> ⊙ h<sub>t−1</sub>",
                      QCoreApplication.translate("Equations", "state s<sub>t</sub> = h<sub>t</sub>; highway: ∏ diag(z)"))
    else:
        body = f"unknown cell {cell}"
    return body


#: Every input term of layer 1's pre-activations: W_ih x_t (Elman), W_i{gate} x_t (gated cells).
_INPUT_TERM = re.compile(r"W<sub>i([a-z])</sub> x<sub>t</sub>")
AUX_COLOUR = "#0072B2"


def with_aux_term(body: str, cell: str) -> str:
    """``body`` (from :func:`cell_equations`) with the auxiliary input's term + A a_t after every
    input term of layer 1 (A<sub>gate</sub> per gate for gated cells), marked in colour."""
    def term(match):
        weight = "A" if cell == "rnn" else f"A<sub>{match.group(1)}</sub>"
        return f"{match.group(0)} <span style='color:{AUX_COLOUR}'>+ {weight} a<sub>t</sub></span>"

    if cell == "rnn":
        note = QCoreApplication.translate(
            "EquationsPanel", "a<sub>t</sub>: the auxiliary input (layer 1 only); A = weight_aux_l0, seeded "
            "and initialised like W<sub>ih</sub>. It adds no path between states: J<sub>t</sub> changes "
            "only through the states it moves.")
    else:
        note = QCoreApplication.translate(
            "EquationsPanel", "a<sub>t</sub>: the auxiliary input (layer 1 only); the A blocks, one per gate, are the "
            "rows of weight_aux_l0, seeded and initialised like W<sub>ih</sub>. It adds no path "
            "between states: J<sub>t</sub> changes only through the states and gates it moves.")
    return _lines(_INPUT_TERM.sub(term, body), f"<span style='color:{AUX_COLOUR}'>{note}</span>")


def topology_equations(config) -> str:
    """The encoder–decoder's inputs and losses, in the equations' symbols ("" for other placements)."""
    if config.loss_placement != "encoder-decoder":
        return ""
    n, m, T = config.encoder_length, config.decoder_length, config.seq_len
    return QCoreApplication.translate(
        "EquationsPanel", "<b>Encoder–decoder</b>: x<sub>t</sub> = 0 for t &gt; N = {n} (no output fed "
        "back); losses L<sub>τ</sub> only for τ &gt; T − M = {start}: every ∂L/∂h<sub>t</sub> of the "
        "encoder comes back through the decoder").format(n=n, start=T - m)


def analysis_equations(activation: str) -> str:
    """HTML of what the plots show, in the same symbols."""
    gamma = GAMMA.get(activation, "1")
    return _lines(
        QCoreApplication.translate("Equations", "J<sub>t</sub> = ∂s<sub>t</sub>/∂s<sub>t−1</sub> &nbsp;(step Jacobian)"),
        QCoreApplication.translate("Equations", "<b>Gradient decay</b>: log<sub>10</sub> ‖∂s<sub>t₀+k</sub>/∂s<sub>t₀</sub>‖ = "
          "log<sub>10</sub> ‖J<sub>t₀+k</sub> ⋯ J<sub>t₀+1</sub>‖ against k"),
        QCoreApplication.translate("Equations", "<b>Pascanu bound</b> (Elman): ‖∏J‖₂ ≤ (γ·σ<sub>max</sub>(W<sub>hh</sub>))<sup>k</sup>, "
          "γ = sup φ′ = {0}").format(gamma),
        QCoreApplication.translate("Equations", "ρ = max |λ(W<sub>hh</sub>)| (spectral radius); linear orthogonal RNN: ‖∏J‖₂ = "
          "ρ<sup>k</sup> exactly"),
        QCoreApplication.translate("Equations", "<b>Map</b>: the same log-norm for every anchor t₀ and distance k"),
        QCoreApplication.translate("Equations", "<b>BPTT</b>: ∂L/∂h<sub>t</sub> = Σ<sub>τ ≥ t</sub> ∂L<sub>τ</sub>/∂h<sub>t</sub>; "
          "truncation k keeps only τ − t ≤ k"),
        QCoreApplication.translate("Equations", "<b>Loss</b>: L = Σ<sub>τ</sub> CE(softmax(W<sub>o</sub> h<sub>τ</sub> + b<sub>o</sub>), "
          "y<sub>τ</sub>)"),
    )


class EquationsPanel(QTextBrowser):
    """Shows ``cell_equations`` and ``analysis_equations`` for the current configuration."""

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.setObjectName("equations")
        self.setOpenLinks(False)
        self.setToolTip(self.tr("Equations of the selected cell, in the symbols the plots use"))
        self._font_pt = 11
        self._config = state.config
        state.config_changed.connect(self.show_config)
        self.show_config(state.config)

    def set_font_size(self, points: int) -> None:
        self._font_pt = points
        self.show_config(self._config)

    def show_config(self, config) -> None:
        self._config = config
        from rnnviz.app.i18n import names
        from rnnviz.app.panels.controls import CELL_NAMES

        # Most changes (ρ, T, the seed …) leave the equations as they are: skip the re-layout.
        topology = topology_equations(config)
        key = (config.cell, config.activation, self._font_pt, config.aux_size > 0, topology)
        if key == getattr(self, "_shown_key", None):
            return
        self._shown_key = key
        body = cell_equations(config.cell, config.activation)
        if config.aux_size:
            body = with_aux_term(body, config.cell)
        shows = analysis_equations(config.activation)
        if topology:
            shows = _lines(shows, topology)
        heading = self.tr("What the plots show")
        legend = self.tr("⊙ element-wise product, σ logistic sigmoid, φ the chosen activation.")
        self.setHtml(
            f"<div style='font-size:{self._font_pt}pt; font-family: serif'>"
            f"<h3>{names(CELL_NAMES.get(config.cell, config.cell))}</h3>"
            f"<p>{body}</p>"
            f"<h3>{heading}</h3><p>{shows}</p>"
            f"<p style='color:#555'>{legend}</p>"
            "</div>")
