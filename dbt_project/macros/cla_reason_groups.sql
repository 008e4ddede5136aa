{#
    CLA_CEASES_12M breakdown `reason_group` of the reason a period of care ended
    (docs/architecture.md): returned_home (E4A E4B E13), adopted (E11 E12), sgo (E43-E48),
    cao (E41), age18 (E17 E5 E6 E7 E15 E16 when aged 18+ at ceasing), other.
#}
{% macro cla_cease_reason_groups() -%}
    {{ return(['returned_home', 'adopted', 'sgo', 'cao', 'age18', 'other']) }}
{%- endmacro %}

{% macro cla_cease_reason_group(reason_column, age_column) -%}
    case
        when {{ reason_column }} in ('E4A', 'E4B', 'E13') then 'returned_home'
        when {{ reason_column }} in ('E11', 'E12') then 'adopted'
        when {{ reason_column }} in ('E43', 'E44', 'E45', 'E46', 'E47', 'E48') then 'sgo'
        when {{ reason_column }} = 'E41' then 'cao'
        when {{ reason_column }} in ('E17', 'E5', 'E6', 'E7', 'E15', 'E16') and {{ age_column }} >= 18 then 'age18'
        else 'other'
    end
{%- endmacro %}
