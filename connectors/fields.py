"""Readers of the API fields the models use: each returns the typed value or rejects.

Strict on purpose: a value of the wrong type in a used field rejects the whole record with
a reason naming the field, rather than landing a null the models would misread.
"""

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from connectors.base import parse_time


class RecordRejected(Exception):
    """A record the models cannot use; ``reason`` says which field and why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Dotted paths split once (a plain key maps to None): the landing writer reads millions of
# fields per run.
_PATHS: dict[str, tuple[str, ...] | None] = {}
_UNSEEN = ()


def get(record: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path ("via.channel"), None when any step is absent."""
    parts = _PATHS.get(path, _UNSEEN)
    if parts is None:  # a plain key, on what is nearly always a dict
        if isinstance(record, (dict, Mapping)):
            return record.get(path)
        return None
    if parts is _UNSEEN:
        parts = _PATHS[path] = tuple(path.split(".")) if "." in path else None
        return get(record, path)
    value: Any = record
    for part in parts:
        # dict first: JSON objects are dicts, and the abstract Mapping check is ten times slower
        # (isinstance tries the tuple in order).
        if not isinstance(value, (dict, Mapping)):
            return None
        value = value.get(part)
    return value


def _missing(path: str, required: bool) -> None:
    if required:
        raise RecordRejected(f"required field {path} is missing")


def _wrong(path: str, expected: str, value: Any) -> RecordRejected:
    return RecordRejected(f"field {path} should be {expected}, got {type(value).__name__}")


def bigint(record: Mapping, path: str, required: bool = False) -> int | None:
    value = get(record, path)
    if type(value) is int:  # the common case first (bool is a subclass of int, not this)
        return value
    if value is None:
        return _missing(path, required)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong(path, "an integer", value)
    return value


INT32_RANGE = range(-(2**31), 2**31)


def integer(record: Mapping, path: str) -> int | None:
    """An INTEGER column: an int that fits 32 bits (minutes, positions, ratings)."""
    value = bigint(record, path)
    if value is not None and value not in INT32_RANGE:
        raise RecordRejected(f"field {path} is out of the INTEGER range ({value})")
    return value


def text(record: Mapping, path: str, required: bool = False) -> str | None:
    value = get(record, path)
    if type(value) is str:
        return value
    if value is None:
        return _missing(path, required)
    if not isinstance(value, str):
        raise _wrong(path, "a string", value)
    return value


def ident(record: Mapping, path: str, required: bool = False) -> str | None:
    """An id kept as text: Intercom sends most ids as strings but some (admins) as numbers."""
    value = get(record, path)
    if type(value) is str and value:
        return value
    if value is None or value == "":
        return _missing(path, required)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _wrong(path, "a string or integer id", value)
    return str(value)


def boolean(record: Mapping, path: str, required: bool = False) -> bool | None:
    value = get(record, path)
    if value is None:
        return _missing(path, required)
    if not isinstance(value, bool):
        raise _wrong(path, "a boolean", value)
    return value


def number(record: Mapping, path: str) -> float | None:
    value = get(record, path)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _wrong(path, "a number", value)
    return float(value)


def timestamp(record: Mapping, path: str, required: bool = False) -> datetime | None:
    value = get(record, path)
    if value is None or value == "":
        return _missing(path, required)
    try:
        return parse_time(value)
    except (TypeError, ValueError, OverflowError, OSError) as exc:
        raise RecordRejected(f"field {path} is not a timestamp ({value!r})") from exc


def day(record: Mapping, path: str) -> date | None:
    value = get(record, path)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise RecordRejected(f"field {path} is not a YYYY-MM-DD date ({value!r})") from exc


def as_text(value: Any) -> str | None:
    """A string as is; any other JSON value (lists, numbers) as compact JSON text."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def items(record: Mapping, path: str) -> list[Mapping]:
    """A list of objects, or [] when absent."""
    value = get(record, path)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, (dict, Mapping)) for v in value):
        raise _wrong(path, "a list of objects", value)
    return value


def id_list(record: Mapping, path: str) -> list[str] | None:
    value = get(record, path)
    if value is None:
        return None
    if not isinstance(value, list) or not all(
        isinstance(v, str | int) and not isinstance(v, bool) for v in value
    ):
        raise _wrong(path, "a list of ids", value)
    return [str(v) for v in value]


def text_list(record: Mapping, path: str) -> list[str] | None:
    value = get(record, path)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _wrong(path, "a list of strings", value)
    return value
