"""Time a network database (from `benchmarks/generate.py`) against the targets of issue 11.

    python benchmarks/run.py --db URL [--json PATH] [--repeat 5]

Prints one `name: value` line per metric (medians over `--repeat` timed runs, after one
untimed warm-up run of each) and writes them all to the JSON file. Every timed run gets a
new engine (a new connection pool) and disposes of it, and the dashboard's `st.cache_resource`
is cleared before each page run, so no cache survives between repetitions. Not a test:
numbers depend on the machine; the targets are printed beside them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import Engine, func, select  # noqa: E402

from benchmarks._alone import caseload_alone  # noqa: E402
from benchmarks._apptest import CASELOAD_PAGE, TITLE_PAGE, render_ms  # noqa: E402
from benchmarks._evaluation import network_evaluation, raw_scan  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.models import Assessment, Clinician, Patient  # noqa: E402
from services.auth import CurrentUser  # noqa: E402
from services.caseload import caseload  # noqa: E402
from services.flags import today  # noqa: E402
from services.patient_view import patient_view  # noqa: E402

# Issue 11's targets: (metric, comparison, bound).
TARGETS = {
    "caseload_scale_ratio": 1.5,
    "flags_vs_scan_ratio": 3.0,
    "render_ratio": 3.0,
    "caseload_ms_network": 150.0,
    "patient_ms_network": 150.0,
    "supervisor_ms_network": 1_000.0,
    "peak_rss_mb": 1_500.0,
}
METRICS = (
    "caseload_ms_network",
    "caseload_ms_alone",
    "caseload_scale_ratio",
    "patient_ms_network",
    "supervisor_ms_network",
    "network_flags_s",
    "raw_scan_s",
    "flags_vs_scan_ratio",
    "apptest_caseload_ms",
    "apptest_empty_ms",
    "render_ratio",
    "peak_rss_mb",
)


# CPU seconds of this process per measured piece of work (the JSON's context): on a loaded
# machine wall time includes waiting for a core, CPU time does not.
CPU_SECONDS: list[float] = []


def median_seconds(url: str, work: Callable[[Engine], object], repeat: int, warmup: bool = True) -> float:
    """Median wall time of `work` over `repeat` runs, each on a new engine, after one warm-up."""
    times, cpu = [], []
    for run in range(repeat + 1 if warmup else repeat):
        engine = make_engine(url)
        try:
            started, cpu_started = time.perf_counter(), time.process_time()
            work(engine)
            elapsed, cpu_elapsed = time.perf_counter() - started, time.process_time() - cpu_started
        finally:
            engine.dispose()
        if run or not warmup:  # the warm-up run loads modules and the OS file cache; not counted
            times.append(elapsed)
            cpu.append(cpu_elapsed)
    CPU_SECONDS.append(statistics.median(cpu))
    return statistics.median(times)


def median_render_ms(page: str, url: str, user: CurrentUser, repeat: int, warmup: bool = True) -> float:
    if warmup:
        render_ms(page, url, user)
    return statistics.median(render_ms(page, url, user) for _ in range(repeat))


def peak_rss_mb(url: str, as_of: dt.date) -> float:
    """Peak resident memory of the network evaluation, run alone in a child process."""
    child = subprocess.Popen(
        [sys.executable, "-m", "benchmarks._evaluation", url, as_of.isoformat()],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"the evaluation child failed with exit status {child.returncode}")
    return usage.ru_maxrss / 1024  # kilobytes on Linux


class Subjects:
    """Whom the benchmark looks at: the first therapist, their supervisor, their busiest patient."""

    def __init__(self, url: str) -> None:
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                therapist = connection.scalar(
                    select(Clinician.username).where(Clinician.role == "therapist").order_by(Clinician.username)
                )
                if therapist is None:
                    raise SystemExit("no therapist in this database: generate it with benchmarks/generate.py")
                supervisor = connection.scalar(select(Clinician.supervisor).where(Clinician.username == therapist))
                patient = connection.scalar(
                    select(Assessment.patient_id)
                    .join(Patient, Patient.patient_id == Assessment.patient_id)
                    .where(Patient.therapist == therapist)
                    .group_by(Assessment.patient_id)
                    .order_by(func.count().desc(), Assessment.patient_id)
                    .limit(1)
                )
                self.caseload_size = connection.scalar(
                    select(func.count()).select_from(Patient).where(Patient.therapist == therapist)
                )
                self.supervised = connection.scalar(
                    select(func.count()).select_from(Clinician).where(Clinician.supervisor == supervisor)
                )
                self.network_patients = connection.scalar(select(func.count()).select_from(Patient))
                self.network_assessments = connection.scalar(select(func.count()).select_from(Assessment))
        finally:
            engine.dispose()
        self.therapist = CurrentUser(therapist, therapist, "therapist")
        self.supervisor = CurrentUser(supervisor or therapist, supervisor or therapist, "supervisor")
        self.patient_id = str(patient)


def supervisor_service() -> tuple[str, Callable[[Engine, CurrentUser], object]]:
    """The consultation service once it exists (issue 10), else the supervisor's caseload service."""
    try:
        from services import consultation  # type: ignore[attr-defined]
    except ImportError:
        return "services.caseload.caseload (supervisor scope)", caseload
    view = getattr(consultation, "consultation_view", None) or getattr(consultation, "consultation", None)
    if view is None:
        return "services.caseload.caseload (supervisor scope)", caseload
    return f"services.consultation.{view.__name__}", view


