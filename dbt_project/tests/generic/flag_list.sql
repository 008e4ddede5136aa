{#
    Each value is a list of known flags joined with '; ': every flag is one of `flags` or
    one of `prefixed_flags` followed by a lower-case name. Removing every known flag (with
    its separator) must leave nothing; rows that keep a remainder are returned.
#}
{% test flag_list(model, column_name, flags, prefixed_flags=[]) %}
    select {{ column_name }}
    from {{ model }}
    where
        {{ column_name }} is not null
        and regexp_replace(
            {{ column_name }},
            '(^|; )({{ flags | join("|") }}{% for prefix in prefixed_flags %}|{{ prefix }}[a-z_0-9]+{% endfor %})',
            '',
            'g'
        ) <> ''
{% endtest %}
