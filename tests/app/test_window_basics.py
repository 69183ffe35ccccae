"""Desktop basics of the main window: screen fit, title, icon, desktop entry, window-wide keys,
a wheel that scrolls instead of changing values, and no silent quit during training."""
from __future__ import annotations

import configparser

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox

from rnnviz import desktop


class X11LineEdit(QLineEdit):
    """A line edit as under the X11/KDE keyboard schemes: it claims Ctrl+E (move to end of line)."""

    def event(self, event):  # noqa: N802 - Qt name
        if (event.type() == QEvent.Type.ShortcutOverride and event.key() == Qt.Key.Key_E
                and event.modifiers() == Qt.KeyboardModifier.ControlModifier):
            event.accept()
            return True
        return super().event(event)


def test_window_fits_the_available_screen(make_window):
    window = make_window()
    available = window.screen().availableGeometry()
    assert window.width() <= available.width() and window.height() <= available.height()
    assert window.minimumWidth() <= available.width() and window.minimumHeight() <= available.height()
    assert window.frameGeometry().top() >= available.top()


def test_title_names_the_session_once_with_a_modified_marker(make_window, tmp_path):
    window = make_window()
    assert window.windowTitle().count("rnnviz") == 1 and not window.isWindowModified()
    path = tmp_path / "lecture.json"
    assert window.save_session(path)
    assert window.windowTitle() == "lecture.json[*] — rnnviz" and not window.isWindowModified()
    window.state.update(seed=window.state.config.seed + 1)
    assert window.isWindowModified()
    assert window.windowHandle() is None or "lecture.json" in window.windowHandle().title()
    window.state.update(seed=window.state.config.seed - 1)       # back to what was saved
    assert not window.isWindowModified()
    window.pin_action.trigger()
    assert window.isWindowModified()
    other = make_window()
    assert other.open_session(path)
    assert other.windowTitle() == "lecture.json[*] — rnnviz" and not other.isWindowModified()


def test_application_icon_and_window_icon(make_window):
    window = make_window()
    assert not window.windowIcon().isNull()
    assert not window.windowIcon().pixmap(64, 64).isNull()


def test_desktop_entry_installs_atomically_with_an_absolute_command(tmp_path):
    written = desktop.install(tmp_path, command="/opt/venv with space/bin/rnnviz")
    entry_path, icon_path = written
    assert entry_path == tmp_path / "applications" / "rnnviz.desktop"
    assert icon_path.read_bytes().startswith(b"<?xml")
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read_string(entry_path.read_text(encoding="utf-8"))
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Icon"] == "rnnviz"
    assert entry["Exec"] == '"/opt/venv with space/bin/rnnviz"'
    assert not [p for p in entry_path.parent.iterdir() if p.name != "rnnviz.desktop"]  # no temp files left
    desktop.install(tmp_path, command="/usr/bin/rnnviz")                               # again: replaced
    assert "Exec=/usr/bin/rnnviz\n" in entry_path.read_text(encoding="utf-8")


def _window_shown(qtbot, make_window):
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    return window


def test_window_shortcuts_beat_a_focused_field_that_claims_them(make_window, qtbot, monkeypatch):
    asked = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: asked.append(1) or "")
    window = _window_shown(qtbot, make_window)
    window.remember = False
    field = X11LineEdit()
    window.controls.widget().layout().addWidget(field)
    field.installEventFilter(window._shortcut_guard)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClick(field, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert asked == [1]                      # Ctrl+E opened the export-all folder dialog
    field.setText("abc")
    field.setCursorPosition(1)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert field.selectedText() == "abc"     # an editing key stays the field's


def test_shortcut_guard_is_on_the_controls_fields(make_window):
    window = make_window()
    spin = window.controls.hidden_spin
    # A field that would claim Ctrl+E: the guard filters the override so the action gets the key.
    from PySide6.QtGui import QKeyEvent
    event = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier, "e")
    event.ignore()
    assert window._shortcut_guard.eventFilter(spin, event) and not event.isAccepted()
    copy = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier, "c")
    assert not window._shortcut_guard.eventFilter(spin, copy)
    plain = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier, "k")
    assert not window._shortcut_guard.eventFilter(spin, plain)   # not a window shortcut
    undo = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier, "z")
    assert not window._shortcut_guard.eventFilter(spin, undo)    # nothing to undo: the field's own undo
    window.undo_action.setEnabled(True)
    assert window._shortcut_guard.eventFilter(spin, undo)        # back to the trained model wins


