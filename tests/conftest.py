"""Test session setup: an isolated Dagster instance and data folder, and the network guard.

Everything here happens before any test runs, because the code location reads its settings
when its definitions are built, and tests build them in this process.
"""

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
NETGUARD_DIR = TESTS_DIR / "netguard"

_session_root = Path(tempfile.mkdtemp(prefix="csops-tests-"))
# Each test process (the controller, each worker) has its own, removed when it exits.
atexit.register(shutil.rmtree, _session_root, ignore_errors=True)
NETGUARD_LOG = _session_root / "netguard.log"
NETGUARD_LOG.touch()

os.environ.update(
    {
        "CSOPS_NETGUARD": "1",
        "CSOPS_NETGUARD_LOG": str(NETGUARD_LOG),
        "PYTHONPATH": os.pathsep.join(
            [str(NETGUARD_DIR), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
        "DAGSTER_HOME": str(_session_root / "dagster_home"),
        "CSOPS_LAKE": str(_session_root / "lake"),
        "CSOPS_WAREHOUSE": str(_session_root / "warehouse" / "warehouse.duckdb"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "CSOPS_SOURCES": "demo",
        "CSOPS_SERVING": str(_session_root / "serving"),
        # Fixed, so every test process has the same daily partitions whatever the session's
        # lake holds (without it they start at the first landed day: pipelines/settings.py).
        "CSOPS_START_DATE": "2024-01-01",
    }
)
(_session_root / "dagster_home").mkdir()
(_session_root / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
sys.path.insert(0, str(NETGUARD_DIR))
import csops_netguard  # the guard must exist before anything connects

csops_netguard.install()
pytest_plugins = ["connector_fixtures"]  # the connector tests' fakes and builders


@pytest.fixture(scope="session")
def netguard_log() -> Path:
    return NETGUARD_LOG


# The longest test files (each runs in one worker: `--dist loadfile`), started first so the
# other worker works through the short files beside them, instead of a long file starting
# last while the other worker sits idle. Longest first, as measured with `--durations`.
LONGEST_FILES = (
    "test_end_to_end.py",
    "test_dbt_incremental_build.py",
    "test_quiet_days.py",
    "test_dbt_docs.py",
    "test_dbt_targets.py",
    "test_dbt_scoped_tests.py",
    "test_dbt_models.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FILES.index(name) if name in LONGEST_FILES else len(LONGEST_FILES)

    items.sort(key=rank)  # stable: the order within a file, and of the other files, is kept
