-- grain: one row per (successor record, field) of a migrated child where the field is
-- filled in the legacy record and empty in its migrated counterpart: person ethnicity
-- and UPN (pers_common_child_id), legal status code, placement postcode and distance
-- Person records are linked by the crosswalk; legal statuses and placements by child and
-- start date (int_dq_record_matches). Coded fields are compared as delivered
-- (*_source_value), so an unmapped code is not taken for an empty one.
-- Affected months: a migrated interval open at the cutover is of record from the cutover
-- to its end; one that ended before the cutover is replaced by the legacy record
-- (decision 0001) and distorts only its start month. Person attributes fall back to the
-- legacy record where the successor's is empty (int_children_resolved): the cutover month.
{%- set interval_months -%}
    case
            when
                matched_intervals.successor_end_date is null
                or matched_intervals.successor_end_date >= matched_intervals.cutover_date
                then cast({{ dbt.last_day('matched_intervals.cutover_date', 'month') }} as date)
            else cast({{ dbt.last_day('matched_intervals.record_date', 'month') }} as date)
        end as affected_from,
        case
            when matched_intervals.successor_end_date >= matched_intervals.cutover_date
                then cast({{ dbt.last_day('matched_intervals.successor_end_date', 'month') }} as date)
            when matched_intervals.successor_end_date is not null
                then cast({{ dbt.last_day('matched_intervals.record_date', 'month') }} as date)
        end as affected_to
{%- endset %}
with reused_person_ids as (
    -- a successor person holding two legacy children's records is compared with one of
    -- them only: its "emptied" fields are the other child's, reported as reused_person_id
    select distinct
        source_system,
        person_id
    from {{ ref('dq_reused_person_id') }}
),

migrated_children as (
    select
        legacy_system,
        successor_system,
        cutover_date,
        child_key,
        legacy_person_id,
        successor_person_id
    from {{ ref('int_dq_migrated_children') }}
),

persons as (
    select
        source_system,
        person_id,
        ethnicity,
        common_child_id
    from {{ ref('stg_ssd__person') }}
),

legal_statuses as (
    select
        source_system,
        legal_status_id,
        legal_status_source_value
    from {{ ref('stg_ssd__legal_status') }}
),

placements as (
    select
        source_system,
        placement_id,
        placement_postcode,
        cast(placement_distance as varchar) as placement_distance
    from {{ ref('stg_ssd__cla_placement') }}
),

matched_intervals as (
    select
        legacy_system,
        successor_system,
        cutover_date,
        table_name,
        child_key,
        record_date,
        legacy_record_id,
        successor_person_id,
        successor_record_id,
        successor_end_date
    from {{ ref('int_dq_record_matches') }}
    where match_status = 'matched' and table_name in ('ssd_legal_status', 'ssd_cla_placement')
),

field_pairs as (
    select
        migrated_children.successor_system,
        'ssd_person' as table_name,
        migrated_children.child_key,
        migrated_children.successor_person_id as person_id,
        migrated_children.successor_person_id as record_id,
        'pers_ethnicity' as field_name,
        legacy_persons.ethnicity as legacy_value,
        successor_persons.ethnicity as successor_value,
        cast({{ dbt.last_day('migrated_children.cutover_date', 'month') }} as date) as affected_from,
        cast({{ dbt.last_day('migrated_children.cutover_date', 'month') }} as date) as affected_to
    from migrated_children
    inner join persons as legacy_persons
        on
            migrated_children.legacy_system = legacy_persons.source_system
            and migrated_children.legacy_person_id = legacy_persons.person_id
    inner join persons as successor_persons
        on
            migrated_children.successor_system = successor_persons.source_system
            and migrated_children.successor_person_id = successor_persons.person_id
    union all
    select
        migrated_children.successor_system,
        'ssd_person' as table_name,
        migrated_children.child_key,
        migrated_children.successor_person_id as person_id,
        migrated_children.successor_person_id as record_id,
        'pers_common_child_id' as field_name,
        legacy_persons.common_child_id as legacy_value,
        successor_persons.common_child_id as successor_value,
        cast({{ dbt.last_day('migrated_children.cutover_date', 'month') }} as date) as affected_from,
        cast({{ dbt.last_day('migrated_children.cutover_date', 'month') }} as date) as affected_to
    from migrated_children
    inner join persons as legacy_persons
        on
            migrated_children.legacy_system = legacy_persons.source_system
            and migrated_children.legacy_person_id = legacy_persons.person_id
    inner join persons as successor_persons
        on
            migrated_children.successor_system = successor_persons.source_system
            and migrated_children.successor_person_id = successor_persons.person_id
    union all
    select
        matched_intervals.successor_system,
        matched_intervals.table_name,
        matched_intervals.child_key,
        matched_intervals.successor_person_id as person_id,
        matched_intervals.successor_record_id as record_id,
        'lega_legal_status' as field_name,
        legacy_statuses.legal_status_source_value as legacy_value,
        successor_statuses.legal_status_source_value as successor_value,
        {{ interval_months }}
    from matched_intervals
    inner join legal_statuses as legacy_statuses
        on
            matched_intervals.legacy_system = legacy_statuses.source_system
            and matched_intervals.legacy_record_id = legacy_statuses.legal_status_id
    inner join legal_statuses as successor_statuses
        on
            matched_intervals.successor_system = successor_statuses.source_system
            and matched_intervals.successor_record_id = successor_statuses.legal_status_id
    where matched_intervals.table_name = 'ssd_legal_status'
    {% for field_name, column in [
        ('clap_cla_placement_postcode', 'placement_postcode'),
        ('clap_cla_placement_distance', 'placement_distance'),
    ] %}
        union all
        select
            matched_intervals.successor_system,
            matched_intervals.table_name,
            matched_intervals.child_key,
            matched_intervals.successor_person_id as person_id,
            matched_intervals.successor_record_id as record_id,
            '{{ field_name }}' as field_name,
            legacy_placements.{{ column }} as legacy_value,
            successor_placements.{{ column }} as successor_value,
            {{ interval_months }}
        from matched_intervals
        inner join placements as legacy_placements
            on
                matched_intervals.legacy_system = legacy_placements.source_system
                and matched_intervals.legacy_record_id = legacy_placements.placement_id
        inner join placements as successor_placements
            on
                matched_intervals.successor_system = successor_placements.source_system
                and matched_intervals.successor_record_id = successor_placements.placement_id
        where matched_intervals.table_name = 'ssd_cla_placement'
    {% endfor %}
)

select
    'emptied_fields' as defect_kind,
    successor_system as source_system,
    table_name,
    child_key,
    person_id,
    record_id,
    affected_from,
    affected_to,
    field_name || ' filled in the legacy record, empty after migration' as detail
from field_pairs
where
    nullif(trim(legacy_value), '') is not null
    and not exists (
        select 1
        from reused_person_ids
        where
            field_pairs.successor_system = reused_person_ids.source_system
            and field_pairs.person_id = reused_person_ids.person_id
    )
    and nullif(trim(successor_value), '') is null
