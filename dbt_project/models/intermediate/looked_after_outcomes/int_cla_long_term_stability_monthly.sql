-- grain: one row per child and month in the long-term stability cohort: CLA_COUNT children
-- at period_end aged under 16 on period_end whose period of care started on or before
-- period_end minus 30 months (looked after continuously 2.5+ years). is_stable: the
-- placement open on period_end (as a stay across the cutover) started on or before
-- period_end minus 24 months, or it is an adoption placement (A3-A6) and the stay before
-- it (ending on its start) started on or before period_end minus 24 months
-- (CLA_STABILITY_LONG_TERM).
with cohort as (
    select
        monthly_snapshot.child_key,
        monthly_snapshot.period_end,
        monthly_snapshot.period_start_date,
        {{ shift_months('monthly_snapshot.period_end', -24) }} as two_years_before
    from {{ ref('int_cla_monthly_snapshot') }} as monthly_snapshot
    left join {{ ref('int_children_resolved') }} as children
        on monthly_snapshot.child_key = children.child_key
    where
        monthly_snapshot.is_in_cla_count
        and {{ age_in_years('children.date_of_birth', 'monthly_snapshot.period_end') }} < 16
        and monthly_snapshot.period_start_date <= {{ shift_months('monthly_snapshot.period_end', -30) }}
),

current_placements as (
    select
        cohort.child_key,
        cohort.period_end,
        placements.placement_type,
        placements.placement_stay_start_date,
        row_number() over (
            partition by cohort.child_key, cohort.period_end
            order by placements.placement_start_date desc, placements.source_row desc
        ) as placement_preference
    from cohort
    inner join {{ ref('int_cla_placements_unified') }} as placements
        on
            cohort.child_key = placements.child_key
            and cohort.period_end >= placements.placement_start_date
            and (placements.placement_end_date is null or cohort.period_end < placements.placement_end_date)
),

previous_stays as (
    select
        current_placements.child_key,
        current_placements.period_end,
        min(stays.placement_stay_start_date) as previous_stay_start_date
    from current_placements
    inner join {{ ref('int_cla_placement_stays') }} as stays
        on
            current_placements.child_key = stays.child_key
            and current_placements.placement_stay_start_date = stays.placement_stay_end_date
    where current_placements.placement_preference = 1
    group by current_placements.child_key, current_placements.period_end
)

select
    cohort.child_key,
    cohort.period_end,
    cohort.period_start_date,
    current_placements.placement_type as current_placement_type,
    current_placements.placement_stay_start_date as current_placement_start_date,
    previous_stays.previous_stay_start_date,
    coalesce(
        current_placements.placement_stay_start_date <= cohort.two_years_before
        or (
            current_placements.placement_type in ('A3', 'A4', 'A5', 'A6')
            and previous_stays.previous_stay_start_date <= cohort.two_years_before
        ),
        false
    ) as is_stable
from cohort
left join current_placements
    on
        cohort.child_key = current_placements.child_key
        and cohort.period_end = current_placements.period_end
        and current_placements.placement_preference = 1
left join previous_stays
    on
        cohort.child_key = previous_stays.child_key
        and cohort.period_end = previous_stays.period_end
