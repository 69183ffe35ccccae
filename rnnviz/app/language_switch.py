"""View → Language, applied at once: the window is built again in the new language and the live state
of the old one moves into it.

Qt widgets keep the text they were given, and rnnviz's widgets make theirs once, in their
constructors (texts formatted with numbers and names, plot titles fitted to their room): rather
than a second code path that re-makes every text, the window is rebuilt — the same code that makes
it in the first place, so nothing can be left in the old language — and the objects that hold what
the user did are handed to the new one as they are, not re-read or re-serialised: the
configuration, the loaded network and inputs (with their files' records and a trained model's
weights), what Ctrl+Z brings back, the sweep's result, the pins with their computed results, a
finished training run (its model, curves, sample and settings), the lesson and its step, the tab,
the focused plot and the plots' zooms, an open plot explanation, presentation mode and the geometry.

A training run that is running or paused is not carried: its worker thread, its pause and stop flags
and its stream of events are wired to the Trainer tab's widgets, and handing a live generator over
between two of its steps would risk a lost event (a gap in the loss curves) for a change that waits
a moment as well. The switch is refused, with a message, until the run is stopped or has finished; a
running sweep likewise until it is done or cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QRect
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QLineEdit, QSlider

from rnnviz import resources_dir
from rnnviz.app.lessons import LESSONS_KIND, Lesson
from rnnviz.app.open_files import describe_in_language
from rnnviz.app.state import AppState, LoadedWeights
from rnnviz.core.analysis import ExperimentConfig

def refusal(window) -> str | None:
    """Why ``window`` cannot switch its language now (None: it can), in the interface language."""
    if window.trainer.running:
        return QCoreApplication.translate(
            "LanguageSwitch", "A training run is {0} in the Trainer tab. Stop it (or let it finish), then choose the "
            "language again: a running run is not carried into the rebuilt window.").format(
            QCoreApplication.translate("MainWindow", "paused") if window.trainer.paused
            else QCoreApplication.translate("MainWindow", "running"))
    if window.experiments.job_id is not None:
        return QCoreApplication.translate(
            "LanguageSwitch", "A sweep is running in the Experiments tab. Let it finish (or cancel it), then choose "
            "the language again.")
    return None


def translated_weights(weights: LoadedWeights | None, config: ExperimentConfig) -> LoadedWeights | None:
    """``weights`` with their label and description made again in the interface language (the
    arrays, files and vocabulary are the same objects). ``config``: the configuration they are
    analysed under (a trained model's and a network file's description come from it)."""
    if weights is None:
        return None
    if weights.network_file is not None:
        label = QCoreApplication.translate("FileOpener", "network {name}").format(name=weights.network_file.name)
        description = describe_in_language(config)
    elif weights.inputs_file is not None:
        label = QCoreApplication.translate("FileOpener", "inputs {name}").format(name=weights.inputs_file.name)
        description = weights.description
    elif weights.texts is not None:   # a trained model's hand-off, weights from Python
        label, description = weights.texts(config)
    else:
        return weights
    return replace(weights, label=label, description=description)


@dataclass
class CarriedState:
    """The live state a language switch moves from the old window into the new one."""

    config: ExperimentConfig
    weights: LoadedWeights | None
    dropped: tuple | None
    sweep_definition: dict
    sweep_result: object
    pins: list
    pin_results: dict
    trainer_run: dict | None
    trainer_controls: dict
    sweep_controls: dict
    tab: int
    focused_plot: str | None
    focus_before_presentation: str | None
    zoomed: dict   # {plot panel's name: its user_views()}: the zooms and pans the user made
    opened_lessons: list[Lesson]
    lesson: Lesson | None
    lesson_step: int
    lessons_visible: bool
    presentation: bool
    full_screen: bool
    geometry: QRect
    maximized: bool
    window_state: QByteArray
    session_path: Path | None
    saved_signature: tuple
    explanation: str | None   # the plot whose explanation is open (shown again in the new language)

    def into_state(self, state: AppState) -> None:
        """Give the new window's AppState the loaded weights and the undo, before anything computes."""
        state.weights = translated_weights(self.weights, self.config)
        if self.dropped is not None:
            config, weights = self.dropped
            state._dropped = (config, translated_weights(weights, config))


def control_values(panel) -> dict:
    """The values of ``panel``'s input widgets, by attribute name (spin boxes, combos, check boxes,
    line edits, sliders): two panels built by the same code have the same attributes."""
    values = {}
    for name, widget in vars(panel).items():
        if isinstance(widget, QAbstractSpinBox) and hasattr(widget, "value"):
            values[name] = widget.value()
        elif isinstance(widget, QComboBox):
            values[name] = widget.currentText() if widget.isEditable() else widget.currentIndex()
        elif isinstance(widget, QCheckBox):
            values[name] = widget.isChecked()
        elif isinstance(widget, QLineEdit):
            values[name] = widget.text()
        elif isinstance(widget, QSlider):
            values[name] = widget.value()
    return values


