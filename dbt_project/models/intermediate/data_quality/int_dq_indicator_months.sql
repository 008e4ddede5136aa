-- grain: one row per (indicator_code, period_end, defect_kind, table_name) that a migration
-- finding can distort. Kinds the pipeline mends (dq_defect_kinds.distorts_scorecard false) flag
-- nothing; a finding's table names its indicators (seed dq_defect_indicators: rows for the
-- kind and table replace the `*` rows of that table). A successor system is the record only
-- from its go-live (decision 0001), so its findings flag months from its go-live month on: a
-- placeholder key in a migrated visit of 2015 does not distort the 2015 scorecard, which
-- reads the legacy visit.
with finding_records as (
    select distinct
        defect_kind,
        source_system,
        table_name,
        cast({{ dbt.last_day('affected_from', 'month') }} as date) as affected_from_month,
        cast({{ dbt.last_day('affected_to', 'month') }} as date) as affected_to_month
    from {{ ref('int_dq_finding_records') }}
),

record_from_months as (
    -- the first month each system is the record for: its go-live month when it succeeded
    -- another system, else any month
    select
        system_name,
        case
            when previous_system is not null
                then cast({{ dbt.last_day('live_from', 'month') }} as date)
        end as record_from_month
    from {{ ref('int_source_systems_sequenced') }}
),

findings as (
    select distinct
        finding_records.defect_kind,
        finding_records.table_name,
        case
            when record_from_months.record_from_month > finding_records.affected_from_month
                then record_from_months.record_from_month
            else finding_records.affected_from_month
        end as affected_from_month,
        finding_records.affected_to_month
    from finding_records
    left join record_from_months
        on finding_records.source_system = record_from_months.system_name
),

distorting_kinds as (
    select defect_kind
    from {{ ref('dq_defect_kinds') }}
    where distorts_scorecard
),

kind_specific_tables as (
    select distinct
        defect_kind,
        table_name
    from {{ ref('dq_defect_indicators') }}
    where defect_kind != '*'
),

finding_indicators as (
    select
        findings.defect_kind,
        findings.table_name,
        findings.affected_from_month,
        findings.affected_to_month,
        table_indicators.indicator_code
    from findings
    inner join distorting_kinds
        on findings.defect_kind = distorting_kinds.defect_kind
    left join kind_specific_tables
        on
            findings.defect_kind = kind_specific_tables.defect_kind
            and findings.table_name = kind_specific_tables.table_name
    inner join {{ ref('dq_defect_indicators') }} as table_indicators
        on
            findings.table_name = table_indicators.table_name
            and (
                (
                    kind_specific_tables.defect_kind is not null
                    and findings.defect_kind = table_indicators.defect_kind
                )
                or (kind_specific_tables.defect_kind is null and table_indicators.defect_kind = '*')
            )
    where table_indicators.indicator_code is not null
),

months as (
    select period_end
    from {{ ref('int_months') }}
)

select distinct
    finding_indicators.indicator_code,
    months.period_end,
    finding_indicators.defect_kind,
    finding_indicators.table_name
from finding_indicators
inner join months
    on
        finding_indicators.affected_from_month <= months.period_end
        and (
            finding_indicators.affected_to_month is null
            or finding_indicators.affected_to_month >= months.period_end
        )
