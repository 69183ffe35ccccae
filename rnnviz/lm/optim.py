"""Optimisers, learning-rate schedule and gradient clipping for dicts of NumPy arrays.

Parameters and gradients are ``dict[str, np.ndarray]`` with the same keys; updates are in place.
Every optimiser's state is a flat ``dict[str, np.ndarray]`` (plus a step count) so it can be saved
in a checkpoint ``.npz`` and restored bit for bit.
"""
from __future__ import annotations

import math

import numpy as np

from rnnviz.core.config import ConfigError

OPTIMIZERS = ("sgd", "adagrad", "rmsprop", "adam")


class Optimizer:
    """Base class: ``step(params, grads, lr)`` updates ``params`` in place."""

    name = ""

    def __init__(self):
        self.state: dict[str, np.ndarray] = {}
        self.steps = 0

    def _slot(self, slot: str, key: str, like: np.ndarray) -> np.ndarray:
        name = f"{slot}/{key}"
        buffer = self.state.get(name)
        if buffer is None:
            buffer = self.state[name] = np.zeros_like(like)
        return buffer

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray], lr: float) -> None:
        self.steps += 1
        for key, grad in grads.items():
            self._update(key, params[key], grad, lr)

    def _update(self, key: str, param: np.ndarray, grad: np.ndarray, lr: float) -> None:
        raise NotImplementedError

    def state_dict(self) -> dict[str, np.ndarray]:
        out = {name: value for name, value in self.state.items()}
        out["__steps__"] = np.array(self.steps, dtype=np.int64)
        return out

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        self.state = {name: np.array(value) for name, value in state.items() if name != "__steps__"}
        self.steps = int(state.get("__steps__", 0))


class SGD(Optimizer):
    """Plain SGD, or with (heavy-ball) momentum: ``v = mu v + g;  p -= lr v``."""

    name = "sgd"

    def __init__(self, momentum: float = 0.0):
        super().__init__()
        self.momentum = float(momentum)

    def _update(self, key, param, grad, lr):
        if self.momentum == 0.0:
            # in place: the gradient is consumed, and a V x E temporary per step is not free
            grad *= grad.dtype.type(lr)
            param -= grad
            return
        velocity = self._slot("velocity", key, param)
        velocity *= self.momentum
        velocity += grad
        param -= lr * velocity


class Adagrad(Optimizer):
    """``G += g^2;  p -= lr g / (sqrt(G) + eps)``."""

    name = "adagrad"

    def __init__(self, eps: float = 1e-8):
        super().__init__()
        self.eps = float(eps)

    def _update(self, key, param, grad, lr):
        accumulator = self._slot("sum_sq", key, param)
        accumulator += grad * grad
        param -= lr * grad / (np.sqrt(accumulator) + self.eps)


class RMSprop(Optimizer):
    """``E = a E + (1-a) g^2;  p -= lr g / (sqrt(E) + eps)`` (PyTorch's form, alpha 0.99)."""

    name = "rmsprop"

    def __init__(self, alpha: float = 0.99, eps: float = 1e-8):
        super().__init__()
        self.alpha = float(alpha)
        self.eps = float(eps)

    def _update(self, key, param, grad, lr):
        mean_sq = self._slot("mean_sq", key, param)
        mean_sq *= self.alpha
        mean_sq += (1.0 - self.alpha) * grad * grad
        param -= lr * grad / (np.sqrt(mean_sq) + self.eps)


class Adam(Optimizer):
    """Adam with bias correction (Kingma & Ba 2015), PyTorch's defaults."""

    name = "adam"

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__()
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)

    def _update(self, key, param, grad, lr):
        m = self._slot("m", key, param)
        v = self._slot("v", key, param)
        # in place with two scratch arrays per parameter (kept out of the saved state)
        scratch = getattr(self, "_scratch", None)
        if scratch is None:
            scratch = self._scratch = {}
        if key not in scratch or scratch[key][0].shape != param.shape \
                or scratch[key][0].dtype != param.dtype:
            scratch[key] = (np.empty_like(param), np.empty_like(param))
        a, b = scratch[key]
        kind = param.dtype.type
        m *= self.beta1
        np.multiply(grad, kind(1.0 - self.beta1), out=a)
        m += a
        v *= self.beta2
        np.multiply(grad, kind(1.0 - self.beta2), out=a)
        a *= grad
        v += a
        correction1 = 1.0 - self.beta1 ** self.steps
        correction2 = 1.0 - self.beta2 ** self.steps
        np.sqrt(v, out=b)
        b *= kind(1.0 / math.sqrt(correction2))
        b += kind(self.eps)
        np.divide(m, b, out=a)
        a *= kind(lr / correction1)
        param -= a


def make_optimizer(name: str, *, momentum: float = 0.0) -> Optimizer:
    if name == "sgd":
        return SGD(momentum)
    if name == "adagrad":
        return Adagrad()
    if name == "rmsprop":
        return RMSprop()
    if name == "adam":
        return Adam()
    raise ConfigError("unknown optimizer {name!r}; choose one of {choices}", name=name, choices=', '.join(OPTIMIZERS))


def learning_rate(base_lr: float, epoch: int, decay: float = 1.0, decay_after: int = 0) -> float:
    """Learning rate in (1-based) ``epoch``: ``base_lr * decay ** max(0, epoch - decay_after)``.

    Zaremba et al.'s small model: ``lr=1, decay=0.5, decay_after=4`` keeps 1 for epochs 1-4, then
    0.5, 0.25, ...
    """
    return base_lr * decay ** max(0, epoch - decay_after)


def global_norm(grads: dict[str, np.ndarray]) -> float:
    """sqrt of the sum of squares of every gradient entry (accumulated in float64)."""
    total = 0.0
    for grad in grads.values():
        flat = grad.reshape(-1)
        total += float(np.dot(flat, flat))
    return math.sqrt(total)


def clip_gradients(grads: dict[str, np.ndarray], *, clip_value: float | None = None,
                   clip_norm: float | None = None) -> tuple[float, float]:
    """Clip in place: first each entry to ``[-clip_value, clip_value]``, then the global norm.

    Returns ``(norm_before, norm_after)``, the global norms before any clipping and after both.
    """
    norm_before = global_norm(grads)
    norm = norm_before
    if clip_value is not None and clip_value > 0:
        for grad in grads.values():
            np.clip(grad, -clip_value, clip_value, out=grad)
        norm = global_norm(grads)
    if clip_norm is not None and clip_norm > 0 and norm > clip_norm:
        scale = clip_norm / (norm + 1e-12)
        for grad in grads.values():
            grad *= grad.dtype.type(scale)
        norm = global_norm(grads)
    return norm_before, norm
