"""The gradient-flow explorer window: controls dock, six plots, equations, status bar, menus."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDeadlineTimer, QEvent, QEventLoop, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QApplication, QButtonGroup, QDockWidget, QFileDialog, QFrame, QHBoxLayout, QInputDialog,
                               QLabel,
                               QMainWindow, QMessageBox, QProgressBar, QPushButton, QScrollArea, QSplitter,
                               QTabWidget, QToolButton, QVBoxLayout, QWhatsThis, QWidget)

from rnnviz.app.compute import EXPLORE_LANE, ComputeController, Engine
from rnnviz.app.eta import EtaEstimator, format_time_left
from rnnviz.app.explain import NORMAL_TEXT_PT, PRESENTATION_TEXT_PT, ExplanationDialog, explanation_html, ui_language
from rnnviz.app.i18n import (CHINESE, CHOICES, ENGLISH, SYSTEM, current_language, names, preset_text,
                             resolve_language, translated)
from rnnviz.app.export import export_all, export_csv, export_image, precision_text
from rnnviz.app.input_guards import (ScrollFirstGuard, WheelGuard, WindowShortcutGuard, guard_shortcuts,
                                     guard_wheel)
from rnnviz.app.jobs import JobRunner
from rnnviz.app.lessons import FOCUS_ALL, Lesson, LessonStep, list_lessons, read_lesson
from rnnviz.app.main import application_icon
from rnnviz.app.open_files import FileOpener, droppable, dropped_paths, recorded_files
from rnnviz.app.panels.compare import ComparePanel
from rnnviz.app.panels.controls import ControlsPanel
from rnnviz.app.panels.equations import EquationsPanel
from rnnviz.app.panels.experiments import ExperimentsPanel
from rnnviz.app.panels.lessons import LessonsPanel
from rnnviz.app.panels.trainer import TrainerPanel
from rnnviz.app.plots import PANEL_CLASSES
from rnnviz.app.plots.base import (NORMAL_STYLE, PRESENTATION_STYLE, SteadyLabel, configure_pyqtgraph,
                                   paint_scene_updates_now)
from rnnviz.app.presets import Preset, list_presets
from rnnviz.app.repaint import NextTurnRepaint, StaggeredRepaint
from rnnviz.app.session import parse_session, read_session, session_dict, write_session
from rnnviz.app.settings import MAX_BUDGET_GB, MIN_BUDGET_GB, Settings
from rnnviz.app.status_bar import show_messages_in_a_label
from rnnviz.app.state import AppState, LoadedWeights
from rnnviz.core.analysis import ExperimentConfig
from rnnviz.core.config import ConfigError
from rnnviz.core.parallel.schedule import prepare_map_workers
from rnnviz.core.spectral_norm import DEFAULT_TOL

SESSION_READ_LANE = "open-session"
#: From H·T values per layer on, every new result's repaints are staggered (see _staggered).
STAGGER_VALUES = 100_000

MINIMUM_SIZE = (1024, 680)
DEFAULT_SIZE = (1600, 1000)
# Room left for the window manager's frame and title bar when the window is fitted to a screen.
FRAME_MARGIN = (16, 48)


def window_size_on_screen(width: int, height: int) -> tuple[int, int]:
    """The size the window opens at on a screen whose available geometry is ``width`` × ``height``:
    DEFAULT_SIZE, or less, leaving FRAME_MARGIN for the window manager's frame (on a 1600×1000
    screen: 1584×952, not 1600×1000)."""
    room = (max(1, width - FRAME_MARGIN[0]), max(1, height - FRAME_MARGIN[1]))
    return min(DEFAULT_SIZE[0], room[0]), min(DEFAULT_SIZE[1], room[1])


APP_NAME = "rnnviz"
UNTITLED = QT_TRANSLATE_NOOP("Names", "Untitled")
UNDO_MESSAGE_MS = 15000
MAP_FORMAT = QT_TRANSLATE_NOOP("Names", "map %p%")
SESSION_FILTER = QT_TRANSLATE_NOOP("Names", "rnnviz session (*.json)")
LESSON_FILTER = QT_TRANSLATE_NOOP("Names", "rnnviz lesson (*.md)")
PRESENTATION_FONT_PT = 16
#: The Lessons dock's share of the window's width beside the Trainer tab.
LESSONS_BESIDE_TRAINER = 0.25
BUSY_DELAY_MS = 150  # the map bar turns indeterminate if the cheap plots take longer than this
PRESENTATION_FIRST_PLOT = "decay"  # the plot presentation mode opens on
NORMAL_COLUMNS = 3
# All six plots in presentation mode: each at least this wide (fewer columns otherwise) and the rows
# this tall (the grid scrolls): at 1280×720 one column of plots ~800 × 480 pixels.
PRESENTATION_PLOT_WIDTH = 620
PRESENTATION_ROW_HEIGHT = 480
# The unrolled network spans a third row of "All plots" only where three rows are readable (the
# plots' area this high: the 1600×1000 window, not 1280×720, where the six plots keep two rows and
# the unrolled network is one click or Alt+7 away). The presentation grid scrolls, and holds it.
THREE_ROWS_MIN_HEIGHT = 780
GRID_OPTIONAL = ("unrolled",)
# The unrolled network's plot area in the third row of "All plots", about this share of the plots'
# area less this much for its controls, time axis and overview strip (measured 100 px of 903 and 161
# px of 1103; a little less here, so that it is left out rather than shown without its labels):
# more layers than that height labels (4 at 1600×1000) leave it out of the grid as well.
UNROLLED_GRID_SHARE = 0.3
UNROLLED_GRID_CHROME_PX = 180
# ... and in a row of the presentation grid: PRESENTATION_ROW_HEIGHT less this (measured ~265).
UNROLLED_PRESENTATION_CHROME_PX = 280
# Short names for the plot switcher, so that it fits a 1280-pixel projector at lecture font sizes.
SWITCHER_LABELS = {"decay": QT_TRANSLATE_NOOP("Names", "Decay"), "map": QT_TRANSLATE_NOOP("Names", "Map"),
                   "gates": QT_TRANSLATE_NOOP("Names", "Gates"), "bptt": QT_TRANSLATE_NOOP("Names", "BPTT"),
                   "spectrum": QT_TRANSLATE_NOOP("Names", "Spectrum"), "hidden": QT_TRANSLATE_NOOP("Names", "States"),
                   "unrolled": QT_TRANSLATE_NOOP("Names", "Unrolled")}


#: Windows rebuilt in another language (View → Language), kept referenced while they are open.
_REOPENED: list = []


def trained_model_texts(net) -> tuple[str, str]:
    """The label and description of a trained model's weights in the explorer (``net``: anything
    with ``cell``, ``num_layers``, ``hidden_size``: the model's NetConfig or the explorer's config)."""
    description = QCoreApplication.translate("MainWindow", "trained {0} language model ({1} layer(s), H = {2})").format(
        net.cell, net.num_layers, net.hidden_size)
    return QCoreApplication.translate("MainWindow", "trained language model"), description


class PlotSwitcher(QWidget):
    """The plot switcher's strip: its buttons show "number name" where that fits, else the names."""

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().resizeEvent(event)
        self.fit_labels()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit_labels()

    def fit_labels(self) -> None:
        buttons = [button for button in self.findChildren(QToolButton) if hasattr(button, "full_text")]
        layout = self.layout()
        if not buttons or layout is None:
            return
        margins = layout.contentsMargins()
        room = self.width() - margins.left() - margins.right() - layout.spacing() * (len(buttons) - 1)

        def needed(attribute: str) -> int:
            total = 0
            for button in buttons:
                text = button.text()
                button.setText(getattr(button, attribute))
                total += button.sizeHint().width()
                button.setText(text)
            return total

        attribute = "full_text" if needed("full_text") <= room else "compact_text"
        for button in buttons:
            if button.text() != getattr(button, attribute):
                button.setText(getattr(button, attribute))


