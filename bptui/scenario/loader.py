"""From scenario text to a validated :class:`Scenario` (docs/SPEC.md §3), refusing every bad file (§3.7).

Decisions where the contract is silent (scenarios/README.md, "Rules the loader enforces"):
``title``, ``[network] inputs``, each layer's ``units`` and ``activation``, ``[data]``,
``[training] learning_rate`` and ``[[expect]] after`` are required; ``epochs`` defaults to 100.
Sizes are checked against :mod:`.schema`'s limits before any array is built. Nothing in a file is ever evaluated.
"""

from __future__ import annotations

import re
import tomllib
from functools import partial
from pathlib import Path

import numpy as np

from bptui.engine import activations
from bptui.engine.spec import COLUMN, ONLINE, ROW, InitSpec, LayerSpec, Scenario, TrainingSpec
from bptui.errors import ScenarioError

from . import schema as s
from .budget import check_expectation_budget, within_budget
from .data_table import read_data, split_test
from .expectations import pass_rows, read_expectations, value_sizes
from .fields import Reader, plural
from .files import NotRegular, kind, open_regular
from .locate import KeyPath, Locator, format_path
from .prescan import prescan
from .teaching import read_names, read_predict, value_shape
from .training import check_batch_size, check_velocities, read_training

_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate the scenario file at ``path``; data files are found relative to it."""
    p = Path(path)
    return parse_scenario(_read_text(p), p)


def parse_scenario(text: str, path: Path) -> Scenario:
    """Validate scenario ``text``; ``path`` names it in messages and anchors relative data files."""
    path = Path(path)
    if len(text) > s.MAX_SCENARIO_BYTES:
        raise ScenarioError(
            path,
            f"the file is larger than the limit of {s.MAX_SCENARIO_BYTES // 2**20} MiB; "
            f"move large data into a .csv or .npz file named by [data] file",
        )
    prescan(text, path)  # what would blow tomllib up is refused before it runs
    try:
        doc = tomllib.loads(text)
    except RecursionError:
        raise ScenarioError(
            path, "arrays or tables are nested too deeply to read; a scenario needs at most arrays of arrays"
        ) from None
    except ValueError as e:  # tomllib.TOMLDecodeError, or a bad date it passes on
        raise _toml_error(path, e) from None
    return _Builder(Reader(path, Locator(text))).build(doc)


def _read_text(p: Path) -> str:
    """The file's text, refusing a missing file, a directory, a FIFO or device, an oversized file and non-UTF-8."""
    try:
        info = p.stat()
    except FileNotFoundError:
        raise ScenarioError(
            p, "no such file; check the path, or give a bundled scenario's name (`bptui --list` lists them)"
        ) from None
    except OSError as e:
        raise ScenarioError(p, f"cannot be read ({e.strerror or e}); check its permissions") from None
    except ValueError:  # a NUL character in the name
        raise ScenarioError(p, "no such file: a file name cannot hold a NUL character") from None
    what = kind(info.st_mode)
    if what:
        raise ScenarioError(p, f"is {what}, not a scenario file; name a .toml file")
    if info.st_size > s.MAX_SCENARIO_BYTES:
        raise ScenarioError(
            p,
            f"the file is larger than the limit of {s.MAX_SCENARIO_BYTES // 2**20} MiB; "
            f"move large data into a .csv or .npz file named by [data] file",
        )
    try:
        with open_regular(p) as handle:
            raw = handle.read(s.MAX_SCENARIO_BYTES + 1)
    except NotRegular as e:
        raise ScenarioError(p, f"is {e.what}, not a scenario file; name a .toml file") from None
    except OSError as e:
        raise ScenarioError(p, f"cannot be read ({e.strerror or e}); check its permissions") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ScenarioError(
            p, f"is not UTF-8 text (byte 0x{raw[e.start]:02x} here); save the file with UTF-8 encoding", line
        ) from None


def _toml_error(path: Path, err: ValueError) -> ScenarioError:
    """``tomllib``'s message, with its position moved into ``FILE:LINE`` and a hint how to fix it."""
    message = str(err)
    line: int | None = None
    m = _TOML_POSITION.search(message)
    if m:
        message = message[: m.start()]
        if m.group(1):
            line = int(m.group(1))
            message += f" at column {m.group(2)}"
    if "overwrite" in message or "declare" in message:
        hint = "each key and each [table] may appear only once"
    else:
        hint = (
            "check the TOML syntax: strings in double quotes, true/false in lower case, "
            "arrays in [ ], one key = value per line"
        )
    return ScenarioError(path, f"not valid TOML: {message}; {hint}", line)


