"""No code path updates or deletes audit rows or flag history (issue 12: tamper-evident audit).

The database refuses such statements itself (migration 0002, tested in
tests/integration/test_audit_and_backup.py); this test keeps the code from ever trying,
by reading every product module: ORM `update()`/`delete()` on the history models,
`session.delete(…)`, attribute writes on loaded history rows, and raw SQL.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRODUCT_FOLDERS = ("clinical", "db", "services", "components", "pages", "benchmarks")
PRODUCT_FILES = ("dashboard.py", "manage.py")
# Migrations create and (on downgrade) drop the triggers that guard history; they are the
# only place allowed to name these tables in DDL.
EXCLUDED = ("db/migrations/versions",)
HISTORY_MODELS = {"AuditEvent", "FlagTransition"}
HISTORY_TABLES = ("audit_log", "flag_transitions")
RAW_SQL = re.compile(
    r"\b(UPDATE|DELETE\s+FROM|TRUNCATE(\s+TABLE)?|DROP\s+TABLE(\s+IF\s+EXISTS)?|DROP\s+TRIGGER(\s+IF\s+EXISTS)?"
    r"|ALTER\s+TABLE|REPLACE\s+INTO|INSERT\s+OR\s+REPLACE\s+INTO)\s+(\{\}|\w+\.)?[\"'`]?(audit_log|flag_transitions)",
    re.IGNORECASE,
)


def product_modules() -> list[Path]:
    paths = [REPO / name for name in PRODUCT_FILES]
    for folder in PRODUCT_FOLDERS:
        paths += sorted((REPO / folder).rglob("*.py"))
    return [p for p in paths if p.exists() and not any(str(p.relative_to(REPO)).startswith(e) for e in EXCLUDED)]


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _name(node: ast.AST) -> str:
    """`AuditEvent` for `AuditEvent`, `models.AuditEvent`, `AuditEvent.__table__`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr if node.attr in HISTORY_MODELS else _name(node.value)
    return ""


def orm_writes_to_history(tree: ast.Module) -> list[int]:
    """Lines with `update(AuditEvent…)`, `delete(FlagTransition…)` or `AuditEvent.__table__.delete()`."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if called not in {"update", "delete"}:
            continue
        on_model = isinstance(func, ast.Name) and bool(node.args) and _name(node.args[0]) in HISTORY_MODELS
        on_table = isinstance(func, ast.Attribute) and _name(func.value) in HISTORY_MODELS
        if on_model or on_table:
            lines.append(node.lineno)
    return lines


def session_deletes(tree: ast.Module) -> list[int]:
    """Lines calling `<something>.delete(x)` on a session (`session.delete`, `uow.session.delete`, `s.delete`)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "delete":
            receiver = ast.unparse(node.func.value).lower()
            if "session" in receiver or receiver in {"s", "uow"}:
                lines.append(node.lineno)
    return lines


def history_rows_written(tree: ast.Module) -> list[int]:
    """Lines assigning to an attribute of a variable bound to a loaded history row.

    A variable counts as a history row when it is bound from a query naming a history model
    (`row = session.get(AuditEvent, …)`, `for row in session.scalars(select(AuditEvent))`)
    or annotated with one (`row: AuditEvent`).
    """
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.For) and _mentions_history_query(
            node.value if isinstance(node, ast.Assign) else node.iter
        ):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            names = {n.id for n in ast.walk(node.annotation) if isinstance(n, ast.Name)}
            target = node.arg if isinstance(node, ast.arg) else getattr(node.target, "id", "")
            if names & HISTORY_MODELS and target:
                bound.add(target)
    lines = []
    for node in ast.walk(tree):
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []
        )
        for target in targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in bound:
                lines.append(node.lineno)
    return lines


def _mentions_history_query(node: ast.AST) -> bool:
    calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
    queried = any(
        isinstance(c.func, ast.Attribute) and c.func.attr in {"get", "scalar", "scalars", "execute", "merge"}
        for c in calls
    )
    return queried and any(isinstance(n, ast.Name) and n.id in HISTORY_MODELS for n in ast.walk(node))


def raw_sql_on_history(tree: ast.Module) -> list[tuple[int, str]]:
    """String literals that would change or drop a history table (or its guarding triggers)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and RAW_SQL.search(node.value):
            found.append((node.lineno, node.value.strip()[:80]))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            if RAW_SQL.search(text):
                found.append((node.lineno, text.strip()[:80]))
    return found


def _offences(check: object) -> list[str]:
    offences = []
    for path in product_modules():
        for hit in check(_tree(path)):  # type: ignore[operator]
            offences.append(f"{path.relative_to(REPO)}:{hit}")
    return offences


def test_the_scan_covers_the_product() -> None:
    """The scan reads the audit module, the flag service and the pages (so an empty result means something)."""
    scanned = {str(p.relative_to(REPO)) for p in product_modules()}
    assert {"db/audit.py", "services/flags.py", "dashboard.py", "manage.py"} <= scanned


def test_no_orm_update_or_delete_of_history_rows() -> None:
    """No `update(AuditEvent)`, `delete(AuditEvent)` or their FlagTransition / `__table__` forms."""
    assert _offences(orm_writes_to_history) == []


def test_no_session_delete_in_product_code() -> None:
    """Nothing calls `session.delete(…)`: records, audit rows and flag history are never deleted."""
    assert _offences(session_deletes) == []


def test_no_loaded_history_row_is_modified() -> None:
    """No code assigns to a field of an audit row or flag transition it loaded."""
    assert _offences(history_rows_written) == []


def test_no_raw_sql_changes_history_tables() -> None:
    """No SQL string in product code updates, deletes, truncates, alters or drops `audit_log`/`flag_transitions`."""
    assert _offences(raw_sql_on_history) == []


@pytest.mark.parametrize(
    "source",
    [
        "session.execute(update(AuditEvent).values(actor='x'))",
        "session.execute(delete(models.FlagTransition))",
        "conn.execute(AuditEvent.__table__.delete())",
        "uow.session.delete(row)",
        "row = session.get(AuditEvent, 1)\nrow.actor = 'someone else'",
        "for row in session.scalars(select(AuditEvent)):\n    row.detail = None",
        "def f(row: AuditEvent) -> None:\n    row.outcome = 'success'",
        "conn.exec_driver_sql('DELETE FROM audit_log WHERE id = 3')",
        "text('update  \"audit_log\" set actor = :a')",
        "text(f'TRUNCATE TABLE {schema}flag_transitions')",
        "text('DROP TRIGGER IF EXISTS audit_log_no_update')",
    ],
)
def test_the_scan_catches_each_kind_of_write(source: str) -> None:
    """Each pattern the scan looks for is found when planted (the scan is not blind)."""
    tree = ast.parse(source)
    checks = (orm_writes_to_history, session_deletes, history_rows_written, raw_sql_on_history)
    assert any(check(tree) for check in checks)


def test_the_scan_lets_appends_and_reads_through() -> None:
    """Appending and reading history is not mistaken for changing it."""
    source = (
        "prev = session.scalar(select(AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1))\n"
        "row = AuditEvent(actor='a', event='e')\nrow.prev_hash = prev\nsession.add(row)\n"
        "text(\"UPDATE meta SET value = value WHERE key = 'audit_chain'\")\n"
        "session.execute(select(FlagTransition).where(FlagTransition.flag_id == 3))\n"
    )
    tree = ast.parse(source)
    checks = (orm_writes_to_history, session_deletes, history_rows_written, raw_sql_on_history)
    assert [check(tree) for check in checks] == [[], [], [], []]