def _wheel(widget, steps: int = -3):
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


@pytest.mark.parametrize("name", ["hidden_spin", "cell_combo", "radius_slider", "seed_spin"])
def test_wheel_over_an_unfocused_control_scrolls_the_panel_not_the_value(make_window, qtbot, name):
    window = _window_shown(qtbot, make_window)
    window.remember = False
    window.resize(1100, 700)
    window.state.update(radius=1.0)
    widget = getattr(window.controls, name)
    window.compute.start()
    config = window.state.config
    window.tabs.setFocus()
    scroll = window.controls.verticalScrollBar()
    scroll.setValue(scroll.maximum() // 2)
    before = scroll.value()
    _wheel(widget, 3)
    assert window.state.config == config
    if scroll.maximum() > 0:
        assert scroll.value() != before      # the panel scrolled instead
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=2000)
    _wheel(widget, 1)                        # focused: the wheel is the widget's again
    assert window.state.config != config


def test_trainer_wheel_guard(make_window):
    window = make_window()
    embed = window.trainer.embed_spin
    value = embed.value()
    _wheel(embed, -5)
    assert embed.value() == value


def _fake_training(config, data, hook):
    from rnnviz.lm.train import TrainEvent

    step = 0
    while not hook():
        step += 1
        yield TrainEvent(kind="step", step=step, epoch=1, epochs=1, batch_index=step, batches_per_epoch=10 ** 6,
                         progress=0.0, tokens_seen=step, tokens_per_s=1.0, seconds=1.0, eta_seconds=None, lr=0.1,
                         train_loss=1.0, train_loss_avg=1.0, grad_norm=1.0, grad_norm_clipped=1.0, vocab_size=3)


@pytest.mark.parametrize("paused", [False, True])
def test_closing_during_training_asks_first(make_window, qtbot, monkeypatch, paused):
    answers = []
    window = make_window()
    window.remember = False
    window.trainer.train_factory = _fake_training
    window.trainer.corpus_loader = lambda *args, **kwargs: None
    assert window.trainer.start()
    qtbot.waitUntil(lambda: window.trainer.last_event is not None, timeout=10000)
    if paused:
        window.trainer.toggle_pause()
        assert window.trainer.paused
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: answers.append(args[2]) or QMessageBox.StandardButton.No)
    assert not window.close()                # "No": the window stays and training goes on
    assert window.trainer.running and ("paused" if paused else "running") in answers[0]
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    assert window.close()
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=10000)


def test_closing_while_the_corpus_loads_ends_the_loading(make_window, qtbot, monkeypatch, endless_corpus):
    window = make_window()
    window.remember = False
    loader = window.trainer.corpus_loader = endless_corpus
    assert window.trainer.start()
    qtbot.waitUntil(loader.started.is_set, timeout=10000)
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    assert window.close()
    qtbot.waitUntil(lambda: loader.stopped, timeout=10000)  # not the whole corpus first
    assert window.runner.shutdown(10000)


def test_closing_without_training_does_not_ask(make_window, monkeypatch):
    window = make_window()
    window.remember = False
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: pytest.fail("asked without training"))
    assert window.close()


def _presentation_at_720p(make_window, qtbot):
    window = make_window()
    window.remember = False
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    window.set_presentation_mode(True, full_screen=False)
    window.resize(1280, 720)
    return window


