"""The dependency rule: the engine imports no platform, no composition root, no environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_ENGINE = (
    "adapters",
    "bot",
    "slack_bolt",
    "slack_sdk",
    "discord",
    "apscheduler",
    "aiohttp",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


ENGINE_FILES = sorted((ROOT / "briefs").rglob("*.py"))


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_module_imports_no_platform_or_root(path: Path) -> None:
    """briefs/ never imports adapters/, bot/ or a chat SDK."""
    assert not _imports(path) & set(FORBIDDEN_IN_ENGINE)


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_module_reads_no_environment(path: Path) -> None:
    """briefs/ takes configuration as parameters; it never reads os.environ or getenv."""
    text = path.read_text("utf-8")
    assert "os.environ" not in text and "getenv" not in text


@pytest.mark.parametrize("path", sorted((ROOT / "adapters").rglob("*.py")), ids=str)
def test_adapters_never_import_the_composition_root(path: Path) -> None:
    """adapters/ import the engine, never bot/."""
    assert "bot" not in _imports(path)
