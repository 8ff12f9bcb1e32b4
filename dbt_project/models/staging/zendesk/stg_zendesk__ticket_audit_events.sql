{%- set scope = csops.incremental_model('versions', 'event_id') %}
-- One row per event of a ticket audit: the status changes, comments and field changes that
-- the intermediate models turn into status history, replies and group history.
-- Read from the landed audits directly, with the latest version of each audit kept as in
-- stg_zendesk__ticket_audits.
-- Incremental (docs/incremental.md): only the audits landed since the last build are read.
with audits as (
    {{ csops.latest_versions(
        '(select * from ' ~ source('zendesk', 'ticket_audits') ~ ' where '
            ~ csops.landed_since(scope) ~ ')',
        columns='id, ticket_id, created_at, author_id, via_channel, events, _window_end, _extracted_at'
    ) }}
),

exploded as (
    select
        cast(id as bigint) as audit_id,
        cast(ticket_id as bigint) as ticket_id,
        created_at,
        cast(author_id as bigint) as author_id,
        lower(via_channel) as via_channel,
        _window_end,
        _extracted_at,
        {{ csops.unnest_list('events') }} as event
    from audits
),

final as (
    select
        cast({{ csops.list_field('event', 'id', 'bigint') }} as bigint) as event_id,
        audit_id,
        ticket_id,
        created_at,
        author_id as audit_author_id,
        via_channel,
        {{ csops.list_field('event', 'type', 'string') }} as event_type,
        {{ csops.list_field('event', 'field_name', 'string') }} as field_name,
        {{ csops.list_field('event', 'value', 'string') }} as value,
        {{ csops.list_field('event', 'previous_value', 'string') }} as previous_value,
        {{ csops.list_field('event', 'public', 'boolean') }} as is_public,
        -- Comment events name their own author; other events are made by the audit's author.
        coalesce(cast({{ csops.list_field('event', 'author_id', 'bigint') }} as bigint), author_id)
            as event_author_id,
        _window_end,
        _extracted_at
    from exploded
)

{{ csops.keep_latest_versions(scope, 'final', 'event_id',
    '_window_end desc, _extracted_at desc') }}
