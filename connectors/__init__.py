"""Production extraction: one connector per source API, one HTTP client, one landing writer.

Plain Python with no knowledge of Dagster, dbt or the simulator: connectors yield
``Extracted`` records, ``LandingWriter`` turns them into the landing zone of docs/landing.md.
"""
