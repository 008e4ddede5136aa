-- grain: one row per child and month for CLA_COUNT children at period_end of compulsory
-- school age: aged 5-15 (completed years) on 1 September of the academic year containing
-- period_end (the latest 1 September on or before it). is_pep_up_to_date: a PEP review
-- dated on or before period_end and at most 183 days before it
-- (period_end - review <= 183) (CLA_PEP).
with cohort as (
    select
        monthly_snapshot.child_key,
        monthly_snapshot.period_end,
        children.date_of_birth,
        {{ shift_months(
            "cast(" ~ dbt.date_trunc('year', 'monthly_snapshot.period_end') ~ " as date)",
            "case when extract(month from monthly_snapshot.period_end) >= 9 then 8 else -4 end"
        ) }} as academic_year_start
    from {{ ref('int_cla_monthly_snapshot') }} as monthly_snapshot
    left join {{ ref('int_children_resolved') }} as children
        on monthly_snapshot.child_key = children.child_key
    where monthly_snapshot.is_in_cla_count
),

school_age_cohort as (
    select
        child_key,
        period_end,
        academic_year_start,
        {{ age_in_years('date_of_birth', 'academic_year_start') }} as age_at_academic_year_start
    from cohort
    where {{ age_in_years('date_of_birth', 'academic_year_start') }} between 5 and 15
),

latest_peps as (
    select
        school_age_cohort.child_key,
        school_age_cohort.period_end,
        max(peps.pep_review_date) as latest_pep_review_date
    from school_age_cohort
    inner join {{ ref('int_cla_pep_unified') }} as peps
        on
            school_age_cohort.child_key = peps.child_key
            and school_age_cohort.period_end >= peps.pep_review_date
    group by school_age_cohort.child_key, school_age_cohort.period_end
)

select
    school_age_cohort.child_key,
    school_age_cohort.period_end,
    school_age_cohort.academic_year_start,
    school_age_cohort.age_at_academic_year_start,
    latest_peps.latest_pep_review_date,
    coalesce(
        {{ days_between('latest_peps.latest_pep_review_date', 'school_age_cohort.period_end') }} <= 183,
        false
    ) as is_pep_up_to_date
from school_age_cohort
left join latest_peps
    on
        school_age_cohort.child_key = latest_peps.child_key
        and school_age_cohort.period_end = latest_peps.period_end
