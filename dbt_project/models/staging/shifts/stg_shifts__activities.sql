-- One row per rostered activity (docs/kpis.md "Shifts and workload"): the rows of each shift
-- file's latest landed version only, so a file re-exported with corrections replaces its
-- earlier rows instead of adding to them. A file's version is its batch; the latest is the
-- last landed (a tie, the same landing, goes to the greater batch id).
with activities as (
    select * from {{ source('shifts', 'activities') }}
),

files as (
    select * from {{ source('shifts', 'files') }}
),

ranked_versions as (
    select
        file,
        _batch_id,
        row_number() over (
            partition by file
            order by _extracted_at desc, _batch_id desc
        ) as version_rank
    from files
),

latest_versions as (
    select
        file,
        _batch_id
    from ranked_versions
    where version_rank = 1
),

final as (
    select
        {{ csops.surrogate_key(['activities.file', 'activities.line']) }} as shift_key,
        activities.file,
        cast(activities.line as integer) as line,
        lower(trim(activities.agent_email)) as agent_email,
        trim(activities.activity_type) as activity_type,
        activities.start_at,
        activities.end_at,
        activities.file_sha256,
        activities._batch_id,
        activities._extracted_at
    from activities
    inner join latest_versions
        on activities._batch_id = latest_versions._batch_id
        and activities.file = latest_versions.file
)

select * from final
