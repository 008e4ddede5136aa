-- Every code a source value is mapped to exists in code_sets for the same field, and no
-- two rows map the same trimmed lower-case value differently.
with mapped_codes as (
    select
        source_system,
        code_field,
        source_value,
        code
    from {{ ref('code_map') }}
),

unknown_codes as (
    select
        mapped_codes.source_system,
        mapped_codes.code_field,
        mapped_codes.source_value,
        'code not in code_sets' as problem
    from mapped_codes
    left join {{ ref('code_sets') }} as code_sets
        on
            mapped_codes.code_field = code_sets.code_field
            and mapped_codes.code = code_sets.code
    where code_sets.code is null
),

ambiguous_values as (
    select
        source_system,
        code_field,
        lower(trim(source_value)) as source_value,
        'value mapped to several codes' as problem
    from mapped_codes
    group by source_system, code_field, lower(trim(source_value))
    having count(distinct code) > 1
)

select
    source_system,
    code_field,
    source_value,
    problem
from unknown_codes
union all
select
    source_system,
    code_field,
    source_value,
    problem
from ambiguous_values
