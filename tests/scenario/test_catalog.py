"""The open picker's list (issue 9): bundled scenarios, then the folder's *.toml files, read from their heads."""

from __future__ import annotations

import os

import pytest

from bptui.scenario import bundled, bundled_dir
from bptui.scenario import catalog as cat
from bptui.scenario.catalog import catalog, read_head


def test_bundled_first_then_the_folder_sorted_and_only_regular_toml_files(tmp_path):
    (tmp_path / "b.toml").write_text('title = "B"\ndescription = "bee"\n[network]\n')
    (tmp_path / "a.toml").write_text('title = "A"\n')
    (tmp_path / "c.txt").write_text('title = "C"\n')
    (tmp_path / "d.toml").mkdir()
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.toml")  # opening it would block: never read
    entries, left_out = catalog(tmp_path)
    names = [e.name for e in entries]
    assert names == [n for n, _ in bundled()] + ["a.toml", "b.toml"] and left_out == 0
    assert all(e.bundled for e in entries[: len(bundled())]) and not entries[-1].bundled
    assert (entries[-1].title, entries[-1].description, entries[-1].note) == ("B", "bee", "")
    by_name = {e.name: e for e in entries}
    assert by_name["xor"].title == "XOR in batch mode" and by_name["xor"].path == bundled_dir() / "xor.toml"


def test_what_is_wrong_with_a_file_is_noted(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "broken.toml").write_text('title = "unclosed\n')
    (tmp_path / "empty-title.toml").write_text('title = "  "\n')
    (tmp_path / "latin1.toml").write_bytes('title = "caf\xe9"\n'.encode("latin-1"))
    notes = {e.name: e.note for e in catalog(tmp_path)[0] if not e.bundled}
    assert notes["pyproject.toml"] == "no title: probably not a scenario"
    assert notes["broken.toml"] == "its first lines are not valid TOML"
    assert notes["empty-title.toml"] == "no title: probably not a scenario"
    assert notes["latin1.toml"] == ""  # shown with a replacement character; the loader refuses it on open


def test_a_description_with_a_bracket_line_is_read_whole(tmp_path):
    (tmp_path / "x.toml").write_text('title = "T"\ndescription = """\n[not a table]\nmore"""\n[network]\ninputs = 1\n')
    assert read_head(tmp_path / "x.toml") == ("T", "[not a table]\nmore", "")


def test_only_the_head_of_a_large_file_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(cat, "HEAD_BYTES", 64)
    big = tmp_path / "big.toml"
    big.write_text('title = "Big"\n[data]\ninputs = [' + "1.0, " * 10_000 + "]\n")
    assert read_head(big) == ("Big", "", "")


def test_a_folder_with_many_files_is_listed_in_part(tmp_path, monkeypatch):
    monkeypatch.setattr(cat, "MAX_FILES", 3)
    for i in range(5):
        (tmp_path / f"f{i}.toml").write_text(f'title = "F{i}"\n')
    entries, left_out = catalog(tmp_path)
    assert [e.name for e in entries if not e.bundled] == ["f0.toml", "f1.toml", "f2.toml"] and left_out == 2


def test_the_bundled_folder_as_current_folder_lists_each_file_once():
    entries, _ = catalog(bundled_dir())
    assert [e.name for e in entries] == [n for n, _ in bundled()]


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root reads any file")
def test_an_unreadable_file_says_so(tmp_path):
    f = tmp_path / "locked.toml"
    f.write_text('title = "L"\n')
    f.chmod(0)
    assert read_head(f)[2].startswith("cannot be read")
