{#- on-run-start: make the landing zone readable as the sources (docs/scale.md).

    - DuckDB reads the Parquet files where they lie, through each source's external_location
      (models/staging/*/_*__sources.yml): nothing to do.
    - Spark: each source table is an external table of the catalog over its folder of the
      lake (the same layout: <lake>/<source>/<stream>/date=YYYY-MM-DD/*.parquet, the date
      folders its partitions, files of different days merged by column name), its partitions
      found again on every run so the days landed since are read.
    - PostgreSQL reads no Parquet: `csops load-postgres` copies the lake into one schema per
      source before a build (pipelines/engines/postgres.py). -#}
{% macro register_landing_zone() -%}
    {{ return(adapter.dispatch('register_landing_zone', 'csops')()) }}
{%- endmacro %}

{% macro default__register_landing_zone() -%}
    select 1
{%- endmacro %}

{% macro spark__register_landing_zone() -%}
    {%- if execute -%}
        {#- Spark resolves a relative path against its own warehouse folder, not dbt's working
            folder: the lake is given as an absolute path or a URI (s3://, abfss://, ...). -#}
        {%- set lake = env_var('CSOPS_SPARK_LAKE', env_var('CSOPS_LAKE', 'data/lake')) -%}
        {%- if not (lake.startswith('/') or '://' in lake) -%}
            {{ exceptions.raise_compiler_error(
                "Spark reads the landing zone from an absolute path or a URI: set CSOPS_SPARK_LAKE"
                ~ " (or CSOPS_LAKE) to one, not '" ~ lake ~ "' (docs/scale.md)"
            ) }}
        {%- endif -%}
        {%- for node in graph.sources.values() | sort(attribute='unique_id') -%}
            {%- set folder = csops.landing_folder(node.source_name, node.name) -%}
            {%- do run_query('create database if not exists ' ~ node.schema) -%}
            {%- do run_query('drop table if exists ' ~ node.schema ~ '.' ~ node.identifier) -%}
            {%- do run_query(
                'create table ' ~ node.schema ~ '.' ~ node.identifier ~ ' using parquet'
                ~ " options (path '" ~ lake ~ '/' ~ folder ~ "', mergeSchema 'true')"
            ) -%}
            {%- do run_query('repair table ' ~ node.schema ~ '.' ~ node.identifier) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}


{#- The lake folder of a source table: <source>/<stream>, the landing's own records under
    _<stream> (the manifest of landed windows is `_windows`). -#}
{% macro landing_folder(source_name, table_name) -%}
    {{ return('_' ~ table_name if source_name == 'landing' else source_name ~ '/' ~ table_name) }}
{%- endmacro %}
