-- grain: one row per indicator_code, period_end, breakdown, breakdown_value for the
-- care-leaver indicators (headline rows 'all'/'all'): CL_IN_TOUCH, CL_SUITABLE_ACCOM,
-- CL_EET (former relevant aged 19-21), CL_SUITABLE_ACCOM_17_18, CL_EET_17_18 (left care,
-- aged 17-18) and CL_PATHWAY_PLAN. Percentages 0-100; young people not in touch stay in
-- every denominator. Definitions: docs/architecture.md ("Indicator definitions: adoption
-- and care leavers").
with months as (
    select period_end
    from {{ ref('int_months') }}
),

care_leaver_counts as (
    select
        period_end,
        sum(case when is_in_cohort_19_21 then 1 else 0 end) as cohort_19_21,
        sum(case when is_in_cohort_19_21 and is_in_touch then 1 else 0 end) as in_touch_19_21,
        sum(case when is_in_cohort_19_21 and is_accommodation_suitable then 1 else 0 end) as suitable_19_21,
        sum(case when is_in_cohort_19_21 and is_in_education_employment_training then 1 else 0 end) as eet_19_21,
        sum(case when is_in_cohort_17_18 then 1 else 0 end) as cohort_17_18,
        sum(case when is_in_cohort_17_18 and is_accommodation_suitable then 1 else 0 end) as suitable_17_18,
        sum(case when is_in_cohort_17_18 and is_in_education_employment_training then 1 else 0 end) as eet_17_18,
        sum(case when is_in_pathway_plan_cohort then 1 else 0 end) as pathway_cohort,
        sum(
            case when is_in_pathway_plan_cohort and is_pathway_plan_reviewed_in_time then 1 else 0 end
        ) as pathway_reviewed
    from {{ ref('int_care_leavers_monthly') }}
    group by period_end
),

monthly_counts as (
    select
        months.period_end,
        coalesce(care_leaver_counts.cohort_19_21, 0) as cohort_19_21,
        coalesce(care_leaver_counts.in_touch_19_21, 0) as in_touch_19_21,
        coalesce(care_leaver_counts.suitable_19_21, 0) as suitable_19_21,
        coalesce(care_leaver_counts.eet_19_21, 0) as eet_19_21,
        coalesce(care_leaver_counts.cohort_17_18, 0) as cohort_17_18,
        coalesce(care_leaver_counts.suitable_17_18, 0) as suitable_17_18,
        coalesce(care_leaver_counts.eet_17_18, 0) as eet_17_18,
        coalesce(care_leaver_counts.pathway_cohort, 0) as pathway_cohort,
        coalesce(care_leaver_counts.pathway_reviewed, 0) as pathway_reviewed
    from months
    left join care_leaver_counts
        on months.period_end = care_leaver_counts.period_end
),

-- one (indicator, numerator, denominator) per month for each indicator
indicator_counts as (
    select
        'CL_IN_TOUCH' as indicator_code,
        period_end,
        in_touch_19_21 as numerator,
        cohort_19_21 as denominator
    from monthly_counts
    union all
    select
        'CL_SUITABLE_ACCOM' as indicator_code,
        period_end,
        suitable_19_21 as numerator,
        cohort_19_21 as denominator
    from monthly_counts
    union all
    select
        'CL_EET' as indicator_code,
        period_end,
        eet_19_21 as numerator,
        cohort_19_21 as denominator
    from monthly_counts
    union all
    select
        'CL_SUITABLE_ACCOM_17_18' as indicator_code,
        period_end,
        suitable_17_18 as numerator,
        cohort_17_18 as denominator
    from monthly_counts
    union all
    select
        'CL_EET_17_18' as indicator_code,
        period_end,
        eet_17_18 as numerator,
        cohort_17_18 as denominator
    from monthly_counts
    union all
    select
        'CL_PATHWAY_PLAN' as indicator_code,
        period_end,
        pathway_reviewed as numerator,
        pathway_cohort as denominator
    from monthly_counts
)

select
    indicator_code,
    period_end,
    'all' as breakdown,
    'all' as breakdown_value,
    numerator,
    denominator,
    case
        when denominator > 0
            then 100 * cast(numerator as double precision) / cast(denominator as double precision)
    end as value,
    cast(null as varchar) as data_quality_flag
from indicator_counts
