-- grain: one row per child, 903 episode and collection year (collection_year, child, decom)
-- Episodes open at any time in the year (started on or before 31 March and not ended
-- before 1 April). An episode still open at 31 March is reported open: no DEC, REC or
-- reason for placement change, even if it has ended since.
with years as (
    select
        collection_year,
        start_year,
        collection_start,
        collection_end
    from {{ ref('ret_ssda903_collection_years') }}
),

spells as (
    select
        child_key,
        decom,
        rne,
        ls,
        cin,
        place,
        place_provider,
        dec,
        rec,
        reason_place_change,
        pl_post,
        urn
    from {{ ref('ret_ssda903_episode_spells') }}
),

home_postcodes as (
    select
        child_key,
        decom,
        home_postcode
    from {{ ref('ret_ssda903_home_postcodes') }}
)

select
    years.collection_year,
    spells.child_key,
    children.child,
    spells.decom,
    spells.rne,
    spells.ls,
    spells.cin,
    -- code sets by year: supported accommodation is H5 until 2023-24, K3 from 2024-25
    -- (open H5 placements become K3 in 2024-25: validator rule 503D's exception)
    case
        when spells.place = 'H5' and years.start_year >= 2024 then 'K3'
        when spells.place = 'K3' and years.start_year < 2024 then 'H5'
        else spells.place
    end as place,
    spells.place_provider,
    -- DEC is the DfE field name, though a SQL keyword
    case when spells.dec <= years.collection_end then spells.dec end as dec,  -- noqa: RF04
    case when spells.dec <= years.collection_end then spells.rec end as rec,
    case
        when spells.dec <= years.collection_end then spells.reason_place_change
    end as reason_place_change,
    -- a short break (V3/V4) reports no home or placement location or URN
    case when spells.ls not in ('V3', 'V4') then home_postcodes.home_postcode end as home_post,
    case when spells.ls not in ('V3', 'V4') then spells.pl_post end as pl_post,
    case when spells.ls not in ('V3', 'V4') then spells.urn end as urn
from spells
inner join years
    on
        spells.decom <= years.collection_end
        and (spells.dec is null or spells.dec >= years.collection_start)
inner join {{ ref('ret_ssda903_children') }} as children
    on spells.child_key = children.child_key
left join home_postcodes
    on
        spells.child_key = home_postcodes.child_key
        and spells.decom = home_postcodes.decom
