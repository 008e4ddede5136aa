-- grain: one row per adoption: a period of care (child_key, period_number) that ended
-- with reason E11 or E12 (adopted).
-- The adoption's permanence record is the child's record of record placed for adoption
-- within the period (period start <= placed <= adoption date; the latest if several).
-- Days (A1, A2, A10 inputs) are NULL when the record lacks the dates they need.
with adopted_periods as (
    select
        period_of_care_id,
        child_key,
        period_number,
        period_start_date,
        period_end_date as adopted_on,
        period_end_reason
    from {{ ref('int_cla_periods_of_care') }}
    where
        period_end_reason in ('E11', 'E12')
        and period_end_date is not null
),

permanence_records as (
    select
        child_key,
        source_system,
        source_row,
        placement_order_date,
        matched_date,
        placed_for_adoption_date,
        is_adopted_by_carer,
        placed_foster_carer_date
    from {{ ref('int_adoption_permanence_unified') }}
),

period_permanence_records as (
    select
        adopted_periods.period_of_care_id,
        permanence_records.placement_order_date,
        permanence_records.matched_date,
        permanence_records.placed_for_adoption_date,
        permanence_records.is_adopted_by_carer,
        permanence_records.placed_foster_carer_date,
        row_number() over (
            partition by adopted_periods.period_of_care_id
            order by
                permanence_records.placed_for_adoption_date desc,
                permanence_records.source_system desc,
                permanence_records.source_row desc
        ) as record_recency
    from adopted_periods
    inner join permanence_records
        on
            adopted_periods.child_key = permanence_records.child_key
            and adopted_periods.period_start_date <= permanence_records.placed_for_adoption_date
            and adopted_periods.adopted_on >= permanence_records.placed_for_adoption_date
),

adoptions_with_permanence as (
    select
        adopted_periods.period_of_care_id,
        adopted_periods.child_key,
        adopted_periods.period_number,
        adopted_periods.period_start_date,
        adopted_periods.adopted_on,
        adopted_periods.period_end_reason,
        period_permanence_records.placement_order_date,
        period_permanence_records.matched_date,
        period_permanence_records.placed_for_adoption_date,
        coalesce(period_permanence_records.is_adopted_by_carer, false) as is_adopted_by_carer,
        period_permanence_records.placed_foster_carer_date,
        -- A10: the clock stops when the child moved in with the carers who adopted them
        -- (never before the period started)
        case
            when
                period_permanence_records.is_adopted_by_carer
                and period_permanence_records.placed_foster_carer_date is not null
                then greatest(period_permanence_records.placed_foster_carer_date, adopted_periods.period_start_date)
            else period_permanence_records.placed_for_adoption_date
        end as placed_with_adopters_date
    from adopted_periods
    left join period_permanence_records
        on
            adopted_periods.period_of_care_id = period_permanence_records.period_of_care_id
            and period_permanence_records.record_recency = 1
)

select
    period_of_care_id,
    child_key,
    period_number,
    period_start_date,
    adopted_on,
    period_end_reason,
    placement_order_date,
    matched_date,
    placed_for_adoption_date,
    is_adopted_by_carer,
    placed_foster_carer_date,
    placed_with_adopters_date,
    {{ days_between('period_start_date', 'placed_for_adoption_date') }} as days_care_to_placed_for_adoption,
    case
        when placement_order_date is not null and matched_date is not null and placed_for_adoption_date is not null
            then greatest({{ days_between('placement_order_date', 'matched_date') }}, 0)
    end as days_placement_order_to_match,
    {{ days_between('period_start_date', 'placed_with_adopters_date') }} as days_care_to_placed_with_adopters
from adoptions_with_permanence
