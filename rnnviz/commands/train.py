"""``rnnviz train``: train a character- or word-level language model from the command line.

A preset (``--preset ptb-small``) fills in a configuration; every option given explicitly wins over
it. Progress goes to stderr as one updating line with the ETA; the final validation and test loss
and perplexity go to stdout, and with ``--json`` a last line of JSON:
``{"valid_loss", "valid_ppl", "test_loss", "test_ppl", "tokens_per_s", "seconds"}``.
"""
from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import threading
import time

from rnnviz.core.config import CELLS, ACTIVATIONS, ConfigError
from rnnviz.lm.data import LEVELS, load_corpus
from rnnviz.lm.model import EMBEDDINGS, LOSS_REDUCTIONS
from rnnviz.lm.optim import OPTIMIZERS
from rnnviz.lm.presets import PRESETS, preset

EXIT_DIVERGED = 3
EXIT_INTERRUPTED = 130

# option name -> (TrainConfig field, type, help)
_OPTIONS = [
    ("--corpus", "corpus", str, "training text: a UTF-8 file, a PTB folder (ptb.train/valid/test.txt), "
                                "builtin:sample or builtin:python-stdlib"),
    ("--valid", "valid", str, "separate validation text (default: the last 5%% of the corpus)"),
    ("--test", "test", str, "separate test text (default: 5%% of the corpus when --valid is not given)"),
    ("--level", "level", str, f"tokens: {' | '.join(LEVELS)} (word = PTB format, <eos> per line)"),
    ("--cell", "cell", str, f"recurrent cell: {' | '.join(CELLS)}"),
    ("--activation", "activation", str, f"candidate activation: {' | '.join(ACTIVATIONS)}"),
    ("--layers", "layers", int, "number of stacked layers"),
    ("--hidden", "hidden", int, "hidden units per layer"),
    ("--embed", "embed", int, "embedding size"),
    ("--embedding", "embedding", str, f"embedding kind: {' | '.join(EMBEDDINGS)}"),
    ("--embedding-file", "embedding_file", str, "GloVe / word2vec text file for pretrained embeddings"),
    ("--seq-len", "seq_len", int, "truncated BPTT window T (the state is carried across windows)"),
    ("--batch", "batch", int, "parallel streams B"),
    ("--optimizer", "optimizer", str, f"{' | '.join(OPTIMIZERS)}"),
    ("--lr", "lr", float, "learning rate"),
    ("--momentum", "momentum", float, "SGD momentum"),
    ("--lr-decay", "lr_decay", float, "multiply the learning rate by this each epoch after --decay-after"),
    ("--decay-after", "decay_after", int, "last epoch at the full learning rate"),
    ("--epochs", "epochs", int, "epochs to train"),
    ("--max-seconds", "max_seconds", float, "stop after this many seconds (then evaluate)"),
    ("--max-steps", "max_steps", int, "stop after this many optimiser steps (then evaluate)"),
    ("--clip-norm", "clip_norm", float, "clip the global gradient norm to this"),
    ("--clip-value", "clip_value", float, "clip every gradient entry to +-this"),
    ("--dropout", "dropout", float, "dropout on non-recurrent connections"),
    ("--init-scale", "init_scale", float, "initialise every parameter U(-A, A)"),
    ("--loss-reduction", "loss_reduction", str,
     f"{' | '.join(LOSS_REDUCTIONS)}: gradient of the token mean, or of the sum over time"),
    ("--dtype", "dtype", str, "float32 (default) or float64"),
    ("--seed", "seed", int, "random seed (initialisation and dropout)"),
    ("--eval-every", "eval_every", int, "evaluate on the validation text every N steps (0 = per epoch)"),
    ("--eval-tokens", "eval_tokens", int, "evaluate during training on the first N validation tokens"),
    ("--snapshot-every", "snapshot_every", int, "gradient-flow snapshot every N steps (0 = never)"),
    ("--checkpoint", "checkpoint", str, "write checkpoints (.npz) to this file"),
    ("--checkpoint-every", "checkpoint_every", int, "checkpoint every N steps (0 = each epoch)"),
    ("--blas-threads", "blas_threads", int, "limit BLAS threads (threadpoolctl)"),
    ("--log", "log", str, "write every event as a JSON line to this file"),
]