def test_all_plots_in_presentation_at_720p_are_readable_and_scroll(make_window, qtbot, wait_results):
    from rnnviz.app.main_window import PRESENTATION_ROW_HEIGHT

    window = _presentation_at_720p(make_window, qtbot)
    wait_results(window)
    assert window.focused_plot == "decay"            # presentation opens on one plot, large
    window.focus_plot(None)                          # Esc: all six
    qtbot.wait(50)
    assert all(not panel.isHidden() for panel in window.panels)
    assert window.plot_columns < 3
    for panel in window.panels:
        assert panel.width() >= 600 and panel.height() >= PRESENTATION_ROW_HEIGHT - 10
    bar = window.plot_scroll.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    decay = window.panel_by_name["decay"]
    view = decay.graphics.viewport()
    import pyqtgraph as pg
    boxes = [item for item in decay.graphics.scene().items() if isinstance(item, pg.ViewBox)]
    ranges = [box.viewRange() for box in boxes]
    _wheel(view, -2)                                 # the wheel scrolls the grid, it does not zoom
    assert bar.value() > 0 and boxes
    assert [box.viewRange() for box in boxes] == ranges
    window.focus_plot("spectrum")                    # one plot: fills the tab, no scrolling
    qtbot.wait(50)
    assert bar.maximum() == 0
    window.focus_plot(None)
    window.set_presentation_mode(False, full_screen=False)
    window.resize(1600, 1000)
    # the panels shown again take their layout one per turn, as their held repaints are let go
    qtbot.waitUntil(lambda: not window.repaints.held(), timeout=5000)
    qtbot.waitUntil(lambda: bar.maximum() == 0, timeout=5000)
    assert window.plot_columns == 3
    assert all(row.minimumHeight() == 0 for row in window._plot_rows)


def test_presentation_gives_the_other_tabs_the_whole_width(make_window, qtbot):
    window = make_window()
    window.remember = False
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.compare)
    assert window.controls_dock.isVisible()           # normal mode: the controls stay beside Compare
    window.set_presentation_mode(True, full_screen=False)
    assert not window.controls_dock.isVisible()
    window.tabs.setCurrentWidget(window.explorer)
    assert window.controls_dock.isVisible()
    window.tabs.setCurrentWidget(window.experiments)
    assert not window.controls_dock.isVisible() and window.experiments.side.maximumWidth() >= 500
    window.set_presentation_mode(False, full_screen=False)
    assert window.controls_dock.isVisible() and window.experiments.side.maximumWidth() < 500


def test_shortcuts_work_from_a_floating_controls_dock(make_window, qtbot):
    window = _window_shown(qtbot, make_window)
    window.remember = False
    window.controls_dock.setFloating(True)
    window.controls_dock.activateWindow()
    spin = window.controls.hidden_spin
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus, timeout=2000)
    qtbot.keyClick(spin, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)   # Ctrl+P: pin
    assert len(window.compare.pins) == 1


def test_the_compute_time_label_is_never_narrower_than_its_text_and_keeps_its_size(qtbot):
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QStatusBar

    from rnnviz.app.plots.base import SteadyLabel

    bar = QStatusBar()
    qtbot.addWidget(bar)
    label = SteadyLabel("")
    bar.addPermanentWidget(label)
    bar.show()
    for text in ("computing …", "plots 21 ms · map …", "plots 21 ms · map 288 ms", "computing …"):
        label.setText(text)
        assert label.width() >= label.fontMetrics().horizontalAdvance(text)
        assert label.minimumWidth() == label.maximumWidth()   # fixed: a new text lays nothing out
    widest = label.fontMetrics().horizontalAdvance("plots 21 ms · map 288 ms")
    assert label.minimumWidth() >= widest   # kept after a shorter text
    font = QFont(label.font())
    font.setPointSize(font.pointSize() * 2)
    label.setFont(font)   # a larger font: sized anew, the text still whole
    assert label.minimumWidth() >= label.fontMetrics().horizontalAdvance("computing …")
    assert label.minimumWidth() < label.fontMetrics().horizontalAdvance("plots 21 ms · map 288 ms")


def test_the_spectrum_table_keeps_its_size_over_steps_of_rho_and_holds_every_text(make_window, wait_results):
    window = make_window()
    wait_results(window)
    numbers = window.panel_by_name["spectrum"].numbers
    for radius in (0.81, 0.82, 0.835, 1.5, 12.75):
        assert window.state.update(radius=radius)
        wait_results(window)
        hint = type(numbers).__mro__[1].sizeHint(numbers)   # QLabel's own: what the text needs
        assert numbers.width() >= hint.width() and numbers.height() >= hint.height(), radius
        assert numbers.minimumSize() == numbers.maximumSize()   # fixed: a new text lays nothing out


