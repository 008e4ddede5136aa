-- grain: one row per header.csv row of the latest successfully loaded extract of each
-- ssda903 system, in the shape of stg_ssd__person (the columns 903 does not carry are NULL)
-- SEX is 1 (male) or 2 (female) in the specification; M and F are read as well.
with latest_extract as (
    {{ latest_extract_rows(source('ssda903', 'ssda903_header'), 'ssda903_header') }}
)

select
    trim(child) as person_id,
    cast(null as varchar) as forename,
    cast(null as varchar) as surname,
    case
        when upper(trim(sex)) in ('1', 'M') then 'M'
        when upper(trim(sex)) in ('2', 'F') then 'F'
    end as sex,
    cast(null as varchar) as gender,
    ethnic as ethnicity,
    {{ ssd_date('dob') }} as date_of_birth,
    cast(null as varchar) as common_child_id,
    cast(null as varchar) as legacy_person_id,
    cast(null as varchar) as upn_unknown,
    cast(null as varchar) as send_flag,
    cast(null as date) as expected_date_of_birth,
    cast(null as date) as death_date,
    {{ ssd_flag('mother') }} as is_mother,
    cast(null as varchar) as nationality,
    {{ ssd_lineage_columns() }}
from latest_extract
