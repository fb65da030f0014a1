"""Fuzzed CSV imports: every broken file set is refused cleanly, with locations, and changes nothing.

Each case starts from the clinic's valid files (already imported, so the database holds
records to conflict with), applies some harmless changes (column order, header case,
line endings, a BOM, blank and repeated rows, huge notes, dropped files) and at least one
change that must break the run (wrong types, missing/extra columns, ragged rows, odd
encodings, NUL bytes, huge values, dangling references, conflicting duplicates…), and
runs the real import service on a real database. The run must end in a report — never an
exception — that refuses the import, names a location (file and row) for every problem and
the file/row each breaking change hit, and leaves every table exactly as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from db.engine import make_engine
from services.imports import ImportReport, import_paths
from tests.integration.dumps import describe_difference, logical_dump

REPO = Path(__file__).resolve().parents[2]
CLINIC = REPO / "tests" / "data" / "csv" / "clinic"
NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
# Bounded so the suite stays fast; KAP_FUZZ_EXAMPLES=2000 runs a long session locally.
EXAMPLES = {"sqlite": 150, "postgresql": 40}
EXAMPLES_OVERRIDE = int(os.environ.get("KAP_FUZZ_EXAMPLES", "0"))

# Columns whose cells are parsed (dates, numbers, choices, usernames): any token below is wrong there.
TYPED = {
    "clinicians": ["username", "role", "supervisor"],
    "patients": ["birth_date", "therapist", "status", "enrolled_on", "planned_doses"],
    "sessions": ["started_at", "kind", "clinician", "route", "dose_mg", "bp_pre_sys", "heart_rate", "spo2_min"],
    "assessments": ["administered_at", "instrument", "total", "item_1", "item_9"],
    "notes": ["written_at", "kind", "author", "session_at"],
}
REQUIRED = {
    "clinicians": ["username", "display_name", "role"],
    "patients": ["patient_id", "first_name", "last_name", "birth_date", "therapist", "status"],
    "sessions": ["patient_id", "started_at", "kind", "clinician"],
    "assessments": ["patient_id", "administered_at", "instrument"],
    "notes": ["patient_id", "written_at", "kind", "author", "text"],
}
REFERENCES = {
    "clinicians": ["supervisor"],
    "patients": ["therapist"],
    "sessions": ["patient_id", "clinician"],
    "assessments": ["patient_id"],
    "notes": ["patient_id", "author"],
}
NUMBERS = {
    "patients": ["planned_doses"],
    "sessions": ["dose_mg", "bp_pre_sys", "bp_post_dia", "heart_rate", "spo2_min", "cadss"],
    "assessments": ["total", "item_1", "item_9"],
}
# A value that differs from the stored one but is valid: the row then conflicts with the database.
EDITABLE = {"clinicians": "display_name", "patients": "first_name", "notes": "text"}


def _word(alphabet: str, min_size: int, max_size: int) -> st.SearchStrategy[str]:
    # Characters drawn as list positions: hypothesis 6's shrinker trips over alphabets of st.text here.
    return st.lists(st.sampled_from(alphabet), min_size=min_size, max_size=max_size).map("".join)


# NUL bytes make a whole file binary; they have a change of their own (`nul_byte`).
TEXT = st.text(st.characters(blacklist_characters="\x00"), min_size=0, max_size=20)
# Wrong in every typed column: the leading '?' is no date, number, choice or username.
WRONG_TOKENS = st.one_of(
    TEXT.map(lambda t: "?" + t),
    st.sampled_from(
        [
            "?",
            "?NaN",
            "?inf",
            "?1e3",
            "?1_000",
            "?0x1F",
            "?２０２６-０１-０１",
            "?-1",
            "?\u202e2026-01-01",
            "?0001-01-01T00:00+05:00",
        ]
    ),
)
# Tokens that are wrong in a date/number/choice column but spell a plausible username.
WRONG_VALUES = st.sampled_from(
    [
        "NaN",
        "inf",
        "-inf",
        "1e3",
        "1_000",
        "0x1F",
        "yes",
        "３",
        "٣",
        "2026-13-45",
        "31/12/2026",
        "0001-01-01T00:00+05:00",
        "9999-12-31T23:59:59-05:00",
        "2026-02-30",
        "12:30",
        "2026-09-15T25:00",
        "--",
        ".",
        "1.5.1",
        "+",
    ]
)
NOT_USERNAME_COLUMNS = {"username", "supervisor", "therapist", "clinician", "author"}


@dataclass
class FuzzFile:
    """One CSV file of a case: rows as cells (header first), and how its bytes are written."""

    path_name: str
    record_type: str
    columns: list[str]  # canonical (lower-case) header names, by position
    rows: list[list[str]]  # header as written, then data rows
    newline: str = "\n"
    bom: bool = False
    encoding: str = "utf-8"
    delimiter: str = ","
    raw: bytes | None = None  # written as is: garbage, an empty file
    nul_at: int | None = None  # a NUL byte spliced in at this fraction (per mille) of the bytes

    def column(self, name: str) -> int | None:
        return self.columns.index(name) if name in self.columns else None

    def data_rows(self) -> list[int]:
        """Indexes of rows holding something (a blank row is skipped by the reader)."""
        return [i for i in range(1, len(self.rows)) if any(c.strip() for c in self.rows[i])]

    def render(self) -> bytes:
        if self.raw is not None:
            return self.raw
        buffer = io.StringIO()
        # The csv module quotes a cell holding the line terminator only; a lone CR must be quoted too.
        carriage_return = any("\r" in cell for row in self.rows for cell in row)
        quoting = csv.QUOTE_ALL if carriage_return else csv.QUOTE_MINIMAL
        csv.writer(buffer, lineterminator=self.newline, delimiter=self.delimiter, quoting=quoting).writerows(self.rows)
        data = buffer.getvalue().encode(self.encoding)
        if self.bom:
            data = b"\xef\xbb\xbf" + data
        if self.nul_at is not None:
            cut = len(data) * self.nul_at // 1000
            data = data[:cut] + b"\x00" + data[cut:]
        return data


@dataclass
class Case:
    """The files of one run, and where each breaking change must be reported."""

    files: dict[str, FuzzFile]
    expected: list[tuple[str, str, int | None]] = field(default_factory=list)  # (change, file, row)
    changes: list[str] = field(default_factory=list)

    def expect(self, change: str, file: FuzzFile, row: int | None) -> None:
        """`row` is the list index of the row (spreadsheet row = index + 1), None for the file."""
        self.expected.append((change, file.path_name, None if row is None else row + 1))
        self.changes.append(change)


def _base_files() -> dict[str, FuzzFile]:
    files = {}
    for path in sorted(CLINIC.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        files[path.stem] = FuzzFile(path.name, path.stem, [c.strip().lower() for c in rows[0]], rows)
    return files


# -- harmless changes: the run would still be valid ----------------------------------------------


def shuffle_columns(case: Case, file: FuzzFile, data: st.DataObject) -> None:
    order = data.draw(st.permutations(range(len(file.columns))))
    file.columns = [file.columns[i] for i in order]
    file.rows = [[row[i] if i < len(row) else "" for i in order] for row in file.rows]


def mangle_header_case(case: Case, file: FuzzFile, data: st.DataObject) -> None:
    styles = st.sampled_from([str.upper, str.title, lambda s: f"  {s} ", lambda s: s])
    file.rows[0] = [data.draw(styles)(name) for name in file.rows[0]]


def crlf(case: Case, file: FuzzFile, data: st.DataObject) -> None:
    file.newline = data.draw(st.sampled_from(["\r\n", "\r\n", "\n"]))


def utf8_bom(case: Case, file: FuzzFile, data: st.DataObject) -> None:
    file.bom = True


def repeat_row(case: Case, file: FuzzFile, data: st.DataObject) -> None:
    rows = file.data_rows()
    if rows:
        row = data.draw(st.sampled_from(rows))
        file.rows.append(list(file.rows[row]))


def blank_rows(case: Case, file: FuzzFile, data: st.DataObject) -> None:
    count = data.draw(st.integers(1, 5))
    blank = data.draw(st.sampled_from(["", " ", "\t"]))
    for _ in range(count):
        position = data.draw(st.integers(1, len(file.rows)))
        file.rows.insert(position, [blank] * len(file.columns))


def drop_tail(case: Case, file: FuzzFile, data: st.DataObject) -> None:
    keep = data.draw(st.integers(1, len(file.rows)))
    file.rows = file.rows[:keep]


def huge_note(case: Case, file: FuzzFile, data: st.DataObject) -> None:
    # Huge cells are fine in free text; a new note (new written_at) so nothing conflicts.
    if file.record_type != "notes" or not file.data_rows():
        return
    row = list(file.rows[data.draw(st.sampled_from(file.data_rows()))])
    size = data.draw(st.sampled_from([1_000, 100_000, 600_000]))
    piece = data.draw(TEXT.filter(str.strip))
    row[file.column("text")] = "=" + (piece * (size // len(piece) + 1))[:size]  # type: ignore[index]
    row[file.column("written_at")] = "2026-10-0" + str(data.draw(st.integers(1, 9))) + "T07:07"  # type: ignore[index]
    if file.column("session_at") is not None:
        row[file.column("session_at")] = ""  # type: ignore[index]
    file.rows.append(row)


HARMLESS = [shuffle_columns, mangle_header_case, crlf, utf8_bom, repeat_row, blank_rows, drop_tail, huge_note]


# -- breaking changes: each must make the run fail, reported where it was made -------------------


def _pick_row(file: FuzzFile, data: st.DataObject) -> int:
    return data.draw(st.sampled_from(file.data_rows()))


def _cell(file: FuzzFile, row: int, column: str) -> str:
    index = file.column(column)
    cells = file.rows[row]
    return cells[index] if index is not None and index < len(cells) else ""


def _set(file: FuzzFile, row: int, column: str, value: str) -> None:
    index = file.column(column)
    assert index is not None
    cells = file.rows[row]
    cells.extend([""] * (index + 1 - len(cells)))
    cells[index] = value


def wrong_type(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    columns = [c for c in TYPED[file.record_type] if file.column(c) is not None]
    if not columns or not file.data_rows():
        return False
    column = data.draw(st.sampled_from(columns))
    tokens = WRONG_TOKENS if column in NOT_USERNAME_COLUMNS else st.one_of(WRONG_TOKENS, WRONG_VALUES)
    row = _pick_row(file, data)
    _set(file, row, column, data.draw(tokens))
    case.expect(f"wrong type in {column}", file, row)
    return True


def blank_required(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    columns = [c for c in REQUIRED[file.record_type] if file.column(c) is not None]
    if not columns or not file.data_rows():
        return False
    column = data.draw(st.sampled_from(columns))
    row = _pick_row(file, data)
    _set(file, row, column, data.draw(st.sampled_from(["", " ", "\t", "  \r"])))
    if not any(c.strip() for c in file.rows[row]):
        return False
    case.expect(f"blank {column}", file, row)
    return True


def missing_column(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    columns = [c for c in REQUIRED[file.record_type] if file.column(c) is not None]
    if len(columns) < 2:
        return False
    index = file.column(data.draw(st.sampled_from(columns)))
    assert index is not None
    file.columns.pop(index)
    file.rows = [row[:index] + row[index + 1 :] for row in file.rows]
    case.expect("missing column", file, 0)
    return True


def unknown_column(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    name = "x_" + data.draw(_word("abcdefghij_0123456789", 1, 12))
    position = data.draw(st.integers(0, len(file.columns)))
    file.columns.insert(position, name)
    file.rows = [row[:position] + [name if n == 0 else "v"] + row[position:] for n, row in enumerate(file.rows)]
    case.expect("unknown column", file, 0)
    return True


def extra_cells(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    if not file.data_rows():
        return False
    row = _pick_row(file, data)
    extra = data.draw(st.lists(TEXT.filter(str.strip), min_size=1, max_size=4))
    file.rows[row] = file.rows[row] + [""] * (len(file.columns) - len(file.rows[row])) + extra
    case.expect("ragged row (too many cells)", file, row)
    return True


def short_row(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    if not file.data_rows():
        return False
    row = _pick_row(file, data)
    file.rows[row] = [data.draw(_word("abcXYZ019", 1, 8))]
    case.expect("ragged row (one cell)", file, row)
    return True


def huge_number(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    columns = [c for c in NUMBERS.get(file.record_type, []) if file.column(c) is not None]
    if not columns or not file.data_rows():
        return False
    column = data.draw(st.sampled_from(columns))
    digits = data.draw(st.sampled_from([5, 40, 309, 400, 5000]))
    sign = data.draw(st.sampled_from(["", "-", "+"]))
    row = _pick_row(file, data)
    _set(file, row, column, sign + "9" * digits + data.draw(st.sampled_from(["", ".5", ".0"])))
    case.expect(f"huge number in {column}", file, row)
    return True


def huge_identifier(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    column = {"clinicians": "username", "notes": "author"}.get(file.record_type, "patient_id")
    if file.column(column) is None or not file.data_rows():
        return False
    row = _pick_row(file, data)
    _set(file, row, column, "P" * data.draw(st.sampled_from([65, 300, 100_000])))
    case.expect(f"huge {column}", file, row)
    return True


def huge_name(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    column = {"clinicians": "display_name", "patients": "last_name"}.get(file.record_type)
    if column is None or file.column(column) is None or not file.data_rows():
        return False
    row = _pick_row(file, data)
    _set(file, row, column, "N" * data.draw(st.sampled_from([201, 5_000, 1_000_000])))
    case.expect(f"huge {column}", file, row)
    return True


def dangling_reference(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    columns = [c for c in REFERENCES[file.record_type] if file.column(c) is not None]
    if not columns or not file.data_rows():
        return False
    column = data.draw(st.sampled_from(columns))
    row = _pick_row(file, data)
    _set(file, row, column, "ghost-" + data.draw(_word("abcdef0123456789", 1, 10)))
    case.expect(f"dangling {column}", file, row)
    return True


def conflicting_duplicate(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    column = EDITABLE.get(file.record_type)
    if column is None or file.column(column) is None or not file.data_rows():
        return False
    row = _pick_row(file, data)
    twin = list(file.rows[row])
    file.rows.append(twin)
    _set(file, len(file.rows) - 1, column, _cell(file, row, column) + " (edited)")
    case.expect(f"conflicting duplicate {column}", file, len(file.rows) - 1)
    return True


def conflict_with_database(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    column = EDITABLE.get(file.record_type)
    if column is None or file.column(column) is None or not file.data_rows():
        return False
    row = _pick_row(file, data)
    value = data.draw(TEXT.filter(str.strip))
    if value == _cell(file, row, column):
        value += "!"
    _set(file, row, column, value)
    case.expect(f"{column} differs from the database", file, row)
    return True


def future_dated(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    column = {"assessments": "administered_at", "notes": "written_at"}.get(file.record_type)
    if column is None or file.column(column) is None or not file.data_rows():
        return False
    row = _pick_row(file, data)
    _set(file, row, column, data.draw(st.sampled_from(["2099-01-01", "2026-11-02T00:00", "9999-12-31T23:59"])))
    case.expect(f"future {column}", file, row)
    return True


def out_of_range(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    choices = {
        "sessions": [("bp_pre_sys", "301"), ("bp_pre_sys", "39"), ("spo2_min", "49"), ("dose_mg", "0")],
        "assessments": [("item_1", "4"), ("item_9", "-1"), ("total", "99")],
        "patients": [("planned_doses", "0"), ("birth_date", "1850-01-01"), ("birth_date", "2027-01-01")],
    }.get(file.record_type)
    rows = file.data_rows()
    if not choices or not rows:
        return False
    if file.record_type == "sessions":  # only dosing rows carry vitals
        rows = [r for r in rows if _cell(file, r, "kind").strip() == "dosing"]
    if file.record_type == "assessments":  # PHQ-9 rows have items 1-9 and a total
        rows = [r for r in rows if _cell(file, r, "instrument").strip() == "PHQ-9"]
    choices = [(c, v) for c, v in choices if file.column(c) is not None]
    if not rows or not choices:
        return False
    column, value = data.draw(st.sampled_from(choices))
    row = data.draw(st.sampled_from(rows))
    _set(file, row, column, value)
    case.expect(f"{column} out of range", file, row)
    return True


def unbalanced_quote(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    rows = file.data_rows()
    if not rows or any('"' in cell for row in file.rows for cell in row):
        return False
    row = rows[-1]
    file.rows = file.rows[: row + 1]
    file.rows[row] = ['"' + ",".join(file.rows[row])]
    file.raw = None
    case.expect("unbalanced quote", file, row)
    return True


def wrong_separator(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    file.delimiter = data.draw(st.sampled_from([";", "\t"]))
    case.expect("wrong separator", file, 0)
    return True


def wrong_encoding(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    encoding = data.draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252"]))
    if encoding in ("latin-1", "cp1252"):
        # Only a character outside ASCII makes the bytes differ from UTF-8.
        char = data.draw(st.sampled_from(["é", "ü", "ß", "ñ", "°"] if encoding == "latin-1" else ["“", "”", "€", "é"]))
        row = data.draw(st.sampled_from(file.data_rows() or [0]))
        file.rows[row][0] = char + file.rows[row][0]
    file.encoding = encoding
    case.expect(f"encoded as {encoding}", file, None)
    return True


def nul_byte(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    file.nul_at = data.draw(st.integers(0, 1000))
    case.expect("NUL byte", file, None)
    return True


def garbage(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    payload = data.draw(st.binary(min_size=1, max_size=300))
    file.raw = payload[: len(payload) // 2] + b"\x00" + payload[len(payload) // 2 :]
    case.expect("binary garbage", file, None)
    return True


def empty_file(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    file.raw = data.draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\n", b"\r\n\r\n", b" \n \n"]))
    case.expect("empty file", file, None)
    return True


def unknown_header(case: Case, file: FuzzFile, data: st.DataObject) -> bool:
    words = data.draw(st.lists(_word("qwxyz", 1, 6), min_size=1, max_size=6))
    file.rows[0] = words
    file.columns = words
    case.expect("unrecognised header", file, 0)
    return True


ROW_BREAKERS = [
    wrong_type,
    wrong_type,
    blank_required,
    missing_column,
    unknown_column,
    extra_cells,
    short_row,
    huge_number,
    huge_identifier,
    huge_name,
    dangling_reference,
    conflicting_duplicate,
    conflict_with_database,
    future_dated,
    out_of_range,
    unbalanced_quote,
    unknown_header,
]
BYTE_BREAKERS = [wrong_separator, wrong_encoding, nul_byte, garbage, empty_file]


def draw_case(data: st.DataObject) -> Case:
    case = Case(_base_files())
    names = sorted(case.files)
    # Some files may be left out of the run: the database already holds their records.
    left_out = data.draw(st.sets(st.sampled_from(names), max_size=3))
    for name in left_out:
        del case.files[name]
    for change in data.draw(st.lists(st.sampled_from(HARMLESS), max_size=4)):
        change(case, case.files[data.draw(st.sampled_from(sorted(case.files)))], data)
    breakers = data.draw(st.lists(st.sampled_from(ROW_BREAKERS + BYTE_BREAKERS), min_size=1, max_size=3))
    for breaker in breakers:
        if breaker in BYTE_BREAKERS:
            continue
        for _ in range(3):  # a change that does not fit the file drawn is tried on another
            if breaker(case, case.files[data.draw(st.sampled_from(sorted(case.files)))], data):
                break
    # Byte-level changes last, each on a file of its own (they replace how the file is written).
    untouched = sorted(case.files)
    for breaker in [b for b in breakers if b in BYTE_BREAKERS]:
        if not untouched:
            break
        name = data.draw(st.sampled_from(untouched))
        untouched.remove(name)
        breaker(case, case.files[name], data)
    if not case.expected:  # nothing fitted: break the header of some file, which always fits
        unknown_header(case, case.files[names[0]] if names[0] in case.files else next(iter(case.files.values())), data)
    return case


def write_case(case: Case, folder: Path) -> list[Path]:
    paths = []
    for file in case.files.values():
        path = folder / file.path_name
        path.write_bytes(file.render())
        paths.append(path)
    return paths


def assert_refused_where_broken(report: ImportReport, case: Case, folder: Path) -> None:
    """Refused, nothing committed, every problem located in a file of the run and a row of it."""
    assert not report.ok and not report.committed, f"accepted a broken run: {case.changes}"
    names = {str(folder / f.path_name) for f in case.files.values()}
    for problem in report.problems:
        assert problem.location.file in names, problem
        assert problem.location.row is not None and problem.location.row >= 1, problem
        assert problem.reason.strip() and "Traceback" not in problem.reason, problem
    for change, file_name, row in case.expected:
        file = str(folder / file_name)
        located = [p for p in report.problems if p.location.file == file]
        if row is not None and not _overwritten(case, file_name, row):
            located = [p for p in located if p.location.row == row]
        assert located, f"{change} in {file_name} row {row} not reported: {[str(p) for p in report.problems]}"


def _overwritten(case: Case, file_name: str, row: int) -> bool:
    # A later change to the same file can hide an earlier one (a new header, an encoding, garbage):
    # then only the file has to be named.
    changes_here = [c for c, f, _ in case.expected if f == file_name]
    return len(changes_here) > 1


def _seed(engine: Engine) -> None:
    report = import_paths(engine, [CLINIC], actor="fuzz-seed", now=NOW)
    assert report.committed, [str(p) for p in report.problems]


def test_broken_csv_runs_are_refused_with_locations_and_change_nothing(db_url: str, engine: Engine) -> None:
    """Any broken CSV run ends in located problems, never an exception, and leaves every table as it was."""
    _seed(engine)
    tried: Counter[str] = Counter()

    @settings(
        max_examples=EXAMPLES_OVERRIDE or EXAMPLES[engine.dialect.name],
        # CI replays the same cases every run; KAP_FUZZ_EXAMPLES=N explores new ones locally.
        derandomize=not EXAMPLES_OVERRIDE,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(data=st.data())
    def broken_run_is_refused(data: st.DataObject) -> None:
        case = draw_case(data)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            paths = write_case(case, folder)
            before = logical_dump(engine)
            report = import_paths(engine, paths, actor="fuzz", now=NOW)
            after = logical_dump(engine)
            assert after == before, describe_difference(before, after)
            assert_refused_where_broken(report, case, folder)
        tried["cases"] += 1
        tried.update(change.split(" in ")[0] for change in case.changes)

    broken_run_is_refused()
    print(f"\nCSV fuzz on {engine.dialect.name}: {tried['cases']} cases tried; changes: {dict(tried)}")
    assert tried["cases"] >= 10


def test_command_line_refuses_broken_csv_without_a_traceback(sqlite_url: str, tmp_path: Path) -> None:
    """`manage.py import` on broken files exits 2 and prints `file:row: column: reason` lines, no traceback."""
    folder = tmp_path / "broken"
    shutil.copytree(CLINIC, folder)
    (folder / "patients.csv").write_bytes((CLINIC / "patients.csv").read_text().encode("utf-16"))
    sessions = (CLINIC / "sessions.csv").read_text().splitlines()
    sessions[2] = sessions[2].replace("preparation", "prep\x00aration") + ",extra,cells"
    (folder / "sessions.csv").write_bytes("\n".join(sessions).encode())
    assessments = (CLINIC / "assessments.csv").read_text().splitlines()
    assessments[1] = assessments[1].replace(",19,", "," + "9" * 400 + ",")
    (folder / "assessments.csv").write_text("\n".join(assessments))
    engine = make_engine(sqlite_url)
    before = logical_dump(engine)
    result = subprocess.run(
        [sys.executable, "manage.py", "--db", sqlite_url, "import", str(folder)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{folder / 'patients.csv'}:1: (file):" in result.stderr
    assert f"{folder / 'sessions.csv'}:1: (file):" in result.stderr
    assert f"{folder / 'assessments.csv'}:2: total:" in result.stderr
    after = logical_dump(engine)
    assert after == before, describe_difference(before, after)
    engine.dispose()
