-- grain: one row per child and month in the CLA_COUNT cohort (int_cla_monthly_snapshot with
-- is_in_cla_count), with the facts the looked-after snapshot outcome indicators need:
-- - is_uasc: an immigration status UASC open on period_end (CLA_UASC);
-- - current_placement_type: type of the (stitched) placement open on period_end;
--   P1 = placed with parents (CLA_PLACED_WITH_PARENTS), U1 U2 U3 = connected carers
--   (CLA_CONNECTED_CARERS);
-- - placements_in_window: placement stays (not in short-break periods, any period of
--   care) with start <= period_end and (end NULL or end > window_start): placements open
--   at window start count (CLA_STABILITY_3PLUS when 3 or more); a placement for adoption
--   with the current foster carers (A3, A5) following another placement is not a change
--   and does not count.
with cohort as (
    select
        monthly_snapshot.child_key,
        monthly_snapshot.period_end,
        months.window_start
    from {{ ref('int_cla_monthly_snapshot') }} as monthly_snapshot
    inner join {{ ref('int_months') }} as months
        on monthly_snapshot.period_end = months.period_end
    where monthly_snapshot.is_in_cla_count
),

uasc_on_period_end as (
    select distinct
        cohort.child_key,
        cohort.period_end
    from cohort
    inner join {{ ref('int_immigration_status_unified') }} as statuses
        on
            cohort.child_key = statuses.child_key
            and statuses.is_uasc
            and cohort.period_end >= statuses.immigration_status_start_date
            and (
                statuses.immigration_status_end_date is null
                or cohort.period_end < statuses.immigration_status_end_date
            )
),

current_placements as (
    select
        cohort.child_key,
        cohort.period_end,
        placements.placement_type,
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

placements_in_window as (
    select
        cohort.child_key,
        cohort.period_end,
        count(*) as placement_count
    from cohort
    inner join {{ ref('int_cla_placement_stays') }} as stays
        on
            cohort.child_key = stays.child_key
            and not stays.is_adoption_with_current_carers
            and cohort.period_end >= stays.placement_stay_start_date
            and (stays.placement_stay_end_date is null or cohort.window_start < stays.placement_stay_end_date)
    group by cohort.child_key, cohort.period_end
)

select
    cohort.child_key,
    cohort.period_end,
    cohort.window_start,
    uasc_on_period_end.child_key is not null as is_uasc,
    current_placements.placement_type as current_placement_type,
    coalesce(placements_in_window.placement_count, 0) as placements_in_window
from cohort
left join uasc_on_period_end
    on
        cohort.child_key = uasc_on_period_end.child_key
        and cohort.period_end = uasc_on_period_end.period_end
left join current_placements
    on
        cohort.child_key = current_placements.child_key
        and cohort.period_end = current_placements.period_end
        and current_placements.placement_preference = 1
left join placements_in_window
    on
        cohort.child_key = placements_in_window.child_key
        and cohort.period_end = placements_in_window.period_end
