-- grain: one row per legacy record (CLA episode, CP plan or non-NFA CIN episode) open on
-- the legacy system's last live day, of a child the successor system does not hold
-- A child is held by the successor when any successor person names the legacy person id
-- (pers_legacy_id or a "Former system ID" linked identifier), whether or not the crosswalk
-- chose that link: a legacy id named only by a person who holds another child's records
-- is reported by dq_reused_person_id instead, as is a child whose records are found under
-- another successor person's id (int_dq_legacy_children_under_other_ids).
with system_pairs as (
    select
        system_name as legacy_system,
        next_system as successor_system,
        {{ shift_days('cutover_to_next', -1) }} as legacy_last_day,
        cast({{ dbt.last_day('cutover_to_next', 'month') }} as date) as cutover_month_end
    from {{ ref('int_source_systems_sequenced') }}
    where next_system is not null
),

successor_former_ids as (
    select
        source_system as successor_system,
        trim(legacy_person_id) as former_person_id
    from {{ ref('stg_ssd__person') }}
    where legacy_person_id is not null
    union
    select
        source_system as successor_system,
        trim(identifier_value) as former_person_id
    from {{ ref('stg_ssd__linked_identifiers') }}
    where
        lower(trim(identifier_type)) = 'former system id'
        and identifier_value is not null
),

open_cla_episodes as (
    select
        system_pairs.legacy_system,
        system_pairs.successor_system,
        system_pairs.cutover_month_end,
        'ssd_cla_episodes' as table_name,
        episodes.person_id,
        episodes.cla_episode_id as record_id,
        'CLA episode open at cutover, child not in the successor system' as detail
    from {{ ref('stg_ssd__cla_episodes') }} as episodes
    inner join system_pairs
        on episodes.source_system = system_pairs.legacy_system
    where
        episodes.episode_start_date <= system_pairs.legacy_last_day
        and (
            episodes.episode_ceased_date is null
            or episodes.episode_ceased_date > system_pairs.legacy_last_day
        )
),

open_cp_plans as (
    select
        system_pairs.legacy_system,
        system_pairs.successor_system,
        system_pairs.cutover_month_end,
        'ssd_cp_plans' as table_name,
        cp_plans.person_id,
        cp_plans.cp_plan_id as record_id,
        'CP plan open at cutover, child not in the successor system' as detail
    from {{ ref('stg_ssd__cp_plans') }} as cp_plans
    inner join system_pairs
        on cp_plans.source_system = system_pairs.legacy_system
    where
        cp_plans.cp_plan_start_date <= system_pairs.legacy_last_day
        and (
            cp_plans.cp_plan_end_date is null
            or cp_plans.cp_plan_end_date > system_pairs.legacy_last_day
        )
),

open_cin_episodes as (
    select
        system_pairs.legacy_system,
        system_pairs.successor_system,
        system_pairs.cutover_month_end,
        'ssd_cin_episodes' as table_name,
        referrals.person_id,
        referrals.referral_id as record_id,
        'CIN episode open at cutover, child not in the successor system' as detail
    from {{ ref('stg_ssd__cin_episodes') }} as referrals
    inner join system_pairs
        on referrals.source_system = system_pairs.legacy_system
    where
        not coalesce(referrals.is_referral_nfa, false)
        and referrals.referral_date <= system_pairs.legacy_last_day
        and (
            referrals.close_date is null
            or referrals.close_date > system_pairs.legacy_last_day
        )
),

open_legacy_records as (
    select
        legacy_system,
        successor_system,
        cutover_month_end,
        table_name,
        person_id,
        record_id,
        detail
    from open_cla_episodes
    union all
    select
        legacy_system,
        successor_system,
        cutover_month_end,
        table_name,
        person_id,
        record_id,
        detail
    from open_cp_plans
    union all
    select
        legacy_system,
        successor_system,
        cutover_month_end,
        table_name,
        person_id,
        record_id,
        detail
    from open_cin_episodes
)

select
    'missing_open_children' as defect_kind,
    open_legacy_records.legacy_system as source_system,
    open_legacy_records.table_name,
    coalesce(
        crosswalk.child_key,
        {{ dbt.concat(['open_legacy_records.legacy_system', "':'", 'open_legacy_records.person_id']) }}
    ) as child_key,
    open_legacy_records.person_id,
    open_legacy_records.record_id,
    open_legacy_records.cutover_month_end as affected_from,
    cast(null as date) as affected_to,
    open_legacy_records.detail
from open_legacy_records
left join {{ ref('int_person_crosswalk') }} as crosswalk
    on
        open_legacy_records.legacy_system = crosswalk.source_system
        and open_legacy_records.person_id = crosswalk.person_id
left join successor_former_ids
    on
        open_legacy_records.successor_system = successor_former_ids.successor_system
        and open_legacy_records.person_id = successor_former_ids.former_person_id
left join {{ ref('int_dq_legacy_children_under_other_ids') }} as records_under_other_ids
    on
        open_legacy_records.legacy_system = records_under_other_ids.legacy_system
        and open_legacy_records.successor_system = records_under_other_ids.successor_system
        and open_legacy_records.person_id = records_under_other_ids.legacy_person_id
left join {{ ref('dq_test_records') }} as test_persons
    -- a legacy test record left behind is a correct omission, not a missing child
    on
        open_legacy_records.legacy_system = test_persons.source_system
        and open_legacy_records.person_id = test_persons.person_id
        and test_persons.table_name = 'ssd_person'
where
    open_legacy_records.person_id is not null
    and records_under_other_ids.legacy_person_id is null
    and test_persons.person_id is null
    and not coalesce(crosswalk.is_migrated_to_successor, false)
    and successor_former_ids.former_person_id is null