class MainWindow(QMainWindow):
    """The explorer. ``engine`` defaults to rnnviz.core; ``settings`` to the user's QSettings.

    ``restore_session``: start from the configuration saved at the last exit.
    ``remember``: save geometry and the session on close (off for headless screenshots).
    """

    error_shown = Signal(str)

    def __init__(self, settings: Settings | None = None, engine: Engine | None = None,
                 restore_session: bool = True, remember: bool = True, config: ExperimentConfig | None = None,
                 carried=None):
        """``carried``: the live state of the window this one replaces in another language
        (:mod:`rnnviz.app.language_switch`); its weights and undo are in place before the first job."""
        super().__init__()
        configure_pyqtgraph()
        self.setObjectName("rnnviz_main_window")
        self.setWindowIcon(application_icon())
        self.settings = settings if settings is not None else Settings()
        self.remember = remember
        self.session_path: Path | None = None
        self.last_error: str | None = None
        self._error_box: QMessageBox | None = None
        self.presentation_mode = False
        self.replaced_by: MainWindow | None = None   # the window built in another language in its place
        self._focus_before_presentation: str | None = None  # the view presentation mode returns to
        self._normal_font = QApplication.font()

        self.state = AppState(config)
        if carried is not None:
            carried.into_state(self.state)
        # explorer, a sweep, a training run and the compare pins may all be busy at once
        self.runner = JobRunner(self, max_threads=4)
        self._opening_sessions: dict[int, Path] = {}   # job id -> session file being read
        self.runner.job_finished.connect(self._on_session_read)
        self.runner.job_failed.connect(self._on_session_failed)
        self.compute = ComputeController(self.state, self.runner, engine, parent=self,
                                         budget_bytes=int(self.settings.memory_budget_gb() * 1024**3))
        prepare_map_workers()  # the map's worker processes start now, beside the first plots
        # after a new result: one panel painted per turn of the event loop
        self.repaints = StaggeredRepaint(lambda panel: panel.graphics.viewport(), self,
                                         before_release=self._before_panel_repaint)
        # the map waits for the held repaints and for rows built over turns: started beside the
        # first GRU's rows, its two processes left each row ~1/2 of a core (a row's 25 ms of UI CPU
        # took 50-100 ms)
        self.compute.repaints_pending = lambda: bool(self.repaints.held()) or any(
            panel.building for panel in self.panels)
        self._shown_shape: tuple | None = None   # (cell, layers, bidirectional, H, T) of the shown result
        self._forward_shown = None       # the ForwardResult the forward-only plots show ahead of its FastResult
        self._forward_staggered = False  # whether their repaints followed one another
        self._drawn_later: dict[str, object] = {}   # panel name -> the result it draws when its repaint is let go
        # File → Open network… / Open inputs… and files dropped onto the window
        self.opener = FileOpener(self.state, self.runner, self.settings, self.show_error, self._show_status, self)
        self.opener.opened.connect(lambda _path: self.tabs.setCurrentWidget(self.explorer))
        self.setAcceptDrops(True)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("main_tabs")
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.panels = [panel_class() for panel_class in PANEL_CLASSES]
        for panel in self.panels:   # rows built over turns wait for the other panels' repaints
            panel.build_waits = lambda: bool(self.repaints.held())
        self.focused_plot: str | None = None
        self._plot_rows: list[QSplitter] = []
        self.panel_by_name = {panel.name: panel for panel in self.panels}
        self.explorer = self._build_explorer_tab()
        self.add_tab(self.explorer, self.tr("Explorer"))
        self.experiments = ExperimentsPanel(self.state, self.runner, settings=self.settings)
        self.add_tab(self.experiments, self.tr("Experiments"))
        self.compare = ComparePanel(self.state, self.runner)
        self.add_tab(self.compare, self.tr("Compare"))
        self.trainer = TrainerPanel(self.runner)
        self.add_tab(self.trainer, self.tr("Trainer"))
        self.experiments.open_config.connect(self.open_in_explorer)
        self.compare.open_config.connect(self.open_in_explorer)
        self.trainer.open_in_explorer.connect(self.open_trained_model)

        self.controls = ControlsPanel(self.state)
        self.controls_dock = self._dock("controls", self.tr("Controls"), self.controls, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._controls_repaint = NextTurnRepaint(self.controls_dock, self)   # (set_presentation_mode)
        self.controls_dock.setMinimumWidth(300)
        self.equations = EquationsPanel(self.state)
        self.equations_dock = self._dock("equations", self.tr("Equations"), self.equations, Qt.DockWidgetArea.LeftDockWidgetArea)
        # Tabs beside the controls keep the plots wide; drag the tab out to see both at once.
        self.tabifyDockWidget(self.controls_dock, self.equations_dock)
        self.controls_dock.raise_()
        self.resizeDocks([self.controls_dock], [330], Qt.Orientation.Horizontal)
        self._build_lessons_dock()
        self.explanation_dialog: ExplanationDialog | None = None
        for panel in self.explained_panels():
            panel.explain_requested.connect(self.show_explanation)
        for panel in (*self.panels, self.experiments.plot, self.compare.plots):
            panel.export_requested.connect(self.export_plot_dialog)
        self.trainer.explain_requested.connect(self.show_explanation)

        # The Controls and Equations docks belong to the explorer's configuration: the Trainer tab
        # has its own controls and gets the whole width (which matters on a projector).
        self._docks_before_trainer: list[QDockWidget] | None = None
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._tab_hook = True

        self._build_status_bar()
        if self._lessons_problem is not None:
            self.statusBar().showMessage(self.tr("Lessons unavailable: {0}").format(self._lessons_problem), UNDO_MESSAGE_MS)
        self._build_menus()
        self._connect_state()

        self.fit_to_screen()
        if remember:
            self._restore_geometry()
        # Window-wide keys and a wheel that scrolls panels instead of turning the values in them.
        self._shortcut_guard = WindowShortcutGuard(self)
        guard_shortcuts(self, self._shortcut_guard)
        self._wheel_guard = WheelGuard(self)
        guard_wheel(self, self._wheel_guard)
        started_from_session = False
        if restore_session and config is None:
            started_from_session = self._restore_last_session()
        self._saved_signature = self._session_signature()
        self.state.config_changed.connect(self._update_title)
        self.state.weights_changed.connect(self._update_title)
        self.compare.pins_changed.connect(self._update_title)
        self._update_title()
        if not started_from_session:
            self._on_computing()
            self.compute.start()

    # -- construction ----------------------------------------------------------------------------
    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a top-level tab (the lead's Trainer and Experiments views use this)."""
        return self.tabs.addTab(widget, title)

    def _build_lessons_dock(self) -> None:
        """The Lessons dock, a tab beside Controls and Equations (their width suits a 1280×720 projector),
        closed at first: View → Lessons (Ctrl+L) opens it."""
        try:
            lessons = list_lessons(ui_language())
            problem = None
        except (ConfigError, OSError) as error:
            lessons, problem = [], translated(error)
        self.lessons = LessonsPanel(lessons)
        self.lessons.apply_requested.connect(self.apply_lesson_step)
        self.lessons_dock = self._dock("lessons", self.tr("Lessons"), self.lessons, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tabifyDockWidget(self.equations_dock, self.lessons_dock)
        self.lessons_dock.hide()
        self.controls_dock.raise_()
        self.lessons_dock.toggleViewAction().toggled.connect(self._update_lesson_keys)
        # opened or closed beside the Trainer: its settings column is fitted to the room left
        self.lessons_dock.toggleViewAction().toggled.connect(lambda _open: self._fit_lessons_beside_trainer())
        self._lessons_problem = problem

    def fit_to_screen(self) -> None:
        """DEFAULT_SIZE, or less where the screen's available geometry is smaller (also the minimum)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.setMinimumSize(*MINIMUM_SIZE)
            self.resize(*DEFAULT_SIZE)
            return
        available = screen.availableGeometry()
        room = (max(1, available.width() - FRAME_MARGIN[0]), max(1, available.height() - FRAME_MARGIN[1]))
        self.setMinimumSize(min(MINIMUM_SIZE[0], room[0]), min(MINIMUM_SIZE[1], room[1]))
        width, height = window_size_on_screen(available.width(), available.height())
        self.resize(width, height)
        self.move(available.x() + (available.width() - width) // 2,
                  available.y() + max(0, (available.height() - height - FRAME_MARGIN[1]) // 2))

    def _session_signature(self) -> tuple:
        """What saving would write, minus view details: differs from the saved one = modified.

        Compared as Python values, not as serialised JSON: a session with a 10 MB input text
        spent ~100 ms of the UI thread in json.dumps on every configuration change."""
        return self.state.config.to_dict(), self.compare.pins_to_json(), self.opener.session_view()

    def _update_title(self, *_args) -> None:
        """"name.json — rnnviz" with Qt's modified marker; the app name appears once."""
        name = self.session_path.name if self.session_path is not None else names(UNTITLED)
        self.setWindowTitle(f"{name}[*] — {APP_NAME}")
        self.setWindowModified(self._session_signature() != self._saved_signature)

    def _mark_saved(self) -> None:
        self._saved_signature = self._session_signature()
        self._update_title()

    def _pin_current(self) -> None:
        pin = self.compare.pin_current()
        if pin is None:
            self.statusBar().showMessage(self.tr("Compare holds four pins already: remove one first"), 5000)
        else:
            self.statusBar().showMessage(self.tr("Pinned {0} (Compare tab)").format(pin.name), 5000)

    def open_trained_model(self, handoff) -> bool:
        """Analyse the trainer's cells on a stretch of real text (its embedded tokens are the inputs)."""
        net = handoff.net
        steps = int(handoff.inputs.shape[0])
        config = self.state.config.replace(
            cell=net.cell, activation=net.activation, leaky_slope=net.leaky_slope,
            hidden_size=net.hidden_size, input_size=net.input_size, num_layers=net.num_layers,
            bidirectional=net.bidirectional, seq_len=steps, batch=1, radius=None,
            anchor=min(self.state.config.anchor, steps - 1), truncate=None, loss_placement="all",
            loss_step=1, input_signal="gaussian", dtype="float64", aux_size=0)
        label, description = trained_model_texts(net)
        accepted = self.state.set_weights(config, LoadedWeights(handoff.params, handoff.inputs, label, text=handoff.text,
                                                                description=description, texts=trained_model_texts))
        if accepted:
            self.tabs.setCurrentWidget(self.explorer)
            preview = " ".join(handoff.text.split())[:60]
            self.show_config_message(self.tr("Explorer shows the trained model on: “{0}…”").format(preview), 10000)
        return accepted

    def open_in_explorer(self, config: ExperimentConfig) -> bool:
        """Show ``config`` in the Explorer tab (from a sweep point, a pin or the trainer)."""
        accepted = self.state.set_config(config)
        if accepted:
            self.tabs.setCurrentWidget(self.explorer)
        return accepted

    # -- explanations and lessons ----------------------------------------------------------------
    def explained_panels(self) -> list:
        """Every plot panel with a "?" button: the explorer's six, the sweep and the comparison."""
        return [*self.panels, self.experiments.plot, self.compare.plots]

    def show_explanation(self, name: str) -> bool:
        """Open the explanation of plot ``name`` (large text in presentation mode)."""
        if self.explanation_dialog is None:
            self.explanation_dialog = ExplanationDialog(self)
        try:
            self.explanation_dialog.show_explanation(name, presentation=self.presentation_mode)
        except (KeyError, OSError) as error:
            self.show_error(str(error))
            return False
        return True

    def _update_whats_this(self) -> None:
        """Each plot's explanation as its What's This help (Shift+F1), at the current text size."""
        points = PRESENTATION_TEXT_PT if self.presentation_mode else NORMAL_TEXT_PT
        widgets = [(panel, panel.name) for panel in self.explained_panels()] + [(self.trainer.plots_box, "trainer")]
        for widget, name in widgets:
            try:
                widget.setWhatsThis(explanation_html(name, points, ui_language()))
            except (KeyError, OSError):
                widget.setWhatsThis("")

    def apply_lesson_step(self, step: LessonStep) -> bool:
        """Set a lesson step up: its configuration, then its tab and plot. An invalid configuration
        changes nothing (AppState says why in the status bar)."""
        if step.config is not None and not self.state.set_config(step.config):
            return False
        if step.tab is not None:
            self.tabs.setCurrentWidget({"explorer": self.explorer, "experiments": self.experiments,
                                        "compare": self.compare, "trainer": self.trainer}[step.tab])
        elif step.config is not None or step.focus is not None:
            self.tabs.setCurrentWidget(self.explorer)
        if step.focus is not None:
            self._show_plot(None if step.focus == FOCUS_ALL else step.focus)
        return True

    def open_lesson(self, path) -> bool:
        """Add the lesson file ``path`` to the Lessons dock and show its first step; a file that is not
        a valid lesson gives one message and changes nothing."""
        try:
            lesson = read_lesson(path)
        except ConfigError as error:
            self.show_error(translated(error))
            return False
        self.show_lesson(lesson)
        return True

    def show_lesson(self, lesson: Lesson, step: int = 0) -> None:
        self.lessons.add_lesson(lesson)
        self.lessons.show_step(step)
        self.lessons_dock.show()
        self.lessons_dock.raise_()

    def lessons_open(self) -> bool:
        """The Lessons dock is open (perhaps behind the Controls tab)."""
        return self.lessons_dock.toggleViewAction().isChecked()

    def open_lesson_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open lesson"), "", names(LESSON_FILTER))
        if path:
            self.open_lesson(path)

    def lesson_step(self, delta: int) -> bool:
        """Page Up/Down in presentation mode: the previous/next step, set up at once (a clicker)."""
        if not self.lessons_open():
            return False
        moved = self.lessons.next_step() if delta > 0 else self.lessons.previous_step()
        if moved:
            self.lessons.apply_current()
        return moved

    def _update_lesson_keys(self, *_args) -> None:
        """Page Up/Down step the lesson only in presentation mode with the Lessons dock open; otherwise
        they keep their usual meaning (scrolling, a spin box's big step)."""
        enabled = self.presentation_mode and self.lessons_open()
        for action in (self.next_step_action, self.previous_step_action):
            action.setEnabled(enabled)

    def _on_tab_changed(self, _index: int) -> None:
        docks = [dock.isVisible() for dock in (self.controls_dock, self.equations_dock)]
        self._update_docks()
        if self.isVisible() and docks != [dock.isVisible() for dock in (self.controls_dock, self.equations_dock)]:
            # The tab's new width (the docks hidden or shown) now, before its first paint: left to
            # the event loop, the Trainer painted at the width beside the docks, then again at the
            # window's (two paints of ~30 ms; the step's UI CPU 86-108 -> 62-71 ms with this).
            self.layout().activate()
        if self.tabs.currentWidget() is self.explorer:
            self._stagger_repaints()

    def _stagger_repaints(self) -> None:
        """The visible plots repaint one per turn of the event loop (app/repaint.py), not all in one
        paint of the window: after the return to the Explorer tab, to all plots, and in or out of
        presentation mode, that one paint held the UI thread 80-300 ms. The first of them too is
        let go on the next turn, not in the turn of the change (see StaggeredRepaint.hold)."""
        self.repaints.hold([panel for panel in self.panels if panel.isVisible()], first_now=False)

    def _docks_wanted(self) -> bool:
        """The Controls and Equations docks beside this tab? Not beside the Trainer (its own controls),
        and in presentation mode only beside the Explorer: on a projector the other tabs need the width."""
        current = self.tabs.currentWidget()
        if current is self.trainer:
            return False
        return current is self.explorer or not self.presentation_mode

    def _update_docks(self) -> None:
        docks = (self.controls_dock, self.equations_dock)
        if not self._docks_wanted():
            if self._docks_before_trainer is None:
                self._docks_before_trainer = [d for d in docks if d.toggleViewAction().isChecked()]
                for dock in self._docks_before_trainer:
                    dock.hide()
        elif self._docks_before_trainer is not None:
            for dock in self._docks_before_trainer:
                dock.show()
            if self.controls_dock in self._docks_before_trainer:
                self.controls_dock.raise_()
            self._docks_before_trainer = None
        self._fit_lessons_beside_trainer()

    def _fit_lessons_beside_trainer(self) -> None:
        """In presentation mode the lesson's text gets a quarter of the window beside the Trainer: its
        settings column and four plots need the rest (at 1280 px the dock kept the Controls' 470 px;
        the plots' titles were cut, the loss legend a column of four rows). Otherwise the dock keeps
        the width the user gave it."""
        beside = 0
        if self.presentation_mode and self.tabs.currentWidget() is self.trainer and self.lessons_open():
            beside = int(self.width() * LESSONS_BESIDE_TRAINER)
            self.resizeDocks([self.lessons_dock], [beside], Qt.Orientation.Horizontal)
        self.trainer.set_docks_beside(beside)

    def focus_plot(self, name: str | None, paint_now: bool = True) -> None:
        """Show only the plot called ``name`` (None, or the focused one again: every plot).

        ``paint_now``: the plot shown alone is painted in this turn, once (see
        :func:`paint_scene_updates_now`); False where the caller restyles it after (presentation
        mode, whose repaints are held to the next turn)."""
        if name is not None and name == self.focused_plot:
            name = None
        self.focused_plot = name
        self._show_focused()
        self._update_plot_layout()
        if name is None:
            self._stagger_repaints()
        else:   # its size and view ranges now, not during its paint (which then paints again)
            self._lay_out_plots_now()
            self.panel_by_name[name].settle()
            if paint_now:
                paint_scene_updates_now(self.panel_by_name[name].graphics)   # once, not twice
        self.show_all_action.setEnabled(name is not None)
        self.plot_buttons["" if name is None else name].setChecked(True)

    def _build_explorer_tab(self) -> QWidget:
        rows = QSplitter(Qt.Orientation.Vertical)
        rows.setObjectName("explorer_plots")
        rows.setChildrenCollapsible(False)
        self._rows = rows
        # The plots scroll only where they would not fit readably (all six in presentation mode).
        scroll = QScrollArea()
        scroll.setObjectName("explorer_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(rows)
        self.plot_scroll = scroll
        self._plot_wheel = ScrollFirstGuard(scroll)
        for panel in self.panels:
            panel.graphics.viewport().installEventFilter(self._plot_wheel)
        self.plot_columns = 0
        self.arrange_plots(NORMAL_COLUMNS)
        tab = QWidget()
        tab.setObjectName("explorer")
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self._build_plot_switcher())
        layout.addWidget(scroll, 1)
        return tab

    def arrange_plots(self, columns: int) -> None:
        """Lay the six plots out in rows of ``columns`` (3 normally; fewer at lecture font sizes)."""
        columns = max(1, min(len(self.panels), int(columns)))
        if columns == self.plot_columns:
            return
        old_rows, self._plot_rows = self._plot_rows, []
        for start in range(0, len(self.panels), columns):
            row = QSplitter(Qt.Orientation.Horizontal)
            row.setChildrenCollapsible(False)
            for index, panel in enumerate(self.panels[start:start + columns]):
                row.addWidget(panel)          # moves the panel out of its old row
                row.setStretchFactor(index, 1)
            row.setSizes([1000] * row.count())
            self._rows.addWidget(row)
            self._plot_rows.append(row)
        for row in old_rows:
            row.setParent(None)
            row.deleteLater()
        self._rows.setSizes([1000] * len(self._plot_rows))
        self.plot_columns = columns
        self._show_focused()

    def _presentation_columns(self) -> int:
        """Columns for all six plots in presentation mode: as many as are PRESENTATION_PLOT_WIDTH wide."""
        width = self.plot_scroll.viewport().width() or self.plot_scroll.width()
        return max(1, min(NORMAL_COLUMNS, width // PRESENTATION_PLOT_WIDTH))

    def _update_plot_layout(self) -> None:
        """All six plots at lecture font sizes: fewer columns, rows tall enough to read, a scrolling grid
        (the wheel scrolls it; Ctrl+wheel zooms a plot). Otherwise: three columns that fit the tab."""
        grid = self.presentation_mode and self.focused_plot is None
        self.arrange_plots(self._presentation_columns() if grid else NORMAL_COLUMNS)
        for row in self._plot_rows:
            row.setMinimumHeight(PRESENTATION_ROW_HEIGHT if grid else 0)
        self._plot_wheel.active = grid

    def grid_leaves_out(self) -> tuple[str, ...]:
        """Plots "All plots" leaves out now: the unrolled network where three rows would not be
        readable, or where its row of the grid is too low for its layers' labels."""
        if not self.isVisible():
            return ()
        config = self.state.config
        state_rows = config.num_layers * (2 if config.bidirectional else 1)
        unrolled = self.panel_by_name["unrolled"]
        if self.presentation_mode:
            plot_px = PRESENTATION_ROW_HEIGHT - UNROLLED_PRESENTATION_CHROME_PX
            labelled = unrolled.rows_labelled(state_rows, plot_px, PRESENTATION_STYLE["font_pt"])
            return () if labelled else GRID_OPTIONAL
        height = self.plot_scroll.viewport().height()
        if 0 < height < THREE_ROWS_MIN_HEIGHT:
            return GRID_OPTIONAL
        plot_px = UNROLLED_GRID_SHARE * height - UNROLLED_GRID_CHROME_PX
        if height > 0 and not unrolled.rows_labelled(state_rows, plot_px, NORMAL_STYLE["font_pt"]):
            return GRID_OPTIONAL
        return ()

    def _regrid(self) -> None:
        """All plots again after a change of configuration: whether the unrolled network's layers
        are readable in the grid may have changed. When it leaves or joins the grid, every other
        plot takes a new size: their repaints follow one another (app/repaint.py); in one paint of
        the window, going to 8 layers held the UI thread 304 ms (207 ms of CPU, 62 axes laid out)."""
        if self.focused_plot is None:
            shown = [panel.isVisible() for panel in self.panels]
            self._show_focused()
            if self.isVisible() and [panel.isVisible() for panel in self.panels] != shown:
                self._stagger_repaints()

    def _show_focused(self) -> None:
        name = self.focused_plot
        left_out = self.grid_leaves_out() if name is None else ()
        shown = [panel for panel in self.panels
                 if (panel.name == name if name is not None else panel.name not in left_out)]
        if self.isVisible() and len(shown) > 1 and any(panel.isHidden() for panel in shown):
            # held before they are shown: each takes a style changed while it was hidden when its
            # repaint is let go, one per turn (_stagger_repaints holds them again in the same order)
            self.repaints.hold(shown, first_now=False)
        for panel in self.panels:
            panel.setVisible(panel in shown)
        for row in self._plot_rows:
            row.setVisible(any(not row.widget(i).isHidden() for i in range(row.count())))

    def _lay_out_plots_now(self) -> None:
        """The plots' splitters give every shown panel its new size now, before any paint. Left to
        the event loop, a plot shown alone first got its new width from its row and painted at its
        old height, then got its height from the column of rows and painted again (focus on the
        decay plot at 1600×1000: two paints of the whole panel, 18 + 29 ms of the UI thread). Not
        for all plots: those panels' repaints are held and each takes its layout in its own turn
        (app/repaint.py); laid out here, all seven would be laid out in the turn of the click."""
        if self.isVisible():   # (each row first: its width hint decides the column's layout)
            for row in self._plot_rows:
                QCoreApplication.sendPostedEvents(row, QEvent.Type.LayoutRequest.value)
            QCoreApplication.sendPostedEvents(self._rows, QEvent.Type.LayoutRequest.value)

    def _show_plot(self, name: str | None) -> None:
        """A switcher button: show plot ``name`` (None: all); unlike focus_plot it never toggles."""
        if name != self.focused_plot:
            self.focus_plot(name)

    def _build_plot_switcher(self) -> QWidget:
        """A strip of buttons: all seven plots, or one of them alone (as Alt+1…7 and double-click)."""
        strip = PlotSwitcher()
        strip.setObjectName("plot_switcher")
        layout = QHBoxLayout(strip)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(4)
        group = QButtonGroup(strip)
        group.setExclusive(True)
        self.plot_buttons: dict[str, QToolButton] = {}
        entries = [("", self.tr("All plots"), "Esc", self.tr("Show all seven plots"))]
        entries += [(panel.name, f"{number} {names(SWITCHER_LABELS.get(panel.name, panel.title))}", f"Alt+{number}",
                     self.tr("Show only the {0} plot").format(panel.title))
                    for number, panel in enumerate(self.panels, start=1)]
        for name, text, key, tip in entries:
            button = QToolButton()
            button.setText(text)
            # where the strip is too narrow for "5 Spectrum" (seven plots at lecture font sizes on a
            # 1280-pixel projector), the names alone: their numbers are in the tooltips
            button.full_text, button.compact_text = text, text.split(" ", 1)[1] if name else text
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setObjectName(f"plot_button_{name or 'all'}")
            button.setToolTip(self.tr("{0} ({1})", "a tooltip: what the button does (its shortcut)").format(tip, key))
            button.clicked.connect(lambda _=False, n=name or None: self._show_plot(n))
            group.addButton(button)
            layout.addWidget(button)
            self.plot_buttons[name] = button
        layout.addStretch(1)
        self.plot_buttons[""].setChecked(True)
        return strip

    def _dock(self, name: str, title: str, widget: QWidget, area) -> QDockWidget:
        """A dock called ``dock_<name>`` (saved window states find it by that name) showing ``title``."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.compute_label = SteadyLabel("")
        self.compute_label.setObjectName("compute_time")
        self.compute_label.setToolTip(self.tr("Time the engine took for the cheap plots, and for the full (t, k) map"))
        self.map_progress = QProgressBar()
        self.map_progress.setObjectName("map_progress")
        self.map_progress.setRange(0, 100)
        self.map_progress.setMaximumWidth(250)
        self.map_progress.setMinimumWidth(250)  # the message line (status_bar.py) takes the rest
        self.map_progress.setFormat(names(MAP_FORMAT))
        self.map_eta = EtaEstimator()
        self.map_progress.setValue(0)
        self.map_progress.setToolTip(self.tr("Progress of the (t, k) gradient-flow map"))
        self._awaiting_fast = False
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.timeout.connect(self._show_busy)
        self.gradcheck_label = QLabel(self.tr("gradient check: not run"))
        self._gradcheck_config = None   # the configuration the label's check ran on (None: none ran)
        self.gradcheck_label.setObjectName("gradcheck_result")
        self.gradcheck_label.setToolTip(self.tr("Central finite differences in float64 against the analytic BPTT gradient"))
        self.gradcheck_button = QPushButton(self.tr("Check gradients"))
        self.gradcheck_button.setObjectName("gradcheck_button")
        self.gradcheck_button.setToolTip(self.tr("Run a finite-difference gradient check of the current configuration "
                                         "(Ctrl+G)"))
        self.gradcheck_button.clicked.connect(self.check_gradients)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setObjectName("undo_drop_button")
        self.undo_button.setToolTip(self.tr("Analyse the trained model again (Ctrl+Z)"))
        self.undo_button.clicked.connect(self.undo_drop)
        self.undo_button.setVisible(False)
        bar.addWidget(self.undo_button)
        bar.messageChanged.connect(self._on_status_message_changed)
        self.status_message = show_messages_in_a_label(bar)
        bar.addPermanentWidget(self.compute_label)
        bar.addPermanentWidget(self.map_progress)
        bar.addPermanentWidget(self.gradcheck_label)
        self.precision_label = QLabel(self.tr("norms: Lanczos {0:.0e}").format(DEFAULT_TOL))
        self.precision_label.setObjectName("norm_precision")
        self.precision_label.setContentsMargins(6, 0, 0, 0)  # apart from the gradient check's text
        self.precision_label.setToolTip(precision_text())
        bar.addPermanentWidget(self.precision_label)
        bar.addPermanentWidget(self.gradcheck_button)

    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "", checkable: bool = False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            # The whole window, its floating docks included (Qt counts them to their main window), but
            # not another window such as a second explorer; fields that claim a key are handled by
            # WindowShortcutGuard.
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu(self.tr("&File"))
        self.open_action = self._action(file_menu, self.tr("&Open session…"), self.open_session_dialog,
                                        "Ctrl+O", self.tr("Open a saved session (JSON)"))
        self.recent_menu = file_menu.addMenu(self.tr("Open &recent"))
        self.open_network_action = self._action(
            file_menu, self.tr("Open &network…"), lambda: self.opener.open_network_dialog(self), "Ctrl+Shift+O",
            self.tr("Analyse a network from a file: .npz, .safetensors, PyTorch .pt/.pth, ONNX, or a trainer "
                    "checkpoint (or drop the file onto the window)"))
        self.open_inputs_action = self._action(
            file_menu, self.tr("Open &inputs…"), lambda: self.opener.open_inputs_dialog(self), "Ctrl+Shift+I",
            self.tr("Feed the network inputs from a file: (T, input) or (T, batch, input) arrays as .npy or .csv, "
                    "or text in a trainer checkpoint's vocabulary"))
        self.save_action = self._action(file_menu, self.tr("&Save session"), self.save_session_dialog,
                                        "Ctrl+S", self.tr("Save the current configuration"))
        self._action(file_menu, self.tr("Save session &as…"), lambda: self.save_session_dialog(ask=True),
                     "Ctrl+Shift+S", self.tr("Save the current configuration under a new name"))
        self.open_lesson_action = self._action(file_menu, self.tr("Open &lesson…"), self.open_lesson_dialog,
                                               tip=self.tr("Open a lesson file (Markdown with a configuration per step)"))
        file_menu.addSeparator()
        self.export_menu = file_menu.addMenu(self.tr("Export &plot"))
        for panel in self.panels:
            self._action(self.export_menu, self.tr("{0}…").format(panel.title), lambda _=False, p=panel: self.export_plot_dialog(p),
                         tip=self.tr("Save the {0} plot as PNG or SVG, or its data as CSV").format(panel.title))
        self.export_all_action = self._action(file_menu, self.tr("&Export all…"), self.export_all_dialog, "Ctrl+E",
                                              self.tr("Every plot as PNG, SVG and CSV plus the session, into a folder"))
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Quit"), self.close, "Ctrl+Q", self.tr("Close rnnviz"))

        edit_menu = menus.addMenu(self.tr("&Edit"))
        self.undo_action = self._action(edit_menu, self.tr("&Undo: back to the trained model"), self.undo_drop,
                                        QKeySequence.StandardKey.Undo,
                                        self.tr("Analyse the trained model's weights again after a change replaced them"))
        # Ctrl+Z right after a change in a spin box means this, not the box's own text undo.
        self.undo_action.setProperty("beats_editing", True)
        self.undo_action.setEnabled(False)

        self.presets_menu = menus.addMenu(self.tr("P&resets"))
        try:
            presets = list_presets()
        except (ConfigError, OSError) as error:
            presets = []
            self.presets_menu.addAction(self.tr("(presets unavailable: {0})").format(translated(error))).setEnabled(False)
        for preset in presets:
            action = self._action(self.presets_menu, preset_text(preset.title),
                                  lambda _=False, p=preset: self.apply_preset(p), tip=preset_text(preset.description))
            action.setObjectName(f"preset_{preset.name}")
        self.presets_menu.setToolTipsVisible(True)

        view_menu = menus.addMenu(self.tr("&View"))
        self.recompute_action = self._action(view_menu, self.tr("&Recompute"), self.state.recompute, "F5",
                                             self.tr("Compute everything again for the current configuration"))
        self.presentation_action = self._action(view_menu, self.tr("&Presentation mode"), self.set_presentation_mode,
                                                "F11", self.tr("Full screen, large fonts and thick lines for lectures"),
                                                checkable=True)
        self.show_all_action = self._action(view_menu, self.tr("Show &all plots"), lambda: self.focus_plot(None), "Esc",
                                            self.tr("Back to all seven plots (double-click a plot to show it alone)"))
        self.show_all_action.setEnabled(False)
        self.fit_action = self._action(view_menu, self.tr("&Fit plots to their data"), self.fit_plots, "Ctrl+0",
                                       self.tr("Undo every zoom and pan: each plot shows all of its data again"))
        focus_menu = view_menu.addMenu(self.tr("Show one &plot"))
        for number, panel in enumerate(self.panels, start=1):
            self._action(focus_menu, panel.title, lambda _=False, n=panel.name: self.focus_plot(n), f"Alt+{number}",
                         self.tr("Show only the {0} plot").format(panel.title))
        view_menu.addSeparator()
        view_menu.addAction(self.controls_dock.toggleViewAction())
        view_menu.addAction(self.equations_dock.toggleViewAction())
        lessons_toggle = self.lessons_dock.toggleViewAction()
        lessons_toggle.setShortcut(QKeySequence("Ctrl+L"))
        lessons_toggle.setStatusTip(self.tr("The course's guided lessons, step by step"))
        view_menu.addAction(lessons_toggle)
        self.next_step_action = self._action(view_menu, self.tr("&Next lesson step"), lambda: self.lesson_step(1),
                                             "PgDown", self.tr("Presentation mode: the lesson's next step, set up"))
        self.previous_step_action = self._action(view_menu, self.tr("Pre&vious lesson step"), lambda: self.lesson_step(-1),
                                                 "PgUp", self.tr("Presentation mode: the lesson's previous step, set up"))

        self._build_language_menu(view_menu)

        tools_menu = menus.addMenu(self.tr("&Tools"))
        self.gradcheck_action = self._action(tools_menu, self.tr("Check &gradients"), self.check_gradients, "Ctrl+G",
                                             self.tr("Finite-difference check of the analytic gradients"))
        self.pin_action = self._action(tools_menu, self.tr("&Pin configuration for comparison"), self._pin_current,
                                       "Ctrl+P", self.tr("Add the current configuration to the Compare tab (up to four)"))
        self._action(tools_menu, self.tr("&Memory budget…"), self._ask_memory_budget,
                     tip=self.tr("The most memory one configuration may take: beyond it the map is shortened or "
                         "the configuration refused, with the estimate"))
        help_menu = menus.addMenu(self.tr("&Help"))
        self._action(help_menu, self.tr("&Keyboard shortcuts"), self.show_shortcuts, "F1", self.tr("List the keyboard shortcuts"))
        self.whats_this_action = QWhatsThis.createAction(self)   # Shift+F1, then click a plot
        self.whats_this_action.setStatusTip(self.tr("Click a plot to read what it shows (or use its ? button)"))
        help_menu.addAction(self.whats_this_action)
        self._update_whats_this()
        self._update_lesson_keys()
        self._update_recent_menu()

    def _build_language_menu(self, view_menu) -> None:
        """View → Language: System, English, 简体中文 (each language named in itself), remembered."""
        menu = view_menu.addMenu(self.tr("&Language"))
        menu.setObjectName("language_menu")
        menu.setToolTipsVisible(True)
        group = QActionGroup(self)
        group.setExclusive(True)
        labels = {SYSTEM: self.tr("System language"), ENGLISH: "English", CHINESE: "简体中文"}
        tips = {SYSTEM: self.tr("The language of the computer's locale (English where rnnviz has none)"),
                ENGLISH: self.tr("English"), CHINESE: self.tr("Simplified Chinese")}
        self.language_actions: dict[str, QAction] = {}
        chosen = self.settings.language()
        for choice in CHOICES:
            action = QAction(labels[choice], self)
            action.setObjectName(f"language_{choice}")
            action.setCheckable(True)
            action.setChecked(choice == chosen)
            action.setToolTip(tips[choice])
            action.setStatusTip(tips[choice])
            action.triggered.connect(lambda _=False, c=choice: self.choose_language(c))
            group.addAction(action)
            menu.addAction(action)
            self.language_actions[choice] = action

    def choose_language(self, choice: str) -> None:
        """Switch the interface to ``choice`` now (the window is rebuilt in it, keeping everything:
        :mod:`rnnviz.app.language_switch`) and remember it; refused, with a message, while a
        training run or a sweep is running."""
        from rnnviz.app.language_switch import refusal

        language = resolve_language(choice)
        problem = refusal(self) if language != current_language() else None
        if problem is not None:
            for name, action in self.language_actions.items():
                action.setChecked(name == self.settings.language())
            box = QMessageBox(QMessageBox.Icon.Information, self.tr("Language"), problem,
                              QMessageBox.StandardButton.Ok, self)
            box.setObjectName("language_box")
            box.open()
            return
        self.settings.set_language(choice)
        self.settings.sync()
        for name, action in self.language_actions.items():
            action.setChecked(name == choice)
        if language == current_language():
            self.statusBar().showMessage(self.tr("Language: {0}").format(self.language_actions[choice].text()), 5000)
            return
        self.switch_language(language)

    def switch_language(self, language: str):
        """Replace this window by one built in ``language`` that takes over its live state (see
        :mod:`rnnviz.app.language_switch`). Returns the new window, or None (nothing changed) while a
        training run or a sweep is running."""
        from rnnviz.app import language_switch
        from rnnviz.app.i18n import install_language

        if language_switch.refusal(self) is not None:
            return None
        carried = language_switch.capture(self)
        previous = current_language()
        install_language(language)
        window = MainWindow(settings=self.settings, engine=self.compute.engine, restore_session=False,
                            remember=self.remember, config=self.state.config, carried=carried)
        language_switch.restore(window, carried)
        window.show()
        window.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Language: {0}").format(
            window.language_actions[window.settings.language()].text()), 5000)
        if not self.close():   # cannot happen (no run is going), but then this window stays as it was
            install_language(previous)
            window.close()
            return None
        self.replaced_by = window
        # This window stays (hidden) while Qt is in its slot; what only it holds is let go.
        self.state.fast_result = self.state.map_result = None
        _REOPENED.append(window)
        return window

    def _connect_state(self) -> None:
        state = self.state
        state.forward_result_changed.connect(self._on_forward)
        state.fast_result_changed.connect(self._on_fast)
        state.map_result_changed.connect(self._on_map)
        state.map_progress.connect(self._on_map_progress)
        state.message.connect(self.show_error)
        state.config_changed.connect(self._on_computing)
        state.config_changed.connect(self._regrid)
        state.config_changed.connect(self._clear_readouts)
        state.config_changed.connect(self._forget_gradcheck)
        state.config_changed.connect(self._clear_config_message)
        state.busy_changed.connect(self._on_busy_changed)
        state.weights_dropped.connect(self._on_weights_dropped)
        state.weights_changed.connect(lambda _weights: self.undo_action.setEnabled(state.can_undo_drop))
        self.compute.before_repaint.connect(self._settle_panels)
        # a map snapshot changes the map alone (settling all seven panels cost ~1.5 ms per snapshot)
        self.compute.before_map_repaint.connect(lambda _job_id: self.panel_by_name["map"].settle())
        self.compute.notice.connect(lambda text: text and self.show_config_message(text, 15000))
        self.compute.gradcheck_done.connect(self._on_gradcheck)
        self.compute.gradcheck_failed.connect(
            lambda message: self.gradcheck_label.setText(self.tr("gradient check: error")))
        self.panel_by_name["map"].anchor_clicked.connect(lambda anchor: state.update(anchor=anchor))
        for panel in self.panels:
            panel.focus_requested.connect(self.focus_plot)

    # -- results -------------------------------------------------------------------------------
    def _clear_readouts(self, _config=None) -> None:
        """Hover read-outs name values of the configuration that was hovered: gone with it."""
        for panel in self.panels:
            panel.clear_readout()

    def fit_plots(self) -> None:
        for panel in self.panels:
            panel.fit_view()

    def _on_forward(self, part) -> None:
        """The forward part of a result: the plots that need no gradient draw it now, the others
        keep the previous result until the whole one comes (:meth:`_on_fast`)."""
        panels = [panel for panel in self.panels if panel.forward_only]
        self._forward_staggered = self._staggered(part.config)
        self._show_in(panels, part, self._forward_staggered)
        self._forward_shown = part
        self._settle(panels)

    def _show_in(self, panels, result, staggered: bool) -> None:
        """Show ``result`` in ``panels``. ``staggered``: the visible panels repaint one per turn
        (app/repaint.py), and each held panel takes its data only then, right before its repaint is
        let go (:meth:`_before_panel_repaint`): until that turn it shows the previous result whole,
        data and labels alike (its updates are off). All seven given their data in one turn, a
        switch of cell held the UI thread 100-134 ms, with the first panel's paint (issue 12 §2)."""
        later = []
        if staggered:
            visible = [panel for panel in panels if panel.isVisible()]
            later = visible[1:]
        for panel in panels:
            if panel in later:
                self._drawn_later[panel.name] = result
            else:
                self._drawn_later.pop(panel.name, None)
        # Held before the panels change, so that none of them paints until its turn.
        if staggered:
            self.repaints.hold(visible)
        for panel in panels:
            if panel not in later:
                self._draw(panel, result)

    def _draw(self, panel, result) -> None:
        try:
            panel.clear_readout()
            panel.show_fast(result)
        except Exception as error:  # noqa: BLE001 - one broken plot must not hide the others
            self.show_error(self.tr("{0} could not be drawn: {1}: {2}").format(panel.title, type(error).__name__, error))

    def _draw_held_result(self, panel) -> None:
        """Draw the result ``panel`` still waits for (see :meth:`_show_in`), if any."""
        result = self._drawn_later.pop(panel.name, None)
        if result is not None:
            self._draw(panel, result)

    def _on_fast(self, fast) -> None:
        forward = getattr(fast, "forward", None)
        follows_forward = forward is not None and forward is self._forward_shown
        self._forward_shown = None
        if follows_forward:
            # the forward plots show this result's forward part already: the same arrays
            for panel in self.panels:
                if panel.forward_only:
                    if panel.name in self._drawn_later:   # its forward part not drawn yet: the whole result
                        self._drawn_later[panel.name] = fast
                    else:
                        panel.adopt_fast(fast)
            staggered = self._staggered(fast.config) or self._forward_staggered
            self._show_in([panel for panel in self.panels if not panel.forward_only], fast, staggered)
        else:
            self._show_in(self.panels, fast, self._staggered(fast.config))
        self._awaiting_fast = False
        self._busy_timer.stop()
        self.compute_label.setText(self.tr("plots {0:.0f} ms · map …").format(fast.seconds * 1000))
        self.map_eta.start()   # the map is computed from here on
        # QProgressBar.setValue repaints at once (~1.5 ms): after the plots have their data.
        QTimer.singleShot(0, self, self._reset_map_progress)

    def _on_map_progress(self, fraction: float) -> None:
        """The map's bar, with the time left once it is known (hidden for a map that is quick anyway)."""
        if self.map_progress.maximum() != 100:
            # Still "busy" (indeterminate) when plots and map came in one redraw: a value would be lost.
            self.map_progress.setRange(0, 100)
        left = format_time_left(self.map_eta.update(fraction))
        self.map_progress.setFormat(f"{names(MAP_FORMAT)} · {left}" if left else names(MAP_FORMAT))
        self.map_progress.setValue(int(round(100 * fraction)))

    def _reset_map_progress(self) -> None:
        if self.map_progress.maximum() != 100:
            self.map_progress.setRange(0, 100)
        if self.state.map_result is None:  # else the new map has reported its progress already
            self.map_progress.setFormat(names(MAP_FORMAT))   # no time left of the previous map
            self.map_progress.setValue(0)

    def _staggered(self, config) -> bool:
        """Whether the panels' repaints after a result for ``config`` follow one another: after a
        change of shape (cell, layers, H, T: every axis is laid out again, rows may be rebuilt) and
        for large results; not for a default-sized ρ step, whose whole repaint is short and would
        only come later (each turn of the loop waits for the interpreter lock and the cores)."""
        shape = (config.cell, config.num_layers, config.bidirectional, config.hidden_size, config.seq_len)
        changed, self._shown_shape = shape != self._shown_shape, shape
        return changed or config.hidden_size * config.seq_len >= STAGGER_VALUES

    def grab(self, *args):  # noqa: D102 - QWidget.grab, with every held repaint done first
        self.repaints.release_all()
        self._controls_repaint.release()
        return super().grab(*args)

    def _settle_panels(self, _job_id: int) -> None:
        """View ranges up to date before the repaint, so that each panel paints once."""
        self._settle(self.panels)

    def _settle(self, panels) -> None:
        """Settle ``panels`` now, but those whose repaint is held: each of them settles right before
        its repaint is let go (:meth:`_before_panel_repaint`), one per turn. All settled at once
        after a switch of cell, the seven panels held the UI thread ~110 ms (issue 12 §2)."""
        held = set(map(id, self.repaints.held()))
        for panel in panels:
            if id(panel) not in held:
                panel.settle()

    def _before_panel_repaint(self, panel) -> None:
        """Right before a held repaint is let go: the result the panel waits for (:meth:`_show_in`),
        its pending style and layout, then its view ranges (it was not settled with the others:
        :meth:`_settle`)."""
        self._draw_held_result(panel)
        panel.apply_pending_style()
        panel.settle()

    def _on_computing(self, _config=None) -> None:
        """A computation started: an indeterminate bar if the cheap plots take longer than
        BUSY_DELAY_MS (not for every step of a slider drag, where it would only flicker)."""
        self.compute_label.setText(self.tr("computing …"))
        self._awaiting_fast = True
        self._busy_timer.start(BUSY_DELAY_MS)

    def _show_busy(self) -> None:
        if self._awaiting_fast:
            self.map_progress.setRange(0, 0)

    def _on_busy_changed(self, busy: bool) -> None:
        if not busy:
            self._awaiting_fast = False
            self._busy_timer.stop()
        if not busy and self.map_progress.maximum() == 0:
            # Stopped before any result (error or cancelled): leave the busy state.
            self.map_progress.setRange(0, 100)
            self.map_progress.setValue(0)
            if self.compute_label.text() == self.tr("computing …"):
                self.compute_label.setText("")

    def _on_map(self, map_result) -> None:
        self._draw_held_result(self.panel_by_name["map"])   # the map's axes first: of its configuration
        self.panel_by_name["map"].show_map(map_result)
        if map_result.complete and self.state.fast_result is not None:
            map_seconds = self.compute.last_map_seconds
            map_text = (self.tr("map {0:.0f} ms").format(map_seconds * 1000) if map_seconds is not None
                        else self.tr("map done"))
            self.compute_label.setText(self.tr("plots {0:.0f} ms · {1}").format(self.state.fast_result.seconds * 1000, map_text))

    def _ask_memory_budget(self) -> None:
        value, ok = QInputDialog.getDouble(self, self.tr("Memory budget"), self.tr("Gigabytes for one configuration:"),
                                           self.settings.memory_budget_gb(), MIN_BUDGET_GB, MAX_BUDGET_GB, 2)
        if ok:
            self.set_memory_budget_gb(value)

    def set_memory_budget_gb(self, gigabytes: float) -> None:
        """Keep the budget in the settings; it applies from the next configuration on."""
        self.settings.set_memory_budget_gb(gigabytes)
        self.compute.budget_bytes = int(self.settings.memory_budget_gb() * 1024**3)
        self.statusBar().showMessage(self.tr("Memory budget: {0:g} GB").format(self.settings.memory_budget_gb()), 5000)

    def check_gradients(self) -> None:
        self._gradcheck_config = self.state.config
        self.gradcheck_label.setText(self.tr("gradient check: running …"))
        if self.compute.check_gradients() is None:
            self.gradcheck_label.setText(self.tr("gradient check: unavailable"))
        self._show_gradcheck_label()

    def _forget_gradcheck(self, config=None) -> None:
        """A check's verdict is about the configuration it ran on: a new one has not been checked."""
        if self._gradcheck_config is not None and config != self._gradcheck_config:
            self._gradcheck_config = None
            self.gradcheck_label.setText(self.tr("gradient check: not run"))
            self._show_gradcheck_label()

    def _show_gradcheck_label(self) -> None:
        # "not run" tells a lecture hall nothing; its room is the key hint's at 1280 px
        self.gradcheck_label.setVisible(not self.presentation_mode or self._gradcheck_config is not None)

    def _on_gradcheck(self, report) -> None:
        if self._gradcheck_config is None:
            return  # a check of a configuration since changed
        verdict = self.tr("passed ✓") if report.passed else self.tr("FAILED ✗")
        self.gradcheck_label.setText(self.tr("gradient check {0} (max rel. error {1:.1e})").format(verdict, report.max_rel_error))
        self.last_gradcheck = report
        if not report.passed:
            self.show_error(report.summary() if hasattr(report, "summary") else self.tr("gradient check failed"))

    # -- trained weights -------------------------------------------------------------------------
    def _on_weights_dropped(self, text: str) -> None:
        """A notice, not a popup: the status bar says what happened and offers Undo (Ctrl+Z)."""
        self.show_undo(self.state.dropped_label)
        self._drop_notice = self.tr("{0} · Ctrl+Z or Undo goes back").format(text)
        self.show_config_message(self._drop_notice, UNDO_MESSAGE_MS)
        self.undo_button.setVisible(True)

    def show_undo(self, dropped: str) -> None:
        """Edit → Undo (Ctrl+Z) and the status bar's Undo bring back the weights labelled ``dropped``."""
        self.undo_action.setEnabled(True)
        self.undo_action.setText(self.tr("&Undo: back to the {label}").format(label=dropped))
        self.undo_button.setToolTip(self.tr("Analyse the {label} again (Ctrl+Z)").format(label=dropped))

    def _on_status_message_changed(self, text: str) -> None:
        """The status bar's Undo is shown with the notice it belongs to (alone or after a preset's
        title) and with no other message."""
        notice = getattr(self, "_drop_notice", None)
        self.undo_button.setVisible(bool(notice) and bool(text) and text.endswith(notice)
                                    and self.state.can_undo_drop)

    def undo_drop(self) -> bool:
        """Back to the trained weights a change replaced (Ctrl+Z, the status bar's Undo)."""
        label = self.state.dropped_label
        if not self.state.undo_drop():
            return False
        self.undo_action.setEnabled(False)
        self.show_config_message(self.tr("Analysing the {label} again").format(label=label), 5000)
        return True

    # -- messages ------------------------------------------------------------------------------
    def show_config_message(self, text: str, milliseconds: int) -> None:
        """A status message about the configuration analysed now (a preset's title, what a change
        replaced, a notice of the computation): cleared when the configuration changes, so it never
        speaks of a configuration the user has since left (a preset's title stayed after the next
        change of a control). A change in the same event-loop turn (the one the message is about:
        a dropped model is announced before the configuration is set) does not clear it."""
        self.statusBar().showMessage(text, milliseconds)
        self._config_message = (text, self.state.config)
        self._config_message_fresh = True
        QTimer.singleShot(0, self._settle_config_message)

    def _settle_config_message(self) -> None:
        self._config_message_fresh = False

    def _clear_config_message(self, config) -> None:
        message = getattr(self, "_config_message", None)
        if message is None:
            return
        if self._config_message_fresh:   # the change this message is about
            self._config_message = (message[0], config)
        elif config != message[1]:
            self._config_message = None
            if self.statusBar().currentMessage() == message[0]:
                self.statusBar().clearMessage()

    def show_error(self, text: str) -> None:
        """Status bar + a non-blocking message box; the last message is kept in ``last_error``."""
        self.last_error = text
        self.statusBar().showMessage(text, 10000)
        if self._error_box is not None:
            self._error_box.close()
        box = QMessageBox(QMessageBox.Icon.Warning, "rnnviz", text, QMessageBox.StandardButton.Ok, self)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.open()
        self._error_box = box
        self.error_shown.emit(text)

    def show_shortcuts(self) -> None:
        text = self.tr("Ctrl+O open session · Ctrl+Shift+O open network · Ctrl+Shift+I open inputs · Ctrl+S save · Ctrl+Shift+S save as · Ctrl+E export all · F5 recompute · "
                "F11 presentation mode · Alt+1…7 show one plot (or double-click it) · Esc all plots · "
                "Ctrl+G check gradients · Ctrl+P pin for comparison · Ctrl+Z back to the trained model · "
                "Ctrl+L lessons · Page Up/Down lesson steps (presentation mode) · "
                "Shift+F1 what's this (click a plot) · F1 this help · Ctrl+Q quit")
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Keyboard shortcuts"), text, QMessageBox.StandardButton.Ok,
                          self)
        box.open()

    # -- presets and sessions ------------------------------------------------------------------
    def apply_preset(self, preset: Preset) -> bool:
        loaded = self.state.weights
        accepted = self.state.set_config(preset.config)
        if accepted and loaded is not None and self.state.weights is None:
            # the notice of what the preset replaced stays, with its Undo
            self.show_config_message(self.tr("Preset: {0} · {1}").format(preset_text(preset.title),
                                                                           self._drop_notice), UNDO_MESSAGE_MS)
        elif accepted:
            self.show_config_message(self.tr("Preset: {0}").format(preset_text(preset.title)), 5000)
        return accepted

    def session(self) -> dict:
        return session_dict(self.state.config, self._view())

    def _view(self) -> dict:
        """What a session stores besides the configuration: the sweep definition and the pins."""
        return {"presentation": self.presentation_mode, "sweep": self.experiments.sweep_definition(),
                "pins": self.compare.pins_to_json(), **self.opener.session_view()}

    def _apply_view(self, view: dict) -> None:
        problems = []
        if "sweep" in view and not self.experiments.set_sweep_definition(view["sweep"]):
            problems.append(self.tr("sweep definition"))
        if "pins" in view and not self.compare.set_pins_from_json(view["pins"]):
            problems.append(self.tr("pins"))
        if problems:
            self.show_error(self.tr("The session's {0} could not be read and were left as they were").format(self.tr(" and ").join(problems)))

    def open_session(self, path) -> bool:
        """Load a session file now (read on the calling thread: scripts and tests); a bad or newer
        file gives one message and changes nothing. The window's menus use :meth:`start_open_session`."""
        try:
            config, view = read_session(path)
        except ConfigError as error:
            self._session_not_opened(translated(error))
            return False
        return self._apply_session(path, config, view)

    def start_open_session(self, path) -> int:
        """Read and check a session file off the UI thread (lane "open-session": a 10 MB session
        took 20-26 ms of JSON parsing on the UI thread), then apply it as :meth:`open_session`
        does; the same message and nothing changed when it cannot be used. Returns the job id."""
        path = Path(path)
        def read(_should_stop):
            config, view = read_session(path)
            hash(config)   # Python keeps a string's hash: a 10 MB text is hashed here, not on the UI thread
            return config, view

        job_id = self.runner.start(SESSION_READ_LANE, read)
        self._opening_sessions = {job_id: path}   # only the newest: an older read is superseded
        return job_id

    def _on_session_read(self, lane: str, job_id: int, result) -> None:
        path = self._opening_sessions.pop(job_id, None)
        if lane == SESSION_READ_LANE and path is not None:
            config, view = result
            self._apply_session(path, config, view)

    def _on_session_failed(self, lane: str, job_id: int, message: str) -> None:
        if lane == SESSION_READ_LANE and self._opening_sessions.pop(job_id, None) is not None:
            self._session_not_opened(message)

    def _session_not_opened(self, reason: str) -> None:
        self.show_error(self.tr("Could not open session: {0}").format(reason))

    def _apply_session(self, path, config: ExperimentConfig, view: dict) -> bool:
        """The UI thread's part of opening a session: ``config`` and ``view`` as read and checked."""
        if not self.state.set_config(config):
            return False
        self._apply_view(view)
        recorded = {key: source.to_json() for key, source in recorded_files(view).items()}
        if self.state.weights is not None and self.state.weights.from_files \
                and self.opener.session_view() != recorded:
            self.state.drop_weights()   # the session analysed other (or generated) weights and inputs
        self.opener.restore(view)
        self.session_path = Path(path)
        self._mark_saved()
        # Saved = the files the session names, once they are read again (a missing one: modified).
        config_dict, pins, _files = self._saved_signature
        self._saved_signature = (config_dict, pins, {key: source.to_json()
                                                     for key, source in recorded_files(view).items()})
        self._update_title()
        self._add_recent(str(path))
        self.statusBar().showMessage(self.tr("Opened {0}").format(Path(path).name), 5000)
        return True

    def save_session(self, path) -> bool:
        try:
            write_session(path, self.state.config, self._view())
        except OSError as error:
            self.show_error(self.tr("Could not save session: {0}").format(error))
            return False
        self.session_path = Path(path)
        self._mark_saved()
        self._add_recent(str(path))
        self.statusBar().showMessage(self.tr("Saved {0}").format(Path(path).name), 5000)
        return True

    def open_session_dialog(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Open session"), self.settings.last_folder("session"),
                                                    names(SESSION_FILTER))
        if path:
            self.settings.set_last_folder("session", str(Path(path).parent))
            self.start_open_session(path)

    def save_session_dialog(self, ask: bool = False) -> None:
        path = str(self.session_path) if self.session_path is not None and not ask else ""
        if not path:
            start = str(Path(self.settings.last_folder("session") or ".") / "session.json")
            path, _filter = QFileDialog.getSaveFileName(self, self.tr("Save session"), start, names(SESSION_FILTER))
        if path:
            if not path.lower().endswith(".json"):
                path += ".json"
            self.settings.set_last_folder("session", str(Path(path).parent))
            self.save_session(path)

    def _add_recent(self, path: str) -> None:
        self.settings.add_recent_file(str(Path(path).resolve()))
        self._update_recent_menu()

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        for path in files:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self._open_recent(p))
        self.recent_menu.setEnabled(bool(files))

    def _open_recent(self, path: str) -> None:
        if not Path(path).is_file():
            self.settings.remove_recent_file(path)
            self._update_recent_menu()
            self.show_error(self.tr("Could not open session: {0} no longer exists").format(path))
            return
        self.start_open_session(path)

    def _restore_last_session(self) -> bool:
        data = self.settings.last_session()
        if data is None:
            return False
        try:
            config, view = parse_session(data)
        except ConfigError:
            return False  # an unreadable remembered session just means starting from defaults
        if config == self.state.config:
            return False
        accepted = self.state.set_config(config)
        if accepted:
            self.opener.restore(view)   # the network and inputs read from files at the last exit
        return accepted

    # -- export ----------------------------------------------------------------------------------
    def export_plot(self, panel, path) -> list[Path]:
        """PNG/SVG by suffix, or CSV of the plotted data."""
        path = Path(path)
        if path.suffix.lower() == ".csv":
            return export_csv(panel, path, self.state.config)
        return [export_image(panel, path)]

    def export_plot_dialog(self, panel) -> None:
        self.repaints.release_all()
        filters = self.tr("PNG image (*.png);;SVG image (*.svg);;CSV data (*.csv)")
        start = str(Path(self.settings.last_folder("export") or ".") / f"{panel.name}.png")
        path, chosen = QFileDialog.getSaveFileName(self, self.tr("Export {0}").format(panel.title), start, filters,
                                                   self.settings.last_export_filter())
        if not path:
            return
        suffix = {"PNG": ".png", "SVG": ".svg", "CSV": ".csv"}.get(chosen.split(" ")[0], ".png")
        if Path(path).suffix.lower() not in (".png", ".svg", ".csv"):
            path += suffix
        self.settings.set_last_folder("export", str(Path(path).parent))
        self.settings.set_last_export_filter(chosen)
        try:
            written = self.export_plot(panel, path)
        except (OSError, ValueError) as error:
            self.show_error(self.tr("Export failed: {0}").format(translated(error)))
            return
        self.statusBar().showMessage(self.tr("Exported {0}").format(', '.join(p.name for p in written)), 5000)

    def export_all_to(self, folder) -> list[Path]:
        self.repaints.release_all()   # every panel with the newest result
        return export_all(self.panels, folder, self.state.config, self.session())

    def export_all_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export all plots to folder"),
                                                  self.settings.last_folder("export"))
        if not folder:
            return
        self.settings.set_last_folder("export", folder)
        try:
            written = self.export_all_to(folder)
        except (OSError, ValueError) as error:
            self.show_error(self.tr("Export failed: {0}").format(translated(error)))
            return
        self.statusBar().showMessage(self.tr("Exported {0} files to {1}").format(len(written), folder), 8000)

    # -- presentation ----------------------------------------------------------------------------
    def set_presentation_mode(self, on: bool, full_screen: bool = True) -> None:
        """Large fonts, thick lines and (optionally) full screen."""
        was_on = self.presentation_mode
        self.presentation_mode = bool(on)
        self.presentation_action.setChecked(self.presentation_mode)
        font = QApplication.font() if not on else self.font()
        if on:
            font.setPointSize(PRESENTATION_FONT_PT)
        else:
            font = self._normal_font
        self.setFont(font)
        self.opener.presentation_font = font if on else None
        # At lecture font sizes six plots do not fit one screen: start on one plot, large, and
        # go back to the previous view on leaving. (First: the plots it hides are restyled when shown.)
        if on and not was_on:
            self._focus_before_presentation = self.focused_plot
            if self.focused_plot is None:
                self.focus_plot(PRESENTATION_FIRST_PLOT, paint_now=False)
        for panel in self.panels:
            panel.set_presentation(self.presentation_mode)
        self.experiments.set_presentation(self.presentation_mode)
        self.compare.set_presentation(self.presentation_mode)
        self.trainer.set_presentation(self.presentation_mode)
        self.lessons.set_presentation(self.presentation_mode)
        self._update_whats_this()
        self._update_lesson_keys()
        self._update_docks()
        self.equations.set_font_size(PRESENTATION_FONT_PT + 2 if on else 11)
        self.controls_dock.setMinimumWidth(470 if on else 300)
        # Engine timings mean nothing to a lecture hall; at 720p their room is the key hint's.
        self.compute_label.setVisible(not on)
        self._show_gradcheck_label()
        # ... and a shorter map bar leaves the hint room to be read whole at 1280 px.
        self.map_progress.setMaximumWidth(140 if on else 250)
        self.map_progress.setMinimumWidth(140 if on else 250)  # the message line takes the rest
        self.resizeDocks([self.controls_dock], [470 if on else 330], Qt.Orientation.Horizontal)
        self._fit_lessons_beside_trainer()
        hint = self.tr("F11: leave · Alt+1…7: one plot · Esc: all")
        if on:
            self.statusBar().showMessage(hint, 10000)
        else:
            if self.statusBar().currentMessage() == hint:
                self.statusBar().clearMessage()   # how to leave, once left, is no longer true
            if was_on and self.focused_plot != self._focus_before_presentation:
                self.focus_plot(self._focus_before_presentation, paint_now=False)
        self._update_plot_layout()
        self._stagger_repaints()
        if self.isVisible():
            # The Controls at the new font size on the next turn: in the turn of the change, the
            # window's repaint at the new font (~120 widgets of the dock) came on top of the change
            # (the turn's UI CPU, presentation on: 47-50 -> 31-38 ms; off: 29-39 -> 26-33 ms).
            self._controls_repaint.hold()
        if full_screen:
            if on:
                self.showFullScreen()
            else:
                self.showNormal()

    # -- lifetime --------------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.settings.geometry()
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = self.settings.window_state()
        if not state.isEmpty():
            self.restoreState(state)

    def confirm_stop_training(self) -> bool:
        """Ask before closing ends a running or paused training run; True = go ahead."""
        if not self.trainer.running:
            return True
        state = self.tr("paused") if self.trainer.paused else self.tr("running")
        answer = QMessageBox.question(
            self, self.tr("Quit rnnviz"), self.tr("A training run is {0} in the Trainer tab. Stop it and quit?\n(Its checkpoint is written if one is set.)").format(state),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _show_status(self, text: str, milliseconds: int = 0) -> None:
        if text:
            self.statusBar().showMessage(text, milliseconds)
        else:
            self.statusBar().clearMessage()

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt name
        """A network or inputs file dragged over the window: accepted (see dropEvent)."""
        if any(droppable(path) for path in dropped_paths(event.mimeData())):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt name
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt name
        """A dropped network file opens as File → Open network… would, an inputs file as Open inputs…"""
        paths = dropped_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.opener.open_dropped(paths)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().resizeEvent(event)
        if self.presentation_mode and self.focused_plot is None:
            self._update_plot_layout()   # the number of columns that fit may have changed
        elif self.focused_plot is None:
            self._show_focused()         # whether a third row fits may have changed
            QTimer.singleShot(0, self, self._show_focused)  # once the plots' area has its new size

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt name
        if not self.confirm_stop_training():
            event.ignore()
            return
        if self.remember:
            self.settings.set_geometry(self.saveGeometry())
            self.settings.set_window_state(self.saveState())
            self.settings.set_last_session(self.session())
            self.settings.sync()
        if self._error_box is not None:
            self._error_box.close()
        if self.trainer.running:
            self.trainer.stop()   # training stops cooperatively at its next step
        self.compute.shutdown()
        # Tearing the tab widget down emits currentChanged; the docks may be gone by then.
        if self._tab_hook:
            self.tabs.currentChanged.disconnect(self._on_tab_changed)
            self._tab_hook = False
        super().closeEvent(event)

    def wait_for_map(self, timeout_ms: int = 120000) -> bool:
        """Process events until the current configuration's map is complete (headless screenshots)."""
        deadline = QDeadlineTimer(timeout_ms)
        app = QApplication.instance()
        while not deadline.hasExpired():
            result = self.state.map_result
            idle = self.runner.current_job_id(EXPLORE_LANE) is None and not self.compute.has_pending()
            idle = idle and not any(panel.building for panel in self.panels)
            if idle and result is not None and result.complete:
                return True
            if idle and self.last_error is not None:
                return False
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        return False
