"""Bit-for-bit sameness of scenarios and parameters: what decides that a save kept everything."""

from __future__ import annotations

import dataclasses

import numpy as np

from bptui.engine.network import initial_params
from bptui.engine.spec import COLUMN, MINIBATCH, Scenario, TrainingSpec

from . import schema as s


def same_as_start(scenario: Scenario, params: dict[str, np.ndarray | None]) -> bool:
    """Whether ``params`` are bit for bit the parameters ``scenario`` starts from."""
    start = initial_params(scenario)
    for l, (w, b) in enumerate(zip(start.W, start.b), start=1):
        w_file = w.T if scenario.convention == COLUMN else w
        if not same_bits(w_file, params[f"W{l}"]):
            return False
        if b is not None and not same_bits(b, params.get(f"b{l}")):
            return False
    return True


def same_bits(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes()


def _effective(tr: TrainingSpec) -> TrainingSpec:
    """``tr`` without the settings its mode ignores (a file cannot give them; code may)."""
    if tr.mode == MINIBATCH:
        return tr
    return dataclasses.replace(tr, batch_size=s.DEFAULT_BATCH_SIZE, shuffle=None, first_epoch=1)


def same_scenario(a: Scenario, b: Scenario) -> bool:
    """Bit-for-bit equality of everything a save must keep (parameters, data, settings, checkpoints)."""
    if (a.title, a.description, a.source, a.inputs, a.convention, _effective(a.training)) != (
        b.title,
        b.description,
        b.source,
        b.inputs,
        b.convention,
        _effective(b.training),
    ):
        return False
    if len(a.layers) != len(b.layers) or len(a.expectations) != len(b.expectations):
        return False
    for x, y in zip(a.layers, b.layers):
        if (x.units, x.activation, x.bias) != (y.units, y.activation, y.bias):
            return False
        if x.activation == "leaky_relu" and x.slope != y.slope:
            return False
        if not same_bits(x.weights, y.weights) or not (same_bits(x.biases, y.biases) if x.bias else y.biases is None):
            return False
        if a.training.momentum and not (
            same_bits(x.velocities, y.velocities) and same_bits(x.bias_velocities, y.bias_velocities)
        ):
            return False
    if not (same_bits(a.data_inputs, b.data_inputs) and same_bits(a.data_targets, b.data_targets)):
        return False
    if not (same_bits(a.test_inputs, b.test_inputs) and same_bits(a.test_targets, b.test_targets)):
        return False
    for ex, ey in zip(a.expectations, b.expectations):
        if (ex.epoch, ex.sample, ex.after, ex.tolerance, list(ex.values)) != (
            ey.epoch,
            ey.sample,
            ey.after,
            ey.tolerance,
            list(ey.values),
        ):
            return False
        if not all(same_bits(ex.values[k], ey.values[k]) for k in ex.values):
            return False
    return True
