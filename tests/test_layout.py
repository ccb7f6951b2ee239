"""The product's layout rules: retrieval/ never mentions Telegram; bot/ uses only its public API."""

from __future__ import annotations

import ast
from pathlib import Path

import retrieval
from tests.conftest import ROOT


def _imports(folder: Path) -> list[tuple[str, str, int]]:
    """(file, module, line) for every import in the package's modules."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.append((path.name, node.module, node.lineno))
            elif isinstance(node, ast.Import):
                found += [(path.name, alias.name, node.lineno) for alias in node.names]
    return found


def test_retrieval_never_imports_telegram_or_the_bot() -> None:
    wrong = [i for i in _imports(ROOT / "retrieval") if i[1].split(".")[0] in {"telegram", "bot"}]
    assert wrong == []


def test_the_bot_uses_only_the_public_retrieval_api() -> None:
    deep = [i for i in _imports(ROOT / "bot") if i[1].startswith("retrieval.")]
    assert deep == []
    for path in sorted((ROOT / "bot").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "retrieval":
                assert {a.name for a in node.names} <= set(retrieval.__all__), path.name
