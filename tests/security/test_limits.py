"""Memory and time bombs in scenario and data files are refused before the work, with one line.

Issue 12: an 80 KB dotted key took tomllib to 3 GB; 2,000,000 inline rows used 1-2 GB before
their refusal; a .npy header declaring 2 GB was read whole by numpy, whose refusal advised
``allow_pickle=True``; an .npz of a million members and a CSV of commas took gigabytes; batch
mode asked for 6 GiB; an ``[[expect]]`` at epoch 10,000,000 ran for minutes. Each class has a
test here; the worst files are also run in a subprocess that reports its peak memory.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from bptui.scenario import ScenarioError, load_scenario, parse_scenario

from ..builders import scenario_toml

HEAD = scenario_toml(title="bomb", data=None)
DATA = "[data]\ninputs = [[1.0]]\ntargets = [[1.0]]\n"


def refused(text: str, match: str, tmp_path: Path | None = None) -> ScenarioError:
    path = (tmp_path or Path("/nonexistent")) / "bomb.toml"
    with pytest.raises(ScenarioError, match=match) as info:
        parse_scenario(text, path)
    assert "\n" not in str(info.value)
    return info.value


# --- the TOML text -------------------------------------------------------------------------------


def test_long_dotted_key_and_header() -> None:
    err = refused(HEAD + DATA + "a" + ".a" * 40_000 + " = 1\n", "dotted key or table header has more than 8 parts")
    assert err.line == 12
    refused(HEAD + DATA + "[" + "a." * 40_000 + "a]\n", "more than 8 parts")
    parse_scenario(HEAD + DATA + "[data.x]\n".replace("[data.x]\n", ""), Path("ok.toml"))


def test_long_keys() -> None:
    refused(HEAD + DATA + "k" * 300 + " = 1\n", "a key is longer than 256 characters")
    refused(HEAD + DATA + '"' + "k" * 300 + '" = 1\n', "a key is longer than 256 characters")


def test_nesting() -> None:
    refused(HEAD + DATA + "x = " + "[" * 100_000 + "]" * 100_000 + "\n", "nested more than 8 deep")
    refused(HEAD + DATA + "x = " + "{a = " * 20 + "1" + "}" * 20 + "\n", "nested more than 8 deep")


def test_counts_of_arrays_values_keys() -> None:
    refused(HEAD + "[data]\ninputs = [" + "[1]," * 600_000 + "]\ntargets = [[1]]\n", "more than 500,000 arrays")
    refused(HEAD + "[data]\ninputs = [[" + "1," * 1_100_000 + "]]\ntargets = [[1]]\n", "more than 1,000,000 values")
    refused(HEAD + DATA + "".join(f"k{i} = 1\n" for i in range(260_000)), "more than 250,000 keys")
    refused(HEAD + DATA + "# c\n" * 110_000, "more than 100,000 strings and comments")


def test_strings_and_comments_do_not_count() -> None:
    """Brackets, dots, = and # inside strings and comments are text: a valid file passes the scan."""
    text = HEAD.replace('title = "bomb"', 'title = "a.b.c.d.e.f.g.h.i.j [[[[[[[[[[ {{{{{{{{{ = = # k"') + DATA
    text += (
        '[[expect]]\nafter = "loss"  # [[[[[[[[[[[[ a.b.c.d.e.f.g.h.i.j\nloss = 0\ntolerance = 10\n# ' + "[" * 50 + "\n"
    )
    text = text.replace(
        "[network]",
        'description = """x \\""" [[[[[[[[[[[[[ "" a.b.c.d.e.f.g.h.i.j"""\n'
        "source = '''[[[[[[[[[[[[[ a.b.c.d.e.f.g.h.i.j''''\n[network]",
    )
    sc = parse_scenario(text, Path("ok.toml"))
    assert sc.title.startswith("a.b.c.d") and sc.source.endswith("j'") and "[[[[[" in sc.description


def test_messages_about_elements_of_huge_arrays_keep_their_line() -> None:
    rows = ",\n".join(["[1.0]"] * 150_000 + ["[1.0, 2.0]"])
    err = refused(HEAD + f"[data]\ninputs = [\n{rows}\n]\ntargets = [[1.0]]\n", r"data.inputs\[150001\] has 2")
    assert err.line == 11 + 150_000  # [data] on line 9, inputs = [ on 10, one row a line


