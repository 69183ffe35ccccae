"""The interface in Simplified Chinese: every string translated, the translations built, the language
chosen as the settings and the environment say, nothing cut at the two window sizes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: ASCII words that stay as they are in the Chinese interface: names of people, cells, formats,
#: libraries and keys, mathematical abbreviations, and the identifiers the controls offer as values.
ALLOWED_WORDS = {
    # cells, methods and people
    "rnn", "lstm", "gru", "cifg", "irnn", "elman", "bptt", "relu", "leakyrelu", "tanh", "sigmoid", "cho",
    "pascanu", "frobenius", "lanczos", "zaremba", "jaitly", "hinton", "dropout", "softmax", "lyapunov",
    "pytorch", "torch", "safetensors", "cudnn", "dask", "blas", "pyqtgraph", "matplotlib", "rnnviz", "penn", "treebank", "ptb", "utf",
    # formats, keys, units, mathematics
    "analyze", "cluster",   # rnnviz's commands and extras, as typed
    "png", "svg", "csv", "json", "tif", "jpg", "fft", "npz", "npy", "txt", "onnx", "ctrl", "alt", "shift", "esc", "enter", "page", "down", "tab",
    "max", "log", "sup", "diag", "std", "nan", "inf", "ms", "eos", "char", "word", "float", "tcp", "host", "pip", "install",
    # the values of combo boxes (identifiers in configurations and session files)
    "sgd", "adam", "adagrad", "rmsprop", "builtin", "sample", "python", "stdlib", "tanh", "linear",
    "peephole", "cho",
    # the sweepable parameters, named as in configurations, session files and `rnnviz sweep`
    "radius", "activation", "cell", "init",
    # languages named in themselves (View → Language), file formats named in file dialogs
    "english", "markdown", "leaky",
}

#: Widgets whose text is data, not interface: the lesson chooser lists the lessons' own titles
#: (Markdown files, translated as texts), the read-outs are empty until hovered.
DATA_WIDGETS = {"lesson_chooser"}


def english_words(text: str) -> list[str]:
    """ASCII words of three or more letters in ``text`` (markup, entities and identifiers such as
    ``W_hh``, ``weight_hh_l0`` or ``float32`` removed) that the allow-list does not hold."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"&[a-z]+;", " ", text)
    text = re.sub(r"“[^”]*”", " ", text)               # quoted data: the analysed text, a file's name
    text = re.sub(r"\S+\.\w+", " ", text)            # file names (ptb.train.txt) and addresses
    text = re.sub(r"\w+(:\w+)+", " ", text)           # range syntax start:stop:num
    text = re.sub(r"\b\w*[_\d]\w*\b", " ", text)   # identifiers with an underscore or a digit
    return [word for word in re.findall(r"[A-Za-z]{3,}", text) if word.lower() not in ALLOWED_WORDS]


def test_english_words_finds_english_and_allows_names():
    assert english_words("Gradient decay from t₀") == ["Gradient", "decay", "from"]
    assert english_words("LSTM（PyTorch/cuDNN）") == []
    assert english_words("<b>梯度</b> W_hh weight_hh_l0 float32 Ctrl+E") == []
    assert english_words("遗忘门偏置 b_f") == []
    assert english_words("在真实文本上：“Shall I compare thee”。文件 ptb.train.txt") == []


