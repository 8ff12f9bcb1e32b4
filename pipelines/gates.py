"""Gates on what a run landed and built, beyond the per-record suites: each says what happened
and what to do, in words a data engineer can act on (docs/quality.md).

- rejected share: the records of a stream that could not be parsed, against all it landed
  in the run's days (warning when any, error above `CSOPS_MAX_REJECTED_PCT`, default 1 %);
- volume: contacts created on each day of the run against the same weekday of the four weeks
  before it (warning beyond `CSOPS_VOLUME_DEVIATION_PCT`, default 30 %, when the difference is
  also more than chance: three standard deviations of a count, 3 × √baseline);
- landed days: every day landed since the first contact has its rows in kpi_support_daily.

Plain functions over the lake's manifest of landed days and the warehouse; the Dagster checks
that run them are in pipelines/defs/quality/checks.py.
"""

import math
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from connectors.lake import EMPTY_DAY, manifest_dir, manifest_glob, rejected_stream_dir

MAX_REJECTED_ENV = "CSOPS_MAX_REJECTED_PCT"
DEVIATION_ENV = "CSOPS_VOLUME_DEVIATION_PCT"
DEFAULT_MAX_REJECTED_PCT = 1.0
DEFAULT_DEVIATION_PCT = 30.0
BASELINE_WEEKS = 4
CHANCE_SIGMAS = 3.0


class GateConfigError(ValueError):
    """A threshold variable is not a number."""


