"""``rnnviz sample``: generate text from a language-model checkpoint written by ``rnnviz train``."""
from __future__ import annotations

import argparse
import sys

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
    from rnnviz.lm.sample import sample_text, sampler_from_checkpoint

    if args.length < 0:
        raise ConfigError(f"--length must be >= 0, got {args.length}")
    if not (args.temperature > 0 and args.temperature < float("inf")):
        raise ConfigError(f"--temperature must be a positive number, got {args.temperature}")
    if args.top < 0:
        raise ConfigError(f"--top must be >= 0, got {args.top}")
    sampler = sampler_from_checkpoint(args.checkpoint)
    if args.top:
        sampler.prime(args.prime)
        probabilities = sampler.next_distribution(args.temperature)
        for token_id in np.argsort(probabilities)[::-1][:args.top]:
            token = sampler.vocab.tokens[int(token_id)]
            print(f"{token!r}\t{probabilities[token_id]:.4f}")
    text = sample_text(sampler, prime=args.prime, length=args.length,
                       temperature=args.temperature, argmax=args.argmax, seed=args.seed)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
