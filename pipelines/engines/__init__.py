"""The engines beyond DuckDB that the dbt project builds on (docs/scale.md)."""
