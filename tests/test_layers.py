"""The layers of the codebase and what each may import (docs/architecture.md).

Every import of every module under src/cruscotto is read, also those inside functions: a
layer that reaches a layer above it (the engine importing Django, a document importing the
web application) fails here, with the module and the line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "cruscotto"
FRAMEWORK = ("django", "ninja", "django_tasks", "django_tasks_db", "simple_history", "axes", "django_htmx", "environ")

# What each layer may import besides itself and the standard library / its own libraries.
ALLOWED = {
    "engine": set(),  # pure Python: takes values, returns values
    "files": {"engine"},
    "charts": {"engine"},
    "opendata": {"engine", "files"},
    "documents": {"engine", "files", "charts", "opendata"},
    "demo": {"engine", "files"},  # the demo data, and the synthetic plans built through the files layer
    "cli": {"engine", "files", "documents", "charts", "opendata", "demo", "performance", "framework"},
    "performance": {"engine", "files", "documents", "charts", "opendata", "demo", "framework"},
    "api": {"engine", "files", "documents", "performance", "framework"},
    "web": {"performance", "api", "framework"},
}


def _layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] in FRAMEWORK:
        return "framework"
    if parts[0] != "cruscotto":
        return "library"
    return parts[1] if len(parts) > 1 else "cruscotto"


def _imports(path: Path):
    rel = path.relative_to(SRC.parent).with_suffix("")
    module = ".".join(rel.parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.removesuffix(".__init__").split(".")
                base = base[: len(base) - node.level + 1]
                yield node.lineno, ".".join(base + ([node.module] if node.module else []))
            else:
                yield node.lineno, node.module or ""


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path


def test_every_module_is_in_a_known_layer():
    layers = {_layer(".".join(p.relative_to(SRC.parent).with_suffix("").parts)) for p in _modules()}
    assert layers - {"cruscotto"} <= set(ALLOWED), layers


@pytest.mark.parametrize("path", list(_modules()), ids=lambda p: str(p.relative_to(SRC)))
def test_each_module_imports_only_what_its_layer_may(path):
    own = _layer(".".join(path.relative_to(SRC.parent).with_suffix("").parts))
    if own == "cruscotto":
        return  # the package's __init__
    wrong = []
    for line, target in _imports(path):
        layer = _layer(target)
        if layer in ("library", own):
            continue
        if layer not in ALLOWED[own]:
            wrong.append(f"{path.relative_to(SRC)}:{line} imports {target} ({own} → {layer})")
    assert not wrong, "\n".join(wrong)
