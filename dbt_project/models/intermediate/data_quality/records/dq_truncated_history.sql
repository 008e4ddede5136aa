-- grain: one row per legacy pre-cutover record (placement other than the one open at the
-- cutover, CLA visit, CLA health check, CLA review) of a migrated child for whom the
-- successor's migrated history holds no record of that table at all
-- The legacy extract still supplies these records before the cutover (decision 0001), so
-- the finding distorts no month after the pipeline's choice: affected months are the
-- record's own (its date, or a placement's start to end).
with migrated_children as (
    select
        legacy_system,
        successor_system,
        child_key,
        successor_person_id
    from {{ ref('int_dq_migrated_children') }}
),

history_tables as (
    select
        legacy_system,
        successor_system,
        cutover_date,
        table_name,
        child_key,
        record_date,
        legacy_record_id,
        legacy_end_date,
        successor_record_id,
        successor_end_date
    from {{ ref('int_dq_record_matches') }}
    where table_name in ('ssd_cla_placement', 'ssd_cla_visits', 'ssd_cla_health', 'ssd_cla_reviews')
),

legacy_history as (
    -- a placement open at the cutover is continued by the successor: only placements
    -- that ended before it are history the migration had to carry over
    select
        legacy_system,
        successor_system,
        table_name,
        child_key,
        record_date,
        legacy_end_date
    from history_tables
    where
        legacy_record_id is not null
        and (table_name != 'ssd_cla_placement' or legacy_end_date < cutover_date)
),

orphan_review_dates as (
    -- a migrated CLA review whose cla_id names no child (a sentinel key) was migrated:
    -- a legacy review on its date is not counted as lost
    select distinct
        legacy_system,
        successor_system,
        table_name,
        record_date
    from {{ ref('int_dq_dated_records') }}
    where
        system_role = 'successor'
        and table_name = 'ssd_cla_reviews'
        and child_key is null
        and is_before_cutover
),

migrated_tables as (
    -- a migrated end date before its start (1900-01-01) is not a placement that ended
    select distinct
        legacy_system,
        successor_system,
        table_name,
        child_key
    from history_tables
    where
        successor_record_id is not null
        and (
            table_name != 'ssd_cla_placement'
            or (successor_end_date < cutover_date and successor_end_date >= record_date)
        )
)

select
    'truncated_history' as defect_kind,
    legacy_history.successor_system as source_system,
    legacy_history.table_name,
    legacy_history.child_key,
    migrated_children.successor_person_id as person_id,
    cast(null as varchar) as record_id,
    cast({{ dbt.last_day('legacy_history.record_date', 'month') }} as date) as affected_from,
    cast(
        {{ dbt.last_day('coalesce(legacy_history.legacy_end_date, legacy_history.record_date)', 'month') }}
        as date
    ) as affected_to,
    'pre-cutover history of this table not migrated: record only in the legacy extract' as detail
from legacy_history
inner join migrated_children
    on
        legacy_history.legacy_system = migrated_children.legacy_system
        and legacy_history.successor_system = migrated_children.successor_system
        and legacy_history.child_key = migrated_children.child_key
left join migrated_tables
    on
        legacy_history.legacy_system = migrated_tables.legacy_system
        and legacy_history.successor_system = migrated_tables.successor_system
        and legacy_history.table_name = migrated_tables.table_name
        and legacy_history.child_key = migrated_tables.child_key
left join orphan_review_dates
    on
        legacy_history.legacy_system = orphan_review_dates.legacy_system
        and legacy_history.successor_system = orphan_review_dates.successor_system
        and legacy_history.table_name = orphan_review_dates.table_name
        and legacy_history.record_date = orphan_review_dates.record_date
where migrated_tables.child_key is null and orphan_review_dates.record_date is null
