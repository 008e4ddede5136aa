-- grain: one row per CP plan (child_key, plan_start_date): the pieces of a plan continued
-- across the cutover joined into one plan
-- plan_end_date is the last piece's end (NULL while open; the cutover for a plan lost
-- at the cutover, which is not an end). Repeat flags: is_repeat_ever when the child had
-- an earlier plan; is_repeat_within_2y when an earlier plan ended (a real end) on or
-- after the day 24 calendar months before this plan's start.
with plan_pieces as (
    select
        child_key,
        plan_stay_start_date,
        plan_piece_start_date,
        plan_piece_end_date,
        is_lost_at_cutover,
        row_number() over (
            partition by child_key, plan_stay_start_date
            order by plan_piece_start_date desc, source_system desc, source_row desc
        ) as piece_from_last
    from {{ ref('int_cp_plans_unified') }}
),

plans as (
    select
        child_key,
        plan_stay_start_date as plan_start_date,
        plan_piece_end_date as plan_end_date,
        is_lost_at_cutover
    from plan_pieces
    where piece_from_last = 1
),

plans_with_history as (
    select
        child_key,
        plan_start_date,
        plan_end_date,
        is_lost_at_cutover,
        count(*) over (
            partition by child_key
            order by plan_start_date
            rows between unbounded preceding and 1 preceding
        ) as previous_plan_count,
        max(case when not is_lost_at_cutover then plan_end_date end) over (
            partition by child_key
            order by plan_start_date
            rows between unbounded preceding and 1 preceding
        ) as previous_plan_end_date
    from plans
)

select
    {{ dbt.concat(['child_key', "'#'", 'cast(plan_start_date as varchar)']) }} as cp_plan_key,
    child_key,
    plan_start_date,
    plan_end_date,
    is_lost_at_cutover,
    plan_end_date is not null and not is_lost_at_cutover as is_ended,
    case
        when plan_end_date is not null and not is_lost_at_cutover
            then {{ days_between('plan_start_date', 'plan_end_date') }}
    end as plan_duration_days,
    previous_plan_count,
    previous_plan_end_date,
    previous_plan_count > 0 as is_repeat_ever,
    coalesce(
        previous_plan_end_date <= plan_start_date
        and previous_plan_end_date >= {{ shift_months('plan_start_date', -24) }},
        false
    ) as is_repeat_within_2y
from plans_with_history
