-- Every landing of a ticket's records, for the incremental models (docs/incremental.md): when
-- each landed row about a ticket (the ticket itself, an audit, a satisfaction rating) was
-- extracted, and whether the ticket is still open (not closed: its clocks run to as_of, so a
-- build recomputes it whether or not anything landed). A view: a build asks only for the
-- rows landed since a model's watermark, which DuckDB reads from the staged tables alone.
{{ config(materialized='view') }}

with tickets as (
    select ticket_id, _extracted_at, status from {{ ref('stg_zendesk__tickets') }}
),

audits as (
    select ticket_id, _extracted_at from {{ ref('stg_zendesk__ticket_audits') }}
),

ratings as (
    select ticket_id, _extracted_at from {{ ref('stg_zendesk__satisfaction_ratings') }}
    where ticket_id is not null
),

final as (
    select ticket_id, _extracted_at as landed_at, status is distinct from 'closed' as is_open
    from tickets
    union all
    select ticket_id, _extracted_at, false from audits
    union all
    select ticket_id, _extracted_at, false from ratings
)

select * from final
