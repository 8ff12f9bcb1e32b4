"""What an analyst finds in the Dagster UI, seen through the webserver a person opens.

One real `csops run` of a tiny simulated org records a run in a fresh instance; then the
project's own `dagster-webserver -w workspace.yaml` serves that instance on 127.0.0.1. Through
its GraphQL API (what the UI's pages read) and in headless Chromium: the run is listed under
the job, and a mart shows its row count, owner, column schema with descriptions and checks.
"""

import os
import socket
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
import requests
from browser import Page

from simulator.org import SimConfig, SupportOrg
from simulator.server import SimulatorServer

REPO = Path(__file__).resolve().parents[1]
DAY = date(2026, 3, 2)
SIM = SimConfig(
    seed=5,
    tickets_per_day=5,
    chats_per_day=3,
    agents=5,
    history_start=date(2026, 2, 26),
    now=datetime(2026, 3, 3, tzinfo=UTC),
)
MART = ["marts", "fct_contacts"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    root = tmp_path_factory.mktemp("ui")
    env = {
        **os.environ,
        "CSOPS_SOURCES": "zendesk,intercom,typeform",
        "CSOPS_LAKE": str(root / "lake"),
        "CSOPS_WAREHOUSE": str(root / "warehouse.duckdb"),
        "CSOPS_SERVING": str(root / "serving"),
        "DAGSTER_HOME": str(root / "dagster_home"),
    }
    with SimulatorServer(SupportOrg(SIM)) as server:
        env.update(server.env())
        run = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "run", "--start", str(DAY), "--end", str(DAY)],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert run.returncode == 0, run.stderr[-6000:]
    port = _free_port()
    log = (root / "webserver.log").open("w")
    web = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("dagster-webserver")),
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert web.poll() is None, (root / "webserver.log").read_text()[-4000:]
            assert time.monotonic() < deadline, "the webserver did not load the code location"
            try:
                loaded = graphql(
                    url,
                    "{ workspaceOrError { ... on Workspace { locationEntries {"
                    " name loadStatus } } } }",
                )["workspaceOrError"]["locationEntries"]
                if loaded and all(e["loadStatus"] == "LOADED" for e in loaded):
                    break
            except requests.ConnectionError:
                pass
            time.sleep(1)
        yield {"url": url, "root": root}
    finally:
        web.terminate()
        web.wait(timeout=60)
        log.close()


def graphql(url: str, query: str) -> dict:
    response = requests.post(f"{url}/graphql", json={"query": query}, timeout=60)
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def mart_rows(root: Path) -> int:
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(f"select count(*) from {'.'.join(MART)}").fetchone()[0]


def test_the_cli_run_is_listed_under_the_job(ui):
    data = graphql(
        ui["url"],
        '{ pipelineOrError(params: {repositoryLocationName: "csops", repositoryName:'
        ' "__repository__", pipelineName: "csops_daily"}) {'
        " __typename ... on Pipeline { runs(limit: 5) { runId status tags { key value } } } } }",
    )
    runs = data["pipelineOrError"]["runs"]
    assert [r["status"] for r in runs] == ["SUCCESS"]
    tags = {t["key"]: t["value"] for t in runs[0]["tags"]}
    assert tags["dagster/asset_partition_range_start"] == str(DAY)
    assert tags["csops/trigger"] == "cli"


def test_a_mart_shows_its_row_count_owner_columns_and_checks(ui):
    path = ", ".join(f'"{p}"' for p in MART)
    data = graphql(
        ui["url"],
        f"{{ assetOrError(assetKey: {{path: [{path}]}}) {{ ... on Asset {{"
        " assetMaterializations(limit: 1) { metadataEntries { label"
        " ... on IntMetadataEntry { intValue } } }"
        " definition { description owners { ... on TeamAssetOwner { team } }"
        " metadataEntries { label ... on TableSchemaMetadataEntry {"
        " schema { columns { name description } } } }"
        " assetChecksOrError { ... on AssetChecks { checks { name description } } } } } } }",
    )["assetOrError"]
    [materialization] = data["assetMaterializations"]
    recorded = {e["label"]: e.get("intValue") for e in materialization["metadataEntries"]}
    assert recorded["dagster/row_count"] == mart_rows(ui["root"]) > 0
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


def test_the_asset_page_in_chromium_shows_row_count_owner_and_columns(ui):
    rows = f"{mart_rows(ui['root']):,}"
    with Page(width=1400, height=1000, offline=False) as page:
        page.open(f"{ui['url']}/assets/{'/'.join(MART)}")
        deadline = time.monotonic() + 90
        text = ""
        while time.monotonic() < deadline:
            # A first visit shows Dagster's newsletter dialog: a person closes it with Skip.
            page.evaluate(
                "[...document.querySelectorAll('button')]"
                ".filter(b => b.innerText.trim() === 'Skip').forEach(b => b.click())"
            )
            text = page.evaluate("document.body.innerText") or ""
            if all(s in text for s in ("support-analytics", "contact_key", "Row count")):
                break
            time.sleep(0.5)
        page.screenshot(REPO / "test-output" / "dagster-asset.png")
        (REPO / "test-output" / "dagster-asset.txt").write_text(text)
        assert "Join the Dagster community" not in text
        assert "support-analytics" in text and "contact_key" in text, text[:3000]
        assert "Row count" in text and rows in text, text[:3000]
        assert all(u.startswith((ui["url"], "data:")) for u in page.requested_urls())