def set_control_values(panel, values: dict) -> None:
    for name, value in values.items():
        widget = getattr(panel, name, None)
        if isinstance(widget, QComboBox) and widget.isEditable():
            widget.setCurrentText(value)
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(value)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(value)
        elif isinstance(widget, QLineEdit):
            widget.setText(value)
        elif widget is not None:
            widget.setValue(value)


def capture(window) -> CarriedState:
    """What ``window`` holds, as the objects themselves."""
    lessons = window.lessons
    course = resources_dir() / LESSONS_KIND   # the course's lessons, one folder a language
    opened = [lesson for lesson in lessons.lessons if lesson.path is None or course not in lesson.path.parents]
    return CarriedState(
        config=window.state.config, weights=window.state.weights, dropped=window.state._dropped,
        sweep_definition=window.experiments.sweep_definition(), sweep_result=window.experiments.result,
        pins=list(window.compare.pins), pin_results=dict(window.compare.results),
        trainer_run=window.trainer.run_state(), trainer_controls=control_values(window.trainer),
        sweep_controls=control_values(window.experiments),
        tab=window.tabs.currentIndex(), focused_plot=window.focused_plot,
        focus_before_presentation=window._focus_before_presentation,
        zoomed={panel.name: panel.user_views() for panel in plot_panels(window) if panel.user_views()},
        opened_lessons=opened, lesson=lessons.lesson, lesson_step=lessons.step_index,
        lessons_visible=window.lessons_dock.isVisible(),
        presentation=window.presentation_mode, full_screen=window.isFullScreen(),
        geometry=window.geometry(), maximized=window.isMaximized(), window_state=window.saveState(),
        session_path=window.session_path, saved_signature=window._saved_signature,
        explanation=_open_explanation(window))


def restore(window, carried: CarriedState) -> None:
    """Give the new ``window`` what :func:`capture` took from the old one (the weights and the undo
    are already in its state: :meth:`CarriedState.into_state`)."""
    window.setGeometry(carried.geometry)
    window.restoreState(carried.window_state)   # the docks: where they are, which are open
    if carried.maximized:
        window.showMaximized()
    # the sweep: its controls (workers, scheduler …) and definition, its result drawn (not run again)
    set_control_values(window.experiments, carried.sweep_controls)
    window.experiments.set_sweep_definition(carried.sweep_definition)
    if carried.sweep_result is not None:
        window.experiments.show_result(carried.sweep_result)
    window.compare.take_pins(carried.pins, carried.pin_results)
    set_control_values(window.trainer, carried.trainer_controls)
    if carried.trainer_run is not None:
        window.trainer.take_run(carried.trainer_run)
    _restore_lesson(window, carried)
    window.tabs.setCurrentIndex(carried.tab)
    window.session_path = carried.session_path
    window._saved_signature = carried.saved_signature
    window._update_title()
    if window.state.can_undo_drop:
        window.show_undo(window.state.dropped_label)
    if carried.presentation:
        window.set_presentation_mode(True, full_screen=carried.full_screen)
        window._focus_before_presentation = carried.focus_before_presentation
    if window.focused_plot != carried.focused_plot:   # focus_plot(name) again would show every plot
        window.focus_plot(carried.focused_plot)
    if carried.explanation is not None:
        window.show_explanation(carried.explanation)
    for panel in plot_panels(window):
        panel.set_user_views(carried.zoomed.get(panel.name, {}))


def plot_panels(window) -> list:
    """Every plot panel of ``window``: the explorer's, the sweep's and Compare's."""
    return [*window.panels, window.experiments.plot, window.compare.plots]


def _open_explanation(window) -> str | None:
    dialog = window.explanation_dialog
    return getattr(dialog, "name", None) if dialog is not None and dialog.isVisible() else None


def _restore_lesson(window, carried: CarriedState) -> None:
    """The lesson shown before, in the new language where it is one of the course's (same name), the
    very file where the user opened it; the same step."""
    panel = window.lessons
    for lesson in carried.opened_lessons:
        panel.add_lesson(lesson, select=False)
    lesson = carried.lesson
    if lesson is not None:
        if lesson in carried.opened_lessons:
            index = panel.lessons.index(lesson)
        else:
            index = next((i for i, known in enumerate(panel.lessons) if known.name == lesson.name), None)
        if index is not None:
            panel.select_lesson(index)
            panel.show_step(min(carried.lesson_step, len(panel.lessons[index].steps) - 1))
    window.lessons_dock.setVisible(carried.lessons_visible)
