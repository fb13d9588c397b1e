"""Compile the Vyper contracts into their committed JSON build outputs.

    python -m contracts.build          # rewrite contracts/AuditAnchor.json
    python -m contracts.build --check  # exit 1 if the committed output is stale

The output is deterministic (sorted keys, fixed indent), so a fresh compile of unchanged
sources reproduces the committed file byte for byte.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import vyper

HERE = Path(__file__).resolve().parent
CONTRACTS = ("AuditAnchor",)


def compile_contract(source: Path) -> dict[str, Any]:
    """{"vyper_version", "abi", "bytecode"} for one Vyper source file."""
    output = vyper.compile_code(
        source.read_text(encoding="utf-8"), output_formats=["abi", "bytecode"]
    )
    return {
        "vyper_version": vyper.__version__,
        "abi": output["abi"],
        "bytecode": output["bytecode"],
    }


def render(artifact: dict[str, Any]) -> str:
    return json.dumps(artifact, indent=2, sort_keys=True) + "\n"


def build(check: bool = False) -> list[str]:
    """Write (or with `check`, only compare) every output; returns the names that differed."""
    stale = []
    for name in CONTRACTS:
        text = render(compile_contract(HERE / f"{name}.vy"))
        target = HERE / f"{name}.json"
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not check:
            target.write_text(text, encoding="utf-8")
    return stale


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = build(check=check)
    for name in stale:
        print(f"{name}.json {'is stale' if check else 'written'}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
