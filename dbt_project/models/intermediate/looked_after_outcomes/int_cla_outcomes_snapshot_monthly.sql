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
-- - current_placement_location: inside_la when the open placement's postcode district or
--   sector is in the config's boundary_postcodes, outside_la when the postcode is a valid
--   (full or partial) postcode in none of them, unknown when it is missing or a
--   placeholder; is_out_of_area_20mi = outside_la and distance from home > 20 miles
--   (CLA_OUT_OF_AREA_20MI; distance unknown is not counted).
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
        placements.placement_distance,
        {{ postcode_district('placements.placement_postcode') }} as postcode_district,
        {{ postcode_sector('placements.placement_postcode') }} as postcode_sector,
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

boundary_postcodes as (
    select postcode_prefix
    from {{ ref('stg_pipeline__la_boundary_postcodes') }}
),

current_placement_locations as (
    select
        current_placements.child_key,
        current_placements.period_end,
        current_placements.placement_type,
        current_placements.placement_distance,
        case
            when current_placements.postcode_district is null then 'unknown'
            when exists (
                    select 1
                    from boundary_postcodes
                    where
                        boundary_postcodes.postcode_prefix = current_placements.postcode_district
                        or boundary_postcodes.postcode_prefix = current_placements.postcode_sector
                ) then 'inside_la'
            else 'outside_la'
        end as placement_location
    from current_placements
    where current_placements.placement_preference = 1
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
    current_placement_locations.placement_type as current_placement_type,
    current_placement_locations.placement_distance as current_placement_distance,
    coalesce(current_placement_locations.placement_location, 'unknown') as current_placement_location,
    coalesce(
        current_placement_locations.placement_location = 'outside_la'
        and current_placement_locations.placement_distance > 20,
        false
    ) as is_out_of_area_20mi,
    coalesce(placements_in_window.placement_count, 0) as placements_in_window
from cohort
left join uasc_on_period_end
    on
        cohort.child_key = uasc_on_period_end.child_key
        and cohort.period_end = uasc_on_period_end.period_end
left join current_placement_locations
    on
        cohort.child_key = current_placement_locations.child_key
        and cohort.period_end = current_placement_locations.period_end
left join placements_in_window
    on
        cohort.child_key = placements_in_window.child_key
        and cohort.period_end = placements_in_window.period_end
