"""The ``[training]`` table (docs/SPEC.md §3.5 and §7): loss, reduction, learning rate, mode,
epochs, and for ``mode = "minibatch"`` the batch size and shuffling, and momentum."""

from __future__ import annotations

from bptui.engine import losses
from bptui.engine.spec import MINIBATCH, LayerSpec, TrainingSpec

from . import schema as s
from .fields import Reader, shown
from .locate import KeyPath

AT: KeyPath = ("training",)


def read_training(r: Reader, doc: dict, layers: tuple[LayerSpec, ...]) -> TrainingSpec:
    tr = r.table(doc, (), "training", fix="add a [training] table with at least learning_rate = 0.1")
    loss = r.choice(tr, AT, "loss", losses.names(), s.DEFAULT_LOSS)
    reduction = r.choice(tr, AT, "reduction", s.REDUCTIONS, s.DEFAULT_REDUCTION)
    rate = r.bounded(tr, AT, "training.learning_rate")
    mode = r.choice(tr, AT, "mode", s.MODES, s.DEFAULT_MODE)
    epochs = r.whole(tr, AT, "training.epochs")
    last = layers[-1].activation
    needs = losses.make_loss(loss).needs_output
    if needs and last != needs:
        other = "binary_cross_entropy" if needs == "softmax" else "cross_entropy"
        r.fail(
            AT + ("loss",),
            f'loss = "{loss}" needs a {needs} output, but the last layer (layer '
            f'{len(layers)}) uses {last}; set activation = "{needs}" on layer '
            f'{len(layers)}, or choose another loss (e.g. "half_squared_error"'
            f', or "{other}" with a {"sigmoid" if needs == "softmax" else "softmax"} output)',
        )
    for key in ("batch_size", "shuffle", "first_epoch"):
        if key in tr and mode != MINIBATCH:
            r.fail(
                AT + (key,),
                f'training.{key} applies only to mode = "minibatch", but mode is "{mode}"; '
                f'remove {key} or set mode = "minibatch"',
            )
    batch_size = r.whole(tr, AT, "training.batch_size")
    return TrainingSpec(
        loss=loss,
        reduction=reduction,
        learning_rate=rate,
        mode=mode,
        epochs=epochs,
        batch_size=batch_size,
        shuffle=_shuffle(r, tr),
        momentum=r.bounded(tr, AT, "training.momentum"),
        first_epoch=r.whole(tr, AT, "training.first_epoch"),
    )


def _shuffle(r: Reader, tr: dict) -> int | None:
    """``false`` (the file's order, the default) or a seed: ``true`` is refused, it names no seed."""
    value = tr.get("shuffle", False)
    if value is False:
        return None
    if value is True:
        r.fail(
            AT + ("shuffle",),
            "training.shuffle is true, but it must be false or a seed, so the order can be "
            "reproduced; e.g. shuffle = 1",
        )
    if not isinstance(value, int):
        r.mistyped(AT + ("shuffle",), value, "false or a whole-number seed; e.g. shuffle = 1")
    return r.whole(tr, AT, "training.shuffle")


def check_velocities(r: Reader, training: TrainingSpec, layers: tuple[LayerSpec, ...]) -> None:
    """Velocities (written by a save mid-training) only mean something with momentum."""
    if training.momentum:
        return
    for i, layer in enumerate(layers):
        for key in ("velocities", "bias_velocities"):
            if getattr(layer, key) is not None:
                r.fail(
                    ("network", "layers", i, key),
                    f"network.layers[{i + 1}].{key} applies only with momentum; remove it or set "
                    "training.momentum, e.g. momentum = 0.9",
                )


def check_batch_size(r: Reader, training: TrainingSpec, samples: int) -> None:
    """A batch cannot hold more samples than the data has (checked once the data is read)."""
    if training.mode == MINIBATCH and training.batch_size > samples:
        r.fail(
            AT + ("batch_size",),
            f"training.batch_size is {training.batch_size}, but the data has only {samples} samples; "
            f'use a batch_size from 1 to {samples} (or mode = "batch" for all of them)',
        )


__all__ = ["check_batch_size", "read_training", "shown"]
