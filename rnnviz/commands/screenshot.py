"""``rnnviz screenshot``: render the explorer offscreen and write a PNG.

The window is built exactly as on screen (same plots, same sizes), the configuration comes from a
preset or a saved session, and the picture is taken once the (t, k) map is complete. Qt's
offscreen platform is used unless QT_QPA_PLATFORM says otherwise, so no display is needed.

``--gallery DIR`` renders the matrix of transitions of ``rnnviz.app.gallery`` instead (every
change the view-invariant test checks, then every tab at both sizes with presentation mode off and
on) and writes the pictures with ``index.txt`` and ``index.html`` as one set: into a temporary
folder beside DIR, renamed to DIR when complete (an older gallery there is replaced).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from rnnviz.core.config import ConfigError

NAME = "screenshot"
PLOT_CHOICES = ("window", "decay", "map", "gates", "bptt", "spectrum", "hidden", "unrolled")


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"size must look like 1600x1000, got {text!r}")
    width, height = int(match.group(1)), int(match.group(2))
    if not (200 <= width <= 8000 and 150 <= height <= 8000):
        raise argparse.ArgumentTypeError(f"size must be between 200x150 and 8000x8000, got {width}x{height}")
    return width, height


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        NAME, help="render the explorer offscreen to a PNG",
        description="Render the explorer window (or one plot) offscreen and write it as a PNG once the "
                    "(t, k) map is complete. Example: rnnviz screenshot --preset vanishing-rnn --out shot.png")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--preset", metavar="NAME", help="preset name (file stem in resources/presets, e.g. "
                        "vanishing-rnn, lstm-forget-bias-1); default: the default configuration")
    source.add_argument("--session", metavar="FILE", type=Path, help="a saved session JSON file")
    source.add_argument("--lesson", metavar="NAME", help="a lesson (file stem or number in resources/lessons, "
                        "e.g. 02-vanishing or 2, or a lesson .md file): its step set up, the Lessons dock open")
    parser.add_argument("--step", type=int, default=1, metavar="N", help="with --lesson: the step (default 1)")
    parser.add_argument("--plot", default="window", choices=PLOT_CHOICES,
                        help="what to render: the whole window (default) or one plot")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, metavar="FILE.png", help="output PNG file")
    target.add_argument("--gallery", type=Path, metavar="DIR",
                        help="render the explorer after every transition of the view-invariant matrix and "
                             "every tab at 1280x720 and 1600x1000, presentation off and on, into DIR "
                             "(PNGs, index.txt, index.html; written as a whole or not at all)")
    parser.add_argument("--size", type=_size, default=(1600, 1000), metavar="WxH",
                        help="window size in pixels (default 1600x1000); with --plot, the plot's size")
    parser.add_argument("--presentation", action="store_true",
                        help="large fonts and thick lines, as in presentation mode (F11)")
    parser.add_argument("--lang", choices=("en", "zh_CN"), default=None, metavar="LANGUAGE",
                        help="interface language: en or zh_CN (default: $RNNVIZ_LANG, else en); with "
                             "--gallery, every picture in it")
    parser.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS",
                        help="give up when the map is not complete after this long (default 300)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Render and write the PNG; ConfigError/OSError (one line for the CLI) on bad input."""
    if args.gallery is not None:
        return run_gallery(args)
    out = Path(args.out)
    if out.suffix.lower() != ".png":
        raise ConfigError(f"--out must end in .png, got {out.name}")
    if not out.parent.exists():
        raise FileNotFoundError(f"output folder does not exist: {out.parent}")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    # Resolve the configuration before Qt starts, so bad input fails fast with one line.
    from rnnviz.core.analysis import ExperimentConfig

    lesson = None
    if args.lesson:
        from rnnviz.app.i18n import ENGLISH, resolve_language
        from rnnviz.app.lessons import load_lesson, read_lesson

        # A built-in lesson in the language the window will be in (its Chinese text with --lang zh_CN).
        lesson = (read_lesson(args.lesson) if args.lesson.endswith(".md")
                  else load_lesson(args.lesson, args.lang or resolve_language(ENGLISH)))
        if not 1 <= args.step <= len(lesson.steps):
            raise ConfigError(f"--step must be in 1..{len(lesson.steps)} for lesson {lesson.name}, got {args.step}")
        config = lesson.steps[args.step - 1].config or ExperimentConfig()
    elif args.step != 1:
        raise ConfigError("--step needs --lesson")
    elif args.preset:
        from rnnviz.app.presets import load_preset

        config = load_preset(args.preset).config
    elif args.session:
        from rnnviz.app.session import read_session

        config, _view = read_session(args.session)
    else:
        config = ExperimentConfig()

    with _offscreen_window(config, args.lang) as (app, window):
        try:
            width, height = args.size
            window.resize(width, height)
            window.show()
            if args.presentation:
                window.set_presentation_mode(True, full_screen=False)
            if lesson is not None:
                window.show_lesson(lesson, args.step - 1)
                window.apply_lesson_step(lesson.steps[args.step - 1])
            if not window.wait_for_map(int(args.timeout * 1000)):
                raise ConfigError(window.last_error or f"the map was not complete after {args.timeout:g} s")
            app.processEvents()
            target = window
            if args.plot != "window":
                # The panel keeps its data; shown on its own it takes exactly the requested size.
                target = window.panel_by_name[args.plot]
                target.setParent(None)
                target.resize(width, height)
                target.show()
                app.processEvents()
            if args.plot not in ("window", "spectrum"):
                # Just the plots: no read-out line or norm chooser (the spectrum keeps its table of numbers);
                # grow the panel so that the plots themselves get the requested size.
                panel = target
                target = panel.graphics
                panel.resize(width + panel.width() - target.width(), height + panel.height() - target.height())
                app.processEvents()
            image = target.grab()
            if image.isNull() or not _save_png(image, out):
                raise OSError(f"could not write {out}")
        finally:
            if args.plot != "window":
                window.panel_by_name[args.plot].close()
    print(f"wrote {out} ({image.width()}x{image.height()})")
    return 0


