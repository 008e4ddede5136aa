-- grain: one row per (record, coded field) of any system whose delivered code is outside
-- the DfE code sets and the reviewed code_map (staging maps it to NULL while
-- *_source_value holds it), and per person whose ethnicity is not a DfE ethnicity code
-- Affected months: the months the record is of record in its system (decision 0001:
-- legacy before the cutover, successor from it), clipped to the record's dates; a record
-- replaced by the other system's (migrated history) distorts only its start month. A
-- person's ethnicity comes from the latest system holding the child for every month
-- (int_children_resolved): from the first scorecard month on.
{%- set coded_fields = [
    ('ssd_cla_placement', 'stg_ssd__cla_placement', 'placement_id', 'clap_cla_placement_type',
        'placement_type', 'placement_start_date', 'placement_end_date'),
    ('ssd_cla_placement', 'stg_ssd__cla_placement', 'placement_id', 'clap_cla_placement_provider',
        'placement_provider', 'placement_start_date', 'placement_end_date'),
    ('ssd_legal_status', 'stg_ssd__legal_status', 'legal_status_id', 'lega_legal_status',
        'legal_status', 'legal_status_start_date', 'legal_status_end_date'),
    ('ssd_cla_episodes', 'stg_ssd__cla_episodes', 'cla_episode_id', 'clae_cla_episode_start_reason',
        'episode_start_reason', 'episode_start_date', 'episode_ceased_date'),
    ('ssd_cla_episodes', 'stg_ssd__cla_episodes', 'cla_episode_id', 'clae_cla_episode_ceased_reason',
        'episode_ceased_reason', 'episode_start_date', 'episode_ceased_date'),
    ('ssd_cla_episodes', 'stg_ssd__cla_episodes', 'cla_episode_id', 'clae_cla_primary_need_code',
        'primary_need', 'episode_start_date', 'episode_ceased_date'),
    ('ssd_cin_episodes', 'stg_ssd__cin_episodes', 'referral_id', 'cine_cin_primary_need_code',
        'primary_need', 'referral_date', 'close_date'),
    ('ssd_cp_plans', 'stg_ssd__cp_plans', 'cp_plan_id', 'cppl_cp_plan_initial_category',
        'cp_plan_initial_category', 'cp_plan_start_date', 'cp_plan_end_date'),
    ('ssd_cp_plans', 'stg_ssd__cp_plans', 'cp_plan_id', 'cppl_cp_plan_latest_category',
        'cp_plan_latest_category', 'cp_plan_start_date', 'cp_plan_end_date'),
    ('ssd_cla_health', 'stg_ssd__cla_health', 'health_check_id', 'clah_health_check_type',
        'health_check_type', 'health_check_date', 'health_check_date'),
] %}
with systems as (
    select
        system_name,
        live_from,
        cutover_to_next
    from {{ ref('int_source_systems_sequenced') }}
),

crosswalk as (
    select
        source_system,
        person_id,
        child_key
    from {{ ref('int_person_crosswalk') }}
),

first_month as (
    select min(period_end) as first_period_end
    from {{ ref('int_months') }}
),

ethnicity_codes as (
    select upper(ethnicity_code) as ethnicity_code
    from {{ ref('ethnicity_groups') }}
),

unmapped_record_codes as (
    {% for table_name, model, id_column, field_name, code_column, start_column, end_column in coded_fields %}
        select
            '{{ table_name }}' as table_name,
            source_system,
            person_id,
            {{ id_column }} as record_id,
            '{{ field_name }}' as field_name,
            {{ start_column }} as start_date,
            {{ end_column }} as end_date
        from {{ ref(model) }}
        where
            {{ code_column }} is null
            and nullif(trim({{ code_column }}_source_value), '') is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

record_months as (
    select
        unmapped_record_codes.table_name,
        unmapped_record_codes.source_system,
        unmapped_record_codes.person_id,
        unmapped_record_codes.record_id,
        unmapped_record_codes.field_name,
        coalesce(unmapped_record_codes.start_date, systems.live_from) as own_date,
        case
            when unmapped_record_codes.start_date > systems.live_from then unmapped_record_codes.start_date
            else systems.live_from
        end as of_record_from,
        case
            when unmapped_record_codes.end_date is null then {{ shift_days('systems.cutover_to_next', -1) }}
            when systems.cutover_to_next is null then unmapped_record_codes.end_date
            when unmapped_record_codes.end_date < systems.cutover_to_next then unmapped_record_codes.end_date
            else {{ shift_days('systems.cutover_to_next', -1) }}
        end as of_record_to
    from unmapped_record_codes
    inner join systems
        on unmapped_record_codes.source_system = systems.system_name
),

findings as (
    select
        record_months.source_system,
        record_months.table_name,
        crosswalk.child_key,
        record_months.person_id,
        record_months.record_id,
        case
            when record_months.of_record_to < record_months.of_record_from
                then cast({{ dbt.last_day('record_months.own_date', 'month') }} as date)
            else cast({{ dbt.last_day('record_months.of_record_from', 'month') }} as date)
        end as affected_from,
        case
            when record_months.of_record_to < record_months.of_record_from
                then cast({{ dbt.last_day('record_months.own_date', 'month') }} as date)
            else cast({{ dbt.last_day('record_months.of_record_to', 'month') }} as date)
        end as affected_to,
        record_months.field_name || ' holds a code outside the code sets and code_map' as detail
    from record_months
    left join crosswalk
        on
            record_months.source_system = crosswalk.source_system
            and record_months.person_id = crosswalk.person_id
    union all
    select
        persons.source_system,
        'ssd_person' as table_name,
        crosswalk.child_key,
        persons.person_id,
        persons.person_id as record_id,
        first_month.first_period_end as affected_from,
        cast(null as date) as affected_to,
        'pers_ethnicity holds a code outside the DfE ethnicity codes' as detail
    from {{ ref('stg_ssd__person') }} as persons
    cross join first_month
    left join ethnicity_codes
        on upper(trim(persons.ethnicity)) = ethnicity_codes.ethnicity_code
    left join crosswalk
        on
            persons.source_system = crosswalk.source_system
            and persons.person_id = crosswalk.person_id
    where
        nullif(trim(persons.ethnicity), '') is not null
        and ethnicity_codes.ethnicity_code is null
)

select
    'unmapped_codes' as defect_kind,
    source_system,
    table_name,
    child_key,
    person_id,
    record_id,
    affected_from,
    affected_to,
    detail
from findings
