{#- Landed rows are versions (docs/landing.md): a record landed on three days has three rows.
    The rows of `relation` (a CTE's name, or a relation) that are the latest version of their
    record (`key`): the latest by the record's own update time where it has one (`updated_at`),
    then by the window that landed it and by when it was read. Staging models keep only these;
    the incremental ones then merge them with the stored rows (keep_latest_versions). Ticket
    audits, which never change, use latest_versions below. -#}
{% macro latest_version_per_record(relation, key, updated_at=none) -%}
select *
from (
    select
        *,
        row_number() over (
            partition by {{ key }}
            order by
                {%- if updated_at %} {{ updated_at }} desc nulls last,{% endif %}
                _window_end desc, _extracted_at desc
        ) as version_rank
    from {{ relation }}
) as versions
where version_rank = 1
{%- endmacro %}

{#- The latest landed version of each record of an immutable stream (ticket audits), as a
    select: rows of versions_relation that no later version of the same id outranks (a later
    window, then a later extraction). An anti-join on the id reads the wide columns once; a
    ranking window would sort them (about twice as slow on a year of audits). Versions of an
    immutable record differ only in when they landed, so which one wins changes no value
    but _window_end and _extracted_at. columns: what to select, by default every column. -#}
{% macro latest_versions(versions_relation, id_column='id', columns='*') -%}
    select {{ columns }}
    from {{ versions_relation }} as current_version
    where not exists (
        select 1
        from {{ versions_relation }} as newer_version
        where newer_version.{{ id_column }} = current_version.{{ id_column }}
            and (
                newer_version._window_end > current_version._window_end
                or (
                    newer_version._window_end = current_version._window_end
                    and newer_version._extracted_at > current_version._extracted_at
                )
            )
    )
{%- endmacro %}


{#- A filter for the landed rows a `versions` model reads: those extracted after its
    watermark. The watermark is a literal, so DuckDB skips the row groups of older files by
    their statistics. -#}
{% macro landed_since(scope, column='_extracted_at') -%}
    {%- if scope.mode == 'partial' -%}
        {{ column }} > {{ scope.watermark }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- The last select of a `versions` model: `new_rows` (a CTE of staged rows, the latest of
    each id among the rows landed since the watermark) merged with the stored rows of the
    same ids, keeping the first by `order_by`, so the result is what ranking every landed
    version would keep. Built from scratch, it is `new_rows` as they are. -#}
{% macro keep_latest_versions(scope, new_rows, key, order_by) -%}
    {%- if scope.mode == 'partial' -%}
    select * exclude (csops_version_rank)
    from (
        select
            *,
            row_number() over (partition by {{ key }} order by {{ order_by }})
                as csops_version_rank
        from (
            select * from {{ new_rows }}
            union all by name
            select * from {{ this }}
            where {{ key }} in (select {{ key }} from {{ new_rows }})
        )
    )
    where csops_version_rank = 1
    {%- else -%}
    select * from {{ new_rows }}
    {%- endif -%}
{%- endmacro %}
