"""Raw assets: each help-desk stream landed unchanged in the lake, one partition per UTC day."""

from datetime import UTC, date, datetime, timedelta

import dagster as dg

from connectors.errors import ConfigError, ConnectorError
from connectors.file_landing import FILE_STREAMS, land_files
from connectors.lake import DAY_PATTERN, WINDOWS_DIR, window_name
from connectors.landing import LandingWriter
from connectors.registry import CONNECTORS, SOURCES
from connectors.schemas import stream_schema
from pipelines.defs.raw.resources import HelpdeskResource
from pipelines.defs.resources import CsopsSettings
from pipelines.landing import day_start, days_between, land_source_range
from pipelines.partitions import DAILY_FRESHNESS, SINGLE_RUN
from pipelines.progress import Progress
from pipelines.settings import KNOWN_SOURCES

RAW_GROUP = "raw"

STREAM_DESCRIPTIONS = {
    ("zendesk", "tickets"): "Zendesk tickets as of their latest update in the day.",
    ("zendesk", "ticket_audits"): "Every audit (status changes, comments, reassignments) of "
    "the tickets updated in the day: the history the ticket metrics are computed from.",
    ("zendesk", "satisfaction_ratings"): "Zendesk CSAT ratings (good/bad) updated in the day.",
    ("zendesk", "users"): "Zendesk users (agents, admins and end users) changed since the "
    "latest change already landed; the whole history on the first run.",
    ("zendesk", "groups"): "Snapshot of Zendesk groups (the support teams).",
    ("zendesk", "organizations"): "Zendesk customer organizations changed since the latest "
    "change already landed; all of them on the first run.",
    ("zendesk", "schedules"): "Snapshot of business-hours schedules (zone and weekly hours).",
    ("zendesk", "holidays"): "Snapshot of the holidays of every business-hours schedule.",
    ("zendesk", "sla_policies"): "Snapshot of SLA policies: conditions and targets.",
    ("intercom", "conversations"): "Intercom conversations updated in the day, with all parts.",
    ("intercom", "admins"): "Snapshot of Intercom admins (the chat agents).",
    ("intercom", "teams"): "Snapshot of Intercom teams.",
    ("typeform", "responses"): "Typeform survey responses (NPS, CSAT, CES) submitted in the day.",
    ("typeform", "forms"): "Snapshot of the Typeform form definitions.",
    ("shifts", "activities"): "Agents' rostered activities (shifts, breaks, time off) from "
    "the workforce tool's CSV exports in CSOPS_SHIFTS_DIR: every row of each new or changed "
    "file, landed once per version of the file; the models keep each file's latest version.",
    ("shifts", "files"): "Which versions of the shift CSV files were landed (name, size, "
    "modification time, content hash, rows and rows set aside): what makes the folder's "
    "reading incremental.",
    ("zendesk_qa", "reviews"): "Zendesk QA reviews (score, reviewer, reviewee, scorecard and "
    "category ratings) changed in the day, each in its latest version of the day.",
}


