"""The layers of ARCHITECTURE.md hold (issue 11, finding 7): the import-linter contract in
pyproject.toml is kept, and it names every module, so none escapes it."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

# Touches no database: runs in the SQLite run only (conftest.py, engine_free).
pytestmark = pytest.mark.engine_free

ROOT = Path(__file__).resolve().parents[2]


def _layers() -> list[set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["id"] == "layers"]
    return [{name.strip().strip("()") for name in re.split(r"[|:]", layer)}
            for layer in contract["layers"]]


def test_the_layer_contract_is_kept():
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_every_module_is_in_a_layer():
    named = set().union(*_layers())
    missing = []
    for path in sorted((ROOT / "stofrum").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "tests" in parts or "migrations" in parts or parts[-1] == "__init__":
            continue
        dotted = [".".join(parts[:i]) for i in range(2, len(parts) + 1)]
        if not named.intersection(dotted):
            missing.append(".".join(parts))
    assert missing == []
