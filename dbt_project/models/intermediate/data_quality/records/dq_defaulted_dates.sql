-- grain: one row per interval record with a defaulted date: an end date before 1901 (an
-- open end migrated as 1900-01-01) or before its start (unless the start is a recognised
-- shifted date, int_dq_date_shift_pairs), in any system; or a successor
-- interval of a migrated child starting on the go-live date where the legacy record of
-- that interval, open at the legacy final extract, starts earlier and has no migrated
-- counterpart on its own start date
-- Affected months: a defaulted end closes the interval before the pipeline takes it, so
-- it distorts every month from the first the record is of record (the cutover month for
-- migrated history) on. A start defaulted to go-live is mended by the seam rule when the
-- legacy record is continued: it can distort only the cutover month.
{%- set intervals = [
    ('ssd_cla_episodes', 'stg_ssd__cla_episodes', 'cla_episode_id', 'episode_start_date', 'episode_ceased_date'),
    ('ssd_cla_placement', 'stg_ssd__cla_placement', 'placement_id', 'placement_start_date', 'placement_end_date'),
    ('ssd_legal_status', 'stg_ssd__legal_status', 'legal_status_id', 'legal_status_start_date',
        'legal_status_end_date'),
    ('ssd_cp_plans', 'stg_ssd__cp_plans', 'cp_plan_id', 'cp_plan_start_date', 'cp_plan_end_date'),
    ('ssd_cin_episodes', 'stg_ssd__cin_episodes', 'referral_id', 'referral_date', 'close_date'),
    ('ssd_cin_plans', 'stg_ssd__cin_plans', 'cin_plan_id', 'cin_plan_start_date', 'cin_plan_end_date'),
    ('ssd_involvements', 'stg_ssd__involvements', 'involvements_id', 'involvement_start_date',
        'involvement_end_date'),
    ('ssd_immigration_status', 'stg_ssd__immigration_status', 'immigration_status_id',
        'immigration_status_start_date', 'immigration_status_end_date'),
] %}
with systems as (
    select
        system_name,
        live_from
    from {{ ref('int_source_systems_sequenced') }}
),

crosswalk as (
    select
        source_system,
        person_id,
        child_key
    from {{ ref('int_person_crosswalk') }}
),

interval_records as (
    {% for table_name, model, id_column, start_column, end_column in intervals %}
        select
            '{{ table_name }}' as table_name,
            source_system,
            person_id,
            {{ id_column }} as record_id,
            {{ start_column }} as start_date,
            {{ end_column }} as end_date
        from {{ ref(model) }}
        where {{ end_column }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

moved_starts as (
    -- a start date moved past its end (day and month swapped) is a shifted date
    select
        successor_system as source_system,
        table_name,
        successor_record_id as record_id
    from {{ ref('int_dq_date_shift_pairs') }}
),

defaulted_ends as (
    select
        interval_records.source_system,
        interval_records.table_name,
        crosswalk.child_key,
        interval_records.person_id,
        interval_records.record_id,
        cast(
            {{ dbt.last_day(
                'case when interval_records.start_date > systems.live_from'
                ~ ' then interval_records.start_date else systems.live_from end',
                'month'
            ) }} as date
        ) as affected_from,
        cast(null as date) as affected_to,
        case
            when interval_records.end_date < cast('1901-01-01' as date)
                then 'end date defaulted to a placeholder before 1901 (an open interval closed)'
            else 'end date before the start date (an open interval closed)'
        end as detail
    from interval_records
    inner join systems
        on interval_records.source_system = systems.system_name
    left join crosswalk
        on
            interval_records.source_system = crosswalk.source_system
            and interval_records.person_id = crosswalk.person_id
    left join moved_starts
        on
            interval_records.source_system = moved_starts.source_system
            and interval_records.table_name = moved_starts.table_name
            and interval_records.record_id = moved_starts.record_id
    where
        interval_records.end_date < cast('1901-01-01' as date)
        or (interval_records.end_date < interval_records.start_date and moved_starts.record_id is null)
),

go_live_starts as (
    select
        records.legacy_system,
        records.successor_system,
        records.cutover_date,
        records.table_name,
        records.child_key,
        records.person_id,
        records.record_id
    from {{ ref('int_dq_dated_records') }} as records
    where
        records.system_role = 'successor'
        and records.record_date = records.cutover_date
        and records.table_name in (
            {%- for interval in intervals %}
                '{{ interval[0] }}'{{ "," if not loop.last }}
            {%- endfor %}
        )
),

open_unmigrated_legacy_intervals as (
    select distinct
        legacy_system,
        successor_system,
        table_name,
        child_key
    from {{ ref('int_dq_record_matches') }}
    where
        match_status = 'legacy_only'
        and (legacy_end_date is null or legacy_end_date >= cutover_date)
),

defaulted_starts as (
    select
        go_live_starts.successor_system as source_system,
        go_live_starts.table_name,
        go_live_starts.child_key,
        go_live_starts.person_id,
        go_live_starts.record_id,
        cast({{ dbt.last_day('go_live_starts.cutover_date', 'month') }} as date) as affected_from,
        cast({{ dbt.last_day('go_live_starts.cutover_date', 'month') }} as date) as affected_to,
        'start date defaulted to the go-live date (the legacy record starts earlier)' as detail
    from go_live_starts
    inner join open_unmigrated_legacy_intervals
        on
            go_live_starts.legacy_system = open_unmigrated_legacy_intervals.legacy_system
            and go_live_starts.successor_system = open_unmigrated_legacy_intervals.successor_system
            and go_live_starts.table_name = open_unmigrated_legacy_intervals.table_name
            and go_live_starts.child_key = open_unmigrated_legacy_intervals.child_key
),

defaulted_dates as (
    select
        source_system,
        table_name,
        child_key,
        person_id,
        record_id,
        affected_from,
        affected_to,
        detail
    from defaulted_ends
    union all
    select
        source_system,
        table_name,
        child_key,
        person_id,
        record_id,
        affected_from,
        affected_to,
        detail
    from defaulted_starts
)

select
    'defaulted_dates' as defect_kind,
    source_system,
    table_name,
    child_key,
    person_id,
    record_id,
    affected_from,
    affected_to,
    detail
from defaulted_dates
