"""The dependency rule from DESIGN.md, checked on every import statement in the tree."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORKS = {"telegram", "fastapi", "starlette", "apscheduler", "uvicorn"}
LAYERS = {"core", "bot", "webhooks", "admin_web", "sandbox", "trustpay"}
# What each layer may import from the others (core may import none of them).
ALLOWED = {
    "core": set(),
    "bot": {"core"},
    "webhooks": {"core"},
    "admin_web": {"core"},
    "sandbox": {"core"},
    "trustpay": LAYERS,
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def modules(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


@pytest.mark.parametrize("path", modules("core"), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_imports_no_web_bot_or_scheduler_framework(path: Path) -> None:
    assert imports_of(path) & FRAMEWORKS == set()


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layers_import_only_what_the_design_allows(layer: str) -> None:
    for path in modules(layer):
        forbidden = (imports_of(path) & LAYERS) - ALLOWED[layer] - {layer}
        assert forbidden == set(), f"{path.relative_to(ROOT)} imports {sorted(forbidden)}"


def test_the_rule_catches_a_violation(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from fastapi import FastAPI\nimport telegram.ext\nfrom . import sibling\n")
    assert imports_of(sample) == {"fastapi", "telegram"}
