-- grain: one row per (defect_kind, source_system, table_name) with at least one migration
-- finding record. Aggregate only: no child-level column (docs/decisions/0007).
with finding_records as (
    select
        defect_kind,
        source_system,
        table_name,
        child_key,
        cast({{ dbt.last_day('affected_from', 'month') }} as date) as affected_from_month,
        cast({{ dbt.last_day('affected_to', 'month') }} as date) as affected_to_month
    from {{ ref('int_dq_finding_records') }}
),

latest_month as (
    select max(period_end) as period_end
    from {{ ref('int_months') }}
),

findings as (
    select
        finding_records.defect_kind,
        finding_records.source_system,
        finding_records.table_name,
        count(distinct finding_records.child_key) as child_count,
        count(*) as record_count,
        min(finding_records.affected_from_month) as first_affected_month,
        max(coalesce(finding_records.affected_to_month, latest_month.period_end))
            as last_affected_month
    from finding_records
    cross join latest_month
    group by
        finding_records.defect_kind,
        finding_records.source_system,
        finding_records.table_name
),

kinds as (
    select
        defect_kind,
        severity,
        title,
        what_it_means,
        what_to_do
    from {{ ref('dq_defect_kinds') }}
),

indicator_lists as (
    -- the indicators the kind's findings flag in fct_scorecard_monthly, per table
    select
        findings.defect_kind,
        findings.table_name,
        {{ dbt.listagg(
            'distinct indicator_months.indicator_code',
            "'; '",
            'order by indicator_months.indicator_code'
        ) }} as affected_indicators,
        min(indicator_months.period_end) as first_flagged_month,
        max(indicator_months.period_end) as last_flagged_month
    from findings
    inner join {{ ref('int_dq_indicator_months') }} as indicator_months
        on
            findings.defect_kind = indicator_months.defect_kind
            and findings.table_name = indicator_months.table_name
    group by findings.defect_kind, findings.table_name
)

select
    cast(
        {{ dbt.concat(['findings.defect_kind', "':'", 'findings.source_system', "':'", 'findings.table_name']) }}
        as varchar
    ) as finding_id,
    cast(findings.defect_kind as varchar) as defect_kind,
    cast(findings.source_system as varchar) as source_system,
    cast(findings.table_name as varchar) as table_name,
    -- a finding that distorts no indicator value (a mended kind, or a field that only moves
    -- breakdowns) is a warning whatever its kind
    cast(
        case when indicator_lists.affected_indicators is null then 'WARN' else kinds.severity end
        as varchar
    ) as severity,
    cast(kinds.title as varchar) as title,
    cast(case when findings.child_count = 0 then null else findings.child_count end as bigint)
        as child_count,
    cast(findings.record_count as bigint) as record_count,
    -- months it flags in the scorecard when it distorts indicators, else its records' months
    cast(
        coalesce(indicator_lists.first_flagged_month, findings.first_affected_month) as date
    ) as first_affected_month,
    cast(
        coalesce(indicator_lists.last_flagged_month, findings.last_affected_month) as date
    ) as last_affected_month,
    cast(
        {{ dbt.datediff(
            'coalesce(indicator_lists.first_flagged_month, findings.first_affected_month)',
            'coalesce(indicator_lists.last_flagged_month, findings.last_affected_month)',
            'month'
        ) }} + 1
        as integer
    ) as affected_month_count,
    cast(coalesce(indicator_lists.affected_indicators, '') as varchar) as affected_indicators,
    cast(kinds.what_it_means as varchar) as what_it_means,
    cast(kinds.what_to_do as varchar) as what_to_do
from findings
inner join kinds
    on findings.defect_kind = kinds.defect_kind
left join indicator_lists
    on
        findings.defect_kind = indicator_lists.defect_kind
        and findings.table_name = indicator_lists.table_name
