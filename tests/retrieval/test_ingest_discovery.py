"""`discover_files`: which files an ingest reads, in a fixed order."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.errors import PathNotFoundError, UnsupportedFileError
from retrieval.ingest import discover_files


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name in [
        "b.txt",
        "a.md",
        "sub/z.JSON",
        "sub/y.jsonl",
        "sub/deeper/x.html",
        "sub/deeper/w.htm",
        "notes.markdown",
        "photo.png",
        "README.TXT",
        ".hidden.txt",
        ".git/config.txt",
        "sub/.cache/c.txt",
    ]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    return tmp_path


def test_folders_expand_recursively_in_sorted_order(tree: Path) -> None:
    found = discover_files([tree])
    assert [p.relative_to(tree).as_posix() for p in found] == [
        "a.md",
        "b.txt",
        "notes.markdown",
        "sub/deeper/w.htm",
        "sub/deeper/x.html",
        "sub/y.jsonl",
        "sub/z.JSON",
    ]


def test_order_is_stable_and_follows_arguments(tree: Path) -> None:
    first = discover_files([tree / "sub", tree / "b.txt"])
    assert first == discover_files([tree / "sub", tree / "b.txt"])
    assert first[-1] == tree / "b.txt"
    assert first[0] == tree / "sub" / "deeper" / "w.htm"


def test_a_file_reached_twice_is_listed_once(tree: Path) -> None:
    found = discover_files([tree / "a.md", tree, str(tree / "a.md")])
    assert found.count(tree / "a.md") == 1
    assert found[0] == tree / "a.md"
    assert len(found) == 7


def test_explicit_files_need_a_supported_suffix(tree: Path) -> None:
    with pytest.raises(UnsupportedFileError, match=r"photo\.png"):
        discover_files([tree / "photo.png"])
    assert discover_files([tree / ".hidden.txt"]) == [tree / ".hidden.txt"]


def test_missing_path_raises(tree: Path) -> None:
    with pytest.raises(PathNotFoundError, match="missing"):
        discover_files([tree / "a.md", tree / "missing"])


def test_empty_folder_gives_nothing(tmp_path: Path) -> None:
    assert discover_files([tmp_path]) == []
