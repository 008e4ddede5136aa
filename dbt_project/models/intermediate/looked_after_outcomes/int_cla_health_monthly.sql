-- grain: one row per child and month in the continuously-looked-after-12-months cohort:
-- CLA_COUNT children at period_end whose period of care started 365+ days before
-- period_end (period_end - period_start >= 365; a period split at the cutover is one
-- period, so the seam does not reset the clock). For each: health assessments (IHA or RHA,
-- not refused) and dental checks dated in the 12-month window [window_start, period_end];
-- health up to date = 2+ assessments when aged under 5 on period_end, else 1+
-- (CLA_HEALTH_ASSESSMENT); dental = 1+ dental check (CLA_DENTAL); SDQ cohort = aged 5-16
-- on period_end, latest SDQ with a score dated in the window (CLA_SDQ_AVG,
-- CLA_SDQ_CONCERN: score 17+).
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
        count(distinct case when checks.is_health_assessment then checks.source_row end) as health_assessments,
        count(distinct case when checks.is_dental_check then checks.source_row end) as dental_checks
    from cohort
    inner join {{ ref('int_cla_health_checks_unified') }} as checks
        on
            cohort.child_key = checks.child_key
            and checks.is_done
            and cohort.window_start <= checks.health_check_date
            and cohort.period_end >= checks.health_check_date
    group by cohort.child_key, cohort.period_end
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
left join scored_sdqs_in_window
    on
        cohort.child_key = scored_sdqs_in_window.child_key
        and cohort.period_end = scored_sdqs_in_window.period_end
        and scored_sdqs_in_window.sdq_recency = 1
