"""Export plots (PNG/SVG through pyqtgraph's exporters) and their data (CSV), atomically.

Every CSV starts with comment lines naming the rnnviz version and the exact configuration that
produced it, so an exported table always says where it came from.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyqtgraph.exporters as exporters
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice

from rnnviz import __version__
from rnnviz.io_utils import atomic_path, atomic_write_bytes, atomic_write_text

IMAGE_FORMATS = ("png", "svg")


def export_image(panel, path, width: int | None = None) -> Path:
    """Write ``panel``'s plots to ``path`` (.png or .svg, chosen by the suffix)."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    item = panel.export_item()
    if suffix == "png":
        exporter = exporters.ImageExporter(item)
        if width is not None:
            exporter.parameters()["width"] = int(width)
        image = exporter.export(toBytes=True)
        if image is None or image.isNull():
            raise OSError(f"could not render {panel.title} to PNG")
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):
            raise OSError(f"could not encode {panel.title} as PNG")
        buffer.close()
        atomic_write_bytes(path, bytes(data.data()))
    elif suffix == "svg":
        with atomic_path(path) as temporary:
            try:
                exporters.SVGExporter(item).export(fileName=str(temporary))
            except ValueError:
                # pyqtgraph 0.14's SVG exporter cannot parse some paths Qt writes (closed or curved
                # subpaths: "not enough values to unpack"); Qt's own SVG generator draws the same scene.
                _render_svg(panel, temporary)
    else:
        raise ValueError(f"unknown image format {path.suffix!r}; use .png or .svg")
    return path


def _render_svg(panel, path: Path) -> None:
    """Vector rendering of the panel's plots with QSvgGenerator."""
    from PySide6.QtCore import QRect, QRectF, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    item = panel.export_item()
    source = item.sceneBoundingRect()
    width, height = max(1, int(source.width())), max(1, int(source.height()))
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRect(0, 0, width, height))
    generator.setTitle(panel.title)
    generator.setDescription(f"rnnviz {__version__}")
    painter = QPainter(generator)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        item.scene().render(painter, QRectF(0, 0, width, height), source)
    finally:
        painter.end()
    if not Path(path).is_file() or Path(path).stat().st_size == 0:
        raise OSError(f"could not render {panel.title} to SVG")


def csv_text(columns: list[str], rows: np.ndarray, header_lines: list[str]) -> str:
    """CSV with '# ' comment lines first; numbers written with full float64 precision."""
    lines = [f"# {line}" for line in header_lines]
    lines.append(",".join(columns))
    rows = np.asarray(rows, dtype=np.float64).reshape(-1, len(columns))
    for row in rows:
        lines.append(",".join(_format_number(value) for value in row))
    return "\n".join(lines) + "\n"


def _format_number(value: float) -> str:
    if np.isnan(value):
        return "nan"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def precision_text() -> str:
    """What precision the explorer's spectral norms have (status bar, CSV headers)."""
    from rnnviz.core.spectral_norm import DEFAULT_MAP_TOL, DEFAULT_TOL

    return QCoreApplication.translate(
        "Export", "precision: spectral norms by Lanczos to tolerance {0:.0e} (anchor curve) and {1:.0e} (t, k map), "
        "relative; rnnviz analyze gives exact norms").format(DEFAULT_TOL, DEFAULT_MAP_TOL)


def csv_header(panel, config) -> list[str]:
    return [f"rnnviz {__version__} — {panel.title}",
            "config: " + json.dumps(config.to_dict(), sort_keys=True),
            precision_text(),
            *panel.csv_notes()]


def export_csv(panel, path, config) -> list[Path]:
    """Write the panel's tables: the first to ``path``, others beside it as ``<stem>_<table>.csv``."""
    path = Path(path)
    tables = panel.csv_tables()
    if not tables:
        raise ValueError(f"{panel.title} has no data to export yet")
    written = []
    for index, (name, (columns, rows)) in enumerate(tables.items()):
        target = path if index == 0 else path.with_name(f"{path.stem}_{name}{path.suffix or '.csv'}")
        atomic_write_text(target, csv_text(columns, rows, csv_header(panel, config)))
        written.append(target)
    return written


def export_all(panels, folder, config, session: dict) -> list[Path]:
    """Every panel as PNG, SVG and CSV plus ``session.json`` into ``folder`` (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for panel in panels:
        for suffix in IMAGE_FORMATS:
            written.append(export_image(panel, folder / f"{panel.name}.{suffix}"))
        if panel.csv_tables():
            written.extend(export_csv(panel, folder / f"{panel.name}.csv", config))
    session_path = folder / "session.json"
    atomic_write_text(session_path, json.dumps(session, indent=2) + "\n")
    written.append(session_path)
    return written
