-- grain: one row per child and month in the continuously-looked-after-12-months cohort:
-- CLA_COUNT children at period_end whose period of care started 365+ days before
-- period_end (period_end - period_start >= 365; a period split at the cutover is one
-- period, so the seam does not reset the clock). For each: health assessments (IHA or RHA,
-- not refused) and dental checks dated in the 12-month window [window_start, period_end];
-- health up to date = 2+ assessments when aged under 5 on period_end, else 1+
-- (CLA_HEALTH_ASSESSMENT); dental = 1+ dental check (CLA_DENTAL); SDQ cohort = aged 5-16
-- on period_end, latest SDQ with a score dated in the window (CLA_SDQ_AVG,
-- CLA_SDQ_CONCERN: score 17+). For the drill-down (int_child_compliance): the latest and
-- second-latest health assessment and the latest dental check on or before period_end (in
-- the window or not), ordered as the window counts them (each record counts).
with cohort as (
    select
        monthly_snapshot.child_key,
        monthly_snapshot.period_end,
        monthly_snapshot.period_start_date,
        months.window_start,
        {{ age_in_years('children.date_of_birth', 'monthly_snapshot.period_end') }} as age_at_period_end
    from {{ ref('int_cla_monthly_snapshot') }} as monthly_snapshot
    inner join {{ ref('int_months') }} as months
        on monthly_snapshot.period_end = months.period_end
    left join {{ ref('int_children_resolved') }} as children
        on monthly_snapshot.child_key = children.child_key
    where
        monthly_snapshot.is_in_cla_count
        and monthly_snapshot.days_in_care >= 365
),

checks_in_window as (
    select
        cohort.child_key,
        cohort.period_end,
        -- a check is one source row of one system: row numbers repeat across systems' files
        count(
            distinct case
                when checks.is_health_assessment
                    then checks.source_system || ':' || cast(checks.source_row as varchar)
            end
        ) as health_assessments,
        count(
            distinct case
                when checks.is_dental_check
                    then checks.source_system || ':' || cast(checks.source_row as varchar)
            end
        ) as dental_checks
    from cohort
    inner join {{ ref('int_cla_health_checks_unified') }} as checks
        on
            cohort.child_key = checks.child_key
            and checks.is_done
            and cohort.window_start <= checks.health_check_date
            and cohort.period_end >= checks.health_check_date
    group by cohort.child_key, cohort.period_end
),

-- each child's health assessments and dental checks in date order, each with the date of
-- the one before and the one after: a check is the latest on or before period_end for the
-- months from its date until the next one's, so the cohort joins one span per month
-- rather than every earlier check (same-day checks order by system and row, as counted)
health_assessment_spans as (
    select
        child_key,
        health_check_date,
        lag(health_check_date) over child_checks as previous_check_date,
        lead(health_check_date) over child_checks as next_check_date
    from {{ ref('int_cla_health_checks_unified') }}
    where is_done and is_health_assessment and health_check_date is not null
    window child_checks as (partition by child_key order by health_check_date, source_system, source_row)
),

dental_check_spans as (
    select
        child_key,
        health_check_date,
        lead(health_check_date) over child_checks as next_check_date
    from {{ ref('int_cla_health_checks_unified') }}
    where is_done and is_dental_check and health_check_date is not null
    window child_checks as (partition by child_key order by health_check_date, source_system, source_row)
),

latest_health_assessments as (
    select
        cohort.child_key,
        cohort.period_end,
        spans.health_check_date as latest_health_assessment_date,
        spans.previous_check_date as second_latest_health_assessment_date
    from cohort
    inner join health_assessment_spans as spans
        on
            cohort.child_key = spans.child_key
            and cohort.period_end >= spans.health_check_date
            and (spans.next_check_date is null or cohort.period_end < spans.next_check_date)
),

latest_dental_checks as (
    select
        cohort.child_key,
        cohort.period_end,
        spans.health_check_date as latest_dental_check_date
    from cohort
    inner join dental_check_spans as spans
        on
            cohort.child_key = spans.child_key
            and cohort.period_end >= spans.health_check_date
            and (spans.next_check_date is null or cohort.period_end < spans.next_check_date)
),

scored_sdqs_in_window as (
    select
        cohort.child_key,
        cohort.period_end,
        sdqs.sdq_score,
        row_number() over (
            partition by cohort.child_key, cohort.period_end
            order by sdqs.sdq_completed_date desc, sdqs.source_row desc
        ) as sdq_recency
    from cohort
    inner join {{ ref('int_sdq_unified') }} as sdqs
        on
            cohort.child_key = sdqs.child_key
            and sdqs.sdq_score is not null
            and cohort.window_start <= sdqs.sdq_completed_date
            and cohort.period_end >= sdqs.sdq_completed_date
    where cohort.age_at_period_end between 5 and 16
)

select
    cohort.child_key,
    cohort.period_end,
    cohort.period_start_date,
    cohort.window_start,
    cohort.age_at_period_end,
    coalesce(checks_in_window.health_assessments, 0) as health_assessments_in_window,
    coalesce(checks_in_window.dental_checks, 0) as dental_checks_in_window,
    latest_health_assessments.latest_health_assessment_date,
    latest_health_assessments.second_latest_health_assessment_date,
    latest_dental_checks.latest_dental_check_date,
    coalesce(checks_in_window.health_assessments, 0)
    >= case when cohort.age_at_period_end < 5 then 2 else 1 end as is_health_assessment_up_to_date,
    coalesce(checks_in_window.dental_checks, 0) >= 1 as has_dental_check,
    coalesce(cohort.age_at_period_end between 5 and 16, false) as is_in_sdq_cohort,
    scored_sdqs_in_window.sdq_score as latest_sdq_score
from cohort
left join checks_in_window
    on
        cohort.child_key = checks_in_window.child_key
        and cohort.period_end = checks_in_window.period_end
left join latest_health_assessments
    on
        cohort.child_key = latest_health_assessments.child_key
        and cohort.period_end = latest_health_assessments.period_end
left join latest_dental_checks
    on
        cohort.child_key = latest_dental_checks.child_key
        and cohort.period_end = latest_dental_checks.period_end
left join scored_sdqs_in_window
    on
        cohort.child_key = scored_sdqs_in_window.child_key
        and cohort.period_end = scored_sdqs_in_window.period_end
        and scored_sdqs_in_window.sdq_recency = 1
