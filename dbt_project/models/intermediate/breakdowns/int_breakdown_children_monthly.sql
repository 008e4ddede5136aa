-- grain: one row per child and month in which the child is in the cohort of a broken-down
-- indicator on period_end (macro breakdown_indicators()): CLA_COUNT (which holds every
-- looked-after percentage's cohort), CP_COUNT (every CP plan's child), CIN_COUNT, or the
-- CIN_VISITS_20WD cohort (a CIN plan open; its child may have no CIN episode open), with
-- the child's group for every breakdown
-- Each child falls in exactly one value of each breakdown (an 'unknown' value catches
-- missing or unmapped data), so breakdown groups add up to the headlines.
-- Age in completed years on period_end comes from year, month and day parts (macro
-- age_in_years: a birthday on period_end counts), which is portable and avoids
-- datediff('year') counting calendar-year boundaries.
with cohort_memberships as (
    select
        child_key,
        period_end,
        true as is_in_cla_count,
        false as is_in_cp_count,
        false as is_in_cin_count,
        false as is_in_cin_plan_cohort
    from {{ ref('int_cla_monthly_snapshot') }}
    where is_in_cla_count
    union all
    select
        child_key,
        period_end,
        false as is_in_cla_count,
        true as is_in_cp_count,
        false as is_in_cin_count,
        false as is_in_cin_plan_cohort
    from {{ ref('int_cp_monthly_snapshot') }}
    union all
    select
        child_key,
        period_end,
        false as is_in_cla_count,
        false as is_in_cp_count,
        true as is_in_cin_count,
        false as is_in_cin_plan_cohort
    from {{ ref('int_cin_monthly_snapshot') }}
    union all
    select
        child_key,
        period_end,
        false as is_in_cla_count,
        false as is_in_cp_count,
        false as is_in_cin_count,
        true as is_in_cin_plan_cohort
    from {{ ref('int_cin_plan_visits_monthly') }}
),

-- one row per child and month with the cohorts it is in: one aggregate over the four
-- cohorts, rather than a distinct union joined back to each of them
cohort_children as (
    select
        child_key,
        period_end,
        bool_or(is_in_cla_count) as is_in_cla_count,
        bool_or(is_in_cp_count) as is_in_cp_count,
        bool_or(is_in_cin_count) as is_in_cin_count,
        bool_or(is_in_cin_plan_cohort) as is_in_cin_plan_cohort
    from cohort_memberships
    group by child_key, period_end
),

children as (
    select
        child_key,
        holder_system,
        holder_person_id,
        date_of_birth,
        sex
    from {{ ref('int_children_resolved') }}
),

holder_ethnicities as (
    select
        children.child_key,
        max(person.ethnicity) as ethnicity
    from children
    inner join {{ ref('stg_ssd__person') }} as person
        on
            children.holder_system = person.source_system
            and children.holder_person_id = person.person_id
    group by children.child_key
),

ethnicity_groups as (
    select
        ethnicity_code,
        ethnicity_group
    from {{ ref('ethnicity_groups') }}
),

uasc_on_period_end as (
    select distinct
        cohort_children.child_key,
        cohort_children.period_end
    from cohort_children
    inner join {{ ref('int_immigration_status_unified') }} as statuses
        on
            cohort_children.child_key = statuses.child_key
            and cohort_children.period_end >= statuses.immigration_status_start_date
            and (
                statuses.immigration_status_end_date is null
                or cohort_children.period_end < statuses.immigration_status_end_date
            )
    where statuses.is_uasc
),

open_involvements as (
    select
        cohort_children.child_key,
        cohort_children.period_end,
        staged.professional_team,
        row_number() over (
            partition by cohort_children.child_key, cohort_children.period_end
            order by involvements.involvement_start_date desc, involvements.source_row desc
        ) as involvement_preference
    from cohort_children
    inner join {{ ref('int_involvements_unified') }} as involvements
        on
            cohort_children.child_key = involvements.child_key
            and cohort_children.period_end >= involvements.involvement_start_date
            and (
                involvements.involvement_end_date is null
                or cohort_children.period_end < involvements.involvement_end_date
            )
    inner join {{ ref('stg_ssd__involvements') }} as staged
        on
            involvements.source_system = staged.source_system
            and involvements.source_row = staged.source_row
),