_METAVARS = {"corpus": "FILE|DIR|builtin:NAME", "valid": "FILE", "test": "FILE", "level": "char|word",
             "embedding_file": "FILE", "checkpoint": "FILE", "log": "FILE.jsonl",
             "dtype": "float32|float64"}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "train", help="train a character- or word-level language model",
        description="Train a recurrent language model with truncated BPTT and report validation "
                    "and test perplexity.")
    for flag, dest, kind, text in _OPTIONS:
        parser.add_argument(flag, dest=dest, type=kind, default=None, help=text,
                            metavar=_METAVARS.get(dest, {int: "N", float: "X"}.get(kind, "NAME")))
    parser.add_argument("--tie-weights", dest="tie_weights", action="store_const", const=True,
                        default=None, help="share the embedding and the softmax weights")
    parser.add_argument("--sentence-start", dest="sentence_start", action="store_const", const=True,
                        default=None, help="word level: add <bos> at the start of every line")
    parser.add_argument("--preset", choices=sorted(PRESETS), default=None,
                        help="start from a named configuration (ptb-small = Zaremba et al. 2014 small)")
    parser.add_argument("--resume", default=None, help="continue training from this checkpoint")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the results")
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    parser.set_defaults(func=run)


def build_config(args: argparse.Namespace):
    """The :class:`TrainConfig` and the checkpoint to resume (or None) from parsed arguments."""
    from rnnviz.lm.checkpoint import load_checkpoint
    from rnnviz.lm.train import TrainConfig

    fields: dict = {}
    checkpoint = None
    if args.resume:
        checkpoint = load_checkpoint(args.resume)
        fields.update(checkpoint.config)
    elif args.preset:
        fields.update(preset(args.preset))
    explicit = {dest: getattr(args, dest) for _, dest, _, _ in _OPTIONS if getattr(args, dest) is not None}
    for dest in ("tie_weights", "sentence_start"):
        if getattr(args, dest) is not None:
            explicit[dest] = True
    if args.resume and args.preset:
        raise ConfigError("--preset cannot be combined with --resume (the checkpoint has its settings)")
    fields.update(explicit)
    if checkpoint is not None and "checkpoint" not in explicit and not fields.get("checkpoint"):
        fields["checkpoint"] = args.resume
    try:
        config = TrainConfig(**fields)
    except TypeError as error:
        raise ConfigError(f"invalid training configuration: {error}") from None
    try:
        return config.validate(), checkpoint
    except ConfigError as error:
        raise ConfigError(_with_flag_names(str(error))) from None


_FLAGS = {flag[2:] for flag, _, _, _ in _OPTIONS}


def _with_flag_names(message: str) -> str:
    """``hidden must be ...`` -> ``--hidden must be ...``: name the option the user typed."""
    first = message.split(" ", 1)[0]
    return f"--{message}" if first in _FLAGS else message


