"""How fast the deadline engine is with a realistic amount of data.

Seeds a throwaway database with 20,000 submitted cases and their deadlines (bulk
inserts), then prints:

- the coordinator dashboard's server time and query count (Django test client);
- the CSV export's time and query count;
- one sweep's time and query count: the first (catching up on every reminder owed)
  and the next (nothing new owed: the steady state every few minutes);
- working-day computations per second.

Run:  .venv/bin/python benchmarks/deadlines_benchmark.py [--cases 20000]

The database is a temporary SQLite file unless BENCHMARK_DATABASE_URL names another
(e.g. postgres://postgres@127.0.0.1:5432/cspr_benchmark, which must be a database you
can throw away: it is migrated and filled). DATABASE_URL is never used.
Figures only; nothing here asserts a time.

Last measured (20,000 cases, 120,253 deadlines of which 6,343 open; 2 vCPUs):

                          PostgreSQL 15            SQLite
  dashboard, first page   91 ms, 10 queries        37 ms, 11 queries
  CSV export (6,343 rows) 1.07 s, 8 queries        0.55 s, 9 queries
  sweep, catching up      3.7 s, 48 queries        2.9 s, 247 queries
    (3,797 deadlines owed reminders, 12,801 outbox rows, 8 batches of 500)
  sweep, nothing owed     0.43 s, 10 queries       0.41 s, 17 queries
  add_working_days        about 325,000 per second
  working_days_between    about 265,000 per second
  is_working_day          about 570,000 per second

A sweep batch takes the same queries however many of its deadlines owe a reminder (one
locked read, one outbox write, one update); SQLite's higher count is Django splitting
each bulk insert into statements of at most 999 parameters.
"""

from __future__ import annotations

import argparse
import atexit
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
LONDON = ZoneInfo("Europe/London")