def interface_texts(window) -> list[tuple[str, str]]:
    """Every (where, text) the window shows or offers: widget texts, titles, tooltips, placeholders,
    combo items, tab titles, actions and menus, rich-text panels (equations, lesson text), plot
    titles, axis labels and legend entries."""
    import pyqtgraph as pg
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QComboBox, QDockWidget, QGroupBox, QLabel,
                                   QLineEdit, QMenu, QProgressBar, QStatusBar, QTabWidget, QTextBrowser, QWidget)

    found: list[tuple[str, str]] = []

    def add(where: str, text: str | None) -> None:
        if text:
            found.append((where, text))

    for widget in window.findChildren(QWidget):
        name = widget.objectName() or type(widget).__name__
        if name in DATA_WIDGETS:
            continue
        add(f"{name} tooltip", widget.toolTip())
        if isinstance(widget, QLabel) and not name.startswith("readout_"):
            add(name, widget.text())
        elif isinstance(widget, QAbstractButton):
            add(name, widget.text())
        elif isinstance(widget, QGroupBox):
            add(name, widget.title())
        elif isinstance(widget, QComboBox) and not widget.isEditable():
            for index in range(widget.count()):
                add(f"{name} item {index}", widget.itemText(index))
        elif isinstance(widget, QLineEdit):
            add(f"{name} placeholder", widget.placeholderText())
        elif isinstance(widget, QProgressBar):   # its text: "%p%" or a state ("idle", "3/12 runs")
            add(f"{name} format", widget.format().replace("%p", "0").replace("%v", "0").replace("%m", "0"))
        elif isinstance(widget, QStatusBar):
            add(f"{name} message", widget.currentMessage())
        elif isinstance(widget, QAbstractSpinBox):
            add(f"{name} special value", widget.specialValueText())
            add(f"{name} suffix", getattr(widget, "suffix", lambda: "")())
        elif isinstance(widget, QTabWidget):
            for index in range(widget.count()):
                add(f"{name} tab {index}", widget.tabText(index))
        elif isinstance(widget, QTextBrowser):   # the equations, the lesson's text (markup keeps W<sub>hh</sub> apart)
            add(name, re.sub(r"(?s)<head>.*?</head>", "", widget.toHtml()))
        elif isinstance(widget, QDockWidget):
            add(name, widget.windowTitle())
        elif isinstance(widget, QMenu):
            add(name, widget.title())
        elif isinstance(widget, pg.GraphicsView):
            for item in widget.scene().items():
                if isinstance(item, pg.AxisItem) and item.isVisible() and item.label.isVisible():
                    add(f"{name} axis", item.labelText)
                elif isinstance(item, pg.LabelItem) and item.isVisible():
                    add(f"{name} label", item.text)
                elif isinstance(item, pg.TextItem) and item.isVisible():
                    add(f"{name} text", item.textItem.toPlainText())
    for action in window.findChildren(QAction):
        name = action.objectName() or action.text()
        if isinstance(action.parent(), pg.GraphicsScene):
            continue   # pyqtgraph's context menu: context_menu_texts walks it
        add(f"action {name}", action.text())
        add(f"action {name} tooltip", action.toolTip() if action.toolTip() != action.text().replace("&", "") else "")
        add(f"action {name} status tip", action.statusTip())
    return found


def widget_texts(where: str, root) -> list[tuple[str, str]]:
    """The texts and tooltips of ``root``'s labels, buttons, group boxes and list items (pyqtgraph's
    option forms and export dialog)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QListWidget, QTreeWidget, QWidget

    every_item = Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        name = f"{where} {widget.objectName() or type(widget).__name__}"
        texts = [widget.toolTip(), widget.windowTitle() if widget.isWindow() else ""]
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QListWidget):
            texts += [widget.item(row).text() for row in range(widget.count())]
        elif isinstance(widget, QTreeWidget):
            texts += [item.text(0) for item in widget.findItems("", every_item, 0)]
        found += [(name, text) for text in texts if text]
    return found


def menu_texts(where: str, menu) -> list[tuple[str, str]]:
    """A menu's title, its actions' texts and tooltips, the widgets of its widget actions, and the
    same for its submenus."""
    from PySide6.QtWidgets import QWidgetAction

    found = [(where, menu.title())] if menu.title() else []
    for action in menu.actions():
        if action.menu() is not None:
            found += menu_texts(f"{where} › {action.menu().title()}", action.menu())
        elif isinstance(action, QWidgetAction) and action.defaultWidget() is not None:
            found += widget_texts(where, action.defaultWidget())
        elif action.text():
            found.append((f"{where} action", action.text()))
    return found


def context_menu_texts(window) -> list[tuple[str, str]]:
    """What a right click on each plot offers: the scene's entries (Export…), the view box's menu
    (View All, the axis forms, Mouse Mode) and the plot's options (Transforms, Downsample, …)."""
    import pyqtgraph as pg

    found = []
    for view in window.findChildren(pg.GraphicsView):
        scene, name = view.scene(), view.objectName() or type(view.parent()).__name__
        found += [(f"{name} scene menu", action.text()) for action in scene.contextMenu]
        for item in scene.items():
            if isinstance(item, pg.ViewBox) and item.menu is not None:
                found += menu_texts(f"{name} view box menu", item.menu)
            elif isinstance(item, pg.PlotItem) and item.ctrlMenu is not None:
                found += menu_texts(f"{name} plot options", item.ctrlMenu)
    return found