def measure(
    url: str, repeat: int, progress: Callable[[str], None], *, warmup: bool = True, network_repeat: int = 3
) -> tuple[dict[str, float], dict[str, object]]:
    """Every metric of issue 11 for the network at `url`, and the context of the run."""
    subjects = Subjects(url)
    as_of = today()
    metrics: dict[str, float] = {}
    progress(
        f"network: {subjects.network_patients} patients, {subjects.network_assessments} assessments; "
        f"therapist {subjects.therapist.username} ({subjects.caseload_size} patients), "
        f"supervisor {subjects.supervisor.username} ({subjects.supervised} therapists), patient {subjects.patient_id}"
    )

    def seconds(work: Callable[[Engine], object], on: str = url, times: int = repeat) -> float:
        return median_seconds(on, work, times, warmup)

    # First, while this process is small: a child's ru_maxrss counts what it shared with its
    # parent between fork and exec.
    metrics["peak_rss_mb"] = round(peak_rss_mb(url, as_of), 1)
    progress(f"peak_rss_mb: {metrics['peak_rss_mb']}")
    # The whole-network figures take seconds each: fewer repetitions keep the run short.
    network_repeat = max(1, min(repeat, network_repeat))
    metrics["network_flags_s"] = round(seconds(lambda e: network_evaluation(e, as_of), times=network_repeat), 3)
    metrics["raw_scan_s"] = round(seconds(lambda e: raw_scan(e, as_of), times=network_repeat), 3)
    progress(f"network_flags_s: {metrics['network_flags_s']}  raw_scan_s: {metrics['raw_scan_s']}")

    metrics["caseload_ms_network"] = _ms(seconds(lambda e: caseload(e, subjects.therapist)))
    with caseload_alone(url, subjects.therapist.username) as alone_url:
        metrics["caseload_ms_alone"] = _ms(seconds(lambda e: caseload(e, subjects.therapist), on=alone_url))
    progress(f"caseload_ms_network: {metrics['caseload_ms_network']}  alone: {metrics['caseload_ms_alone']}")
    metrics["patient_ms_network"] = _ms(seconds(lambda e: patient_view(e, subjects.therapist, subjects.patient_id)))
    service_name, service = supervisor_service()
    metrics["supervisor_ms_network"] = _ms(seconds(lambda e: service(e, subjects.supervisor)))
    progress(f"patient_ms_network: {metrics['patient_ms_network']}  supervisor: {metrics['supervisor_ms_network']}")

    renders = {
        page: median_render_ms(page, url, subjects.therapist, repeat, warmup) for page in (CASELOAD_PAGE, TITLE_PAGE)
    }
    metrics["apptest_caseload_ms"] = round(renders[CASELOAD_PAGE], 1)
    metrics["apptest_empty_ms"] = round(renders[TITLE_PAGE], 1)

    metrics["caseload_scale_ratio"] = round(metrics["caseload_ms_network"] / metrics["caseload_ms_alone"], 2)
    metrics["flags_vs_scan_ratio"] = round(metrics["network_flags_s"] / metrics["raw_scan_s"], 2)
    metrics["render_ratio"] = round(metrics["apptest_caseload_ms"] / metrics["apptest_empty_ms"], 2)
    cpu_names: tuple[str, ...] = ("network_flags_s", "raw_scan_s", "caseload_ms_network", "caseload_ms_alone")
    cpu_names += ("patient_ms_network", "supervisor_ms_network")
    context: dict[str, object] = {
        "cpu_seconds_median": dict(zip(cpu_names, (round(c, 3) for c in CPU_SECONDS[-6:]), strict=True)),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": make_engine(url).dialect.name,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average": os.getloadavg(),
        "repeat": repeat,
        "warmup": warmup,
        "network_repeat": network_repeat,
        "as_of": as_of.isoformat(),
        "network_patients": subjects.network_patients,
        "network_assessments": subjects.network_assessments,
        "therapist": subjects.therapist.username,
        "caseload_patients": subjects.caseload_size,
        "supervisor": subjects.supervisor.username,
        "supervised_therapists": subjects.supervised,
        "patient": subjects.patient_id,
        "supervisor_service": service_name,
    }
    return {name: metrics[name] for name in METRICS}, context


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="SQLAlchemy URL of a database made by benchmarks/generate.py")
    parser.add_argument("--json", type=Path, help="also write every metric (and the run's context) here")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per metric (median reported)")
    parser.add_argument("--no-warmup", action="store_true", help="skip the untimed first run (smoke runs)")
    parser.add_argument("--network-repeat", type=int, default=3, help="timed runs of the whole-network figures")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    metrics, context = measure(
        args.db,
        args.repeat,
        lambda line: print(f"# {line}", file=sys.stderr, flush=True),
        warmup=not args.no_warmup,
        network_repeat=args.network_repeat,
    )
    for name, value in metrics.items():
        print(f"{name}: {value}", flush=True)
    for name, target in TARGETS.items():
        verdict = "met" if metrics[name] <= target else "MISSED"
        print(f"# {name} {metrics[name]} (target <= {target:g}): {verdict}", file=sys.stderr)
    if args.json:
        payload = {**metrics, "targets": TARGETS, "context": context}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
