-- Every rostered activity with its agent, category and local date (docs/kpis.md "Shifts and
-- workload"). The agent is the person whose email the row names (int_shifts__agents); a row
-- whose email matches no agent is kept with a null agent_key, read in UTC (a warning test
-- lists them). The category comes from the seed activity_categories, matched
-- case-insensitively; a type it does not name is other. An activity counts whole on the
-- local date it starts, even when it runs past midnight.
with activities as (
    select * from {{ ref('stg_shifts__activities') }}
),

agents as (
    select * from {{ ref('int_shifts__agents') }}
),

activity_categories as (
    select * from {{ ref('activity_categories') }}
),

people_by_email as (
    select distinct
        agent_email,
        person_agent_key,
        time_zone
    from agents
    where agent_email is not null
),

categories as (
    select
        lower(trim(activity_type)) as activity_type_key,
        min(category) as category
    from activity_categories
    group by lower(trim(activity_type))
),

final as (
    select
        activities.shift_key,
        people_by_email.person_agent_key as agent_key,
        activities.agent_email,
        activities.activity_type,
        coalesce(categories.category, 'other') as category,
        activities.start_at,
        activities.end_at,
        coalesce(people_by_email.time_zone, 'UTC') as time_zone,
        cast({{ csops.utc_to_local('activities.start_at', "coalesce(people_by_email.time_zone, 'UTC')") }} as date)
            as local_date,
        activities.file,
        activities.line
    from activities
    left join people_by_email
        on activities.agent_email = people_by_email.agent_email
    left join categories
        on lower(trim(activities.activity_type)) = categories.activity_type_key
)

select * from final
