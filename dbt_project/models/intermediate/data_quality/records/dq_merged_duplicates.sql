-- grain: one row per legacy pre-cutover visit or review absorbed into another record of
-- the same child in the successor's migrated history (record_id = the kept record)
-- A legacy record with no migrated counterpart whose nearest legacy neighbour within
-- 14 days was migrated, while the successor holds no
-- unmatched record near it (that would be a moved date, not a merge). Before the cutover
-- the legacy extract is the record (decision 0001): affected month = the record's own.
{%- set merge_window_days = 14 %}
with matches as (
    select
        legacy_system,
        successor_system,
        table_name,
        child_key,
        record_date,
        legacy_record_id,
        successor_person_id,
        successor_record_id,
        match_status
    from {{ ref('int_dq_record_matches') }}
    where table_name in ('ssd_cla_visits', 'ssd_cp_visits', 'ssd_cin_visits', 'ssd_cla_reviews', 'ssd_cp_reviews')
),

absorbed_records as (
    select
        legacy_system,
        successor_system,
        table_name,
        child_key,
        record_date,
        legacy_record_id
    from matches
    where match_status = 'legacy_only'
),

kept_records as (
    -- migrated records with a legacy counterpart: on the same date, or on a moved date
    select
        legacy_system,
        successor_system,
        table_name,
        child_key,
        record_date,
        successor_person_id,
        successor_record_id
    from matches
    where match_status = 'matched'
    union all
    select
        legacy_system,
        successor_system,
        table_name,
        child_key,
        legacy_date as record_date,
        successor_person_id,
        successor_record_id
    from {{ ref('int_dq_date_shift_pairs') }}
    where table_name in ('ssd_cla_visits', 'ssd_cp_visits', 'ssd_cin_visits', 'ssd_cla_reviews', 'ssd_cp_reviews')
),

unmatched_migrated_records as (
    select
        legacy_system,
        successor_system,
        table_name,
        child_key,
        record_date
    from matches
    where match_status = 'successor_only'
),

candidate_merges as (
    select
        absorbed_records.legacy_system,
        absorbed_records.successor_system,
        absorbed_records.table_name,
        absorbed_records.child_key,
        absorbed_records.record_date,
        absorbed_records.legacy_record_id,
        kept_records.successor_person_id,
        kept_records.successor_record_id,
        row_number() over (
            partition by
                absorbed_records.legacy_system, absorbed_records.successor_system,
                absorbed_records.table_name, absorbed_records.legacy_record_id
            order by
                abs({{ days_between('kept_records.record_date', 'absorbed_records.record_date') }}),
                kept_records.record_date,
                kept_records.successor_record_id
        ) as kept_preference
    from absorbed_records
    inner join kept_records
        on
            absorbed_records.legacy_system = kept_records.legacy_system
            and absorbed_records.successor_system = kept_records.successor_system
            and absorbed_records.table_name = kept_records.table_name
            and absorbed_records.child_key = kept_records.child_key
            and kept_records.record_date >= {{ shift_days('absorbed_records.record_date', -merge_window_days) }}
            and kept_records.record_date <= {{ shift_days('absorbed_records.record_date', merge_window_days) }}
),

moved_dates as (
    -- an unmatched migrated record near the absorbed one, or one its date was moved to:
    -- a shifted date, not a merge
    select
        legacy_system,
        successor_system,
        table_name,
        legacy_record_id
    from {{ ref('int_dq_date_shift_pairs') }}
    union
    select
        absorbed_records.legacy_system,
        absorbed_records.successor_system,
        absorbed_records.table_name,
        absorbed_records.legacy_record_id
    from absorbed_records
    inner join unmatched_migrated_records
        on
            absorbed_records.legacy_system = unmatched_migrated_records.legacy_system
            and absorbed_records.successor_system = unmatched_migrated_records.successor_system
            and absorbed_records.table_name = unmatched_migrated_records.table_name
            and absorbed_records.child_key = unmatched_migrated_records.child_key
            and unmatched_migrated_records.record_date
            >= {{ shift_days('absorbed_records.record_date', -merge_window_days) }}
            and unmatched_migrated_records.record_date
            <= {{ shift_days('absorbed_records.record_date', merge_window_days) }}
)

select
    'merged_duplicates' as defect_kind,
    candidate_merges.successor_system as source_system,
    candidate_merges.table_name,
    candidate_merges.child_key,
    candidate_merges.successor_person_id as person_id,
    candidate_merges.successor_record_id as record_id,
    cast({{ dbt.last_day('candidate_merges.record_date', 'month') }} as date) as affected_from,
    cast({{ dbt.last_day('candidate_merges.record_date', 'month') }} as date) as affected_to,
    'two legacy records within 14 days migrated as one record' as detail
from candidate_merges
left join moved_dates
    on
        candidate_merges.legacy_system = moved_dates.legacy_system
        and candidate_merges.successor_system = moved_dates.successor_system
        and candidate_merges.table_name = moved_dates.table_name
        and candidate_merges.legacy_record_id = moved_dates.legacy_record_id
where
    candidate_merges.kept_preference = 1
    and moved_dates.legacy_record_id is null