def _format_seconds(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "--:--"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_line(event, width: int = 24) -> str:
    """One line: bar, percentage, step, epoch, loss, perplexity, tokens/s and ETA."""
    filled = int(round(event.progress * width))
    bar = "#" * filled + "." * (width - filled)
    loss = event.train_loss_avg if event.train_loss_avg is not None else event.train_loss
    ppl = math.exp(min(loss, 700)) if loss is not None and math.isfinite(loss) else float("nan")
    parts = [f"[{bar}] {100 * event.progress:5.1f}%", f"step {event.step}",
             f"epoch {event.epoch}/{event.epochs}",
             f"loss {loss:.3f} ppl {ppl:.1f}" if loss is not None else "loss -",
             f"{event.tokens_per_s / 1000:.1f}k tok/s", f"ETA {_format_seconds(event.eta_seconds)}"]
    if event.valid_loss is not None:
        parts.insert(4, f"valid ppl {event.valid_ppl:.1f}")
    return " | ".join(parts)


def _finite_or_none(value):
    return None if value is None or not math.isfinite(value) else float(value)


def run(args: argparse.Namespace) -> int:
    from rnnviz.io_utils import check_output_file
    from rnnviz.lm.train import Trainer

    config, checkpoint = build_config(args)
    # Every output is tried before any work, so that nothing is trained for nothing.
    if config.checkpoint:
        check_output_file(config.checkpoint, "--checkpoint" if args.checkpoint else "--resume")
    if config.log:
        check_output_file(config.log, "--log", append=checkpoint is not None)
    corpus = load_corpus(config.corpus, valid=config.valid, test=config.test, level=config.level,
                         sentence_start=config.sentence_start)
    # Refuses a resume that does not fit, or a checkpoint another run holds, before the log is
    # touched; a resumed run appends to its log.
    trainer = Trainer(config, corpus, resume=checkpoint)
    stop_requested = []

    def on_interrupt(signum, frame):
        stop_requested.append(True)

    # Ctrl-C ends the run cleanly (checkpoint written) instead of killing it mid-step.
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous_handler = signal.signal(signal.SIGINT, on_interrupt) if in_main_thread else None
    last_draw = 0.0
    last_event = None
    started = time.perf_counter()
    log_handle = None
    events = trainer.run(should_stop=lambda: bool(stop_requested))
    try:
        if config.log:
            log_handle = open(config.log, "a" if checkpoint is not None else "w", encoding="utf-8")
        for event in events:
            last_event = event
            if log_handle is not None:
                log_handle.write(json.dumps(event.to_json_dict()) + "\n")
                log_handle.flush()
            now = time.perf_counter()
            if not args.quiet and event.kind == "step" and (
                    now - last_draw > 0.2 or event.valid_loss is not None
                    or event.step == 1 or event.progress >= 1.0):
                sys.stderr.write("\r" + progress_line(event) + "\x1b[K")
                sys.stderr.flush()
                last_draw = now
    finally:
        events.close()
        trainer.release()
        if in_main_thread:
            signal.signal(signal.SIGINT, previous_handler)
        if log_handle is not None:
            log_handle.close()
        if not args.quiet:
            sys.stderr.write("\n")
    seconds = time.perf_counter() - started
    if last_event is None:
        raise ConfigError("training produced no events")
    if last_event.kind == "diverged":
        print(f"rnnviz train: {last_event.message}", file=sys.stderr)
        return EXIT_DIVERGED
    if last_event.kind == "stopped":
        where = f"; checkpoint {last_event.checkpoint_path}" if last_event.checkpoint_path else ""
        print(f"rnnviz train: stopped at step {last_event.step}{where}", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(f"{last_event.message}: {last_event.step} steps, {last_event.tokens_seen} tokens, "
          f"{last_event.tokens_per_s:.0f} tokens/s, {seconds:.1f} s")
    print(f"valid loss {last_event.valid_loss:.4f} nats/token, perplexity {last_event.valid_ppl:.2f}")
    if last_event.test_loss is not None:
        print(f"test loss {last_event.test_loss:.4f} nats/token, perplexity {last_event.test_ppl:.2f}")
    if last_event.checkpoint_path:
        print(f"checkpoint {last_event.checkpoint_path}")
    if args.json:
        print(json.dumps({
            "valid_loss": _finite_or_none(last_event.valid_loss),
            "valid_ppl": _finite_or_none(last_event.valid_ppl),
            "test_loss": _finite_or_none(last_event.test_loss),
            "test_ppl": _finite_or_none(last_event.test_ppl),
            "tokens_per_s": float(last_event.tokens_per_s),
            "seconds": round(seconds, 3),
        }))
    return 0
