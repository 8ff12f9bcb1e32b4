"""The other engines of the dbt project, started for a test: a PostgreSQL server of Debian's
package on 127.0.0.1 (its own data folder and port, removed afterwards) and the settings
of a local Spark session (docs/scale.md)."""

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _pg_binary(name: str) -> str:
    found = shutil.which(name) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None
    )
    if not found:
        raise RuntimeError(
            f"PostgreSQL's {name} not found: install Debian's postgresql package (.ci/run does)"
        )
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def postgres_server() -> Iterator[dict[str, str]]:
    """A PostgreSQL server on 127.0.0.1 with a database `csops` its user `csops` owns; yields
    the environment the profile and the loader read. PostgreSQL does not run as root, so as
    root the server runs as the `postgres` user of Debian's package."""
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    folder = Path(tempfile.mkdtemp(prefix="csops-pg-"))
    folder.chmod(0o755)
    data = folder / "data"
    data.mkdir()
    if as_root:
        shutil.chown(folder, "postgres", "postgres")
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()

    def run(*args: str) -> None:
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")

    run(
        _pg_binary("initdb"),
        "-D",
        str(data),
        "-U",
        "csops",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C",
    )
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {folder} -c fsync=off"
    run(
        _pg_binary("pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(folder / "log"),
        "-w",
        "start",
    )
    try:
        run(_pg_binary("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "csops", "csops")
        yield {
            "CSOPS_PG_HOST": "127.0.0.1",
            "CSOPS_PG_PORT": str(port),
            "CSOPS_PG_USER": "csops",
            "CSOPS_PG_PASSWORD": "",
            "CSOPS_PG_DATABASE": "csops",
        }
    finally:
        run(_pg_binary("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def spark_env(root: Path) -> dict[str, str]:
    """The settings of a local Spark session whose tables and catalog live under `root`."""
    return {
        "CSOPS_SPARK_WAREHOUSE": str(root / "spark"),
        "CSOPS_SPARK_MASTER": "local[2]",
        "CSOPS_SPARK_DRIVER_MEMORY": "2g",
    }