# --- data files ----------------------------------------------------------------------------------


def npz_scenario(tmp_path: Path, build) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        build(archive)
    (tmp_path / "d.npz").write_bytes(buffer.getvalue())
    path = tmp_path / "s.toml"
    path.write_text(HEAD + '[data]\nfile = "d.npz"\n')
    return path


def npy(array: np.ndarray) -> bytes:
    out = io.BytesIO()
    np.save(out, array)
    return out.getvalue()


def test_npz_with_too_many_members(tmp_path: Path) -> None:
    def build(archive: zipfile.ZipFile) -> None:
        archive.writestr("inputs.npy", npy(np.ones((2, 1))))
        archive.writestr("targets.npy", npy(np.ones((2, 1))))
        for i in range(100):
            archive.writestr(f"extra{i}.npy", b"")

    with pytest.raises(ScenarioError, match="holds 102 arrays, more than the limit of 64"):
        load_scenario(npz_scenario(tmp_path, build))


def test_npy_header_length_is_bounded_and_never_advises_pickles(tmp_path: Path) -> None:
    def build(archive: zipfile.ZipFile) -> None:
        archive.writestr("inputs.npy", b"\x93NUMPY\x02\x00" + struct.pack("<I", 2**31) + b" " * 20_000)
        archive.writestr("targets.npy", npy(np.ones((2, 1))))

    with pytest.raises(ScenarioError) as info:
        load_scenario(npz_scenario(tmp_path, build))
    text = str(info.value)
    assert "a header of 2,147,483,648 bytes, more than the limit of 4,096" in text
    assert "pickle" not in text and "\n" not in text


@pytest.mark.parametrize(
    "array,match",
    [
        (np.array([[1], [2]], dtype=object), "must hold numbers"),
        (np.array([["a"], ["b"]]), "must hold numbers"),
        (np.ones((2, 1), dtype=np.complex128), "must hold numbers"),
        (np.ones((2, 1, 1)), "must be 2-D"),
    ],
)
def test_npy_dtypes_and_shapes(tmp_path: Path, array: np.ndarray, match: str) -> None:
    def build(archive: zipfile.ZipFile) -> None:
        archive.writestr("inputs.npy", npy(array) if array.dtype != object else _object_npy())
        archive.writestr("targets.npy", npy(np.ones((2, 1))))

    with pytest.raises(ScenarioError, match=match):
        load_scenario(npz_scenario(tmp_path, build))


def _object_npy() -> bytes:
    out = io.BytesIO()
    np.save(out, np.array([[1], [2]], dtype=object), allow_pickle=True)
    return out.getvalue()


@pytest.mark.parametrize(
    "dtype,fortran", [(np.float64, False), (np.float32, True), (np.int16, False), (np.uint8, True), (np.bool_, False)]
)
def test_npz_read_by_bptui_equals_numpy(tmp_path: Path, dtype, fortran: bool) -> None:
    X = (np.arange(6).reshape(3, 2) % 2 if dtype == np.bool_ else np.arange(6).reshape(3, 2)).astype(dtype)
    X = np.asfortranarray(X) if fortran else X
    np.savez(tmp_path / "d.npz", inputs=X, targets=np.array([[0.5], [1.5], [2.5]]))
    path = tmp_path / "s.toml"
    path.write_text(HEAD.replace("inputs = 1", "inputs = 2") + '[data]\nfile = "d.npz"\n')
    sc = load_scenario(path)
    assert np.array_equal(sc.data_inputs, X.astype(np.float64)) and sc.data_inputs.flags.writeable
    assert sc.data_targets.tolist() == [[0.5], [1.5], [2.5]]


def test_truncated_npy_data(tmp_path: Path) -> None:
    def build(archive: zipfile.ZipFile) -> None:
        archive.writestr("inputs.npy", npy(np.ones((3, 1)))[:-8])
        archive.writestr("targets.npy", npy(np.ones((3, 1))))

    with pytest.raises(ScenarioError, match="truncated"):
        load_scenario(npz_scenario(tmp_path, build))


