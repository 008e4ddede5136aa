-- grain: one row per child and placement stay (a continuous stay with one carer record across
-- the cutover is one stay), excluding placements made in short-break periods of care.
-- A stay's pieces (legacy row, migrated copy) share placement_stay_start_date; the stay
-- ends where its last piece ends (NULL while open). is_adoption_with_current_carers: the
-- stay is a placement for adoption with the child's current foster carers (A3, A5) that
-- directly follows another stay (one ending on its start): DfE does not count it as a
-- placement change (CLA_STABILITY_3PLUS).
with placement_pieces as (
    select
        child_key,
        placement_stay_start_date,
        placement_start_date,
        placement_end_date,
        placement_type,
        source_row
    from {{ ref('int_cla_placements_unified') }}
),

short_break_periods as (
    select
        child_key,
        period_start_date,
        period_end_date
    from {{ ref('int_cla_periods_of_care') }}
    where is_short_break
),

stays as (
    select
        child_key,
        placement_stay_start_date,
        max(placement_start_date) as last_piece_start_date,
        max(case when placement_type in ('A3', 'A5') then 1 else 0 end) = 1 as is_adoption_with_foster_carers,
        case
            when count(*) = count(placement_end_date) then max(placement_end_date)
        end as placement_stay_end_date
    from placement_pieces
    group by child_key, placement_stay_start_date
),

stays_in_short_breaks as (
    select distinct
        stays.child_key,
        stays.placement_stay_start_date
    from stays
    inner join short_break_periods
        on
            stays.child_key = short_break_periods.child_key
            and stays.placement_stay_start_date >= short_break_periods.period_start_date
            and (
                short_break_periods.period_end_date is null
                or stays.placement_stay_start_date < short_break_periods.period_end_date
            )
),

stays_following_another as (
    select distinct
        stays.child_key,
        stays.placement_stay_start_date
    from stays
    inner join stays as previous_stays
        on
            stays.child_key = previous_stays.child_key
            and stays.placement_stay_start_date = previous_stays.placement_stay_end_date
)

select
    stays.child_key,
    stays.placement_stay_start_date,
    stays.placement_stay_end_date,
    coalesce(stays.is_adoption_with_foster_carers and stays_following_another.child_key is not null, false)
        as is_adoption_with_current_carers
from stays
left join stays_in_short_breaks
    on
        stays.child_key = stays_in_short_breaks.child_key
        and stays.placement_stay_start_date = stays_in_short_breaks.placement_stay_start_date
left join stays_following_another
    on
        stays.child_key = stays_following_another.child_key
        and stays.placement_stay_start_date = stays_following_another.placement_stay_start_date
where stays_in_short_breaks.child_key is null