def configure() -> str:
    url = os.environ.get("BENCHMARK_DATABASE_URL")
    if not url:
        folder = tempfile.mkdtemp(prefix="cspr-benchmark-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        url = f"sqlite:///{Path(folder) / 'benchmark.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspr.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # The test client speaks plain HTTP; production's HTTPS redirect would answer 301.
    os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
    # Pages render from the source static files, with no collectstatic manifest.
    os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
    import django

    django.setup()
    return url


def timed(fn, *args, **kwargs):
    """Run fn once; return its result, the seconds it took and how many queries it made."""
    from django.db import connection

    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        elapsed = time.perf_counter() - start
    return result, elapsed, count


def seed(*, cases: int, today: date, rng: random.Random):
    from django.contrib.auth.hashers import make_password

    from cspr.accounts.models import Agency, User
    from cspr.accounts.roles import Role, sync_role_groups
    from cspr.notifications.models import Contact, ContactRole
    from deadlines import calendar
    from deadlines.models import Deadline, DeadlineRule
    from deadlines.services import deadline_compute
    from referrals.models import Referral
    from referrals.states import CaseStatus

    sync_role_groups()
    agencies = [
        Agency.objects.create(name=f"Benchmark agency {n}", kind=kind)
        for n, kind in enumerate(
            [Agency.Kind.LOCAL_AUTHORITY, Agency.Kind.POLICE, Agency.Kind.HEALTH, Agency.Kind.EDUCATION]
        )
    ]
    password = make_password("benchmark-password-not-used")
    authors = []
    for n in range(40):
        user = User.objects.create(
            username=f"practitioner{n}",
            email=f"practitioner{n}@example.org",
            agency=agencies[n % 4],
            password=password,
        )
        user.set_roles([Role.PRACTITIONER])
        authors.append(user)
    coordinator = User.objects.create(
        username="coordinator", email="coordinator@example.org", agency=agencies[0], password=password
    )
    coordinator.set_roles([Role.COORDINATOR])
    chair = User.objects.create(
        username="chair", email="chair@example.org", agency=agencies[0], password=password
    )
    chair.set_roles([Role.CHAIR])
    for role in ContactRole.values:
        Contact.objects.create(
            name=f"{role} contact", role=role, email=f"{role}@example.org", agency=agencies[0]
        )

    rules = {rule.code: rule for rule in DeadlineRule.objects.all()}
    later_statuses = [
        CaseStatus.RAPID_REVIEW_AGREED,
        CaseStatus.RAPID_REVIEW_IN_PROGRESS,
        CaseStatus.NO_REVIEW,
        CaseStatus.LCSPR_IN_PROGRESS,
        CaseStatus.CLOSED,
    ]
    # Submissions spread evenly over the last two years.
    span_days = 730
    referrals = []
    for n in range(cases):
        submitted_on = today - timedelta(days=int(span_days * n / cases))
        submitted_at = datetime.combine(submitted_on, datetime.min.time(), tzinfo=LONDON) + timedelta(
            hours=rng.randint(8, 17), minutes=rng.randint(0, 59)
        )
        author = authors[n % len(authors)]
        age = (today - submitted_on).days
        status = CaseStatus.SUBMITTED if age < 10 else later_statuses[n % len(later_statuses)]
        referrals.append(
            Referral(
                reference=f"CSPR-B-{n + 1:06d}",
                status=status,
                created_by=author,
                agency=author.agency,
                created_at=submitted_at,
                updated_at=submitted_at,
                submitted_at=submitted_at,
                aware_at=submitted_at - timedelta(hours=rng.randint(1, 40)),
                incident_date=submitted_on - timedelta(days=rng.randint(0, 3)),
                la_aware_on=submitted_on,
                looked_after_death=n % 25 == 0,
                is_deceased=True,
            )
        )
    Referral.objects.bulk_create(referrals, batch_size=2000)
    referrals = list(Referral.objects.order_by("pk"))

    deadlines = []
    for referral in referrals:
        submitted_on = calendar.london_date(referral.submitted_at)
        anchors = {
            "refer_to_partnership": calendar.london_date(referral.aware_at),
            "notify_national_panel": referral.la_aware_on,
            "report_to_partners": referral.la_aware_on,
            "subgroup_decision": referral.incident_date,
        }
        if referral.looked_after_death:
            anchors["notify_sos_ofsted"] = referral.la_aware_on
        if referral.status != CaseStatus.SUBMITTED:
            anchors["rapid_review_start"] = calendar.add_working_days(submitted_on, 4)
        if referral.status in (
            CaseStatus.RAPID_REVIEW_IN_PROGRESS,
            CaseStatus.LCSPR_IN_PROGRESS,
            CaseStatus.CLOSED,
        ):
            anchors["rapid_review_complete"] = calendar.add_working_days(submitted_on, 9)
        if referral.status in (CaseStatus.LCSPR_IN_PROGRESS, CaseStatus.CLOSED):
            anchors["complete_local_review"] = calendar.add_working_days(submitted_on, 30)
        for code, anchor in anchors.items():
            due = deadline_compute(rules[code], anchor)
            # Older deadlines were dealt with: met in time mostly, some late. Recent ones are open.
            status, met_at = Deadline.Status.OPEN, None
            if (today - due.due_date).days > 20 or code == "refer_to_partnership":
                late = rng.random() < 0.1
                met_at = due.due_at + timedelta(days=2) if late else due.due_at - timedelta(hours=6)
                status = Deadline.Status.MISSED if late else Deadline.Status.MET
            deadlines.append(
                Deadline(
                    referral=referral,
                    rule=rules[code],
                    anchor_date=anchor,
                    due_date=due.due_date,
                    due_at=due.due_at,
                    explanation=due.explanation,
                    status=status,
                    met_at=met_at,
                    closed_at=met_at,
                    opened_at=referral.submitted_at,
                )
            )
    Deadline.objects.bulk_create(deadlines, batch_size=2000)
    return coordinator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    url = configure()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    import cspr.notifications.services as outbox
    from deadlines import calendar
    from deadlines.models import Deadline
    from deadlines.services import deadline_sweep

    # What is measured is writing the outbox, not handing rows to a broker.
    outbox._enqueue_on_commit = lambda notification_id: None
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    print(f"Database: {url.split('@')[-1]}")
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"Migrated in {time.perf_counter() - start:.1f} s")

    now = timezone.now()
    today = calendar.london_date(now)
    start = time.perf_counter()
    coordinator = seed(cases=args.cases, today=today, rng=random.Random(args.seed))
    total = Deadline.objects.count()
    open_count = Deadline.objects.open().count()
    print(
        f"Seeded {args.cases:,} cases and {total:,} deadlines ({open_count:,} open) "
        f"in {time.perf_counter() - start:.1f} s"
    )

    client = Client()
    client.force_login(coordinator)
    client.get(reverse("deadlines:dashboard"))  # warm up: templates, calendar, connection
    print()
    print("Dashboard (coordinator, every case)")
    for label, query in [
        ("first page", {}),
        ("page 10", {"page": 10}),
        ("overdue only", {"overdue": "on"}),
        ("one rule", {"rule": "report_to_partners"}),
    ]:
        response, elapsed, queries = timed(client.get, reverse("deadlines:dashboard"), query)
        if response.status_code != 200:
            raise SystemExit(f"The dashboard answered {response.status_code}")
        shown = response.content.count(b'<tr class="govuk-table__row">') - 1
        print(f"  {label:<14} {elapsed * 1000:8.1f} ms  {queries:3d} queries  {shown} rows shown")
    response, elapsed, queries = timed(client.get, reverse("deadlines:export_csv"))
    rows = response.content.count(b"\n") - 1
    print(f"  CSV export     {elapsed * 1000:8.1f} ms  {queries:3d} queries  {rows:,} rows")

    print()
    print("Sweep")
    summary, elapsed, queries = timed(deadline_sweep, now=now)
    print(
        f"  first run      {elapsed:8.2f} s   {queries:6,} queries  examined {summary.examined:,}, "
        f"reminders written for {summary.reminders + summary.due + summary.overdue:,} deadlines "
        f"({summary.rows_written:,} outbox rows) in {summary.batches} batches"
    )
    if connection.vendor == "sqlite":
        # Django sends SQLite at most 999 parameters per statement, so each batch's one
        # outbox insert and one update run as several statements; PostgreSQL runs one.
        print("                 (SQLite: each bulk insert runs as statements of at most 999 parameters)")
    summary, elapsed, queries = timed(deadline_sweep, now=now + timedelta(minutes=5))
    print(
        f"  next run       {elapsed:8.2f} s   {queries:6,} queries  examined {summary.examined:,}, "
        f"{summary.rows_written} outbox rows (nothing new owed)"
    )

    print()
    print("Working-day calendar (no database query per call)")
    rng = random.Random(args.seed)
    starts = [date(2022, 1, 1) + timedelta(days=rng.randint(0, 365 * 6)) for _ in range(10_000)]
    for label, fn in [
        ("add_working_days", lambda d: calendar.add_working_days(d, 15)),
        ("working_days_between", lambda d: calendar.working_days_between(d, d + timedelta(days=40))),
        ("is_working_day", calendar.is_working_day),
    ]:
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < 1.0:
            for day in starts:
                fn(day)
            count += len(starts)
        rate = count / (time.perf_counter() - start)
        print(f"  {label:<22} {rate:12,.0f} per second")
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < 1.0:
        for day in starts[:1000]:
            calendar.explain_working_days(day, 5)
        count += 1000
    print(f"  {'explain_working_days':<22} {count / (time.perf_counter() - start):12,.0f} per second")


if __name__ == "__main__":
    main()
