"""The dbt CLI resource, kept offline."""

from functools import cached_property
from importlib.metadata import version as installed_version

from dagster_dbt import DbtCliResource
from packaging import version

from pipelines.defs.dbt.project import DBT_PROJECT, dbt_executable


class OfflineDbtCliResource(DbtCliResource):
    """dagster-dbt learns dbt's version by running `dbt --version`, which also asks the package
    index for the latest release: a network call on every invocation (and ~3 s lost where the
    index is unreachable). csops promises no connection leaves 127.0.0.1 at run time, so the
    version is read from the installed dbt-core package instead."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))


def dbt_resource() -> OfflineDbtCliResource:
    return OfflineDbtCliResource(project_dir=DBT_PROJECT, dbt_executable=dbt_executable())
