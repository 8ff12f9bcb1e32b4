-- One row per Zendesk QA review, its latest version: the latest `updated` time wins, then the
-- latest landing (docs/kpis.md "QA reviews"), so a review re-scored after it first landed
-- shows its new score. A table rebuilt whole on every run (docs/incremental.md): reviews are
-- a few percent of the contacts.
with source as (
    select * from {{ source('zendesk_qa', 'reviews') }}
),

typed as (
    select
        *,
        coalesce(updated_at, created_at) as changed_at
    from source
),

latest as (
    {{ csops.latest_version_per_record('typed', 'id', updated_at='changed_at') }}
),

final as (
    select
        cast(id as {{ csops.type_string() }}) as review_id,
        cast(external_id as {{ csops.type_string() }}) as external_id,
        lower(trim(source_type)) as source_type,
        cast(workspace_id as {{ csops.type_string() }}) as workspace_id,
        created_at,
        changed_at as updated_at,
        score,
        nullif(lower(trim(reviewer_email)), '') as reviewer_email,
        nullif(lower(trim(reviewee_email)), '') as reviewee_email,
        cast(scorecard_id as {{ csops.type_string() }}) as scorecard_id,
        scorecard_name,
        ratings,
        _window_end,
        _extracted_at
    from latest
)

select * from final
