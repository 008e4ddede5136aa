-- grain: one row per child adopted (period of care ended E11/E12) in the collection year
-- (collection_year, child), with the adoption decision, match and adopters.
with adoptions as (
    select
        child_key,
        adopted_on,
        matched_date,
        is_adopted_by_carer,
        row_number() over (partition by child_key order by adopted_on desc) as adoption_preference
    from {{ ref('int_adoptions') }}
    where adopted_on is not null
),

permanence as (
    select
        unified.child_key,
        staged.adm_decision_date,
        staged.matched_date,
        staged.number_of_adopters,
        staged.adopter_sex,
        staged.adopter_legal_status,
        row_number() over (
            partition by unified.child_key
            order by staged.adm_decision_date desc nulls last, unified.source_row desc
        ) as permanence_preference
    from {{ ref('int_adoption_permanence_unified') }} as unified
    inner join {{ ref('stg_ssd__permanence') }} as staged
        on
            unified.source_system = staged.source_system
            and unified.source_row = staged.source_row
)

select
    years.collection_year,
    children.child_key,
    children.child,
    children.dob,
    permanence.adm_decision_date as date_int,
    coalesce(permanence.matched_date, adoptions.matched_date) as date_match,
    case when adoptions.is_adopted_by_carer then '1' else '0' end as foster_care,
    permanence.number_of_adopters as nb_adoptr,
    permanence.adopter_sex as sex_adoptr,
    permanence.adopter_legal_status as ls_adoptr
from adoptions
inner join {{ ref('ret_ssda903_collection_years') }} as years
    on adoptions.adopted_on between years.collection_start and years.collection_end
inner join {{ ref('ret_ssda903_children') }} as children
    on adoptions.child_key = children.child_key
left join permanence
    on
        adoptions.child_key = permanence.child_key
        and permanence.permanence_preference = 1
where adoptions.adoption_preference = 1
