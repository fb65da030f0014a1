"""The house rules a machine can check (ARCHITECTURE.md): imports point down the layers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OUR_PACKAGES = {"clinical", "db", "services", "components", "pages", "dashboard", "manage"}

# layer -> what it must never import
FORBIDDEN = {
    "clinical": OUR_PACKAGES - {"clinical"} | {"streamlit", "sqlalchemy", "alembic", "psycopg"},
    "db": {"streamlit", "services", "components", "pages", "dashboard", "manage"},
    "services": {"streamlit", "components", "pages", "dashboard", "manage"},
    "components": {"db", "sqlalchemy", "pages", "dashboard", "manage"},
    "pages": {"db", "sqlalchemy", "dashboard", "manage"},
}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def _modules(layer: str) -> list[Path]:
    return sorted((REPO / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_down(layer: str) -> None:
    """No module imports a layer above it (or a framework its layer must not know)."""
    offences = [
        f"{path.relative_to(REPO)} imports {name}"
        for path in _modules(layer)
        for name in sorted(_imported_roots(path) & FORBIDDEN[layer])
    ]
    assert offences == []


def test_no_raw_html_anywhere() -> None:
    """User text is never rendered as HTML: no `unsafe_allow_html=True` outside tests."""
    offenders = [
        str(path.relative_to(REPO))
        for layer in ("components", "pages", "services")
        for path in _modules(layer)
        if "unsafe_allow_html=True" in path.read_text(encoding="utf-8").replace(" ", "")
    ]
    offenders += (
        ["dashboard.py"] if "unsafe_allow_html=True" in (REPO / "dashboard.py").read_text().replace(" ", "") else []
    )
    assert offenders == []


def test_no_shared_cache_of_patient_data() -> None:
    """`st.cache_data` is never used where patient records live (services, db)."""
    offenders = [
        str(path.relative_to(REPO))
        for layer in ("services", "db", "components", "pages")
        for path in _modules(layer)
        if "cache_data" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