@pytest.fixture
def chinese(qapp):
    """The interface in Simplified Chinese for one test (English again afterwards)."""
    from rnnviz.app.i18n import CHINESE, ENGLISH, install_language

    loaded = install_language(CHINESE, qapp)
    assert any(path.endswith("rnnviz_zh_CN.qm") for path in loaded)
    yield
    install_language(ENGLISH, qapp)


def untranslated(window) -> list[str]:
    return [f"{where}: {text!r} ({', '.join(words)})"
            for where, text in interface_texts(window) + context_menu_texts(window)
            if (words := english_words(text))] + unspaced(window) + bracketed_in_ascii(window)


def unspaced(window) -> list[str]:
    """Texts where a Chinese character touches a Latin or Greek letter or a digit: the translations
    always set them apart ("随 k 的变化", "第 1 层"), and text composed of names must too (the sweep's
    title read "随谱半径 ρ的变化"). Markup counts as a space (a line break between them is one)."""
    from rnnviz.app.i18n import IDEOGRAPH, SPACED_APART

    touching = re.compile(f"[{IDEOGRAPH}][{SPACED_APART}]|[{SPACED_APART}][{IDEOGRAPH}]")
    return [f"{where}: {text!r} (no space between Chinese and Latin text)"
            for where, text in interface_texts(window) + context_menu_texts(window)
            if touching.search(re.sub(r"<[^>]+>|&\w+;", " ", text))]


def bracketed_in_ascii(window) -> list[str]:
    """Texts with Chinese words inside ASCII brackets: Chinese typesetting brackets them in full-width
    "（…）", as every translation does; text joined in code showed "距离 k (步)" on the axes. Brackets
    round Latin text stay ASCII where the translation has them so ("完整 (t, k) 图"), as do tuples, which
    are notation ("形状为 (T, 输入维度) 的数组")."""
    from rnnviz.app.i18n import IDEOGRAPH

    inside = re.compile(rf"\([^(),]*[{IDEOGRAPH}][^(),]*\)")
    return [f"{where}: {text!r} (Chinese words in ASCII brackets)"
            for where, text in interface_texts(window) + context_menu_texts(window)
            if inside.search(re.sub(r"<[^>]+>|&\w+;", " ", text))]


def test_spaced_sets_chinese_apart_from_latin_text():
    from rnnviz.app.i18n import spaced

    assert spaced("梯度可达距离随谱半径 ρ的变化（1 个种子）") == "梯度可达距离随谱半径 ρ 的变化（1 个种子）"
    assert spaced("log₁₀ ‖∂s‖₂随k的变化") == "log₁₀ ‖∂s‖₂ 随 k 的变化"
    assert spaced("Gradient reach vs spectral radius ρ (1 seed)") == "Gradient reach vs spectral radius ρ (1 seed)"
    assert spaced("第 1 层（单元 × 时间）") == "第 1 层（单元 × 时间）"


