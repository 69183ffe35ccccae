"""The engine's tuning in one place: chunk sizes, time blocks, when work goes to worker processes.

None of these change a result beyond rounding (most change nothing at all: the time block and the
chunking are chosen so that threads and processes give the same numbers bit for bit); they trade
memory, cache use and start-up costs against each other.  Every entry point of the fast engine
takes ``options=`` (default :data:`DEFAULT_OPTIONS`); tests pass smaller chunks or other blocks
instead of changing module globals.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_OPTIONS", "EngineOptions"]


@dataclass(frozen=True)
class EngineOptions:
    """Tuning of the Jacobian-product engine (measured figures in the comments of each field)."""

    #: Map: products per chunk come to about this many bytes, so a chunk is multiplied, measured
    #: and rescaled while it is still in the per-core L2 cache.
    chunk_bytes: int = 1 << 20
    #: Anchor curve: this many bytes of products are formed, then measured together.
    curve_chunk_bytes: int = 1 << 20
    #: Batches of at most this many products are measured one product at a time (measured on
    #: S = 256 map chunks of two: ~20 % less time per product than the batched Lanczos).
    single_max: int = 2
    #: Map steps per block: each chunk goes through a whole block before the next (blocks are
    #: aligned to multiples of it, so every engine forms the same products).
    time_block: int = 12
    #: From this state size on (float64), a chunk takes a whole block in one GEMM (slower at 128).
    multi_step_min_s: int = 256
    #: Half-diagonal step Jacobians (a one-layer LSTM's, :mod:`.halfdiag`) take half a GEMM per
    #: step, and then no block GEMMs (measured on the default LSTM's map, S = 128: 16 % less time).
    half_diagonal: bool = True
    #: A block's product below this squared Frobenius norm at its stored scale (2**-500 squared)
    #: sends the chunk's block step by step (its small entries may have underflowed).
    block_floor_sq: float = 2.0**-1000
    #: Threads or processes that share a map (None: as many as BLAS threads were configured).
    workers: int | None = None
    #: Worker processes by default (more only when asked for with ``workers``): each holds its own
    #: interpreter and NumPy (~60 MB).
    max_processes: int = 4
    #: Worker processes pay off for maps from about this much work (2·S³ flops per extension) ...
    process_min_flops: float = 1e9
    #: ... and a map this large waits for the pool to start rather than run in threads.
    process_wait_flops: float = 3e10
    #: Larger Jacobian stacks stay in threads (copying them to the shared file does not pay).
    process_max_bytes: int = 256 << 20
    #: How often a worker process publishes its part of the map (seconds).
    publish_s: float = 0.02
    #: The anchor curve's norms go to a worker process from this much work (2·S³ per product).
    curve_process_min_flops: float = 1e8
    #: A worker that has not taken up the curve after this long is busy: measure it here.
    curve_start_wait_s: float = 0.005


DEFAULT_OPTIONS = EngineOptions()
