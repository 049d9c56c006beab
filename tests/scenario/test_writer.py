"""Saving a scenario (issue 9, ctrl+s): save -> load gives the same float64 bits, hostile text survives."""

from __future__ import annotations

import dataclasses
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bptui.engine import Debugger, LayerSpec, Scenario, TrainingSpec, verify
from bptui.engine.network import initial_params
from bptui.scenario import bundled, bundled_dir, load_scenario, resolve, writer
from bptui.scenario.dump import dumps
from bptui.scenario.toml_text import toml_string
from bptui.scenario.writer import SaveError, default_name, save_scenario, snapshot

BUNDLED = [name for name, _ in bundled()]
HOSTILE_TITLES = [
    'a "quoted" title',
    "back\\slash \\n not a newline",
    "two\nlines",
    'triple """ quotes',
    "tab\there",
    "esc \x1b[31mred\x1b[0m",
    "nul \x00 bel \x07 del \x7f",
    "cr\r\nlf",
    "bidi \u202e reversed \u202c",
    "line sep \u2028 para \u2029",
    "zero width \u200b",
    "emoji 🧠 and ½",
    "unassigned \U000e0080 \uffff",
    "' single 'quotes'",
    "=[table]\n[[expect]]\nloss = 1",
    "\\u0041 literal escape",
]


def params_bits(params: dict) -> dict[str, bytes | None]:
    return {k: None if v is None else np.ascontiguousarray(v, dtype=np.float64).tobytes() for k, v in params.items()}


def assert_same_params(saved: dict, loaded: dict) -> None:
    assert saved.keys() == loaded.keys()
    for name, value in saved.items():
        other = loaded[name]
        if value is None:
            assert other is None, name
            continue
        assert other.dtype == np.float64 and other.shape == value.shape, name
        assert np.array_equal(value, other), name
        assert params_bits({name: value}) == params_bits({name: other}), name  # -0.0 and every last bit


def save_and_load(sc: Scenario, dbg: Debugger, path: Path) -> Scenario:
    done = dbg.layout.completed_epochs(dbg.g)
    saved = save_scenario(snapshot(sc, dbg.params_values(), velocities=dbg.velocity_values(), epochs_done=done), path)
    return load_scenario(saved)


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_scenario_round_trips_bit_for_bit_mid_training(name, tmp_path):
    sc = load_scenario(resolve(name))
    dbg = Debugger(sc)
    dbg.run(2)
    for _ in range(dbg.layout.per_pass + 3):  # one more update, then into the next pass
        dbg.step()
    loaded = save_and_load(sc, dbg, tmp_path / f"{name}.toml")
    assert_same_params(dbg.params_values(), Debugger(loaded).params_values())  # the new file starts there
    assert np.array_equal(loaded.data_inputs, sc.data_inputs) and np.array_equal(loaded.data_targets, sc.data_targets)
    assert loaded.data_inputs.tobytes() == sc.data_inputs.tobytes()
    # a shuffled minibatch order goes on where it was: epoch 1 of the new file is epoch 3's order
    shuffled = sc.training.mode == "minibatch" and sc.training.shuffle is not None
    assert loaded.training.first_epoch == (3 if shuffled else 1)
    same = dataclasses.replace(loaded.training, first_epoch=sc.training.first_epoch)
    assert same == sc.training and loaded.convention == sc.convention
    assert (loaded.title, loaded.description, loaded.source) == (sc.title, sc.description, sc.source)
    assert [(l.units, l.activation, l.bias) for l in loaded.layers] == [
        (l.units, l.activation, l.bias) for l in sc.layers
    ]
    assert loaded.expectations == ()  # they check the original start: dropped after an update


@pytest.mark.parametrize("name", BUNDLED)
def test_a_continued_run_from_the_saved_file_matches_the_original(name, tmp_path):
    """The point of saving mid-training: epoch 3 of the original is epoch 1 of the saved file."""
    sc = load_scenario(resolve(name))
    dbg = Debugger(sc)
    dbg.run(2)
    loaded = save_and_load(sc, dbg, tmp_path / "x.toml")
    dbg.run(1)
    again = Debugger(loaded)
    again.run(1)
    assert again.epoch_losses[0] == dbg.epoch_losses[2]
    assert_same_params(dbg.params_values(), again.params_values())