def test_plot_context_menus_and_export_are_chinese(chinese, make_window, wait_results, monkeypatch):
    """pyqtgraph's right-click menu (its own contexts "ViewBox", "PlotItem", "Form", "GraphicsScene")
    reads Chinese in zh_CN, and its Export… opens rnnviz's export dialog, in Chinese too."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QFileDialog

    window = make_window()
    window.show()
    wait_results(window)
    found = context_menu_texts(window)
    assert {"显示全部", "鼠标模式", "绘图选项", "导出…", "反转坐标轴", "X 轴"} <= {text for _where, text in found}
    problems = [f"{where}: {text!r}" for where, text in found if english_words(text)]
    assert not problems, "\n".join(problems)
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: asked.append(args) or ("", ""))
    for panel in (window.panel_by_name["decay"], window.experiments.plot, window.compare.plots):
        panel.graphics.scene().contextMenu[0].trigger()
    assert len(asked) == 3 and all(isinstance(args[0], pg.QtWidgets.QMainWindow) for args in asked)
    _parent, title, _start, filters, _chosen = asked[0]
    assert window.panel_by_name["decay"].title in title
    assert english_words(title) == [] and english_words(filters) == [], (title, filters)
    assert window.panel_by_name["decay"].graphics.scene().exportDialog is None   # not pyqtgraph's dialog


def test_every_interface_string_is_translated(chinese, make_window, wait_results):
    """Built in zh_CN, the window (each tab, the cells that change the gates and controls, a trained
    model's hand-off, a sweep) shows no English word outside the allow-list, and no Chinese
    character touching a Latin letter (:func:`unspaced`)."""
    from rnnviz.app.gallery import run_gallery_sweep, trained_handoff

    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    problems = set(untranslated(window))
    for change in ({"cell": "gru"}, {"cell": "rnn"}):
        window.state.update(**change)
        wait_results(window)
        problems |= set(untranslated(window))
    assert window.open_trained_model(trained_handoff())
    wait_results(window)
    problems |= set(untranslated(window))
    run_gallery_sweep(window)   # the sweep plot's title, axes and legend
    problems |= set(untranslated(window))
    from rnnviz.app.gallery import opened_network

    summary = window.opener.show_summary(opened_network())   # File → Open network…'s summary
    problems |= {f"network summary {line}" for line in untranslated(summary)}
    summary.close()
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qapp_process()
        problems |= set(untranslated(window))
    assert not problems, "\n".join(sorted(problems))


@pytest.mark.parametrize("seeds, english, chinese_title", [
    (1, "Gradient reach (1 seed)", "梯度可达距离（1 个种子）"),
    (2, "Gradient reach (mean over 2 seeds)", "梯度可达距离（2 个种子的平均）")])
def test_the_two_parameter_sweeps_title_is_one_translated_template(qapp, seeds, english, chinese_title):
    """A sweep over two numeric parameters (a heatmap) is titled by one template, "{0} ({1})", as a
    one-parameter sweep is by "{0} vs {1} ({2})": in Chinese it reads as Chinese, in its full-width
    brackets (pasted together in code it read "梯度可达距离 (1 个种子)")."""
    from rnnviz.app.i18n import CHINESE, ENGLISH, install_language
    from rnnviz.app.panels.experiments import SweepPlot
    from rnnviz.core.analysis import ExperimentConfig
    from rnnviz.core.sweep import SweepAxis, SweepSpec, run_sweep

    spec = SweepSpec(ExperimentConfig(hidden_size=4, input_size=2, seq_len=8),
                     (SweepAxis("radius", (0.5, 1.0)), SweepAxis("hidden_size", (4, 6))), seeds=seeds, metrics=("reach",))
    result = run_sweep(spec, workers=1)
    titles = {}
    try:
        for language in (ENGLISH, CHINESE):
            install_language(language, qapp)
            plot = SweepPlot()
            plot.show_result(result)
            assert plot.heatmap is not None
            titles[language] = plot.plot.titleLabel.text
            plot.deleteLater()
    finally:
        install_language(ENGLISH, qapp)
    assert titles == {ENGLISH: english, CHINESE: chinese_title}


def qapp_process() -> None:
    from PySide6.QtWidgets import QApplication

    QApplication.instance().processEvents()


def read_out_problems(panels) -> list[str]:
    """English words in what each plot's read-out says under the mouse, on a 5 × 5 grid of its view."""
    found = set()
    for panel in panels:
        for plot, hover in panel._hover:
            (x0, x1), (y0, y1) = plot.vb.viewRange()
            for fx in (0.1, 0.3, 0.5, 0.7, 0.9):
                for fy in (0.1, 0.3, 0.5, 0.7, 0.9):
                    text = hover(x0 + fx * (x1 - x0), y0 + fy * (y1 - y0))
                    if text and english_words(text):
                        found.add(f"{panel.name} read-out: {text!r} ({', '.join(english_words(text))})")
    return sorted(found)


def test_read_outs_are_translated(chinese, make_window, wait_results):
    """The read-outs under the mouse (every plot of a stacked bidirectional LSTM, and a sweep) in zh_CN."""
    from rnnviz.app.gallery import run_gallery_sweep
    from rnnviz.core.analysis import ExperimentConfig

    window = make_window(config=ExperimentConfig(cell="lstm", hidden_size=8, input_size=3, seq_len=30,
                                                 bidirectional=True, num_layers=2))
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    qapp_process()
    run_gallery_sweep(window)
    problems = read_out_problems([*window.panels, window.experiments.plot])
    assert not problems, "\n".join(problems)


def test_the_check_finds_an_untranslated_string(make_window, wait_results):
    """In English, the same walk reports the window's words (so the test above can fail)."""
    window = make_window()
    found = untranslated(window)
    assert any("Gradient" in line for line in found) and any("File" in line for line in found)
    wait_results(window)
    assert any("bound" in line for line in read_out_problems(window.panels))


def test_translations_are_complete_and_built():
    """The .ts holds every string of the code, none unfinished, and the .qm is the one it builds."""
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "update_translations.py"), "--check"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_placeholders_and_markup_survive_translation():
    """Each translation keeps its source's {n} fields, HTML tags and keyboard accelerator."""
    import xml.etree.ElementTree as ElementTree

    tree = ElementTree.parse(ROOT / "resources" / "i18n" / "rnnviz_zh_CN.ts")
    problems = []
    for message in tree.getroot().iter("message"):
        source, translation = message.findtext("source"), message.findtext("translation") or ""
        for pattern in (r"\{[^{}]*\}", r"</?\w+[^>]*>", r"%p%"):
            if sorted(re.findall(pattern, source)) != sorted(re.findall(pattern, translation)):
                problems.append(f"{source!r} -> {translation!r}")
        if re.search(r"&\w", re.sub(r"&\w+;", "", source)) and not re.search(r"\(&[A-Z]\)", translation):
            problems.append(f"accelerator lost: {source!r} -> {translation!r}")
    assert not problems, "\n".join(problems)