def test_the_spectrum_table_is_laid_out_once_per_text_and_font_not_at_each_choice(make_window, wait_results,
                                                                                   monkeypatch):
    """Each resize of the panel chooses the table's layout again (up to seven documents laid out)."""
    from rnnviz.app.plots import spectrum as spectrum_module

    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    spectrum = window.panel_by_name["spectrum"]
    made = []
    real_document = spectrum_module.QTextDocument
    monkeypatch.setattr(spectrum_module, "QTextDocument", lambda *args: made.append(1) or real_document(*args))
    chosen = spectrum.choose_table_layout()
    assert spectrum.choose_table_layout() == chosen == spectrum.table_layout
    assert not made   # the result's texts in this font were laid out when it was shown
    font = spectrum.numbers.font()
    font.setPointSize(font.pointSize() + 6)
    spectrum.numbers.setFont(font)
    spectrum.choose_table_layout()
    assert made   # another font: laid out again ...
    document = real_document()
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    document.setHtml(spectrum.table_text(chosen))
    # ... and the size kept is the one a document of the text gives
    assert spectrum._table_size(spectrum.table_text(chosen)) == (document.idealWidth(), document.size().height())


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_presentation_key_hint_is_read_whole_at_1280_px(make_window, qtbot, language):
    """A lecturer reads how to leave and move about; the gradient check's "not run" gives it room."""
    from rnnviz.app.i18n import install_language

    install_language(language, QApplication.instance())
    try:
        window = _presentation_at_720p(make_window, qtbot)
        qtbot.wait(20)
        hint = window.status_message
        assert window.statusBar().currentMessage() == hint.text()
        assert not hint.is_elided(), (hint.text(), hint.width())
        assert not window.gradcheck_label.isVisible()
        window.set_presentation_mode(False, full_screen=False)
        assert window.gradcheck_label.isVisible()
        assert window.statusBar().currentMessage() == ""   # the hint on leaving goes with it
    finally:
        install_language("en", QApplication.instance())


def test_a_gradient_check_verdict_is_gone_with_its_configuration(make_window, wait_results, qtbot):
    window = make_window()
    wait_results(window)
    with qtbot.waitSignal(window.compute.gradcheck_done, timeout=60000):
        window.gradcheck_button.click()
    assert "passed" in window.gradcheck_label.text()
    window.state.update(radius=0.9)                  # a new configuration has not been checked
    assert window.gradcheck_label.text() == "gradient check: not run"
    # a verdict arriving for the configuration left behind is not shown as this one's
    with qtbot.waitSignal(window.compute.gradcheck_done, timeout=60000):
        window.gradcheck_button.click()
        window.state.update(radius=0.8)
    assert window.gradcheck_label.text() == "gradient check: not run"
    with qtbot.waitSignal(window.compute.gradcheck_done, timeout=60000):
        window.gradcheck_button.click()
    assert "passed" in window.gradcheck_label.text()


def test_a_message_about_a_configuration_goes_when_the_configuration_changes(make_window, wait_results):
    """A preset's title, and the notice of what a preset replaced (with its Undo), stay in the
    status bar through F5 (same configuration) and go at the next change of a control: they never
    speak of a configuration the user has left (a preset's title stayed after a change of seed)."""
    from rnnviz.app.gallery import trained_handoff
    from rnnviz.app.presets import load_preset

    window = make_window()
    window.show()
    wait_results(window)
    bar = window.statusBar()

    def settled() -> None:
        for _ in range(3):
            QApplication.processEvents()

    assert window.apply_preset(load_preset("vanishing-rnn"))
    settled()
    assert bar.currentMessage().startswith("Preset:")
    window.recompute_action.trigger()   # F5: the same configuration again
    settled()
    assert bar.currentMessage().startswith("Preset:")
    window.controls.radius_spin.setValue(window.controls.radius_spin.value() + 0.05)
    settled()
    assert window.state.config.radius != load_preset("vanishing-rnn").config.radius
    assert bar.currentMessage() == ""
    # the trained model replaced by a preset: the notice and its Undo, until the next change
    assert window.open_trained_model(trained_handoff())
    settled()
    assert window.apply_preset(load_preset("gru"))
    settled()
    assert "Preset:" in bar.currentMessage() and window.undo_button.isVisible()
    window.state.update(seed=window.state.config.seed + 1)
    settled()
    assert bar.currentMessage() == "" and not window.undo_button.isVisible()
    assert window.undo_action.isEnabled()   # Ctrl+Z still goes back