def percent_setting(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise GateConfigError(
            f"{name}={raw!r} is not a number: use a percentage such as 5"
        ) from None
    if value < 0:
        raise GateConfigError(f"{name}={raw!r} is negative: use a percentage such as 5")
    return value


@dataclass(frozen=True)
class Finding:
    """One gate's verdict on one subject (a stream, a mart)."""

    passed: bool
    severity: str  # "error" or "warn": how a failure counts
    message: str
    metadata: dict[str, Any] = field(default_factory=dict)


def _label(first: date, last: date) -> str:
    return first.isoformat() if first == last else f"{first}..{last}"


def _manifest(lake: Path) -> str:
    return f"read_parquet('{manifest_glob(lake)}')"


def rejected_share(
    lake: Path, source: str, stream: str, first: date, last: date, max_pct: float
) -> Finding:
    """The share of the stream's records of the days that were set aside as unparseable."""
    if not manifest_dir(lake).is_dir():
        return Finding(True, "warn", f"{source}/{stream}: nothing landed yet")
    with duckdb.connect() as con:
        landed, rejected = con.execute(
            f"select coalesce(sum(rows), 0), coalesce(sum(rejected), 0) from {_manifest(lake)} "
            "where source = ? and stream = ? and day between ? and ?",
            [source, stream, first, last],
        ).fetchone()
    total = landed + rejected
    share = 100.0 * rejected / total if total else 0.0
    days = _label(first, last)
    metadata = {"records": int(total), "rejected": int(rejected), "rejected_pct": round(share, 3)}
    if rejected == 0:
        return Finding(True, "warn", f"{source}/{stream} {days}: no record rejected", metadata)
    where = f"{rejected_stream_dir(lake, source, stream)}/"
    text = (
        f"{source}/{stream} {days}: {rejected:,} of {total:,} records ({share:.1f} %) could not "
        f"be parsed and were set aside in {where} with the reason"
    )
    todo = (
        f"Read the reasons (select reason, count(*) from read_parquet('{where}*/*.parquet') "
        "group by 1), fix the source or the connector's parsing, then re-run the days."
    )
    if share > max_pct:
        return Finding(
            False,
            "error",
            f"{text}, above the limit of {max_pct:g} % ({MAX_REJECTED_ENV}). Nothing was "
            f"published. {todo}",
            metadata,
        )
    return Finding(
        False,
        "warn",
        f"{text} (within the limit of {max_pct:g} %, {MAX_REJECTED_ENV}). {todo}",
        metadata,
    )


def volume_findings(
    con: duckdb.DuckDBPyConnection, first: date, last: date, deviation_pct: float
) -> Finding:
    """Contacts created per day of the range against the same weekday of the four weeks
    before, counted only inside the landed history (days before it hold only the contacts
    that were updated later, so they are partial)."""
    rows = con.execute(
        """
        with history as (
            select cast(first_window_start as date) as first_day from intermediate.int_build__as_of
        ),
        daily as (
            select date_day, sum(contacts_created) as contacts
            from marts.kpi_support_daily, history
            where date_day >= history.first_day
            group by date_day
        )
        select
            day.date_day,
            day.contacts,
            avg(before.contacts) as baseline,
            count(before.contacts) as weeks
        from daily as day
        left join daily as before
            on before.date_day in (
                day.date_day - 7, day.date_day - 14, day.date_day - 21, day.date_day - 28
            )
        where day.date_day between ? and ?
        group by day.date_day, day.contacts
        order by day.date_day
        """,
        [first, last],
    ).fetchall()
    checked, unusual = 0, []
    for day, contacts, baseline, weeks in rows:
        if weeks < BASELINE_WEEKS or not baseline:
            continue
        checked += 1
        difference = contacts - baseline
        if abs(difference) > deviation_pct / 100 * baseline and abs(
            difference
        ) > CHANCE_SIGMAS * math.sqrt(baseline):
            unusual.append((day, int(contacts), float(baseline), 100 * difference / baseline))
    metadata = {"days_checked": checked, "days_unusual": len(unusual)}
    days = _label(first, last)
    if not checked:
        return Finding(
            True,
            "warn",
            f"contacts created {days}: fewer than {BASELINE_WEEKS} weeks of landed history "
            "before these days, nothing to compare with yet",
            metadata,
        )
    if not unusual:
        return Finding(
            True,
            "warn",
            f"contacts created {days}: every day within {deviation_pct:g} % of its weekday",
            metadata,
        )
    lines = [
        f"{day:%Y-%m-%d} ({day:%A}): {contacts:,} contacts created, {abs(pct):.0f} % "
        f"{'below' if pct < 0 else 'above'} the {baseline:,.0f} of an average {day:%A} in "
        "the four weeks before"
        for day, contacts, baseline, pct in unusual
    ]
    metadata["unusual"] = [
        {"day": d.isoformat(), "contacts": c, "baseline": round(b, 1), "pct": round(p, 1)}
        for d, c, b, p in unusual
    ]
    return Finding(
        False,
        "warn",
        "; ".join(lines)
        + f" (beyond {deviation_pct:g} %, {DEVIATION_ENV}). A drop like this usually means a "
        "source stopped sending or a connector missed records: compare the raw assets' record "
        "counts for the day, run `csops check`, and re-run the day. A real quiet day (a "
        "holiday, an outage of your own product) needs nothing.",
        metadata,
    )


def missing_days(con: duckdb.DuckDBPyConnection, lake: Path) -> Finding:
    """Landed days, from the first contact on, without a row in kpi_support_daily."""
    if not manifest_dir(lake).is_dir():
        return Finding(True, "error", "nothing landed yet")
    rows = con.execute(
        f"""
        with landed as (
            select distinct day from {_manifest(lake)} where day <> ?
        ),
        shown as (
            select distinct date_day from marts.kpi_support_daily
        )
        select landed.day
        from landed
        where landed.day >= (select min(date_day) from shown)
            and landed.day < (select cast(as_of as date) from intermediate.int_build__as_of)
            and landed.day not in (select date_day from shown)
        order by landed.day
        """,
        [EMPTY_DAY],
    ).fetchall()
    missing = [day for (day,) in rows]
    if not missing:
        return Finding(True, "error", "every landed day has its rows in kpi_support_daily")
    shown = ", ".join(d.isoformat() for d in missing[:10]) + (" …" if len(missing) > 10 else "")
    return Finding(
        False,
        "error",
        f"{len(missing)} landed day(s) have no row in kpi_support_daily: {shown}. The models "
        "dropped days they should show (every day from the first contact to as_of has its "
        "rows). Rebuild them from the lake with a full refresh (docs/incremental.md); if the "
        "days are still missing, it is a bug in the models: please report it with this list.",
        {"missing_days": [d.isoformat() for d in missing]},
    )
