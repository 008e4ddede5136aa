-- grain: one row per SSDA903 episode with a known home postcode (child_key, decom)
-- HOME_POST is the postcode of the child's home before entering care: the home address
-- (stg_ssd__address, optional: empty when no system delivers it) valid on the episode's
-- DECOM, else the latest one that started before it. Addresses of every system are read
-- through the person crosswalk; a copy migrated across the changeover is the same address.
with addresses as (
    select distinct
        crosswalk.child_key,
        address.address_start_date,
        address.address_end_date,
        address.address_postcode
    from {{ ref('stg_ssd__address') }} as address
    inner join {{ ref('int_person_crosswalk') }} as crosswalk
        on
            address.source_system = crosswalk.source_system
            and address.person_id = crosswalk.person_id
    where
        address.address_postcode is not null
        and address.address_start_date is not null
),

episodes as (
    select
        child_key,
        decom
    from {{ ref('ret_ssda903_episode_spells') }}
),

candidates as (
    select
        episodes.child_key,
        episodes.decom,
        addresses.address_postcode,
        row_number() over (
            partition by episodes.child_key, episodes.decom
            order by
                case
                    when
                        addresses.address_end_date is null
                        or addresses.address_end_date > episodes.decom
                        then 0
                    else 1
                end asc,
                addresses.address_start_date desc,
                addresses.address_postcode asc
        ) as preference
    from episodes
    inner join addresses
        on
            episodes.child_key = addresses.child_key
            and episodes.decom >= addresses.address_start_date
)

select
    child_key,
    decom,
    address_postcode as home_postcode
from candidates
where preference = 1