def test_language_choice_order():
    """RNNVIZ_LANG beats the settings' choice, which beats the system locale; unknown ones give English."""
    from rnnviz.app.i18n import resolve_language

    assert resolve_language("system", {}, "zh_CN") == "zh_CN"
    assert resolve_language("system", {}, "zh_TW") == "en"
    assert resolve_language("system", {}, "de_DE") == "en"
    assert resolve_language("en", {}, "zh_CN") == "en"
    assert resolve_language("zh_CN", {}, "en_US") == "zh_CN"
    assert resolve_language("en", {"RNNVIZ_LANG": "zh_CN"}, "en_US") == "zh_CN"
    assert resolve_language("zh_CN", {"RNNVIZ_LANG": "xx"}, "en_US") == "zh_CN"


def test_language_setting_is_typed_and_checked():
    from rnnviz.app.settings import Settings

    settings = Settings()
    assert settings.language() == "system"
    settings.set_language("zh_CN")
    assert Settings().language() == "zh_CN"
    with pytest.raises(ValueError):
        settings.set_language("klingon")
    settings.qsettings.setValue("ui/language", "klingon")   # a hand-edited file
    assert settings.language() == "system"


def test_view_language_menu_remembers_and_switches_at_once(make_window, qapp, qtbot):
    """View → Language: the choice is remembered and the window is in that language at once, with the
    same configuration (tests/app/test_language_switch.py: everything else it keeps)."""
    from rnnviz.app.i18n import ENGLISH, current_language, install_language

    window = make_window()
    assert [action.text() for action in window.language_actions.values()] == ["System language", "English", "简体中文"]
    window.state.update(seq_len=33)
    window.language_actions["zh_CN"].trigger()
    switched = window.replaced_by
    try:
        assert switched is not None and current_language() == "zh_CN"
        qtbot.addWidget(switched)
        assert switched.settings.language() == "zh_CN" and switched.language_actions["zh_CN"].isChecked()
        assert switched.tabs.tabText(0) == "探索器" and switched.state.config.seq_len == 33
        assert not window.isVisible() and switched.isVisible()
        qapp.processEvents()
    finally:
        install_language(ENGLISH, qapp)
        if switched is not None:
            switched.close()
            switched.runner.shutdown(10000)


