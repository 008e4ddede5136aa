-- grain: one row per period_end and child (child_key) adopted in the 36 months ending
-- period_end: [first day of the month 35 months earlier, period_end]. A child adopted
-- more than once in a window counts once, on their latest adoption.
with months as (
    select
        month_start,
        period_end,
        history_start,
        {{ shift_months('month_start', -35) }} as window_36m_start
    from {{ ref('int_months') }}
),

adoptions as (
    select
        period_of_care_id,
        child_key,
        period_start_date,
        adopted_on,
        days_care_to_placed_for_adoption,
        days_placement_order_to_match,
        days_care_to_placed_with_adopters
    from {{ ref('int_adoptions') }}
),

adoptions_in_window as (
    select
        months.period_end,
        months.window_36m_start,
        months.window_36m_start < months.history_start as is_partial_window,
        adoptions.child_key,
        adoptions.period_of_care_id,
        adoptions.period_start_date,
        adoptions.adopted_on,
        adoptions.days_care_to_placed_for_adoption,
        adoptions.days_placement_order_to_match,
        adoptions.days_care_to_placed_with_adopters,
        row_number() over (
            partition by months.period_end, adoptions.child_key
            order by adoptions.adopted_on desc, adoptions.period_start_date desc
        ) as adoption_recency
    from months
    inner join adoptions
        on
            months.window_36m_start <= adoptions.adopted_on
            and months.period_end >= adoptions.adopted_on
)

select
    period_end,
    window_36m_start,
    is_partial_window,
    child_key,
    period_of_care_id,
    period_start_date,
    adopted_on,
    days_care_to_placed_for_adoption,
    days_placement_order_to_match,
    days_care_to_placed_with_adopters
from adoptions_in_window
where adoption_recency = 1
