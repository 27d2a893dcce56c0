"""Benchmark: statistics at city scale on PostgreSQL — ten years of synthetic data for the
five sites (about nine million visits, `demo_data`), then the timings the statistics issue
sets targets for:

    .venv/bin/python bench/stats.py [--years 10] [--runs 5] [--reset]

- a one-year city summary (every indicator) — target under 1 s;
- a one-year city dashboard page, rendered — target under 1.5 s;
- a month's report page for one site — target under 300 ms;
- the peak Python memory of streaming a year's CSV export for the city (flat: it does
  not grow with the number of rows).

Each timing is the median of --runs runs after one warm-up. The data set is loaded once
and kept in the database `stofrum_bench_stats` (--reset loads it again). Prints the
numbers and writes them into docs/performance.md. A benchmark, not a test.
"""

import argparse
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import common  # noqa: E402

DB = "stofrum_bench_stats"
END = date(2026, 10, 31)
TARGETS = {"year summary": 1000, "of which unique persons": "–", "year dashboard": 1500,
           "month report": 300}


def setup_django(reset: bool):
    common.setup_django(DB, reset, ALLOWED_HOSTS="testserver")


def load(years: int):
    from django.core.management import call_command

    from stofrum.sites.services import seed_sites
    from stofrum.visits.models import Visit
    from stofrum.visits.seed import seed_substances

    seed_sites()
    seed_substances()
    if Visit.objects.exists():
        print(f"data set present: {Visit.objects.count():,} visits", flush=True)
        return
    started = time.monotonic()
    call_command("demo_data", persons=20_000, days=years * 365 + years // 4,
                 visits_per_day=2450, seed=10, end=END)
    print(f"loaded in {time.monotonic() - started:.0f} s: {Visit.objects.count():,} visits",
          flush=True)


def timed(label, fn, runs):
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    median = statistics.median(samples)
    print(f"{label:16s} median {median:8.1f} ms  (min {min(samples):.1f}, max "
          f"{max(samples):.1f}, runs {runs})", flush=True)
    return median


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args()
    setup_django(args.reset)
    load(args.years)

    from django.test import Client

    from stofrum.sites.models import Site
    from stofrum.staff.models import StaffMember
    from stofrum.staff.services import create_staff
    from stofrum.stats import exports, indicators
    from stofrum.stats.scope import Scope
    from stofrum.visits.models import Visit

    analyst = StaffMember.objects.filter(username="bench-analyst").first() or create_staff(
        None, "bench-analyst", "analyst", ["h17", "skyen", "reden", "sundholm", "mobile"],
        "bench-password-123", validate=False)[0]
    client = Client()
    client.force_login(analyst)
    sites = list(Site.objects.all())
    year_from = END - timedelta(days=364)
    month = END.replace(day=1)

    def dashboard():
        r = client.get(f"/staff/stats/?from={year_from}&to={END}")
        assert r.status_code == 200, r.status_code

    def report():
        r = client.get(f"/staff/stats/h17/report/?year={month.year}&month={month.month}")
        assert r.status_code == 200, r.status_code

    def unique_persons():
        from stofrum.stats.summaries import day_bounds

        start, end = day_bounds(year_from, END)
        return (Visit.objects.filter(site__in=sites, checked_in_at__gte=start,
                                     checked_in_at__lt=end).exclude(state="left_queue")
                .order_by().values("person").distinct().count())

    results = {
        "year summary": timed("year summary", lambda: indicators.summary(sites, year_from, END),
                              args.runs),
        "of which unique persons": timed("unique persons", unique_persons, args.runs),
        "year dashboard": timed("year dashboard", dashboard, args.runs),
        "month report": timed("month report", report, args.runs),
    }
    # exports cover whole months: the twelve months up to END
    scope = Scope(sites=sites, site=None, day_from=date(END.year - 1, END.month % 12 + 1, 1),
                  day_to=END)
    tracemalloc.start()
    rows = sum(1 for _ in exports.stream_csv(scope))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    scope_month = Scope(sites=sites, site=None, day_from=month, day_to=END)
    tracemalloc.start()
    rows_month = sum(1 for _ in exports.stream_csv(scope_month))
    _, peak_month = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"export year: {rows:,} rows, peak {peak / 1e6:.1f} MB; export month: "
          f"{rows_month:,} rows, peak {peak_month / 1e6:.1f} MB", flush=True)
    write_docs(results, (rows, peak, rows_month, peak_month), Visit.objects.count(), args)


def write_docs(results, export, visits, args):
    rows, peak, rows_month, peak_month = export
    lines = [
             f"Measured {date.today().isoformat()} with `.venv/bin/python bench/stats.py "
             f"--years {args.years} --runs {args.runs}` on PostgreSQL: {visits:,} synthetic "
             f"visits over {args.years} years at the five sites (`demo_data`, 20,000 persons, "
             "2,450 visits on an average day). Median of the runs after a warm-up; pages are "
             "rendered through Django's test client as an analyst.", "",
             "| what | median ms | target ms |", "|---|---:|---:|"]
    lines += [f"| {name} | {ms:.0f} | {TARGETS[name]} |" for name, ms in results.items()]
    lines += ["", f"Streaming the CSV export: a year for the city, {rows:,} rows, peak Python "
              f"memory {peak / 1e6:.1f} MB; a month, {rows_month:,} rows, peak "
              f"{peak_month / 1e6:.1f} MB (flat: rows are read in chunks and written as they "
              "come).", ""]
    common.write_section("## Statistics at city scale (bench/stats.py)", lines)


if __name__ == "__main__":
    main()
