"""How long a pre-session brief takes: service, timeline image and PDF (target: under 2 seconds).

    python benchmarks/brief_benchmark.py [--db URL] [--patient ID] [--repeat 5] [--deidentified]

Without `--db` it builds the synthetic demo clinic in a temporary SQLite file and takes the
patient with the most records. Prints `name: value` lines:
`brief_cold_s` (the first brief of a fresh process: vl-convert starts its JavaScript engine),
`brief_warm_median_s` and `brief_warm_max_s` (later briefs, as a running dashboard serves them),
`brief_warm_cpu_median_s` (the CPU seconds of a warm brief: on a busy machine, closer to what an
idle one takes than the wall clock),
and the parts of a warm brief (`service_s`, `image_s`, `pdf_s`), plus `pdf_bytes`. No cache
survives between repetitions: each brief reads and scores the records again.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from components.brief import brief_pdf, timeline_png  # noqa: E402
from db.engine import make_engine, read_session  # noqa: E402
from db.models import Assessment, Clinician  # noqa: E402
from db.schema import upgrade  # noqa: E402
from services.auth import CurrentUser  # noqa: E402
from services.brief import patient_brief  # noqa: E402

BUDGET_SECONDS = 2.0
BENCHMARK_KEY = "brief-benchmark-pseudonym-key-not-a-real-secret-0123456789"


def demo_database(folder: Path) -> str:
    from services.demo import seed_demo

    url = f"sqlite:///{folder / 'brief.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    seed_demo(engine)
    engine.dispose()
    return url


def busiest_patient(url: str) -> tuple[str, CurrentUser]:
    """The patient with the most assessments, and an admin to read them as."""
    engine = make_engine(url)
    with read_session(engine) as session:
        patient_id = session.execute(
            select(Assessment.patient_id).group_by(Assessment.patient_id).order_by(func.count().desc()).limit(1)
        ).scalar_one()
        admin = session.scalar(select(Clinician.username).where(Clinician.role == "admin").limit(1)) or "benchmark"
    engine.dispose()
    return patient_id, CurrentUser(admin, "Benchmark", "admin")


def one_brief(url: str, user: CurrentUser, patient_id: str, deidentified: bool) -> dict[str, float]:
    """One brief from a fresh engine: the service, the timeline image, the PDF — each timed."""
    engine = make_engine(url)
    cpu = time.process_time()  # all threads of this process: vl-convert renders in its own
    started = time.perf_counter()
    brief = patient_brief(engine, user, patient_id, deidentified=deidentified, pseudonym_key=BENCHMARK_KEY)
    served = time.perf_counter()
    png = timeline_png(brief.shown)
    imaged = time.perf_counter()
    pdf = brief_pdf(brief, png)
    done = time.perf_counter()
    engine.dispose()
    return {
        "service_s": served - started,
        "image_s": imaged - served,
        "pdf_s": done - imaged,
        "total_s": done - started,
        "cpu_s": time.process_time() - cpu,
        "pdf_bytes": float(len(pdf)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a temporary demo clinic)")
    parser.add_argument("--patient", help="patient id (default: the one with most assessments)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--deidentified", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or demo_database(Path(folder))
        patient_id, user = busiest_patient(url)
        patient_id = args.patient or patient_id
        cold = one_brief(url, user, patient_id, args.deidentified)
        warm = [one_brief(url, user, patient_id, args.deidentified) for _ in range(max(1, args.repeat))]
    totals = [run["total_s"] for run in warm]
    median = statistics.median(totals)
    lines = {
        "brief_cold_s": cold["total_s"],
        "brief_warm_median_s": median,
        "brief_warm_max_s": max(totals),
        "brief_warm_cpu_median_s": statistics.median(run["cpu_s"] for run in warm),
        **{name: statistics.median(run[name] for run in warm) for name in ("service_s", "image_s", "pdf_s")},
        "pdf_bytes": warm[-1]["pdf_bytes"],
    }
    for name, value in lines.items():
        print(f"{name}: {value:.0f}" if name == "pdf_bytes" else f"{name}: {value:.3f}")
    print(f"within_budget: {'yes' if median < BUDGET_SECONDS else 'no'} (warm median under {BUDGET_SECONDS:g} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