def csv_scenario(tmp_path: Path, text: str, inputs: int = 1) -> Path:
    (tmp_path / "d.csv").write_text(text, encoding="utf-8")
    path = tmp_path / "s.toml"
    path.write_text(HEAD.replace("inputs = 1", f"inputs = {inputs}") + '[data]\nfile = "d.csv"\n')
    return path


def test_csv_of_commas(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"d.csv:1: this line is longer than 1,048,576 characters"):
        load_scenario(csv_scenario(tmp_path, "," * 3_000_000))
    with pytest.raises(ScenarioError, match=r"d.csv:2: this row has 900,001 columns, but each row needs 2"):
        load_scenario(csv_scenario(tmp_path, "1,2\n" + "," * 900_000 + "\n"))


def test_csv_of_empty_rows_is_refused_early(tmp_path: Path) -> None:
    """Rows of commas within the size limit (tens of millions of them) stop after MAX_BLANK_ROWS,
    at the row that passed it; blank rows between samples are still allowed."""
    from bptui.scenario.limits import MAX_BLANK_ROWS

    rows = ",\n" * (MAX_BLANK_ROWS + 5) + "1,2\n"
    with pytest.raises(ScenarioError, match=rf"d.csv:{MAX_BLANK_ROWS + 2}: has more than 10,000 empty rows"):
        load_scenario(csv_scenario(tmp_path, "x,y\n" + rows))
    gaps = "1,2\n" + (" , \n\n" + '"",""\n') * (MAX_BLANK_ROWS // 3) + "3,4\n"
    sc = load_scenario(csv_scenario(tmp_path, gaps))
    assert sc.data_inputs.ravel().tolist() == [1.0, 3.0]
    assert sc.data_targets.ravel().tolist() == [2.0, 4.0]


@pytest.mark.parametrize("cell", ["١٢", "１", "1_000", "0x10", "1e", "--1", "1.2.3", "½", "1 000", "e5"])
def test_csv_numbers_are_what_toml_reads(tmp_path: Path, cell: str) -> None:
    with pytest.raises(ScenarioError, match=r"d.csv:2: column 1 is .*which is not a number"):
        load_scenario(csv_scenario(tmp_path, f"1,2\n{cell},2\n"))


def test_csv_number_forms_accepted(tmp_path: Path) -> None:
    sc = load_scenario(csv_scenario(tmp_path, "x,y\n1e3, -.5\n+2.,\t7E-1\n 3 ,0.25\n"))
    assert sc.data_inputs.ravel().tolist() == [1000.0, 2.0, 3.0]
    assert sc.data_targets.ravel().tolist() == [-0.5, 0.7, 0.25]
    with pytest.raises(ScenarioError, match="column 2 is 'inf'; only finite numbers"):
        load_scenario(csv_scenario(tmp_path, "1,inf\n"))


# --- work and memory of a run --------------------------------------------------------------------


def test_batch_activations_are_bounded(tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text("1,1\n" * 3_000)
    text = HEAD.replace("units = 1\n", "units = 4096\n").replace('"identity"', '"relu"', 1)
    text = text.replace("[training]", '[[network.layers]]\nunits = 1\nactivation = "identity"\n[training]')
    text += 'mode = "batch"\nepochs = 1\n[data]\nfile = "rows.csv"\n'
    err = refused(text, r'mode = "batch" holds every sample\'s values at once: 3,000 samples × 4,098 units', tmp_path)
    assert err.line == text.split("\n").index('mode = "batch"') + 1
    parse_scenario(text.replace('mode = "batch"', 'mode = "online"'), tmp_path / "bomb.toml")


def test_expect_at_a_far_epoch(tmp_path: Path) -> None:
    text = HEAD + DATA + '[[expect]]\nepoch = 10000000\nafter = "loss"\nloss = 0\n'
    err = refused(
        text,
        r"expect\[1\].epoch is 10,000,000, more work than the limit allows for 1 sample and "
        r"2 parameters",
    )
    from bptui.scenario import limits

    fit = limits.MAX_WORK // limits.work(1, 1, 2, False)
    assert f"check an epoch up to {fit:,}" in str(err) and err.line == 13
    assert parse_scenario(text.replace("10000000", str(fit)), Path("ok.toml")).expectations[0].epoch == fit


def test_epochs_within_the_work_limit() -> None:
    rows = ",".join(["[1.0]"] * 1000)
    text = HEAD.replace("units = 1\n", "units = 1000\n") + f"[data]\ninputs = [{rows}]\ntargets = [{rows}]\n"
    text = text.replace(
        "[training]",
        '[[network.layers]]\nunits = 1000\nactivation = "identity"\n'
        '[[network.layers]]\nunits = 1\nactivation = "identity"\n[training]',
    )
    from bptui.scenario import limits

    parameters = 1000 * 2 + 1000 * 1001 + 1001
    fit = limits.MAX_WORK // limits.work(1, 1000, parameters, False)
    assert 1 < fit < 100
    assert parse_scenario(text, Path("ok.toml")).training.epochs == fit  # the default 100 shrinks to fit
    explicit = text.replace("learning_rate = 0.1\n", "learning_rate = 0.1\nepochs = {}\n")
    refused(explicit.format(100), rf"training.epochs is 100, more work .* at most {fit} epochs fit")
    assert parse_scenario(explicit.format(fit), Path("ok.toml")).training.epochs == fit


# --- peak memory of the worst refused files, each in its own process -----------------------------

MEASURE = (  # VmHWM is this process's own peak; ru_maxrss would count the parent it was forked from
    "import re, resource, sys\n"
    "from bptui.cli import main\n"
    "status = main(['check', sys.argv[1]])\n"
    "try:\n"
    "    peak = int(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read()).group(1)) // 1024\n"
    "except OSError:\n"
    "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024\n"
    "print(status, peak)\n"
)


def worst_files(folder: Path) -> dict[str, Path]:
    files = {
        "dotted key 80 KB": HEAD + DATA + "a" + ".a" * 40_000 + " = 1\n",
        "2,000,000 inline rows": HEAD + "[data]\ninputs = [" + "[1]," * 2_000_000 + "]\ntargets = [[1]]\n",
        "4,000,000 inline numbers": HEAD + "[data]\ninputs = [[" + "1.5," * 4_000_000 + "]]\ntargets = [[1]]\n",
        "64 MB CSV of commas": HEAD + '[data]\nfile = "commas.csv"\n',
        "5 MB strings and blanks, then an error": HEAD.replace('"bomb"', '"' + "é" * 5_000_000 + '"')
        + "\n" * 5_000_000
        + DATA.replace("[[1.0]]", "[[1.0, 2.0]]", 1),
        "a CSV cell of 500,000 digits and an x": HEAD + '[data]\nfile = "digits.csv"\n',
    }
    (folder / "digits.csv").write_text("1,2\n" + "1" * 500_000 + "x,2\n")
    (folder / "commas.csv").write_text(("," * 1_000_000 + "\n") * 64)
    assert tuple(files) == WORST
    paths = {}
    for n, (name, text) in enumerate(files.items()):
        paths[name] = folder / f"worst{n}.toml"
        paths[name].write_text(text)
    return paths


WORST = (
    "dotted key 80 KB",
    "2,000,000 inline rows",
    "4,000,000 inline numbers",
    "64 MB CSV of commas",
    "5 MB strings and blanks, then an error",
    "a CSV cell of 500,000 digits and an x",
)


@pytest.fixture(scope="module")
def worst(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The files, written once for all the cases (one is 64 MB)."""
    return worst_files(tmp_path_factory.mktemp("worst"))


@pytest.mark.parametrize("name", WORST)
def test_peak_memory_of_the_worst_refused_files(worst: dict[str, Path], name: str) -> None:
    """Each refused in one line, with a peak resident size far below the gigabytes of issue 12
    (one process each: cases run side by side under ``pytest -n``)."""
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, str(worst[name])], capture_output=True, text=True, timeout=300, check=False
    )
    status, peak_mb = run.stdout.split()
    assert status == "2" and run.stderr.count("\n") == 1, (name, run.stderr[-500:])
    print(json.dumps({name: int(peak_mb)}))
    assert int(peak_mb) < 250, (name, peak_mb)
