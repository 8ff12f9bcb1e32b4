"""The one dbt project of csops, and its manifest (built once, rebuilt only when stale)."""

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from dagster_dbt import DbtProject

from pipelines.settings import DBT_PROJECT_DIR

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
MANIFEST_PATH = DBT_PROJECT.manifest_path

# Files whose change makes the manifest stale. Parsing costs several seconds, so it is only
# paid when one of them is newer than the manifest, not on every import of the definitions.
_PROJECT_GLOBS = (
    "dbt_project.yml",
    "profiles.yml",
    "models/**/*",
    "macros/**/*",
    "seeds/**/*",
    "tests/**/*",
)


def dbt_executable() -> str:
    """The dbt of this interpreter's environment, so a venv need not be on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def _newest_source_mtime() -> float:
    return max(
        (p.stat().st_mtime for g in _PROJECT_GLOBS for p in DBT_PROJECT_DIR.glob(g) if p.is_file()),
        default=0.0,
    )


def _manifest_is_fresh() -> bool:
    return MANIFEST_PATH.exists() and MANIFEST_PATH.stat().st_mtime >= _newest_source_mtime()


def ensure_manifest() -> Path:
    """Run `dbt parse` when the manifest is missing or older than the project's files.

    Several processes may ask at once (the test workers, a run worker beside the webserver):
    one parses while the others wait on a lock, and the manifest is parsed into a folder of
    its own and renamed into place, so no process ever reads a half-written one."""
    if _manifest_is_fresh():
        return MANIFEST_PATH
    target = MANIFEST_PATH.parent
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".manifest.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _manifest_is_fresh():  # parsed by another process while this one waited
            return MANIFEST_PATH
        with tempfile.TemporaryDirectory(prefix=".parse-", dir=target) as parse_dir:
            state = target / "partial_parse.msgpack"
            if state.exists():
                shutil.copyfile(state, Path(parse_dir) / state.name)
            proc = subprocess.run(
                [
                    dbt_executable(),
                    "parse",
                    "--quiet",
                    "--project-dir",
                    str(DBT_PROJECT_DIR),
                    "--profiles-dir",
                    str(DBT_PROJECT_DIR),
                    "--target-path",
                    parse_dir,
                ],
                cwd=DBT_PROJECT_DIR,
                # The definitions are the same whichever engine builds (CSOPS_ENGINE): parsed
                # for DuckDB's target, which needs no other adapter installed.
                env={
                    **os.environ,
                    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
                    "CSOPS_ENGINE": "duckdb",
                },
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                raise RuntimeError(
                    f"dbt parse failed in {DBT_PROJECT_DIR}:\n{proc.stdout}\n{proc.stderr}"
                )
            os.replace(Path(parse_dir) / "manifest.json", MANIFEST_PATH)
            if (Path(parse_dir) / state.name).exists():
                os.replace(Path(parse_dir) / state.name, state)
    return MANIFEST_PATH