@pytest.mark.parametrize("name", BUNDLED)
def test_at_the_start_the_expectations_are_kept_and_still_hold(name, tmp_path):
    sc = load_scenario(resolve(name))
    loaded = save_and_load(sc, Debugger(sc), tmp_path / "x.toml")
    assert len(loaded.expectations) == len(sc.expectations)
    for mine, theirs in zip(loaded.expectations, sc.expectations):
        assert (mine.epoch, mine.sample, mine.after, mine.tolerance) == (
            theirs.epoch,
            theirs.sample,
            theirs.after,
            theirs.tolerance,
        )
        assert all(mine.values[k].tobytes() == theirs.values[k].tobytes() for k in theirs.values)
    assert all(r.ok for r in verify(loaded))


def _scenario(convention: str, bias: bool, weights: list[np.ndarray], biases: list[np.ndarray], title="T") -> Scenario:
    layers = tuple(
        LayerSpec(
            w.shape[1] if convention == "row" else w.shape[0],
            "leaky_relu",
            slope=0.25,
            bias=bias,
            weights=w,
            biases=b if bias else None,
        )
        for w, b in zip(weights, biases)
    )
    return Scenario(
        title=title,
        inputs=3,
        layers=layers,
        data_inputs=np.array([[0.1, -0.0, 5e-324]]),
        data_targets=np.array([[1.0, 2.0]]),
        training=TrainingSpec(learning_rate=0.3, epochs=7),
        convention=convention,
    )


FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64, allow_subnormal=True)


def _matrix(shape):
    return st.lists(FINITE, min_size=shape[0] * shape[1], max_size=shape[0] * shape[1]).map(
        lambda xs: np.array(xs, dtype=np.float64).reshape(shape)
    )


@pytest.mark.parametrize("convention", ["row", "column"])
@pytest.mark.parametrize("bias", [True, False])
@settings(max_examples=25)
@given(data=st.data())
def test_any_finite_float64_parameters_round_trip(convention, bias, data, tmp_path_factory):
    shapes = [(3, 4), (4, 2)] if convention == "row" else [(4, 3), (2, 4)]
    weights = [data.draw(_matrix(s)) for s in shapes]
    biases = [data.draw(_matrix((1, 4))).ravel(), data.draw(_matrix((1, 2))).ravel()]
    sc = _scenario(convention, bias, weights, biases)
    folder = tmp_path_factory.mktemp("rt")
    loaded = load_scenario(save_scenario(sc, folder / "x.toml"))
    for mine, theirs in zip(loaded.layers, sc.layers):
        assert mine.weights.tobytes() == theirs.weights.tobytes() and mine.weights.shape == theirs.weights.shape
        assert (mine.biases is None) == (not bias)
        if bias:
            assert mine.biases.tobytes() == theirs.biases.tobytes()
        assert mine.slope == 0.25
    start = initial_params(loaded)  # the engine's own reading: row convention inside
    for l, w in enumerate(weights):
        expected = w if convention == "row" else w.T
        assert start.W[l].tobytes() == np.ascontiguousarray(expected).tobytes()
    assert loaded.data_inputs.tobytes() == sc.data_inputs.tobytes()


