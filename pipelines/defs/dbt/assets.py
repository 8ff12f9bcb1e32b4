"""dbt assets: staging, intermediate and mart models, with every dbt test as an asset check."""

import os
import shutil
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from pipelines.defs.dbt.project import DBT_PROJECT, ensure_manifest
from pipelines.defs.resources import CsopsSettings
from pipelines.partitions import DAILY_FRESHNESS
from pipelines.settings import DBT_BUILD_ARGS, WAREHOUSE_POOL


class CsopsTranslator(DagsterDbtTranslator):
    """Groups models by layer (the folder under models/), so the UI shows
    raw → staging → intermediate → marts → kpi."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        if dbt_resource_props["resource_type"] != "model":
            return super().get_group_name(dbt_resource_props)
        parts = dbt_resource_props["fqn"][1:-1]  # [project, folder..., model]
        if parts[:2] == ["marts", "kpi"]:
            return "kpi"
        return parts[0] if parts else "models"

    def get_asset_spec(self, manifest, unique_id, project) -> dg.AssetSpec:
        """KPI marts carry the daily freshness policy (pipelines/partitions.py)."""
        spec = super().get_asset_spec(manifest, unique_id, project)
        if spec.group_name == "kpi":
            return spec.replace_attributes(freshness_policy=DAILY_FRESHNESS)
        return spec

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        """dbt's generic tests carry no description; say in words what each one checks."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return dg.AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=describe_test(manifest["nodes"][unique_id]),
            additional_deps=spec.additional_deps,
            metadata=spec.metadata,
            blocking=spec.blocking,
        )


GENERIC_TESTS = {
    "not_null": "every row has a value in `{column}`",
    "not_null_columns": "every row has a value in each of {columns}",
    "unique": "no two rows share a `{column}`",
    "unique_since_last_pass": (
        "no two rows share a `{column}` (read over the rows written since the test last passed)"
    ),
    "relationships": "every `{column}` is found in {to} (`{field}`)",
    "accepted_values": "`{column}` takes only the values {values}",
    "percentage_range": "`{column}` is a percentage between 0 and 100",
    "unique_combination": "no two rows share the same {columns}",
}


def describe_test(node: Mapping[str, Any]) -> str:
    """A sentence for a dbt test: what it checks, and what a failure does."""
    severity = (node.get("config", {}).get("severity") or "error").lower()
    consequence = (
        "A failure stops the run before anything is published."
        if severity == "error"
        else "A failure is a warning: the run still publishes."
    )
    if node.get("description"):
        return f"{node['description'].strip()} {consequence}"
    metadata = node.get("test_metadata") or {}
    name = metadata.get("name")
    kwargs = dict(metadata.get("kwargs") or {})
    kwargs.update(kwargs.pop("arguments", None) or {})
    if name in GENERIC_TESTS:
        fields = {
            "column": kwargs.get("column_name", ""),
            "to": str(kwargs.get("to", "")).replace("ref('", "").replace("')", ""),
            "field": kwargs.get("field", ""),
            "values": ", ".join(map(str, kwargs.get("values", []))),
            "columns": ", ".join(f"`{c}`" for c in kwargs.get("columns", [])),
        }
        return f"dbt test {name}: {GENERIC_TESTS[name].format(**fields)}. {consequence}"
    # A singular test: the comment at the top of its SQL says what it asserts.
    comment = " ".join(
        line.removeprefix("--").strip() for line in _leading_comment(node.get("raw_code") or "")
    )
    return f"dbt test {node['name']}: {comment or 'see its SQL'} {consequence}".strip()


def _leading_comment(sql: str) -> list[str]:
    """The comment lines before the first line of SQL (a `{{ config(...) }}` line is skipped)."""
    lines = []
    for line in sql.splitlines():
        stripped = line.strip()
        if stripped.startswith("--"):
            lines.append(stripped)
        elif stripped and not stripped.startswith("{{"):
            break
    return lines


class DbtBuildConfig(dg.Config):
    """Run config of the dbt build (the Launchpad's `ops: {csops_dbt_models: {config: ...}}`):
    full_refresh rebuilds the incremental models from the whole lake (docs/incremental.md)."""

    full_refresh: bool = False


@dbt_assets(
    manifest=ensure_manifest(),
    project=DBT_PROJECT,
    pool=WAREHOUSE_POOL,
    dagster_dbt_translator=CsopsTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
    ),
)
def csops_dbt_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    settings: CsopsSettings,
    config: DbtBuildConfig,
):
    # The models are not partitioned: each build covers the whole lake (the incremental
    # models recompute only what landed since, with the same result as a full refresh;
    # docs/incremental.md), and `as_of` comes from the data (the end of the latest landed
    # window), so re-running an old day yields the same warehouse. They run in the same run
    # as the raw days they follow; as partitioned assets, a 90-day backfill recorded 90
    # materializations of each of them (about a minute of the demo spent on bookkeeping).
    resolved = settings.resolved
    args = [
        "build",
        *DBT_BUILD_ARGS,
        *(["--full-refresh"] if config.full_refresh else []),
        # The engine the settings name (CSOPS_ENGINE, `csops run --target`): docs/scale.md.
        "--target",
        resolved.engine,
    ]
    if resolved.engine == "postgres":
        load_postgres(context, resolved.lake)
    # From the first mart on, events are held until dbt has exited (DuckDB allows no reader
    # while dbt writes, so the marts' row counts can only be read then), then yielded in dbt's
    # order: a model may follow a mart it reads, and Dagster takes outputs only in that order.
    held = []
    target = build_folder(resolved.dbt_target, context.run_id)
    try:
        for event in dbt.cli(args, context=context, target_path=target).stream():
            if held or _event_key(event, context) in MART_KEYS:
                held.append(event)
            else:
                yield event
    except Exception:
        yield from held
        raise
    finally:
        keep_parse_state(target)
    if resolved.engine != "duckdb":
        copy_marts(context, resolved.engine, resolved.warehouse, target / "manifest.json")
    yield from _with_row_counts(held, resolved.warehouse, context)


