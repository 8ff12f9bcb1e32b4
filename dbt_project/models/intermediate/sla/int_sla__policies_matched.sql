-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet.
{%- set scope = csops.incremental_model('ticket', 'ticket_id') %}
-- The SLA targets of each ticket, one row per ticket and metric (docs/kpis.md). The first
-- Zendesk policy by position whose conditions the ticket meets sets the target of each metric
-- it defines for the ticket's priority; a metric it leaves out, or any metric of a ticket no
-- policy matches, takes the sla_targets seed row of the ticket's priority, if any. Supported
-- conditions: priority (is, is_not, less_than, greater_than), via_id and group_id (is,
-- is_not); any other condition is treated as not met, so a policy that depends on one never
-- matches through filter_all. Conditions read the ticket's current attributes.
-- Over 150 lines, one model on purpose: the conditions are parsed and evaluated per ticket
-- in the same query (a policy's conditions are a handful of rows), then the first matching
-- policy and the seed fallback are chosen per metric; each step is a short CTE.
with tickets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__tickets') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

policies as (
    select * from {{ ref('stg_zendesk__sla_policies') }}
),

seed_targets as (
    select * from {{ ref('sla_targets') }}
),

all_conditions as (
    select
        sla_policy_id,
        'all' as condition_group,
        {{ csops.unnest_list('filter_all') }} as condition
    from policies
),

any_conditions as (
    select
        sla_policy_id,
        'any' as condition_group,
        {{ csops.unnest_list('filter_any') }} as condition
    from policies
),

conditions as (
    select
        sla_policy_id,
        condition_group,
        lower({{ csops.list_field('condition', 'field', 'string') }}) as condition_field,
        lower({{ csops.list_field('condition', 'operator', 'string') }}) as condition_operator,
        {{ csops.list_field('condition', 'value', 'string') }} as condition_value
    from (
        select * from all_conditions
        union all
        select * from any_conditions
    ) as unioned
),

evaluated as (
    select
        tickets.ticket_id,
        conditions.sla_policy_id,
        conditions.condition_group,
        coalesce(case
            when conditions.condition_field = 'priority' then case conditions.condition_operator
                when 'is' then tickets.priority = lower(conditions.condition_value)
                when 'is_not' then tickets.priority is distinct from lower(conditions.condition_value)
                when 'less_than' then {{ csops.zendesk_priority_rank('tickets.priority') }}
                    < {{ csops.zendesk_priority_rank('conditions.condition_value') }}
                when 'greater_than' then {{ csops.zendesk_priority_rank('tickets.priority') }}
                    > {{ csops.zendesk_priority_rank('conditions.condition_value') }}
            end
            when conditions.condition_field = 'via_id' then case conditions.condition_operator
                when 'is' then tickets.via_channel
                    = {{ csops.zendesk_via_id_channel('conditions.condition_value') }}
                when 'is_not' then tickets.via_channel is distinct from
                    {{ csops.zendesk_via_id_channel('conditions.condition_value') }}
            end
            when conditions.condition_field = 'group_id' then case conditions.condition_operator
                when 'is' then cast(tickets.group_id as {{ dbt.type_string() }})
                    = conditions.condition_value
                when 'is_not' then cast(tickets.group_id as {{ dbt.type_string() }})
                    is distinct from conditions.condition_value
            end
        end, false) as is_met
    from tickets
    cross join conditions
),

policy_checks as (
    select
        ticket_id,
        sla_policy_id,
        sum(case when condition_group = 'all' and not is_met then 1 else 0 end) as failed_all,
        sum(case when condition_group = 'any' then 1 else 0 end) as any_conditions,
        sum(case when condition_group = 'any' and is_met then 1 else 0 end) as met_any
    from evaluated
    group by ticket_id, sla_policy_id
),

-- A policy without conditions matches every ticket: it has no row in policy_checks.
matching_policies as (
    select
        tickets.ticket_id,
        policies.sla_policy_id,
        row_number() over (
            partition by tickets.ticket_id
            order by policies.sla_policy_position, policies.sla_policy_id
        ) as match_rank
    from tickets
    cross join policies
    left join policy_checks
        on tickets.ticket_id = policy_checks.ticket_id
        and policies.sla_policy_id = policy_checks.sla_policy_id
    where coalesce(policy_checks.failed_all, 0) = 0
        and (coalesce(policy_checks.any_conditions, 0) = 0 or policy_checks.met_any > 0)
),

policy_metrics as (
    select
        sla_policy_id,
        {{ csops.unnest_list('policy_metrics') }} as policy_metric
    from policies
),

policy_targets as (
    select
        sla_policy_id,
        lower({{ csops.list_field('policy_metric', 'priority', 'string') }}) as priority,
        lower({{ csops.list_field('policy_metric', 'metric', 'string') }}) as metric,
        cast({{ csops.list_field('policy_metric', 'target', 'integer') }} as {{ csops.type_double() }})
            as target_minutes,
        coalesce({{ csops.list_field('policy_metric', 'business_hours', 'boolean') }}, false)
            as in_business_hours
    from policy_metrics
),

metrics as (
    select 'first_reply_time' as metric
    union all select 'next_reply_time'
    union all select 'requester_wait_time'
),

ticket_metrics as (
    select
        tickets.ticket_id,
        tickets.priority,
        metrics.metric,
        matching_policies.sla_policy_id as matched_policy_id
    from tickets
    cross join metrics
    left join matching_policies
        on tickets.ticket_id = matching_policies.ticket_id
        and matching_policies.match_rank = 1
),

targets as (
    select
        ticket_metrics.ticket_id,
        ticket_metrics.metric,
        case when policy_targets.sla_policy_id is not null
            then policy_targets.sla_policy_id
        end as sla_policy_id,
        ticket_metrics.matched_policy_id,
        coalesce(policy_targets.target_minutes, cast(seed_targets.target_minutes as {{ csops.type_double() }}))
            as target_minutes,
        case when policy_targets.sla_policy_id is not null
            then policy_targets.in_business_hours
            else cast(seed_targets.in_business_hours as boolean)
        end as in_business_hours,
        case when policy_targets.sla_policy_id is not null then 'policy' else 'seed' end
            as target_source
    from ticket_metrics
    left join policy_targets
        on ticket_metrics.matched_policy_id = policy_targets.sla_policy_id
        and ticket_metrics.priority = policy_targets.priority
        and ticket_metrics.metric = policy_targets.metric
    left join seed_targets
        on ticket_metrics.priority = lower(seed_targets.priority)
        and ticket_metrics.metric = lower(seed_targets.metric)
),

final as (
    select *
    from targets
    where target_minutes is not null
)

select * from final