def test_special_floats_are_written_exactly(tmp_path):
    w = np.array(
        [
            [-0.0, 5e-324, 1.7976931348623157e308],
            [0.1 + 0.2, 1e16, -2.2250738585072014e-308],
            [123456789.123456789, -1.0, 1e-300],
        ]
    )
    sc = _scenario("row", False, [w, np.ones((3, 2))], [None, None])
    sc = Scenario(
        **{
            **sc.__dict__,
            "layers": (
                LayerSpec(3, "identity", bias=False, weights=w),
                LayerSpec(2, "identity", bias=False, weights=np.ones((3, 2))),
            ),
        }
    )
    loaded = load_scenario(save_scenario(sc, tmp_path / "x.toml"))
    assert loaded.layers[0].weights.tobytes() == w.tobytes()
    assert np.signbit(loaded.layers[0].weights[0, 0])  # -0.0 stays negative zero


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_round_trip_and_the_file_holds_no_raw_control_characters(title, tmp_path):
    sc = load_scenario(resolve("single_neuron"))
    sc = Scenario(**{**sc.__dict__, "title": title, "description": title + "\n" + title, "source": title})
    path = save_scenario(sc, tmp_path / "x.toml", header=f"from {title}")
    loaded = load_scenario(path)
    assert (loaded.title, loaded.description, loaded.source) == (title, title + "\n" + title, title)
    text = path.read_text(encoding="utf-8")
    assert not any((ord(c) < 0x20 and c != "\n") or ord(c) == 0x7F for c in text)
    assert "\u202e" not in text and "\u2028" not in text and "\x1b" not in text
    assert tomllib.loads(text)["title"] == title


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_toml_string_reads_back_as_the_same_text(text):
    assert tomllib.loads(f"x = {toml_string(text)}")["x"] == text


def test_a_lone_surrogate_is_refused():
    with pytest.raises(SaveError, match="surrogate"):
        toml_string("a\ud800b")


def test_non_finite_parameters_are_refused_and_nothing_is_written(tmp_path):
    sc = load_scenario(resolve("single_neuron"))
    params = Debugger(sc).params_values()
    params["W1"] = np.array([[np.inf]])
    with pytest.raises(SaveError, match="not a finite number"):
        save_scenario(snapshot(sc, params), tmp_path / "x.toml")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_kept_unless_overwrite_is_given(tmp_path):
    sc = load_scenario(resolve("single_neuron"))
    target = tmp_path / "x.toml"
    target.write_text("mine")
    with pytest.raises(SaveError, match="exists"):
        save_scenario(sc, target)
    assert target.read_text() == "mine"
    save_scenario(sc, target, overwrite=True)
    assert load_scenario(target).title == sc.title
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.toml"]  # no temporary file left


def test_a_missing_folder_or_a_folder_as_target_is_refused(tmp_path):
    sc = load_scenario(resolve("single_neuron"))
    with pytest.raises(SaveError, match="does not exist"):
        save_scenario(sc, tmp_path / "nope" / "x.toml")
    (tmp_path / "d.toml").mkdir()
    with pytest.raises(SaveError, match="is a folder"):
        save_scenario(sc, tmp_path / "d.toml", overwrite=True)


def test_a_scenario_too_large_to_write_is_refused(tmp_path, monkeypatch):
    sc = load_scenario(resolve("streetlight"))
    monkeypatch.setattr(writer.s, "MAX_SCENARIO_BYTES", 500)
    with pytest.raises(SaveError, match="too large"):
        save_scenario(sc, tmp_path / "x.toml")
    assert list(tmp_path.iterdir()) == []


def _lesson(tmp_path: Path) -> Path:
    lesson = tmp_path / "lesson"
    lesson.mkdir()
    for name in ("clusters_softmax.toml", "clusters.csv"):
        shutil.copy(bundled_dir() / name, lesson / name)
    return lesson


def test_large_data_from_a_file_is_referenced_relative_to_the_new_file(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "INLINE_DATA_LIMIT", 0)
    lesson = _lesson(tmp_path)
    sc = load_scenario(lesson / "clusters_softmax.toml")
    (lesson / "later").mkdir()
    saved = save_scenario(sc, lesson / "later" / "x.toml")
    doc = tomllib.loads(saved.read_text())
    assert doc["data"] == {"file": "../clusters.csv", "target_columns": 3}
    assert load_scenario(saved).data_inputs.tobytes() == sc.data_inputs.tobytes()


