"""Intercom conversations whose parts have not changed since they were landed are not read
again: the search's record lands with the landed version's parts.

Against the fake Intercom (tests/fakes/intercom.py) and a real lake: the landed columns are
the same as when every conversation is read in full.
"""

from datetime import date, timedelta

import pyarrow.parquet as pq
from connector_fixtures import END, START, S, conversation, intercom

from connectors.lake import batch_files, day_dir
from connectors.landing import LandingWriter
from pipelines.landing import land_source_range


def _counted(record: dict) -> dict:
    """The conversation with the statistics the search reports: its number of parts."""
    parts = record["conversation_parts"]["conversation_parts"]
    return {**record, "statistics": {"count_conversation_parts": len(parts)}}


def _reads(fake) -> list[str]:
    """The conversations read in full, in order."""
    return [
        c.path.rsplit("/", 1)[1] for c in fake.calls("/conversations/") if "search" not in c.path
    ]


def test_a_conversation_with_the_landed_parts_is_not_read_again(intercom_api, sleeps):
    same, more, new = (_counted(conversation(i, S + 60)) for i in ("c1", "c2", "c3"))
    # c2 has a second part now; c4 says nothing of its parts.
    more["conversation_parts"]["conversation_parts"].append(
        {**more["conversation_parts"]["conversation_parts"][0], "id": "c2-p2"}
    )
    more["conversation_parts"]["total_count"] = 2
    more["statistics"]["count_conversation_parts"] = 2
    silent = conversation("c4", S + 60)
    intercom_api.conversations = [same, more, new, silent]
    # Landed on an earlier day: c1 with the part it still has, c2 before its second part.
    landed_before = {
        "c1": {**same, "updated_at": S - 600},
        "c2": {**conversation("c2", S + 60), "updated_at": S - 600},
    }
    asked: list[list[str]] = []

    def landed_versions(stream: str, ids) -> dict:
        asked.append(sorted(ids))
        return {i: landed_before[i] for i in ids if i in landed_before}

    connector = intercom(intercom_api, sleeps)
    connector.landed_versions = landed_versions
    got = {x.record["id"]: x.record for x in connector.extract_events(START, END)}

    # Looked up once, for the conversations whose parts the search counts.
    assert asked == [["c1", "c2", "c3"]]
    # c1: one part counted, one landed: not read again, and it lands as the full read would.
    # c2: two counted, one landed; c3: never landed; c4: not counted: each read in full.
    assert _reads(intercom_api) == ["c2", "c3", "c4"]
    assert connector.parts_reused == 1
    assert got["c1"] == same
    # Two search pages (two conversations a page) and three reads.
    assert connector.requests_sent()["conversations"] == 2 + 3


def _landed_rows(lake, day: date) -> list[dict]:
    rows = []
    for path in batch_files(day_dir(lake, "intercom", "conversations", day)):
        rows += pq.read_table(path).to_pylist()
    return [
        {k: v for k, v in row.items() if k not in ("_raw", "_batch_id", "_extracted_at")}
        for row in rows
    ]


def test_a_nightly_run_lands_the_same_conversation_without_reading_it(
    intercom_api, sleeps, tmp_path
):
    day1, day2 = START.date(), START.date() + timedelta(days=1)
    first = _counted(conversation("c1", S + 60))
    intercom_api.conversations = [first]
    lake = tmp_path / "lake"
    land_source_range(intercom(intercom_api, sleeps), LandingWriter(lake), day1, day1)
    assert _reads(intercom_api) == ["c1"]

    # The next day the customer rates it: updated, no new part.
    rated = {**first, "updated_at": S + 86400 + 60, "conversation_rating": {"rating": 5}}
    intercom_api.conversations = [rated]
    intercom_api.requests.clear()
    connector = intercom(intercom_api, sleeps)
    land_source_range(connector, LandingWriter(lake), day2, day2)
    assert _reads(intercom_api) == [] and connector.parts_reused == 1

    # A lake without day 1 reads it in full, and lands the same columns.
    clean = tmp_path / "clean"
    land_source_range(intercom(intercom_api, sleeps), LandingWriter(clean), day2, day2)
    assert _reads(intercom_api) == ["c1"]
    rows = _landed_rows(lake, day2)
    assert rows == _landed_rows(clean, day2)
    assert rows[0]["rating"] == 5 and len(rows[0]["parts"]) == 1
    # Re-running day 2 reads only earlier days: it reuses day 1's parts again.
    again = intercom(intercom_api, sleeps)
    land_source_range(again, LandingWriter(lake), day2, day2)
    assert again.parts_reused == 1 and _landed_rows(lake, day2) == rows