placement_type_groups as (
    select
        placement_type,
        placement_type_group
    from {{ ref('placement_type_groups') }}
),

open_placements as (
    select
        cohort_children.child_key,
        cohort_children.period_end,
        placements.placement_type,
        row_number() over (
            partition by cohort_children.child_key, cohort_children.period_end
            order by placements.placement_start_date desc, placements.source_row desc
        ) as placement_preference
    from cohort_children
    inner join {{ ref('int_cla_placements_unified') }} as placements
        on
            cohort_children.child_key = placements.child_key
            and cohort_children.period_end >= placements.placement_start_date
            and (
                placements.placement_end_date is null
                or cohort_children.period_end < placements.placement_end_date
            )
    where cohort_children.is_in_cla_count
),

-- the cohort with each child's age and recorded sex on period_end
cohort_ages as (
    select
        cohort_children.child_key,
        cohort_children.period_end,
        cohort_children.is_in_cla_count,
        cohort_children.is_in_cp_count,
        cohort_children.is_in_cin_count,
        cohort_children.is_in_cin_plan_cohort,
        children.sex,
        case
            when children.date_of_birth <= cohort_children.period_end
                then cast(
                        {{ age_in_years('children.date_of_birth', 'cohort_children.period_end') }}
                        as integer
                    )
        end as age_in_years
    from cohort_children
    left join children
        on cohort_children.child_key = children.child_key
)

select
    cohort_ages.child_key,
    cohort_ages.period_end,
    cohort_ages.is_in_cla_count,
    cohort_ages.is_in_cp_count,
    cohort_ages.is_in_cin_count,
    cohort_ages.is_in_cin_plan_cohort,
    cohort_ages.age_in_years,
    case
        when cohort_ages.age_in_years is null then 'unknown'
        when cohort_ages.age_in_years < 1 then '0'
        when cohort_ages.age_in_years < 5 then '1_4'
        when cohort_ages.age_in_years < 10 then '5_9'
        when cohort_ages.age_in_years < 16 then '10_15'
        when cohort_ages.age_in_years < 18 then '16_17'
        else '18_plus'
    end as age_band,
    case when cohort_ages.sex in ('M', 'F', 'U') then cohort_ages.sex else 'unknown' end as sex,
    coalesce(ethnicity_groups.ethnicity_group, 'unknown') as ethnicity_group,
    case when uasc_on_period_end.child_key is not null then 'uasc' else 'not_uasc' end as uasc,
    coalesce(open_involvements.professional_team, 'unallocated') as team,
    -- CLA only: the placement open on period_end; 'other' when none or an unmapped type
    case
        when cohort_ages.is_in_cla_count
            then coalesce(placement_type_groups.placement_type_group, 'other')
    end as placement_type_group
from cohort_ages
left join holder_ethnicities
    on cohort_ages.child_key = holder_ethnicities.child_key
left join ethnicity_groups
    on holder_ethnicities.ethnicity = ethnicity_groups.ethnicity_code
left join uasc_on_period_end
    on
        cohort_ages.child_key = uasc_on_period_end.child_key
        and cohort_ages.period_end = uasc_on_period_end.period_end
left join open_involvements
    on
        cohort_ages.child_key = open_involvements.child_key
        and cohort_ages.period_end = open_involvements.period_end
        and open_involvements.involvement_preference = 1
left join open_placements
    on
        cohort_ages.child_key = open_placements.child_key
        and cohort_ages.period_end = open_placements.period_end
        and open_placements.placement_preference = 1
left join placement_type_groups
    on open_placements.placement_type = placement_type_groups.placement_type