def load_postgres(context: dg.AssetExecutionContext, lake: Path) -> None:
    """PostgreSQL reads no Parquet: the landing zone is copied in before every build, as
    `csops load-postgres` does (pipelines/engines/postgres.py)."""
    from pipelines.engines.postgres import load_landing_zone

    started = time.monotonic()
    loaded = load_landing_zone(lake)
    context.log.info(
        f"landing zone copied into PostgreSQL: {len(loaded)} tables, "
        f"{sum(t.rows for t in loaded):,} rows in {time.monotonic() - started:.1f} s"
    )


def copy_marts(
    context: dg.AssetExecutionContext, engine: str, warehouse: Path, manifest: Path
) -> None:
    """The marts `engine` built, into the DuckDB warehouse that the row counts, the gates and
    the publish read (pipelines/engines/marts.py)."""
    from pipelines.engines.marts import mirror_marts

    started = time.monotonic()
    rows = mirror_marts(engine, warehouse, manifest)
    context.log.info(
        f"{len(rows)} tables built on {engine} copied into {warehouse}: "
        f"{sum(rows.values()):,} rows in {time.monotonic() - started:.1f} s"
    )


# dbt's parse state (partial_parse.msgpack) is only valid for the warehouse it was parsed
# for, so each warehouse keeps its own beside it: a build starts from the last build's state
# and parses only what changed (about 10 s less per build on this project than a full parse).
PARSE_STATE = "partial_parse.msgpack"
KEEP_BUILDS = 5


def build_folder(state: Path, run_id: str) -> Path:
    """A fresh artifacts folder for this build, seeded with the last build's parse state."""
    folder = state / "builds" / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{run_id[:8]}"
    folder.mkdir(parents=True, exist_ok=True)
    if (state / PARSE_STATE).exists():
        shutil.copyfile(state / PARSE_STATE, folder / PARSE_STATE)
    return folder


def keep_parse_state(folder: Path) -> None:
    """Keep this build's parse state for the next build, and only the last few builds'
    folders (each holds dbt's log and artifacts, about 10 MB)."""
    state = folder.parent.parent
    parsed = folder / PARSE_STATE
    if parsed.exists():
        partial = state / f".{PARSE_STATE}.tmp"
        shutil.copyfile(parsed, partial)
        os.replace(partial, state / PARSE_STATE)
    builds = sorted(p for p in (state / "builds").iterdir() if p.is_dir())
    for old in builds[:-KEEP_BUILDS]:
        shutil.rmtree(old, ignore_errors=True)


def _event_key(event, context: dg.AssetExecutionContext) -> dg.AssetKey | None:
    if isinstance(event, dg.Output):
        return context.assets_def.keys_by_output_name.get(event.output_name)
    return getattr(event, "asset_key", None)


def _with_row_counts(events: list, warehouse: Path, context: dg.AssetExecutionContext):
    """The held mart materializations with `dagster/row_count`, which the UI shows."""
    counts: dict[dg.AssetKey, int] = {}
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            for event in events:
                key = _event_key(event, context)
                if isinstance(event, dg.Output) and key in MART_KEYS and key not in counts:
                    (counts[key],) = con.execute(
                        f'select count(*) from marts."{key.path[-1]}"'
                    ).fetchone()
    except duckdb.Error as exc:  # counts are a nicety: never fail the build for them
        context.log.warning(f"row counts of the marts not recorded: {exc}")
    for event in events:
        key = _event_key(event, context)
        if isinstance(event, dg.Output) and key in counts:
            yield event.with_metadata(
                {**event.metadata, "dagster/row_count": dg.MetadataValue.int(counts[key])}
            )
        else:
            yield event


# The models are one build, never a subset: each build covers the whole lake, and dbt's
# tests across models (every contact once, the backlog equal in both marts) need every model
# they read. A backfill launched from the UI therefore runs them as `csops run` does: once,
# after the raw days of the range have landed (Dagster's asset backfill would otherwise split
# them into a run per layer as their parents finish). dagster-dbt makes every dbt asset
# subsettable and has no option for it, hence the rebuilt definition.
csops_dbt_models = dg.AssetsDefinition.dagster_internal_init(
    **{**csops_dbt_models.get_attributes_dict(), "can_subset": False}
)

# The models BI reads (the marts and KPI marts, schema `marts`): their row counts are recorded.
MART_KEYS = frozenset(key for key in csops_dbt_models.keys if key.path[0] == "marts")
