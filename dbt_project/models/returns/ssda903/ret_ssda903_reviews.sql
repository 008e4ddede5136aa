-- grain: one row per review held in the collection year for a child in the header
-- (collection_year, child, review). Cancelled and not-yet-held reviews are not reported,
-- nor reviews of a child whose care in the year was short breaks only (V3/V4).
select distinct
    headers.collection_year,
    headers.child_key,
    headers.child,
    headers.dob,
    reviews.review_date as review,
    reviews.review_participation as review_code
from {{ ref('int_cla_reviews_unified') }} as reviews
inner join {{ ref('ret_ssda903_header') }} as headers
    on reviews.child_key = headers.child_key
inner join {{ ref('ret_ssda903_collection_years') }} as years
    on
        headers.collection_year = years.collection_year
        and reviews.review_date between years.collection_start and years.collection_end
where reviews.is_review_held and headers.is_looked_after and not headers.is_short_breaks_only
