{#- Mart key of a source record: md5 surrogate of the source name and its natural id, null
    when the id is null (an unassigned ticket has no agent, not an agent called "null"). -#}
{% macro source_key(source_name, id_column) -%}
    case when {{ id_column }} is not null
        then {{ csops.surrogate_key(["'" ~ source_name ~ "'", id_column]) }}
    end
{%- endmacro %}

{#- Customer key: a salted hash of the lower-cased, trimmed email, so one person links across
    Zendesk, Intercom and Typeform while the marts hold no email or name. The salt (dbt var
    customer_salt, env CSOPS_CUSTOMER_SALT) keeps the hash from being reversed by a lookup of
    known addresses. -#}
{% macro customer_key(email_column) -%}
    case when nullif(trim({{ email_column }}), '') is not null
        then {{ csops.surrogate_key([
            "'" ~ (var('customer_salt') | replace("'", "''")) ~ "'",
            "lower(trim(" ~ email_column ~ "))",
        ]) }}
    end
{%- endmacro %}

{#- Conformed channel of a contact: Zendesk via.channel or Intercom source.type mapped to the
    small set documented on fct_contacts.channel (email, web, chat, phone, social, api, other). -#}
{% macro conformed_channel(channel_column) -%}
    case
        when lower({{ channel_column }}) in ('email', 'mail') then 'email'
        when lower({{ channel_column }}) in ('web', 'web_form', 'web_widget', 'mobile', 'mobile_sdk', 'help_center')
            then 'web'
        when lower({{ channel_column }}) in ('chat', 'conversation', 'native_messaging', 'messaging', 'sunshine_conversations_api')
            then 'chat'
        when lower({{ channel_column }}) in ('voice', 'phone', 'phone_call', 'call')
            then 'phone'
        when lower({{ channel_column }}) in ('social', 'twitter', 'facebook', 'instagram', 'instagram_dm', 'whatsapp', 'sms')
            then 'social'
        when lower({{ channel_column }}) = 'api' then 'api'
        else 'other'
    end
{%- endmacro %}