class _Builder:
    """Walks the parsed document section by section; the first problem found is raised."""

    def __init__(self, reader: Reader) -> None:
        self.r = reader

    def build(self, doc: dict) -> Scenario:
        r = self.r
        r.known_keys(doc, (), s.TOP_KEYS, "the top level")
        for section, allowed in s.SECTION_KEYS.items():  # a misplaced key first, before what it left missing
            if isinstance(doc.get(section), dict):
                r.known_keys(doc[section], (section,), allowed, f"[{section}]")
        title = r.string(doc, (), "title", fix='`title = "..."` (the name shown in the TUI)')
        if not title.strip():
            r.fail(("title",), 'title is empty; give the scenario a name, e.g. title = "XOR with two hidden units"')
        convention, inputs, layers = self._network(doc)
        training = read_training(r, doc, layers)
        init = self._init(doc)
        data_inputs, data_targets, test_inputs, test_targets = split_test(r, doc, *read_data(r, doc, inputs, layers))
        tested = 0 if test_inputs is None else len(test_inputs)
        check_batch_size(r, training, len(data_inputs))
        check_velocities(r, training, layers)
        training = within_budget(r, doc, training, inputs, layers, len(data_inputs), tested)
        expectations = read_expectations(r, doc, inputs, layers, len(data_inputs), training)
        check_expectation_budget(r, expectations, training, inputs, layers, len(data_inputs), tested)
        predict, names = self._teaching(doc, inputs, layers, len(data_inputs), training, convention)
        return Scenario(
            title=title,
            inputs=inputs,
            layers=layers,
            data_inputs=data_inputs,
            data_targets=data_targets,
            training=training,
            init=init,
            convention=convention,
            description=r.string(doc, (), "description", ""),
            source=r.string(doc, (), "source", ""),
            expectations=expectations,
            path=r.path,
            predict=predict,
            names=names,
            test_inputs=test_inputs,
            test_targets=test_targets,
        )

    # --- predict and names (bptui.scenario.teaching) -------------------------------------------------
    def _teaching(
        self, doc: dict, inputs: int, layers: tuple[LayerSpec, ...], samples: int, tr: TrainingSpec, convention: str
    ) -> tuple[tuple[str, ...], dict[str, str]]:
        rows = pass_rows(tr, samples)
        names = list(value_sizes(inputs, layers, rows, tr.mode != ONLINE, tr.momentum > 0))
        shape_of = partial(
            value_shape, inputs=inputs, layers=layers, samples=rows, batch=tr.mode != ONLINE, convention=convention
        )
        return read_predict(self.r, doc, names, shape_of), read_names(self.r, doc, names)

    # --- [network] ---------------------------------------------------------------------------------
    def _network(self, doc: dict) -> tuple[str, int, tuple[LayerSpec, ...]]:
        r = self.r
        at: KeyPath = ("network",)
        net = r.table(
            doc, (), "network", fix="add a [network] table with inputs = N, then one [[network.layers]] table per layer"
        )
        inputs = r.whole(net, at, "network.inputs")
        convention = r.choice(net, at, "convention", s.CONVENTIONS, s.DEFAULT_CONVENTION)
        tables = r.tables(
            net,
            at,
            "layers",
            fix="add one [[network.layers]] table per layer, input side "
            'first, each with units = N and activation = "..."',
        )
        if not tables:
            r.fail(at + ("layers",), "network.layers is empty; add one [[network.layers]] table per layer")
        if len(tables) > s.MAX_LAYERS:
            r.fail(
                at + ("layers", s.MAX_LAYERS),
                f"the network has {len(tables)} layers, more than the limit "
                f"of {s.MAX_LAYERS} (deeper networks cannot be shown); "
                f"remove layers",
            )
        units = self._sizes(tables, inputs)
        fan_ins = [inputs] + units[:-1]
        return (
            convention,
            inputs,
            tuple(
                self._layer(t, at + ("layers", i), i + 1, len(tables), units[i], fan_ins[i], convention)
                for i, t in enumerate(tables)
            ),
        )

    def _sizes(self, tables: list[dict], inputs: int) -> list[int]:
        """Every layer's units, checked against the limits before any weight exists."""
        r = self.r
        units: list[int] = []
        parameters = 0
        fan_in = inputs
        for i, t in enumerate(tables):
            at: KeyPath = ("network", "layers", i)
            r.known_keys(t, at, s.LAYER_KEYS, "a [[network.layers]] table")
            n = r.whole(t, at, "layer.units")
            bias = r.boolean(t, at, "bias", s.DEFAULT_BIAS)
            parameters += n * (fan_in + int(bias))
            if parameters > s.MAX_PARAMETERS:
                r.fail(
                    at + ("units",),
                    f"the network has more than {s.MAX_PARAMETERS:,} weights and biases "
                    f"by layer {i + 1} (the limit that keeps memory use small); "
                    f"use fewer units",
                )
            units.append(n)
            fan_in = n
        return units

    def _layer(
        self, t: dict, at: KeyPath, number: int, depth: int, units: int, fan_in: int, convention: str
    ) -> LayerSpec:
        r = self.r
        activation = r.choice(
            t,
            at,
            "activation",
            activations.names(),
            fix=f'`activation = "sigmoid"` (one of: {", ".join(activations.names())})',
        )
        if activation == "softmax" and number < depth:
            r.fail(
                at + ("activation",),
                f"layer {number} uses softmax, which is allowed only on the last "
                f"layer (layer {depth}); use e.g. sigmoid, tanh or relu here",
            )
        if "slope" in t and activation != "leaky_relu":
            r.fail(
                at + ("slope",),
                f"{format_path(at)}.slope applies only to leaky_relu, but layer {number} "
                f'uses {activation}; remove slope or set activation = "leaky_relu"',
            )
        slope = r.number(t, at, "slope", s.DEFAULT_SLOPE)
        bias = r.boolean(t, at, "bias", s.DEFAULT_BIAS)
        weights = None
        if "weights" in t:
            weights = self._weights(t["weights"], at + ("weights",), number, units, fan_in, convention)
        biases = None
        if "biases" in t:
            if not bias:
                r.fail(
                    at + ("biases",),
                    f"layer {number} has bias = false but gives biases; remove biases or set bias = true",
                )
            biases = r.numbers(t["biases"], at + ("biases",), f"one per unit of layer {number}")
            if len(biases) != units:
                r.fail(
                    at + ("biases",),
                    f"{format_path(at)}.biases has {plural(len(biases), 'number')}, but "
                    f"layer {number} has {plural(units, 'unit')}; give one bias per unit",
                )
        velocities = None  # momentum's starting velocities (a saved lesson): shaped as the weights
        if "velocities" in t:
            velocities = self._weights(t["velocities"], at + ("velocities",), number, units, fan_in, convention)
        bias_velocities = None
        if "bias_velocities" in t:
            bias_velocities = r.numbers(t["bias_velocities"], at + ("bias_velocities",), "one per unit")
            if not bias or len(bias_velocities) != units:
                r.fail(
                    at + ("bias_velocities",),
                    f"{format_path(at)}.bias_velocities needs bias = true and one number per unit ({units})",
                )
        return LayerSpec(units, activation, slope, bias, weights, biases, velocities, bias_velocities)

    def _weights(self, value: object, at: KeyPath, number: int, units: int, fan_in: int, convention: str) -> np.ndarray:
        """Explicit weights, in the file's convention: column (units, inputs), row (inputs, units)."""
        r = self.r
        name = format_path(at)
        source = "network.inputs" if number == 1 else f"the units of layer {number - 1}"
        if convention == COLUMN:
            shape = (units, fan_in)
            layout = (
                f"(units, inputs) = ({units}, {fan_in}): one row per unit of layer {number}, each with "
                f"one weight per input ({fan_in}, {source})"
            )
        else:
            shape = (fan_in, units)
            layout = (
                f"(inputs, units) = ({fan_in}, {units}): one row per input ({fan_in}, {source}), each "
                f"with one weight per unit of layer {number} ({units})"
            )
        need = f"layer {number} in the {convention} convention needs shape {layout}"
        if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
            r.fail(at, f"{name} must be an array of rows, e.g. [[0.1, 0.2], [0.3, 0.4]]; {need}")
        if len(value) == shape[0]:
            for k, row in enumerate(value):
                if len(row) != shape[1]:
                    r.fail(at + (k,), f"{format_path(at + (k,))} has {plural(len(row), 'number')}, but {need}")
        else:
            widths = {len(row) for row in value}
            found = f"shape ({len(value)}, {widths.pop()})" if len(widths) == 1 else f"{len(value)} rows"
            other = ROW if convention == COLUMN else COLUMN
            hint = (
                (
                    f"; that is the {other}-convention shape: transpose the matrix or set convention = "
                    f'"{other}" under [network]'
                )
                if found == f"shape ({shape[1]}, {shape[0]})"
                else ""
            )
            r.fail(at, f"{name} has {found}, but {need}{hint}")
        return np.stack([r.numbers(row, at + (k,), "weights") for k, row in enumerate(value)])

    # --- [training] and [init] ---------------------------------------------------------------------
    def _init(self, doc: dict) -> InitSpec:
        r = self.r
        at: KeyPath = ("init",)
        it = r.table(doc, (), "init")
        distribution = r.choice(it, at, "distribution", s.DISTRIBUTIONS, s.DEFAULT_DISTRIBUTION)
        for key, applies_to in (("low", "uniform"), ("high", "uniform"), ("std", "normal")):
            if key in it and distribution != applies_to:
                r.fail(
                    at + (key,),
                    f'init.{key} applies only to distribution = "{applies_to}", but it is '
                    f'"{distribution}"; remove {key} or set distribution = "{applies_to}"',
                )
        low = r.number(it, at, "low", s.DEFAULT_LOW)
        high = r.number(it, at, "high", s.DEFAULT_HIGH)
        if low > high:
            r.fail(at + ("low",), f"init.low = {low} is greater than init.high = {high}; swap them")
        std = r.bounded(it, at, "init.std")
        seed = r.whole(it, at, "init.seed")
        return InitSpec(distribution=distribution, low=low, high=high, std=std, seed=seed)
