"""Named training configurations (``rnnviz train --preset NAME``, the trainer panel's presets)."""
from __future__ import annotations

from rnnviz.core.config import ConfigError

#: Each preset is a set of :class:`rnnviz.lm.train.TrainConfig` fields; explicit options override it.
PRESETS: dict[str, dict] = {
    # Zaremba, Sutskever & Vinyals 2014, "small": 2 x 200 LSTM, T = 20, batch 20, U(+-0.1), SGD lr 1
    # halved each epoch after epoch 4, 13 epochs, clip norm 5, no dropout. Their objective sums the
    # per-step losses over the window (batch mean), hence loss_reduction "sum-time".
    # Paper: valid 120.7 / test 114.5 perplexity on PTB.
    "ptb-small": dict(level="word", cell="lstm", layers=2, hidden=200, embed=200, seq_len=20,
                      batch=20, init_scale=0.1, optimizer="sgd", lr=1.0, lr_decay=0.5,
                      decay_after=4, epochs=13, clip_norm=5.0, dropout=0.0,
                      loss_reduction="sum-time", snapshot_every=0),
    # A small character model that learns the built-in sample text in a minute or two.
    "char-sample": dict(corpus="builtin:sample", level="char", cell="lstm", layers=1, hidden=128,
                        embed=64, seq_len=32, batch=16, optimizer="adam", lr=0.003, epochs=30,
                        clip_norm=5.0),
    # Character model on the running Python's standard library sources.
    "char-stdlib": dict(corpus="builtin:python-stdlib", level="char", cell="lstm", layers=2,
                        hidden=256, embed=64, seq_len=64, batch=32, optimizer="adam", lr=0.002,
                        epochs=1, clip_norm=5.0, dropout=0.1, eval_every=500,
                        eval_tokens=20_000),
}


def preset(name: str) -> dict:
    """The fields of preset ``name`` (a copy); :class:`ConfigError` if there is no such preset."""
    if name not in PRESETS:
        raise ConfigError("unknown preset {name!r}; choose one of {choices}", name=name, choices=', '.join(PRESETS))
    return dict(PRESETS[name])
