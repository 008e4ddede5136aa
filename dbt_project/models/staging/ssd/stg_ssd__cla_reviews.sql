-- grain: one row per ssd_cla_reviews row of the latest successfully loaded extract of each source system,
-- plus the rows mapped from the SSDA903 sets of the format: ssda903 systems
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_cla_reviews'), 'ssd_cla_reviews') }}
)

select
    clar_cla_review_id as review_id,
    clar_cla_id as cla_id,
    {{ ssd_date('clar_cla_review_due_date') }} as review_due_date,
    {{ ssd_date('clar_cla_review_date') }} as review_date,
    {{ ssd_flag('clar_cla_review_cancelled') }} as is_review_cancelled,
    clar_cla_review_participation as review_participation,
    {{ ssd_lineage_columns() }}
from latest_extract

-- rows of the systems that deliver SSDA903 sets instead (docs/decisions/0010)
union all

select
    review_id,
    cla_id,
    review_due_date,
    review_date,
    is_review_cancelled,
    review_participation,
    source_system,
    extract_date,
    source_file,
    source_row,
    loaded_at
from {{ ref('stg_ssda903__cla_reviews') }}
