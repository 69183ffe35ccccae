"""The explorer's seven plot panels (pyqtgraph)."""

from rnnviz.app.plots.bptt import BpttPanel
from rnnviz.app.plots.decay import DecayPanel
from rnnviz.app.plots.flow_map import FlowMapPanel
from rnnviz.app.plots.gates import GatesPanel
from rnnviz.app.plots.hidden import HiddenPanel
from rnnviz.app.plots.spectrum import SpectrumPanel
from rnnviz.app.plots.unrolled import UnrolledPanel

#: Panel classes in display order; their ``name`` is what `rnnviz screenshot --plot` accepts.
PANEL_CLASSES = (DecayPanel, FlowMapPanel, GatesPanel, BpttPanel, SpectrumPanel, HiddenPanel, UnrolledPanel)
PLOT_NAMES = tuple(panel.name for panel in PANEL_CLASSES)

__all__ = ["PANEL_CLASSES", "PLOT_NAMES", "BpttPanel", "DecayPanel", "FlowMapPanel", "GatesPanel",
           "HiddenPanel", "SpectrumPanel", "UnrolledPanel"]
