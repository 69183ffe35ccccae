"""Sampling from a trained language model: temperature, prime text, sampled or argmax tokens.

The seed's advice holds: draw from the distribution (``argmax=False``) -- always taking the most
likely token tends to fall into loops.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnviz.core.config import ConfigError
from rnnviz.errors import Message
from rnnviz.lm.checkpoint import Checkpoint, load_checkpoint
from rnnviz.lm.data import Vocabulary, tokenize
from rnnviz.lm.model import LanguageModel, ModelSpec

#: Most tokens one call generates (ten million characters is already ~10 MB of text).
MAX_SAMPLE_LENGTH = 10_000_000


def check_length(length: int, what: str = "length") -> None:
    """:class:`ConfigError` unless ``0 <= length <= MAX_SAMPLE_LENGTH``."""
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) \
            or not 0 <= length <= MAX_SAMPLE_LENGTH:
        raise ConfigError("{what} must be an integer in [0, {MAX_SAMPLE_LENGTH:,}], got {length!r}", what=what, MAX_SAMPLE_LENGTH=MAX_SAMPLE_LENGTH, length=length)


def softmax_with_temperature(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Probabilities ``(V,)`` of ``softmax(logits / temperature)`` in float64 (temperature > 0)."""
    if not (np.isfinite(temperature) and temperature > 0):
        raise ConfigError("temperature must be a positive number, got {temperature}", temperature=temperature)
    z = np.asarray(logits, dtype=np.float64) / temperature
    z -= z.max()
    p = np.exp(z)
    return p / p.sum()


@dataclass
class Sampler:
    """Feeds tokens one at a time through a model and keeps its state.

    ``model``: a :class:`LanguageModel`; ``vocab`` and ``level`` say how to turn text into tokens.
    """

    model: LanguageModel
    vocab: Vocabulary
    level: str

    def __post_init__(self):
        self.state = None
        self.logits = None   # (V,) logits of the next token after what was fed so far

    def reset(self) -> None:
        self.state = None
        self.logits = None

    def encode(self, text: str) -> np.ndarray:
        tokens = tokenize(text, self.level)
        if self.level == "word" and tokens and text and not text.endswith("\n"):
            tokens = tokens[:-1]   # a prime that stops mid-sentence has no end-of-sentence yet
        missing = [t for t in tokens if t not in self.vocab]
        if missing and self.vocab.unk_id is None:
            raise ConfigError("prime text contains {missing_item!r}, which is not in the vocabulary", missing_item=missing[0])
        return self.vocab.encode(tokens, what=Message("prime text"))

    def feed(self, ids: np.ndarray) -> None:
        """Run ``ids (N,)`` through the model (one engine forward for all of them)."""
        ids = np.asarray(ids, dtype=np.int64)
        if ids.size == 0:
            return
        result = self.model.forward(ids.reshape(-1, 1), self.state)
        self.state = result.final_state
        self.logits = result.logits[-1].astype(np.float64)

    def prime(self, text: str) -> None:
        """Reset and feed ``text``; an empty prime starts from a token the corpus starts with."""
        self.reset()
        ids = self.encode(text) if text else np.zeros(0, dtype=np.int64)
        if ids.size == 0:
            # no context: start from a zero state with a neutral first token
            start = "\n" if self.level == "char" and "\n" in self.vocab else (
                "<eos>" if "<eos>" in self.vocab else self.vocab.tokens[0])
            ids = np.array([self.vocab.index(start)])
        self.feed(ids)

    def next_distribution(self, temperature: float = 1.0) -> np.ndarray:
        """Probabilities ``(V,)`` of the next token at ``temperature``."""
        if self.logits is None:
            raise ConfigError("nothing has been fed yet; prime the sampler first")
        return softmax_with_temperature(self.logits, temperature)

    def generate(self, length: int, *, temperature: float = 1.0, argmax: bool = False,
                 rng: np.random.Generator | None = None,
                 should_stop: Callable[[], bool] | None = None) -> np.ndarray:
        """Draw ``length`` tokens, feeding each back in; returns their ids ``(length,)``."""
        ids = list(self.stream(length, temperature=temperature, argmax=argmax, rng=rng,
                               should_stop=should_stop))
        return np.array(ids, dtype=np.int64)

    def stream(self, length: int, *, temperature: float = 1.0, argmax: bool = False,
               rng: np.random.Generator | None = None,
               should_stop: Callable[[], bool] | None = None) -> Iterator[int]:
        """Yield up to ``length`` token ids as they are drawn (stops early when ``should_stop()``)."""
        check_length(length)
        rng = rng if rng is not None else np.random.default_rng()
        for _ in range(length):
            if should_stop is not None and should_stop():
                return
            if argmax:
                token = int(np.argmax(self.logits))
            else:
                p = self.next_distribution(temperature)
                token = int(min(np.searchsorted(np.cumsum(p), rng.random(), side="right"), p.size - 1))
            self.feed(np.array([token]))
            yield token


def sampler_from_checkpoint(checkpoint: Checkpoint | str | Path) -> Sampler:
    """A :class:`Sampler` for the model stored in a checkpoint."""
    if not isinstance(checkpoint, Checkpoint):
        checkpoint = load_checkpoint(checkpoint)
    from rnnviz.lm.train import TrainConfig

    try:
        config = TrainConfig.from_dict(checkpoint.config)
    except (ConfigError, TypeError) as error:
        raise ConfigError("checkpoint has an invalid training config: {error}", error=error) from None
    vocab = Vocabulary(tuple(checkpoint.tokens))
    spec: ModelSpec = config.model_spec(len(vocab))
    params = {k: np.ascontiguousarray(v) for k, v in checkpoint.params.items()}
    model = LanguageModel(spec, params)
    return Sampler(model, vocab, checkpoint.level)


def sample_pieces(sampler: Sampler, *, prime: str = "", length: int = 200, temperature: float = 1.0,
                  argmax: bool = False, seed: int | None = 0) -> Iterator[str]:
    """The prime, then the text of each generated token as soon as it is drawn."""
    check_length(length)
    sampler.prime(prime)
    if prime:
        separator = " " if sampler.level == "word" and not prime.endswith((" ", "\n")) else ""
        yield prime + separator
    vocab, level = sampler.vocab, sampler.level
    for token in sampler.stream(length, temperature=temperature, argmax=argmax,
                                rng=np.random.default_rng(seed)):
        yield vocab.decode((token,), level)


def sample_text(sampler: Sampler, *, prime: str = "", length: int = 200, temperature: float = 1.0,
                argmax: bool = False, seed: int | None = 0) -> str:
    """Prime, generate ``length`` tokens and return the prime followed by the generated text."""
    return "".join(sample_pieces(sampler, prime=prime, length=length, temperature=temperature,
                                 argmax=argmax, seed=seed))
