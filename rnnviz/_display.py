"""Does this process have a screen to open windows on?"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping


def has_display(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """True unless we are on Linux/BSD with no X11 or Wayland display and no Qt platform chosen.

    ``QT_QPA_PLATFORM`` counts as a display: the user has told Qt what to use
    (e.g. ``offscreen`` or ``vnc``).  macOS and Windows always have one.
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not (platform.startswith("linux") or "bsd" in platform):
        return True
    return any(environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
