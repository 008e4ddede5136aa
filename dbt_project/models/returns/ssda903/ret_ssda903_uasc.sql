-- grain: one row per child in the header who was an unaccompanied asylum-seeking child at
-- some time in the collection year (collection_year, child). DUC is the date the child
-- ceased (or will cease) to be UASC: the end of the status, else the 18th birthday.
with uasc_spells as (
    select
        child_key,
        min(immigration_status_start_date) as uasc_start_date,
        max(coalesce(immigration_status_end_date, cast('9999-12-31' as date))) as uasc_end_date
    from {{ ref('int_immigration_status_unified') }}
    where is_uasc
    group by child_key
),

uasc_children as (
    select
        headers.collection_year,
        headers.child_key,
        headers.child,
        headers.sex,
        headers.dob,
        uasc_spells.uasc_start_date,
        case
            when uasc_spells.uasc_end_date < {{ shift_months('headers.dob', 216) }}
                then uasc_spells.uasc_end_date
            else {{ shift_months('headers.dob', 216) }}
        end as duc
    from {{ ref('ret_ssda903_header') }} as headers
    inner join uasc_spells
        on headers.child_key = uasc_spells.child_key
)

select
    uasc_children.collection_year,
    uasc_children.child_key,
    uasc_children.child,
    uasc_children.sex,
    uasc_children.dob,
    uasc_children.duc
from uasc_children
inner join {{ ref('ret_ssda903_collection_years') }} as years
    on
        uasc_children.collection_year = years.collection_year
        and uasc_children.uasc_start_date <= years.collection_end
        and uasc_children.duc >= years.collection_start