def test_a_data_file_changed_since_loading_is_not_referenced(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "INLINE_DATA_LIMIT", 0)
    lesson = _lesson(tmp_path)
    sc = load_scenario(lesson / "clusters_softmax.toml")
    csv = lesson / "clusters.csv"
    csv.write_text(csv.read_text().replace("-0.41", "-0.42"))
    saved = save_scenario(sc, lesson / "x.toml")
    doc = tomllib.loads(saved.read_text())
    assert "file" not in doc["data"] and len(doc["data"]["inputs"]) == sc.samples
    assert load_scenario(saved).data_inputs.tobytes() == sc.data_inputs.tobytes()


def test_small_data_is_written_inline_so_a_saved_lesson_is_one_file(tmp_path):
    lesson = _lesson(tmp_path)
    saved = save_scenario(load_scenario(lesson / "clusters_softmax.toml"), tmp_path / "x.toml")
    assert "file" not in tomllib.loads(saved.read_text())["data"]


def test_the_header_is_comment_lines_even_with_a_hostile_path(tmp_path):
    sc = load_scenario(resolve("single_neuron"))
    text = dumps(sc, header='from /tmp/evil\ntitle = "x"\x1b[2J\nsecond line')
    head = text.splitlines()[:3]
    assert all(line.startswith("# ") for line in head)
    assert "\x1b" not in text
    assert tomllib.loads(text)["title"] == sc.title


def test_default_name_counts_epochs_and_updates_and_is_a_safe_free_name(tmp_path):
    sc = load_scenario(resolve("streetlight"))
    assert default_name(sc, 0, 4, tmp_path) == "streetlight-epoch0.toml"
    assert default_name(sc, 8, 4, tmp_path) == "streetlight-epoch2.toml"
    assert default_name(sc, 9, 4, tmp_path) == "streetlight-epoch2-update1.toml"
    (tmp_path / "streetlight-epoch2.toml").write_text("")
    assert default_name(sc, 8, 4, tmp_path) == "streetlight-epoch2-2.toml"
    hostile = Scenario(**{**sc.__dict__, "path": Path("/x/\x1b[2J bad\nname!.toml")})
    assert default_name(hostile, 0, 4, tmp_path) == "2J_bad_name-epoch0.toml"
    nameless = Scenario(**{**sc.__dict__, "path": None, "title": "../../etc/passwd"})
    assert "/" not in default_name(nameless, 0, 4, tmp_path)


def test_the_writer_and_the_catalog_never_import_the_ui():
    import subprocess
    import sys

    code = (
        "import sys; import bptui.scenario.writer, bptui.scenario.catalog;"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'plotext', 'aiohttp')]"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "training",
    [
        {"mode": "minibatch", "batch_size": 3, "shuffle": 7, "momentum": 0.9},
        {"mode": "minibatch", "batch_size": 32, "shuffle": None},
        {"mode": "minibatch", "batch_size": 1, "shuffle": 0, "momentum": 0.25},
        {"mode": "online", "batch_size": 3, "shuffle": 5, "momentum": 0.5},  # batch_size/shuffle unused online
    ],
)
def test_minibatch_and_momentum_keys_round_trip(training, tmp_path):
    import dataclasses

    from tests.builders import minibatch_network

    sc = minibatch_network(2, samples=40)
    sc = dataclasses.replace(sc, training=dataclasses.replace(sc.training, **training))
    loaded = load_scenario(save_scenario(snapshot(sc, Debugger(sc).params_values()), tmp_path / "mb.toml"))
    for key, value in training.items():
        if training["mode"] == "minibatch" or key not in ("batch_size", "shuffle"):
            assert getattr(loaded.training, key) == value, key
    a, b = Debugger(sc), Debugger(loaded)
    a.run(2)
    b.run(2)
    assert a.epoch_losses == b.epoch_losses  # the same training, bit for bit
    text = (tmp_path / "mb.toml").read_text()
    assert ("shuffle = false" not in text) and ("batch_size" in text) == (training["mode"] == "minibatch")
