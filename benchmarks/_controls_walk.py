"""A walk of the explorer's controls for bench_explorer_latency.py (issue 12: no UI-thread gap over
100 ms at any control setting).

Each step acts on the window as a user would and waits until the explorer is idle again (the new
configuration's map complete and painted, or the change refused before any work); the 5 ms timer
records the longest UI-thread gap of the step, ``time.thread_time()`` its UI-thread CPU, and the
stall probe (``--probe``) what the UI thread did in every gap over 80 ms. The steps, in order:

1. every cell type, the first time each is shown (the walk starts right after the default changes,
   so GRU, CIFG, peephole, ... are new to every panel), then every other combo box's entries;
2. every check box on and off again;
3. every spin box and slider at its minimum, at its maximum (a maximum the memory budget refuses
   counts as a step: the refusal's gap), then back to its value;
4. every preset, then the default configuration again;
5. presentation mode on and off; focus on each plot and back to all plots; each tab of the window.

Spin boxes disabled at the default configuration are walked after a setting that enables them
(:data:`DEPENDENT_SETTINGS`, each a step of its own); widgets still disabled are named as skipped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QSlider, QTabWidget

#: After the explorer is idle, the event loop runs this long more: late repaints (one panel per turn)
#: and timers count to the step.
SETTLE_MS = 150


@dataclass
class WalkRow:
    label: str
    stall_ms: float
    cpu_ms: float
    ok: bool
    message: str | None = None
    gaps: list = field(default_factory=list)

    def describe(self) -> str:
        flag = "  > 100 ms" if self.stall_ms > 100 else ""
        text = f"{self.label}: longest gap {self.stall_ms:.0f} ms, UI CPU {self.cpu_ms:.0f} ms{flag}"
        if self.message:
            text += f" (message: {self.message[:90]})"
        if not self.ok:
            text += " DID NOT COMPLETE"
        for gap in self.gaps:
            text += "\n    " + gap.describe().replace("\n", "\n    ")
        return text


#: Settings that enable the controls disabled at the default configuration (controls.py, _enable_dependent).
DEPENDENT_SETTINGS = (("activation", "leaky-relu"), ("init", "gaussian"), ("loss_placement", "step"),
                      ("loss_placement", "encoder-decoder"), ("aux_size", 8), ("truncate", 20))

PARTS = ("cells", "combos", "checks", "spins", "presets", "views")


def walk_controls(window, default_config, meter, probe, spin, timeout_s: float, parts: str = "all") -> list[WalkRow]:
    """The steps above on ``window`` (shown, idle); returns one :class:`WalkRow` per step and leaves
    the window at ``default_config``. ``parts``: "all", or some of :data:`PARTS` ("cells,views")."""
    wanted = set(PARTS) if parts == "all" else set(parts.split(","))
    if wanted - set(PARTS):
        raise ValueError(f"unknown parts {sorted(wanted - set(PARTS))}; choose from {', '.join(PARTS)}")
    from rnnviz.app.compute import EXPLORE_LANE

    rows: list[WalkRow] = []
    messages: list[str] = []
    window.state.message.connect(messages.append)

    def idle() -> bool:
        if window.runner.current_job_id(EXPLORE_LANE) is not None or window.compute.has_pending():
            return False
        if any(getattr(panel, "building", False) for panel in window.panels):  # (older panels: none)
            return False
        result = window.state.map_result
        return (result is not None and result.complete) or window.last_error is not None or bool(messages)

    def step(label: str, action) -> None:
        messages.clear()
        if probe is not None:
            probe.take()
        meter.start()
        start_cpu = time.thread_time()
        action()
        deadline = time.perf_counter() + timeout_s
        spin(20)
        ok = True
        while not idle():
            if time.perf_counter() > deadline:
                ok = False
                break
            spin(10)
        spin(SETTLE_MS)
        stall = meter.stop()
        rows.append(WalkRow(label, stall, 1e3 * (time.thread_time() - start_cpu), ok,
                            messages[0] if messages else None, probe.take() if probe is not None else []))

    controls = window.controls
    skipped = []

    # 1. combo boxes, the cell first
    combos = ([controls.cell_combo] if "cells" in wanted else []) + (
        [c for c in controls.findChildren(QComboBox) if c is not controls.cell_combo] if "combos" in wanted else [])
    for combo in combos:
        if not combo.isEnabled():
            skipped.append(combo.objectName())
            continue
        original = combo.currentIndex()
        for index in list(range(combo.count())) + [original]:
            if index == combo.currentIndex():
                continue
            back = " (back)" if index == original else ""
            step(f"{combo.objectName()} = {combo.itemData(index)}{back}",
                 lambda c=combo, i=index: c.setCurrentIndex(i))

    # 2. check boxes
    for check in controls.findChildren(QCheckBox) if "checks" in wanted else []:
        if not check.isEnabled():
            skipped.append(check.objectName())
            continue
        for checked in (not check.isChecked(), check.isChecked()):
            step(f"{check.objectName()} {'on' if checked else 'off'}", lambda c=check, v=checked: c.setChecked(v))

    # 3. spin boxes and sliders: minimum, maximum, back
    def walk_box(box) -> None:
        original = box.value()
        for value, what in ((box.minimum(), "minimum"), (box.maximum(), "maximum"), (original, "back")):
            if value == box.value():
                continue
            step(f"{box.objectName() or type(box).__name__} {what} {value:g}", lambda b=box, v=value: b.setValue(v))

    boxes = controls.findChildren(QAbstractSpinBox) + controls.findChildren(QSlider) if "spins" in wanted else []
    waiting = []
    for box in boxes:
        if not hasattr(box, "minimum"):
            continue
        if box.isEnabled():
            walk_box(box)
        else:
            waiting.append(box)
    # ... and those a setting enables (each setting a step, and its undoing one)
    for name, value in DEPENDENT_SETTINGS:
        if not waiting:
            break
        before = window.state.config
        step(f"(to reach the dependent controls) {name} = {value}", lambda n=name, v=value: window.state.update(**{n: v}))
        for box in [box for box in waiting if box.isEnabled()]:
            waiting.remove(box)
            walk_box(box)
        step(f"(to reach the dependent controls) {name} back", lambda c=before: window.state.set_config(c))
    skipped += [box.objectName() for box in waiting]

    # 4. presets
    if "presets" in wanted:
        for action in window.presets_menu.actions():
            if action.objectName().startswith("preset_"):
                step(action.objectName(), action.trigger)
        step("default configuration", lambda: window.state.set_config(default_config))

    # 5. presentation, focus, tabs
    if "views" in wanted:
        _walk_views(window, step)

    if window.state.config != default_config:
        step("default configuration", lambda: window.state.set_config(default_config))
    window.state.message.disconnect(messages.append)
    if skipped:
        rows.append(WalkRow(f"(skipped, disabled at the default: {', '.join(skipped)})", 0.0, 0.0, True))
    return rows


def _walk_views(window, step) -> None:
    step("presentation mode on", lambda: window.set_presentation_mode(True, full_screen=False))
    step("presentation mode off", lambda: window.set_presentation_mode(False, full_screen=False))
    for panel in window.panels:
        step(f"focus {panel.name}", lambda n=panel.name: window.focus_plot(n))
    step("all plots", lambda: window.focus_plot(None))
    for tabs in window.findChildren(QTabWidget):
        for index in list(range(1, tabs.count())) + [0]:
            step(f"tab {tabs.objectName() or 'tabs'}: {tabs.tabText(index)}", lambda t=tabs, i=index: t.setCurrentIndex(i))

