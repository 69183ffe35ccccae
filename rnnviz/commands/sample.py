"""``rnnviz sample``: generate text from a language-model checkpoint written by ``rnnviz train``."""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from rnnviz.core.config import ConfigError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "sample", help="generate text from a trained language model",
        description="Generate text from a checkpoint of `rnnviz train`: sample from the softmax at "
                    "a temperature (or take the most likely token with --argmax).")
    parser.add_argument("--checkpoint", required=True, help="checkpoint file (.npz) of rnnviz train")
    parser.add_argument("--temperature", type=float, default=1.0,
                        help="softmax temperature: < 1 safer, > 1 more adventurous (default 1)")
    parser.add_argument("--length", type=int, default=200, help="tokens to generate (default 200)")
    parser.add_argument("--prime", default="", help="text to start from")
    parser.add_argument("--argmax", action="store_true",
                        help="always take the most likely token instead of sampling")
    parser.add_argument("--seed", type=int, default=0, help="random seed for sampling (default 0)")
    parser.add_argument("--top", type=int, default=0, metavar="K",
                        help="first print the K most likely next tokens after the prime, with their "
                             "probabilities at this temperature")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rnnviz.lm.sample import MAX_SAMPLE_LENGTH, sample_pieces, sampler_from_checkpoint

    if not 0 <= args.length <= MAX_SAMPLE_LENGTH:
        raise ConfigError(f"--length must be in [0, {MAX_SAMPLE_LENGTH:,}], got {args.length:,}")
    if not (args.temperature > 0 and args.temperature < float("inf")):
        raise ConfigError(f"--temperature must be a positive number, got {args.temperature}")
    if args.top < 0:
        raise ConfigError(f"--top must be >= 0, got {args.top}")
    if args.seed < 0:
        raise ConfigError(f"--seed must be >= 0, got {args.seed}")
    sampler = sampler_from_checkpoint(args.checkpoint)
    if args.top:
        sampler.prime(args.prime)
        probabilities = sampler.next_distribution(args.temperature)
        for token_id in np.argsort(probabilities)[::-1][:args.top]:
            token = sampler.vocab.tokens[int(token_id)]
            print(f"{token!r}\t{probabilities[token_id]:.4f}")
    pieces = sample_pieces(sampler, prime=args.prime, length=args.length,
                           temperature=args.temperature, argmax=args.argmax, seed=args.seed)
    write_streaming(pieces, sys.stdout)
    return 0


def write_streaming(pieces, out, flush_seconds: float = 0.05) -> None:
    """Write text pieces as they come, flushed at least every ``flush_seconds``; end with a newline.

    Ctrl-C keeps what was generated: the text so far is flushed (with its newline) before the
    interrupt goes on to end the command.
    """
    pending: list[str] = []
    last_char = "\n"
    last_flush = time.monotonic()

    def flush():
        nonlocal pending
        if pending:
            out.write("".join(pending))
            pending = []
        out.flush()

    try:
        for piece in pieces:
            if not piece:
                continue
            pending.append(piece)
            last_char = piece[-1]
            now = time.monotonic()
            if now - last_flush >= flush_seconds:
                flush()
                last_flush = now
    finally:
        if last_char != "\n":
            pending.append("\n")
        flush()
