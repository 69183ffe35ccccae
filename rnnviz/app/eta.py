"""Time left for a long job, from the time it has run and the fraction it has done (Qt only to
translate the text it shows).

The estimate of the *total* time, elapsed / fraction, is smoothed exponentially, so one quick
or slow chunk moves it a little rather than making the shown time jump; until the job has run
for ``min_elapsed`` seconds and done ``min_fraction`` of its work the time left is unknown
(None) and nothing is shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication


class EtaEstimator:
    """``start()`` when the job starts, ``update(fraction)`` -> seconds left or None (unknown)."""

    def __init__(self, min_elapsed: float = 0.5, min_fraction: float = 0.02, smoothing: float = 0.2,
                 clock: Callable[[], float] = time.monotonic):
        self.min_elapsed = min_elapsed
        self.min_fraction = min_fraction
        self.smoothing = smoothing
        self.clock = clock
        self._started: float | None = None
        self._total: float | None = None

    def start(self) -> None:
        self._started = self.clock()
        self._total = None

    def stop(self) -> None:
        self._started = None
        self._total = None

    def update(self, fraction: float) -> float | None:
        if self._started is None or not 0.0 <= fraction <= 1.0:
            return None
        if fraction >= 1.0:
            return 0.0
        elapsed = self.clock() - self._started
        if elapsed < self.min_elapsed or fraction < self.min_fraction:
            return None
        total = elapsed / fraction
        self._total = total if self._total is None else self._total + self.smoothing * (total - self._total)
        return max(0.0, self._total - elapsed)


def format_time_left(seconds: float | None) -> str:
    """'12 s left', '2 min 10 s left', '14 min left', '1 h 05 min left'; '' when unknown or done."""
    if seconds is None or seconds <= 0.0:
        return ""
    if seconds < 60:
        return QCoreApplication.translate("Eta", "{0} s left").format(max(1, round(seconds)))
    if seconds < 600:
        whole = int(round(seconds / 10.0)) * 10      # ten-second steps: no flicker of the last digit
        minutes, rest = divmod(whole, 60)
        return (QCoreApplication.translate("Eta", "{0} min {1} s left").format(minutes, rest) if rest
                else QCoreApplication.translate("Eta", "{0} min left").format(minutes))
    minutes = int(round(seconds / 60.0))
    if minutes < 60:
        return QCoreApplication.translate("Eta", "{0} min left").format(minutes)
    hours, minutes = divmod(minutes, 60)
    return QCoreApplication.translate("Eta", "{0} h {1:02d} min left").format(hours, minutes)
