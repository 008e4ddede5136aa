-- grain: one row per ssd_permanence row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_permanence'), 'ssd_permanence') }}
)

select
    perm_table_id as table_id,
    perm_person_id as person_id,
    perm_cla_id as cla_id,
    {{ ssd_date('perm_adm_decision_date') }} as adm_decision_date,
    {{ ssd_date('perm_ffa_cp_decision_date') }} as ffa_cp_decision_date,
    {{ ssd_date('perm_placement_order_date') }} as placement_order_date,
    {{ ssd_date('perm_placed_for_adoption_date') }} as placed_for_adoption_date,
    {{ ssd_date('perm_matched_date') }} as matched_date,
    {{ ssd_flag('perm_adopted_by_carer_flag') }} as is_adopted_by_carer,
    {{ ssd_date('perm_placed_ffa_cp_date') }} as placed_ffa_cp_date,
    {{ ssd_date('perm_decision_reversed_date') }} as decision_reversed_date,
    {{ ssd_date('perm_placed_foster_carer_date') }} as placed_foster_carer_date,
    {{ ssd_flag('perm_part_of_sibling_group') }} as is_part_of_sibling_group,
    {{ ssd_number('perm_siblings_placed_together', 'integer') }} as siblings_placed_together,
    {{ ssd_number('perm_siblings_placed_apart', 'integer') }} as siblings_placed_apart,
    perm_placement_provider_urn as placement_provider_urn,
    perm_decision_reversed_reason as decision_reversed_reason,
    {{ ssd_date('perm_permanence_order_date') }} as permanence_order_date,
    perm_permanence_order_type as permanence_order_type,
    perm_adoption_worker_id as adoption_worker_id,
    perm_adopter_sex as adopter_sex,
    perm_adopter_legal_status as adopter_legal_status,
    perm_number_of_adopters as number_of_adopters,
    {{ ssd_lineage_columns() }}
from latest_extract