# A landing step that failed on something that may pass by itself (the API down or throttled
# past the connector's own retries, the network gone) is run again after a pause; the range
# is re-landed whole, which gives the same lake (docs/landing.md). Errors a retry cannot fix
# (a bad token, a missing permission, a wrong URL, a bug) fail at once.
LANDING_RETRY_POLICY = dg.RetryPolicy(
    max_retries=2, delay=60, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


def is_transient(error: BaseException) -> bool:
    """True when running the landing again later may succeed."""
    if not isinstance(error, ConnectorError) or isinstance(error, ConfigError):
        return False
    return error.status is None or error.status == 429 or error.status >= 500


def raw_asset_key(source: str, stream: str) -> dg.AssetKey:
    # The same key dagster-dbt gives the dbt source `<source>.<stream>`, so lineage from the
    # raw assets into the staging models needs no mapping.
    return dg.AssetKey([source, stream])


def column_schema(source: str, stream: str) -> dg.TableSchema:
    """The landed Parquet columns of a stream (docs/landing.md), for the asset's page."""
    schema = FILE_STREAMS.get((source, stream)) or stream_schema(source, stream).schema
    return dg.TableSchema(columns=[dg.TableColumn(field.name, str(field.type)) for field in schema])


def _streams(source: str) -> tuple[str, ...]:
    connector = SOURCES[source]
    return tuple(connector.event_streams) + tuple(connector.reference_streams)


def build_raw_assets(source: str, partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    """The raw streams of one source, landed by day: `partitions_def` is the code location's
    daily partitions (pipelines/partitions.py `daily_partitions`)."""
    specs = _raw_specs(source)

    @dg.multi_asset(
        name=f"raw_{source}",
        specs=specs,
        partitions_def=partitions_def,
        backfill_policy=SINGLE_RUN,
        retry_policy=LANDING_RETRY_POLICY,
        op_tags={"source": source},
    )
    def _raw(
        context: dg.AssetExecutionContext, settings: CsopsSettings, helpdesk: HelpdeskResource
    ):
        window = context.partition_key_range
        first_day, last_day = date.fromisoformat(window.start), date.fromisoformat(window.end)
        lake = settings.resolved.lake
        writer = LandingWriter(lake)
        writer.ensure_streams()
        days = days_between(first_day, last_day)
        connector_cls = CONNECTORS[source]
        progress = Progress(
            source,
            len(days) * len(connector_cls.event_streams) + len(connector_cls.reference_streams),
        )
        context.log.info(f"landing {source} {first_day}..{last_day} into {lake}")
        try:
            with helpdesk.connector(source) as connector:
                summary = land_source_range(
                    connector, writer, first_day, last_day, progress, progress.extracted
                )
        except Exception as exc:
            if is_transient(exc):
                raise  # retried by LANDING_RETRY_POLICY
            raise dg.Failure(
                description=f"{type(exc).__name__}: {exc}", allow_retries=False
            ) from exc
        context.log.info(progress.finish())
        for stream in _streams(source):
            yield dg.MaterializeResult(
                asset_key=raw_asset_key(source, stream),
                metadata={
                    "records": dg.MetadataValue.int(summary.rows(stream)),
                    "rejected": dg.MetadataValue.int(summary.rejected(stream)),
                    "first_day": first_day.isoformat(),
                    "last_day": last_day.isoformat(),
                },
            )

    return _raw


def _raw_specs(source: str) -> list[dg.AssetSpec]:
    return [
        dg.AssetSpec(
            key=raw_asset_key(source, stream),
            description=STREAM_DESCRIPTIONS.get((source, stream)),
            group_name=RAW_GROUP,
            kinds={"python", "parquet"},
            metadata={
                "lake_path": f"{source}/{stream}/{DAY_PATTERN}/",
                "dagster/column_schema": column_schema(source, stream),
            },
            tags={"source": source},
            freshness_policy=DAILY_FRESHNESS,
        )
        for stream in _streams(source)
    ]


def build_shift_assets(partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    """The shift files of CSOPS_SHIFTS_DIR: each new or changed file landed into the run's
    last day (connectors/file_landing.py); an unchanged file is not read again, so a re-run
    lands nothing new and changes nothing."""
    source = "shifts"

    @dg.multi_asset(
        name=f"raw_{source}",
        specs=_raw_specs(source),
        partitions_def=partitions_def,
        backfill_policy=SINGLE_RUN,
        # A folder on a network share may blip; a missing or unreadable folder fails at once.
        retry_policy=LANDING_RETRY_POLICY,
        op_tags={"source": source},
    )
    def _raw(
        context: dg.AssetExecutionContext, settings: CsopsSettings, helpdesk: HelpdeskResource
    ):
        window = context.partition_key_range
        first_day, last_day = date.fromisoformat(window.start), date.fromisoformat(window.end)
        lake = settings.resolved.lake
        try:
            with helpdesk.connector(source, days=(first_day, last_day)) as connector:
                files = connector.files()
        except ConnectorError as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from exc
        summary = land_files(
            lake,
            files,
            last_day,
            day_start(first_day),
            day_start(last_day + timedelta(days=1)),
            datetime.now(UTC),
        )
        context.log.info(
            f"shifts: {len(summary.landed)} new or changed file(s) landed ({summary.rows} rows, "
            f"{summary.rejected} set aside in _rejected/), {len(summary.unchanged)} unchanged"
        )
        metadata = {
            "files_landed": dg.MetadataValue.int(len(summary.landed)),
            "files_unchanged": dg.MetadataValue.int(len(summary.unchanged)),
            "first_day": first_day.isoformat(),
            "last_day": last_day.isoformat(),
        }
        yield dg.MaterializeResult(
            asset_key=raw_asset_key(source, "activities"),
            metadata={
                **metadata,
                "records": dg.MetadataValue.int(summary.rows),
                "rejected": dg.MetadataValue.int(summary.rejected),
            },
        )
        yield dg.MaterializeResult(asset_key=raw_asset_key(source, "files"), metadata=metadata)

    return _raw


def raw_assets(partitions_def: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    """One multi-asset per known source, enabled or not (pipelines/definitions.py)."""
    return [
        build_shift_assets(partitions_def)
        if source == "shifts"
        else build_raw_assets(source, partitions_def)
        for source in KNOWN_SOURCES
    ]


# The landing writer's manifest of landed windows (docs/landing.md): written by every raw
# asset above as it lands each day of an event stream, read by the reporting clock
# (int_build__as_of). Not materialized on its own, so it is declared, not built.
LANDED_WINDOWS = dg.AssetSpec(
    key=dg.AssetKey(["landing", "windows"]),
    description="Which days of each event stream have been landed, a day with no record "
    "included: the end of the latest is the reporting clock as_of, so a quiet weekend still "
    "moves it. One row per stream and day, written with the day's batch by the raw assets.",
    group_name=RAW_GROUP,
    kinds={"parquet"},
    metadata={"lake_path": f"{WINDOWS_DIR}/{DAY_PATTERN}/{window_name('<source>', '<stream>')}"},
)
