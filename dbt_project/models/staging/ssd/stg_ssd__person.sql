-- grain: one row per ssd_person row of the latest successfully loaded extract of each source system,
-- plus the rows mapped from the SSDA903 sets of the format: ssda903 systems
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_person'), 'ssd_person') }}
)

select
    pers_person_id as person_id,
    pers_forename as forename,
    pers_surname as surname,
    pers_sex as sex,
    pers_gender as gender,
    pers_ethnicity as ethnicity,
    {{ ssd_date('pers_dob') }} as date_of_birth,
    pers_common_child_id as common_child_id,
    pers_legacy_id as legacy_person_id,
    pers_upn_unknown as upn_unknown,
    pers_send_flag as send_flag,
    {{ ssd_date('pers_expected_dob') }} as expected_date_of_birth,
    {{ ssd_date('pers_death_date') }} as death_date,
    {{ ssd_flag('pers_is_mother') }} as is_mother,
    pers_nationality as nationality,
    {{ ssd_lineage_columns() }}
from latest_extract

-- rows of the systems that deliver SSDA903 sets instead (docs/decisions/0010)
union all

select
    person_id,
    forename,
    surname,
    sex,
    gender,
    ethnicity,
    date_of_birth,
    common_child_id,
    legacy_person_id,
    upn_unknown,
    send_flag,
    expected_date_of_birth,
    death_date,
    is_mother,
    nationality,
    source_system,
    extract_date,
    source_file,
    source_row,
    loaded_at
from {{ ref('stg_ssda903__header') }}
