-- grain: one row per ssd_cla_placement row of the latest successfully loaded extract of each source system,
-- plus the rows mapped from the SSDA903 sets of the format: ssda903 systems
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_cla_placement'), 'ssd_cla_placement') }}
)

select
    clap_cla_placement_id as placement_id,
    {{ ssd_date('clap_cla_placement_start_date') }} as placement_start_date,
    {{ ssd_code('clap_cla_placement_type', 'placement_type') }} as placement_type,
    clap_cla_placement_type as placement_type_source_value,
    clap_cla_placement_urn as placement_urn,
    {{ ssd_number('clap_cla_placement_distance', 'double precision') }} as placement_distance,
    clap_cla_id as cla_id,
    {{ ssd_code('clap_cla_placement_provider', 'placement_provider') }} as placement_provider,
    clap_cla_placement_provider as placement_provider_source_value,
    clap_cla_placement_postcode as placement_postcode,
    {{ ssd_date('clap_cla_placement_end_date') }} as placement_end_date,
    clap_cla_placement_change_reason as placement_change_reason,
    clap_person_id as person_id,
    {{ ssd_lineage_columns() }}
from latest_extract

-- rows of the systems that deliver SSDA903 sets instead (docs/decisions/0010)
union all

select
    placement_id,
    placement_start_date,
    placement_type,
    placement_type_source_value,
    placement_urn,
    placement_distance,
    cla_id,
    placement_provider,
    placement_provider_source_value,
    placement_postcode,
    placement_end_date,
    placement_change_reason,
    person_id,
    source_system,
    extract_date,
    source_file,
    source_row,
    loaded_at
from {{ ref('stg_ssda903__cla_placement') }}