def test_teaching_texts_follow_the_interface_language(chinese):
    from rnnviz.app.explain import ui_language

    assert ui_language() == "zh_CN"


def test_qt_standard_buttons_are_translated(chinese):
    """Qt's own translations (qtbase_zh_CN.qm from PySide6) give the standard dialog buttons."""
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.translate("QPlatformTheme", "Cancel") != "Cancel"


def test_nothing_is_cut_in_chinese_at_both_sizes(chinese, make_window, wait_results):
    """The view invariants (no title, axis label or legend entry cut, no overlapping ticks) hold in
    zh_CN at 1280×720 and 1600×1000, presentation mode off and on, each plot alone and all."""
    from rnnviz.app.gallery import SIZES, TRANSITIONS, settle
    from rnnviz.app.plots.invariants import view_problems

    window = make_window(config=TRANSITIONS.start_config)
    window.resize(*SIZES[-1])
    window.show()
    failures = []
    steps = [step for step in TRANSITIONS.steps if step.name == "start" or step.name.startswith(("size-", "1280", "1600"))]
    assert len(steps) > 10
    for transition in steps:
        transition.apply(window)
        settle(window, wait=lambda: wait_results(window))
        failures += [f"after {transition.name}: {problem}" for problem in view_problems(window.panels, readouts=False)]
        failures += [f"after {transition.name}: {problem}" for problem in status_bar_problems(window)]
    assert not failures, "\n".join(failures)


def status_bar_problems(window) -> list[str]:
    """The map's progress text wider than its bar (in presentation mode it wrapped and was cut)."""
    from PySide6.QtGui import QFontMetrics

    bar = window.map_progress
    text = bar.format().replace("%p", "100")   # its widest: the map complete
    width = QFontMetrics(bar.font()).horizontalAdvance(text)
    room = bar.contentsRect().width() - 8
    return [] if width <= room else [f"map progress text {text!r} is {width} px in a {room} px bar"]


def test_screenshot_renders_chinese(tmp_path):
    """``rnnviz screenshot --lang zh_CN`` renders the window in Chinese (a CJK font is present)."""
    out = tmp_path / "zh.png"
    done = subprocess.run([sys.executable, "-m", "rnnviz", "screenshot", "--lang", "zh_CN", "--plot", "decay",
                           "--size", "500x360", "--out", str(out)], capture_output=True, text=True, timeout=600,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert out.stat().st_size > 1000


def test_axis_labels_and_plot_tooltips_join_their_parts_in_one_translated_template(make_window, wait_results, qapp):
    """An axis label's units and a plot button's shortcut are joined by a translated template: in
    Chinese "距离 k（步）" and "…（Esc）" in full-width brackets, in English "distance k (steps)"."""
    from rnnviz.app.i18n import CHINESE, ENGLISH, install_language

    seen = {}
    try:
        for language in (ENGLISH, CHINESE):
            install_language(language, qapp)
            window = make_window()
            wait_results(window)
            decay = window.panel_by_name["decay"]
            seen[language] = (decay.plot.getAxis("bottom").labelText, window.plot_buttons[""].toolTip())
            window.close()
    finally:
        install_language(ENGLISH, qapp)
    assert seen[ENGLISH] == ("distance k (steps)", "Show all seven plots (Esc)")
    assert seen[CHINESE][0].endswith("（步）") and "(" not in seen[CHINESE][0], seen[CHINESE]
    assert seen[CHINESE][1].endswith("（Esc）"), seen[CHINESE]
