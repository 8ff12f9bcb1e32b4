-- The reference data the per-contact models are computed with, one hash per row, for the
-- incremental models' fingerprint (docs/incremental.md): when any of it changes (a schedule,
-- a holiday, an SLA policy, a group or team, a seed, an agent's role or email), the next
-- build of every model that reads it recomputes everything. for_tickets and
-- for_conversations say which models read the table; created_at (users only) lets a build
-- leave out the users created since the state it compares with, who can only touch contacts
-- landed since. The landing columns (_window_start, _extracted_at, ...) are left out of the
-- hash: a snapshot landed again with the same values is no change.
{{ config(materialized='view') }}

{%- set tables = [
    ('stg_zendesk__groups', true, false),
    ('stg_zendesk__sla_policies', true, false),
    ('sla_targets', true, false),
    ('stg_intercom__teams', false, true),
    ('stg_intercom__admins', false, true),
    ('stg_zendesk__schedules', true, true),
    ('stg_zendesk__holidays', true, true),
    ('team_schedules', true, true),
    ('rails_time_zones', true, true)
] %}

with users as (
    select user_id, role, is_agent, email, created_at from {{ ref('stg_zendesk__users') }}
),

final as (
    {%- for name, for_tickets, for_conversations in tables %}
    select
        '{{ name }}' as reference_table,
        {{ for_tickets }} as for_tickets,
        {{ for_conversations }} as for_conversations,
        cast(null as {{ csops.type_timestamp_tz() }}) as created_at,
        {{ csops.row_hash(["'" ~ name ~ "'", csops.whole_row('row_value')]) }} as row_hash
    from (
        select {{ csops.columns_not_starting_with(ref(name), '_') }} from {{ ref(name) }}
    ) as row_value
    union all
    {%- endfor %}
    select
        'stg_zendesk__users',
        true,
        false,
        created_at,
        {{ csops.row_hash(["'stg_zendesk__users'", 'user_id', 'role', 'is_agent', 'email']) }}
    from users
)

select * from final
