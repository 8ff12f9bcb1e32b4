-- One row per Zendesk organization (the customer's company), keyed as dim_customer and the
-- facts key it.
with organizations as (
    select * from {{ ref('stg_zendesk__organizations') }}
),

final as (
    select
        {{ csops.source_key('zendesk', 'organization_id') }} as organization_key,
        cast(organization_id as {{ dbt.type_string() }}) as organization_id,
        'zendesk' as source,
        organization_name,
        created_at
    from organizations
)

select * from final
