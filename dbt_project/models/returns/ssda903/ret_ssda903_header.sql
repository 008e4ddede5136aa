-- grain: one row per child in the collection year's return (collection_year, child): every
-- child looked after at any time in the year (an episode in ret_ssda903_episodes) and
-- every care leaver in OC3 (the DfE needs a header for each child in any file).
with looked_after as (
    select
        collection_year,
        child_key,
        -- short breaks only (every episode V3/V4): no motherhood or reviews reported
        min(case when ls in ('V3', 'V4') then 1 else 0 end) = 1 as is_short_breaks_only
    from {{ ref('ret_ssda903_episodes') }}
    group by collection_year, child_key
),

care_leavers as (
    select
        collection_year,
        child_key
    from {{ ref('ret_ssda903_oc3') }}
),

children_in_return as (
    select
        collection_year,
        child_key,
        true as is_looked_after,
        is_short_breaks_only
    from looked_after
    union all
    select
        care_leavers.collection_year,
        care_leavers.child_key,
        false as is_looked_after,
        false as is_short_breaks_only
    from care_leavers
    left join looked_after
        on
            care_leavers.collection_year = looked_after.collection_year
            and care_leavers.child_key = looked_after.child_key
    where looked_after.child_key is null
)

select
    children_in_return.collection_year,
    children.child_key,
    children.child,
    children_in_return.is_looked_after,
    children_in_return.is_short_breaks_only,
    children.sex,
    children.dob,
    children.ethnic,
    children.upn,
    case
        -- motherhood is asked of females looked after in the year, not of care leavers
        when not children_in_return.is_looked_after then null
        when children_in_return.is_short_breaks_only then null
        when children.sex = 'F' and children.is_mother then '1'
        when children.sex = 'F' then '0'
    end as mother,
    cast(null as date) as mc_dob
from children_in_return
inner join {{ ref('ret_ssda903_children') }} as children
    on children_in_return.child_key = children.child_key
