-- grain: one row per reviews.csv row of the latest successfully loaded extract of each
-- ssda903 system, in the shape of stg_ssd__cla_reviews
-- 903 lists reviews held (no due dates, no cancelled reviews); cla_id is the child's id,
-- as on stg_ssda903__cla_episodes.
with latest_extract as (
    {{ latest_extract_rows(source('ssda903', 'ssda903_reviews'), 'ssda903_reviews') }}
)

select
    {{ dbt.concat(["'review-'", 'cast(_row_number as varchar)']) }} as review_id,
    trim(child) as cla_id,
    cast(null as date) as review_due_date,
    {{ ssd_date('review') }} as review_date,
    false as is_review_cancelled,
    upper(trim(review_code)) as review_participation,
    {{ ssd_lineage_columns() }}
from latest_extract