@contextlib.contextmanager
def _offscreen_window(config, language: str | None = None):
    """``(app, window)``: the explorer for ``config`` in ``language`` (None: $RNNVIZ_LANG, else
    English -- not the user's own choice), with throw-away settings; closed afterwards."""
    from PySide6.QtCore import QEvent, QSettings

    from rnnviz.app.i18n import ENGLISH, install_language, resolve_language
    from rnnviz.app.main import ensure_application

    app = ensure_application(["rnnviz-screenshot"])
    install_language(language or resolve_language(ENGLISH), app)
    from rnnviz.app.main_window import MainWindow
    from rnnviz.app.settings import Settings

    with tempfile.TemporaryDirectory(prefix="rnnviz-screenshot-") as scratch:
        # A throw-away settings file: a screenshot neither reads nor changes the user's preferences.
        settings = Settings(QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat))
        window = MainWindow(settings=settings, restore_session=False, remember=False, config=config)
        try:
            yield app, window
        finally:
            window.close()
            window.runner.shutdown(10000)
            window.deleteLater()
            app.processEvents()
            # Delete the window (and its docks, dialogs and pyqtgraph scenes) now, while the
            # application still exists: left to the interpreter's exit, the order of the C++
            # destructors is Qt's teardown order and crashed about one run in three (lessons shown).
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            app.processEvents()


GALLERY_MARK = "index.txt"  # a folder holding it is a gallery, which --gallery may replace


def run_gallery(args: argparse.Namespace) -> int:
    """Render the gallery into a temporary folder beside ``args.gallery`` and rename it into place."""
    folder = Path(args.gallery)
    if folder.exists() and (not folder.is_dir() or (any(folder.iterdir()) and not (folder / GALLERY_MARK).is_file())):
        raise ConfigError(f"--gallery {folder} exists and is not an earlier gallery (no {GALLERY_MARK}): "
                          "choose a new folder")
    parent = folder.resolve().parent
    if not parent.is_dir():
        raise FileNotFoundError(f"output folder does not exist: {parent}")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from rnnviz.app import gallery
    from rnnviz.io_utils import atomic_write_text

    scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=parent))
    try:
        with _offscreen_window(gallery.TRANSITIONS.start_config, args.lang) as (_app, window):
            def wait():
                if not window.wait_for_map(int(args.timeout * 1000)):
                    raise ConfigError(window.last_error or f"the map was not complete after {args.timeout:g} s")

            def save(pixmap, path):
                if pixmap.isNull() or not _save_png(pixmap, path):
                    raise OSError(f"could not write {path}")

            pictures = gallery.render(window, scratch, wait, save)
        problems = sum(bool(picture.problems) for picture in pictures)
        atomic_write_text(scratch / "index.html", gallery.index_html(pictures))
        atomic_write_text(scratch / GALLERY_MARK, gallery.index_text(pictures))
        _replace_folder(scratch, folder)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    print(f"wrote {len(pictures)} pictures to {folder} ({problems} with view problems, listed in {GALLERY_MARK})")
    return 0


def _replace_folder(new: Path, folder: Path) -> None:
    """Put the complete folder ``new`` at ``folder`` (an earlier gallery there goes away)."""
    if not folder.exists():
        os.rename(new, folder)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{folder.name}-old-", dir=new.parent))
    os.rename(folder, old / folder.name)
    os.rename(new, folder)
    shutil.rmtree(old, ignore_errors=True)


def _save_png(pixmap, path: Path) -> bool:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    from rnnviz.io_utils import atomic_write_bytes

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = pixmap.save(buffer, "PNG")
    buffer.close()
    if ok:
        atomic_write_bytes(path, bytes(data.data()))
    return ok
