"""What a run of a scenario file costs, checked before the work (issue 12): batch memory, the
epochs of ``[training]`` and the epochs ``[[expect]]`` blocks run to, against :mod:`.limits`."""

from __future__ import annotations

from dataclasses import replace

from bptui.engine.spec import BATCH, MINIBATCH, ONLINE, Expectation, LayerSpec, TrainingSpec

from . import schema as s
from .expectations import pass_rows
from .fields import Reader, plural
from .limits import work


def parameters(inputs: int, layers: tuple[LayerSpec, ...]) -> int:
    fan_ins = [inputs] + [layer.units for layer in layers[:-1]]
    return sum(layer.units * (fan_in + int(layer.bias)) for layer, fan_in in zip(layers, fan_ins))


def size_text(samples: int, inputs: int, layers: tuple[LayerSpec, ...]) -> str:
    return f"{plural(samples, 'sample')} and {plural(parameters(inputs, layers), 'parameter')}"


def _per_epoch(training: TrainingSpec, samples: int, inputs: int, layers: tuple[LayerSpec, ...], tested: int) -> int:
    """One epoch's work; ``tested`` held-out samples are scored (one forward pass each) at its end."""
    p = parameters(inputs, layers)
    passes = -(-samples // pass_rows(training, samples)) if training.mode == MINIBATCH else None
    return work(1, samples, p, training.mode == BATCH, passes) + tested * p


def within_budget(
    r: Reader,
    doc: dict,
    training: TrainingSpec,
    inputs: int,
    layers: tuple[LayerSpec, ...],
    samples: int,
    tested: int = 0,
) -> TrainingSpec:
    """Batch memory and the file's ``epochs`` against :mod:`.limits`; a default ``epochs`` shrinks to fit."""
    batch = training.mode == BATCH
    if training.mode != ONLINE:
        rows = pass_rows(training, samples)
        widths = inputs + sum(layer.units for layer in layers)
        if rows * widths > s.MAX_BATCH_VALUES:
            r.fail(
                ("training", "mode" if batch else "batch_size"),
                f'mode = "{training.mode}" holds {"every sample" if batch else "a batch"}\'s values at once: {rows:,} '
                f"samples × {widths:,} units (inputs and every layer) = "
                f"{rows * widths:,} numbers per value, more than the limit of "
                f'{s.MAX_BATCH_VALUES:,}; use mode = "online", a smaller batch, fewer samples or '
                f"smaller layers",
            )
    per_epoch = _per_epoch(training, samples, inputs, layers, tested)
    fit = max(1, s.MAX_WORK // per_epoch)
    if "epochs" not in doc.get("training", {}):
        return replace(training, epochs=min(training.epochs, fit))
    if training.epochs > fit:
        r.fail(
            ("training", "epochs"),
            f"training.epochs is {training.epochs:,}, more work than the limit "
            f"allows for {size_text(samples, inputs, layers)} (about a minute of "
            f"computing); at most {fit:,} epochs fit, use fewer epochs or samples",
        )
    return training


def check_expectation_budget(
    r: Reader,
    expectations: tuple[Expectation, ...],
    training: TrainingSpec,
    inputs: int,
    layers: tuple[LayerSpec, ...],
    samples: int,
    tested: int = 0,
) -> None:
    """An ``[[expect]]`` is checked by running up to its epoch: that run must fit the work limit too."""
    per_epoch = _per_epoch(training, samples, inputs, layers, tested)
    fit = max(1, s.MAX_WORK // per_epoch)
    for i, e in enumerate(expectations):
        if e.epoch > fit:
            r.fail(
                ("expect", i, "epoch"),
                f"expect[{i + 1}].epoch is {e.epoch:,}, more work than the "
                f"limit allows for {size_text(samples, inputs, layers)} (about a "
                f"minute of computing); check an epoch up to {fit:,}",
            )
