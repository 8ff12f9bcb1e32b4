"""What an analyst finds and does in the Dagster UI, through the webserver and daemon a person runs.

A `csops run` of two days of a tiny simulated org records a run in a fresh instance. Then the
project's own `dagster dev -w workspace.yaml` (webserver and daemon) serves that instance on
127.0.0.1, with a lake and warehouse of its own. Through its GraphQL API (what the UI's pages
read and its buttons send) and in headless Chromium: the CLI run is listed under the job; a mart
shows its row count, owner, column schema and checks; a backfill of the same two days and a
re-execution of the CLI run, both launched from the UI and carried out by the daemon, build
marts identical to the CLI run's.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import requests
from browser import Page
from warehouse_snapshot import mart_snapshot, query

from simulator.org import SimConfig, SupportOrg
from simulator.server import SimulatorServer

# Its own command (`make test-ui`, about 8 minutes): one CLI run, then the daemon's runs.
pytestmark = pytest.mark.ui

REPO = Path(__file__).resolve().parents[1]
FIRST_DAY, LAST_DAY = date(2026, 3, 1), date(2026, 3, 2)
SIM = SimConfig(
    seed=5,
    tickets_per_day=5,
    chats_per_day=3,
    agents=5,
    history_start=date(2026, 2, 26),
    now=datetime(2026, 3, 3, tzinfo=UTC),
)
MART = ["marts", "fct_contacts"]
JOB = '{repositoryLocationName: "csops", repositoryName: "__repository__", pipelineName: "csops_daily"}'
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _csops_env(folder: Path, home: Path, server_env: dict) -> dict:
    return {
        **os.environ,
        **server_env,
        "CSOPS_SOURCES": "zendesk,intercom,typeform",
        "CSOPS_LAKE": str(folder / "lake"),
        "CSOPS_WAREHOUSE": str(folder / "warehouse.duckdb"),
        "CSOPS_SERVING": str(folder / "serving"),
        "DAGSTER_HOME": str(home),
    }


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    root = tmp_path_factory.mktemp("ui")
    home = root / "dagster_home"
    with SimulatorServer(SupportOrg(SIM)) as server:
        cli_env = _csops_env(root / "cli", home, server.env())
        run = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "run"]
            + ["--start", str(FIRST_DAY), "--end", str(LAST_DAY)],
            env=cli_env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert run.returncode == 0, run.stderr[-6000:]
        # The UI's own deployment: same instance, its own lake and warehouse, partitions from
        # the organisation's first day (its lake is empty when it starts).
        ui_env = {**_csops_env(root / "ui", home, server.env()), "CSOPS_START_DATE": str(FIRST_DAY)}
        port = _free_port()
        log = (root / "dagster-dev.log").open("w")
        dev = subprocess.Popen(
            [str(Path(sys.executable).with_name("dagster")), "dev", "-w", "workspace.yaml"]
            + ["-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO,
            env=ui_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(
                lambda: _loaded(url, dev, root),
                seconds=180,
                what="dagster dev to load the code location",
            )
            yield {
                "url": url,
                "cli": root / "cli" / "warehouse.duckdb",
                "ui": root / "ui" / "warehouse.duckdb",
                "log": root / "dagster-dev.log",
            }
        finally:
            os.killpg(dev.pid, signal.SIGTERM)
            try:
                dev.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(dev.pid, signal.SIGKILL)
            log.close()


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")


def _loaded(url: str, dev: subprocess.Popen, root: Path) -> bool:
    assert dev.poll() is None, (root / "dagster-dev.log").read_text()[-4000:]
    try:
        entries = graphql(
            url, "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus } } } }"
        )["workspaceOrError"]["locationEntries"]
    except requests.ConnectionError:
        return False
    return bool(entries) and all(e["loadStatus"] == "LOADED" for e in entries)


def graphql(url: str, query_text: str, variables: dict | None = None) -> dict:
    response = requests.post(
        f"{url}/graphql", json={"query": query_text, "variables": variables or {}}, timeout=60
    )
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def mart_rows(warehouse: Path) -> int:
    return query(warehouse, f"select count(*) from {'.'.join(MART)}")[0][0]


def job_runs(url: str) -> list[dict]:
    data = graphql(
        url,
        f"{{ pipelineOrError(params: {JOB}) {{ __typename ... on Pipeline {{"
        " runs(limit: 20) { runId status tags { key value } } } } }",
    )
    return [
        {**r, "tags": {t["key"]: t["value"] for t in r["tags"]}}
        for r in data["pipelineOrError"]["runs"]
    ]


def test_the_cli_run_is_listed_under_the_job(ui):
    [run] = job_runs(ui["url"])
    assert run["status"] == "SUCCESS"
    assert run["tags"]["dagster/asset_partition_range_start"] == str(FIRST_DAY)
    assert run["tags"]["dagster/asset_partition_range_end"] == str(LAST_DAY)
    assert run["tags"]["csops/trigger"] == "cli"


def test_a_mart_shows_its_row_count_owner_columns_and_checks(ui):
    path = ", ".join(f'"{p}"' for p in MART)
    data = graphql(
        ui["url"],
        f"{{ assetOrError(assetKey: {{path: [{path}]}}) {{ ... on Asset {{"
        " assetMaterializations(limit: 1) { metadataEntries { label"
        " ... on IntMetadataEntry { intValue } } }"
        " definition { description owners { ... on TeamAssetOwner { team } }"
        " dependencyKeys { path }"
        " metadataEntries { label ... on TableSchemaMetadataEntry {"
        " schema { columns { name description } } } }"
        " assetChecksOrError { ... on AssetChecks { checks { name description } } } } } } }",
    )["assetOrError"]
    [materialization] = data["assetMaterializations"]
    recorded = {e["label"]: e.get("intValue") for e in materialization["metadataEntries"]}
    assert recorded["dagster/row_count"] == mart_rows(ui["cli"]) > 0
    definition = data["definition"]
    assert definition["description"].startswith("The conformed contact")
    assert definition["owners"] == [{"team": "support-analytics"}]
    [schema] = [e for e in definition["metadataEntries"] if e["label"] == "dagster/column_schema"]
    columns = {c["name"]: c["description"] for c in schema["schema"]["columns"]}
    assert {"contact_key", "contact_type", "created_at", "channel"} <= set(columns)
    assert all(columns.values()), [n for n, d in columns.items() if not d]
    checks = data["definition"]["assetChecksOrError"]["checks"]
    assert checks and all(c["description"] for c in checks)
    assert any(c["name"].startswith("unique_fct_contacts_contact_key") for c in checks)
    # Its lineage is the models it reads and the build models it learns what changed from
    # (docs/incremental.md): 7 parents, no wall of staging tables and seeds.
    parents = {"/".join(k["path"]) for k in definition["dependencyKeys"]}
    assert parents == {
        "marts/fct_tickets",
        "marts/fct_conversations",
        "intermediate/int_business_hours__conversation_minutes",
        "intermediate/int_build__ticket_changes",
        "intermediate/int_build__conversation_changes",
        "intermediate/int_build__reference_rows",
        "intermediate/int_build__as_of",
    }


def test_the_asset_page_in_chromium_shows_row_count_owner_and_columns(ui):
    rows = f"{mart_rows(ui['cli']):,}"
    dialog = "Join the Dagster community"
    skip = (
        "[...document.querySelectorAll('button')]"
        ".filter(b => b.innerText.trim() === 'Skip').forEach(b => b.click())"
    )
    with Page(width=1400, height=1000, offline=False) as page:
        page.open(f"{ui['url']}/assets/{'/'.join(MART)}")
        # A first visit shows Dagster's newsletter dialog, possibly after the page has drawn:
        # a person closes it with Skip. The page is read once it has shown the mart and no
        # dialog for two seconds in a row.
        deadline = time.monotonic() + 90
        settled_since = None
        while time.monotonic() < deadline:
            page.evaluate(skip)
            text = page.evaluate("document.body.innerText") or ""
            ready = dialog not in text and all(
                s in text for s in ("support-analytics", "contact_key", "Row count")
            )
            settled_since = (settled_since or time.monotonic()) if ready else None
            if settled_since and time.monotonic() - settled_since >= 2:
                break
            time.sleep(0.5)
        page.screenshot(REPO / "test-output" / "dagster-asset.png")
        text = page.evaluate("document.body.innerText") or ""
        (REPO / "test-output" / "dagster-asset.txt").write_text(text)
        assert dialog not in text, "the newsletter dialog covers the page"
        assert "support-analytics" in text and "contact_key" in text, text[:3000]
        assert "Row count" in text and rows in text, text[:3000]
        assert all(u.startswith((ui["url"], "data:")) for u in page.requested_urls())


BACKFILL = """
mutation Backfill($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on PartitionKeysNotFoundError { message }
    ... on UnauthorizedError { message }
  }
}"""

BACKFILL_STATUS = """
query Backfill($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    ... on PartitionBackfill { status error { message } runs { runId status tags { key value } } }
  }
}"""


def test_a_range_backfilled_from_the_ui_builds_the_marts_of_the_cli_run(ui):
    """The UI's "Materialize" of the job's assets over 03-01..03-02 launches an asset
    backfill; the daemon lands the range in one run (single-run backfill policy, as `csops run`
    does) and builds the models after it. The marts equal the CLI run's, row for row."""
    assets = graphql(ui["url"], f"{{ assetNodes(pipeline: {JOB}) {{ assetKey {{ path }} }} }}")
    selection = [{"path": a["assetKey"]["path"]} for a in assets["assetNodes"]]
    assert {"marts", "fct_contacts"} <= {p for a in selection for p in a["path"]}
    launched = graphql(
        ui["url"],
        BACKFILL,
        {
            "params": {
                "assetSelection": selection,
                "partitionNames": [str(FIRST_DAY), str(LAST_DAY)],
                "fromFailure": False,
            }
        },
    )["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched

    def finished():
        backfill = graphql(ui["url"], BACKFILL_STATUS, {"id": launched["backfillId"]})[
            "partitionBackfillOrError"
        ]
        return backfill if backfill["status"] not in ("REQUESTED", "CANCELING", "FAILING") else None

    backfill = wait_for(finished, seconds=420, what="the backfill to finish")
    assert backfill["status"] in ("COMPLETED", "COMPLETED_SUCCESS"), (
        backfill,
        ui["log"].read_text()[-4000:],
    )
    runs = backfill["runs"]
    assert runs and all(r["status"] == "SUCCESS" for r in runs), runs
    ranged = [
        r
        for r in runs
        if {"key": "dagster/asset_partition_range_start", "value": str(FIRST_DAY)} in r["tags"]
    ]
    assert len(ranged) == 1, "the range was not landed in one run"
    assert {"key": "dagster/asset_partition_range_end", "value": str(LAST_DAY)} in ranged[0]["tags"]
    assert mart_snapshot(ui["ui"]) == mart_snapshot(ui["cli"])


REEXECUTE = """
mutation Reexecute($params: ReexecutionParams!) {
  launchPipelineReexecution(reexecutionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidStepError { invalidStepKey }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on UnauthorizedError { message }
  }
}"""


def test_the_cli_run_re_executed_from_the_ui_builds_the_same_marts(ui):
    """ "Re-execute all" on the CLI run's page: the daemon runs the same days again (here in
    the UI's deployment, over the warehouse the backfill built) and the marts stay equal to
    the CLI run's. The re-execution carries the CLI's tags, so the dead-run sensor must find
    its live worker by the pid its launcher recorded, not by the CLI's."""
    [cli_run] = [
        r
        for r in job_runs(ui["url"])
        if r["tags"].get("csops/trigger") == "cli" and "dagster/parent_run_id" not in r["tags"]
    ]
    launched = graphql(
        ui["url"],
        REEXECUTE,
        {"params": {"parentRunId": cli_run["runId"], "strategy": "ALL_STEPS"}},
    )["launchPipelineReexecution"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]

    def finished():
        [run] = [r for r in job_runs(ui["url"]) if r["runId"] == run_id]
        return run if run["status"] in FINISHED else None

    run = wait_for(finished, seconds=420, what="the re-execution to finish")
    assert run["status"] == "SUCCESS", ui["log"].read_text()[-4000:]
    assert run["tags"]["dagster/parent_run_id"] == cli_run["runId"]
    assert run["tags"]["dagster/asset_partition_range_start"] == str(FIRST_DAY)
    assert mart_snapshot(ui["ui"]) == mart_snapshot(ui["cli"])
