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
)

{#- every indicator is a percentage of its cohort (macros/scorecard_rows.sql) -#}
{%- set indicators = [
    {'code': 'CL_IN_TOUCH', 'kind': 'pct', 'numerator': 'in_touch_19_21', 'denominator': 'cohort_19_21'},
    {'code': 'CL_SUITABLE_ACCOM', 'kind': 'pct', 'numerator': 'suitable_19_21', 'denominator': 'cohort_19_21'},
    {'code': 'CL_EET', 'kind': 'pct', 'numerator': 'eet_19_21', 'denominator': 'cohort_19_21'},
    {'code': 'CL_SUITABLE_ACCOM_17_18', 'kind': 'pct', 'numerator': 'suitable_17_18', 'denominator': 'cohort_17_18'},
    {'code': 'CL_EET_17_18', 'kind': 'pct', 'numerator': 'eet_17_18', 'denominator': 'cohort_17_18'},
    {'code': 'CL_PATHWAY_PLAN', 'kind': 'pct', 'numerator': 'pathway_reviewed', 'denominator': 'pathway_cohort'},
] %}

{{ scorecard_indicator_rows(indicators, 'monthly_counts') }}
