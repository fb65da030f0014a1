"""Calendar days in the clinic time zone, and the one time unit the flag engine uses.

SI days, windows and `--as-of` are all calendar days where the clinic is (SPEC §4, §8):
a late-evening assessment in Chicago belongs to that evening's day, not to the next UTC
day. Inside the engine a moment is an int of nanoseconds since the epoch (UTC) and a day
is an int of days since 1970-01-01, so per-patient passes compare plain integers.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

EPOCH_DAY = dt.date(1970, 1, 1)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
NS_PER_DAY = 86_400 * 10**9


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01."""
    return (day - EPOCH_DAY).days


@cache
def date_of(day: int) -> dt.date:
    return EPOCH_DAY + dt.timedelta(days=int(day))


@cache
def iso_day(day: int) -> str:
    """`YYYY-MM-DD` of a day number (cached: evidence names the same days again and again)."""
    return date_of(day).isoformat()


def to_ns(moment: dt.datetime) -> int:
    """An aware datetime as nanoseconds since the epoch (UTC)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the engine only compares aware moments")
    delta = moment.astimezone(dt.UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 10**9 + delta.microseconds * 1_000


def from_ns(ns: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=int(ns) // 1_000)


def start_of_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """00:00 of the day in the clinic's zone, as an aware UTC datetime."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)


@cache
def day_start_ns(day: int, tz: ZoneInfo) -> int:
    """00:00 of a day number in the clinic's zone, in ns (cached: flags fall due on the same days again and again)."""
    return to_ns(start_of_day(date_of(day), tz))


def end_of_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The first moment *after* the day (exclusive bound): records before it count on `--as-of`."""
    return start_of_day(day + dt.timedelta(days=1), tz)


def local_day(moment: dt.datetime, tz: ZoneInfo) -> dt.date:
    return moment.astimezone(tz).date()


def times_ns(moments: pd.Series) -> np.ndarray:
    """A datetime64[UTC] column as int64 nanoseconds (NaT becomes the int64 minimum)."""
    values = pd.to_datetime(moments, utc=True)
    return np.asarray(values.dt.as_unit("ns").array.asi8, dtype=np.int64)


def local_day_numbers(moments: pd.Series, tz: ZoneInfo) -> np.ndarray:
    """The clinic-zone calendar day (days since 1970-01-01) of each moment, vectorised."""
    values = pd.to_datetime(moments, utc=True)
    local = values.dt.tz_convert(tz).dt.tz_localize(None)
    return local.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def as_dates(days: pd.Series | np.ndarray) -> pd.Series:
    """Day numbers back to `datetime.date` objects (what exports and JSON show)."""
    return pd.Series([date_of(d) for d in np.asarray(days)], dtype=object)
