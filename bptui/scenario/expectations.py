"""``[[expect]]`` blocks: textbook checkpoints read and checked against the network's value names
(docs/SPEC.md §3.6), and what checking them costs (issue 12: within the work limit)."""

from __future__ import annotations

import numpy as np

from bptui.engine.spec import BATCH, MINIBATCH, ONLINE, Expectation, LayerSpec, TrainingSpec
from bptui.engine.steps import step_index, step_names
from bptui.engine.value_name import LAYERED, split_layer
from bptui.engine.values import value_names

from . import schema as s
from .fields import Reader, did_you_mean, shown
from .locate import KeyPath, format_path


def pass_rows(training: TrainingSpec, samples: int) -> int:
    """Rows of a (full) pass: 1 online, every sample in batch mode, ``batch_size`` in minibatch mode."""
    if training.mode == BATCH:
        return samples
    return min(training.batch_size, samples) if training.mode == MINIBATCH else 1


def read_expectations(
    r: Reader, doc: dict, inputs: int, layers: tuple[LayerSpec, ...], samples: int, training: TrainingSpec
) -> tuple[Expectation, ...]:
    blocks = r.tables(doc, (), "expect")
    if len(blocks) > s.MAX_EXPECT_BLOCKS:
        r.fail(
            ("expect", s.MAX_EXPECT_BLOCKS),
            f"there are {len(blocks)} [[expect]] blocks, more than the limit of {s.MAX_EXPECT_BLOCKS}; remove some",
        )
    rows = pass_rows(training, samples)
    sizes = value_sizes(inputs, layers, rows, training.mode != ONLINE, training.momentum > 0)
    passes = samples if training.mode == ONLINE else -(-samples // rows)
    batches = training.mode == MINIBATCH
    return tuple(_expectation(r, b, ("expect", i), layers, passes, sizes, batches) for i, b in enumerate(blocks))


def _expectation(
    r: Reader,
    block: dict,
    at: KeyPath,
    layers: tuple[LayerSpec, ...],
    samples: int,
    sizes: dict[str, tuple[int, str]],
    batches: bool = False,
) -> Expectation:
    """One block; ``samples``: the passes of an epoch, which ``sample`` counts (batches in minibatch mode)."""
    where = format_path(at)
    for key in block:
        if key not in s.EXPECT_KEYS and key not in sizes:
            r.fail(at + (key,), _unknown_value(where, key, layers, list(sizes)))
    epoch = r.whole(block, at, "expect.epoch")
    sample = r.integer(
        block,
        at,
        "sample",
        s.DEFAULT_EXPECT_SAMPLE,
        low=1,
        high=samples,
        why_high=f"the data has {samples} samples" if not batches else f"an epoch has {samples} batches",
    )
    valid_steps = step_names(len(layers)) + [s.EPOCH_STEP]
    after = r.string(block, at, "after", fix='`after = "forward 1"` (the step after which to check, or "epoch")')
    after = " ".join(after.split())
    if after != s.EPOCH_STEP:
        try:
            step_index(after, len(layers))
        except ValueError:
            r.fail(
                at + ("after",),
                f"{where}.after is {shown(after)}, which is not a step of this network"
                f"{did_you_mean(after, valid_steps)}; use one of: {', '.join(valid_steps)}",
            )
    tolerance = r.bounded(block, at, "expect.tolerance")
    values: dict[str, np.ndarray] = {}
    for key, value in block.items():
        if key in s.EXPECT_KEYS:
            continue
        array = r.tensor(value, at + (key,))
        count, meaning = sizes[key]
        if array.size != count:
            r.fail(
                at + (key,),
                f"{where}.{key} has {array.size} value(s), but {key} has {count} ({meaning}); give exactly {count}",
            )
        values[key] = array
    if not values:
        r.fail(
            at,
            f"{where} checks no values; add at least one value name with the expected numbers, "
            f"e.g. loss = 0.25 (names: {', '.join(sizes)})",
        )
    return Expectation(epoch=epoch, sample=sample, after=after, tolerance=tolerance, values=values, line=r.line(at))


def value_sizes(
    inputs: int, layers: tuple[LayerSpec, ...], samples: int, batch: bool, momentum: bool = False
) -> dict[str, tuple[int, str]]:
    """Element count of every value name (in docs/SPEC.md §2 order), with what that count is, for
    messages. ``samples``: the rows of a pass (batch mode: every sample; minibatch: batch_size)."""
    per = samples if batch else 1
    times = f"× {samples} samples of a batch, " if batch else ""
    units = [inputs] + [layer.units for layer in layers]
    counts: dict[str, tuple[int, str]] = {
        "a0": (inputs * per, f"{times}network.inputs = {inputs}"),
        "t": (units[-1] * per, f"{times}the last layer's {units[-1]} units"),
        "loss": (1, "one number"),
    }
    for l in range(1, len(layers) + 1):
        unit_text = f"{times}the {units[l]} units of layer {l}"
        for prefix in ("z", "a", "da", "dz"):
            counts[f"{prefix}{l}"] = (units[l] * per, unit_text)
        for prefix in ("W", "dW", "vW"):
            counts[f"{prefix}{l}"] = (units[l] * units[l - 1], f"{units[l]} units × {units[l - 1]} inputs of layer {l}")
        for prefix in ("b", "db", "vb"):
            counts[f"{prefix}{l}"] = (units[l], f"the {units[l]} units of layer {l}")
    counts["da0"] = (inputs * per, f"{times}network.inputs = {inputs}")
    names = value_names(len(layers), tuple(layer.bias for layer in layers), momentum)
    return {name: counts[name] for name in names}


def _unknown_value(where: str, key: str, layers: tuple[LayerSpec, ...], names: list[str]) -> str:
    """Why ``key`` is not something an ``[[expect]]`` block can hold, and what it may hold."""
    reason = ""
    base, layer = split_layer(key)
    if base in LAYERED and layer is not None:
        if not 1 <= layer <= len(layers) and key != "a0":
            reason = f" (the network has layers 1 to {len(layers)})"
        elif base in ("b", "db") and not layers[layer - 1].bias:
            reason = f" (layer {layer} has bias = false)"
    hint = reason or did_you_mean(key, list(s.EXPECT_KEYS) + names)
    return (
        f"{where} has an unknown key {shown(key)}{hint}; "
        f"an [[expect]] block holds {', '.join(s.EXPECT_KEYS)} and values named: {', '.join(names)}"
    )
