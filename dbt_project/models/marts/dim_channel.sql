-- Every conformed channel of the conformed_channel macro with its group: live channels (chat,
-- phone) expect an answer within minutes while the customer waits; the others are async.
with channels as (
    select 'email' as channel, 'async' as channel_group
    union all
    select 'web', 'async'
    union all
    select 'chat', 'live'
    union all
    select 'phone', 'live'
    union all
    select 'social', 'async'
    union all
    select 'api', 'async'
    union all
    select 'other', 'async'
),

final as (
    select
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(channel_group as {{ dbt.type_string() }}) as channel_group
    from channels
)

select * from final
