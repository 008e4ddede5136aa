-- grain: one row per care leaver whose 17th to 21st birthday falls in the collection year
-- (collection_year, child) who is a relevant or former relevant child: looked after for at
-- least 13 weeks (91 days) since the 14th birthday and on a day after the 16th, not
-- adopted, and who had left care before that birthday and was not looked after again on
-- or after it in the year (a 17- or 18-year-old still in care is not yet a care leaver:
-- rules 1007, 1016). Short breaks (V3/V4) do not count as care. Care leavers are children with a care-leaver record;
-- IN_TOUCH, ACTIV and ACCOM come from the latest contact within three months either side
-- of the birthday (else the latest before it).
with years as (
    select
        collection_year,
        collection_start,
        collection_end,
        start_year
    from {{ ref('ret_ssda903_collection_years') }}
),

birthday_offsets as (
    -- the birthdays on which care leaver information is collected
    select 17 as age
    union all
    select 18
    union all
    select 19
    union all
    select 20
    union all
    select 21
),

children as (
    select
        child_key,
        child,
        dob
    from {{ ref('ret_ssda903_children') }}
    where dob is not null
),

birthdays as (
    select
        years.collection_year,
        children.child_key,
        children.child,
        children.dob,
        birthday_offsets.age,
        {{ shift_months('children.dob', 'birthday_offsets.age * 12') }} as birthday
    from children
    cross join years
    cross join birthday_offsets
    where
        {{ shift_months('children.dob', 'birthday_offsets.age * 12') }}
        between years.collection_start and years.collection_end
),

care_history as (
    select
        child_key,
        decom,
        dec,
        rec
    from {{ ref('ret_ssda903_episode_spells') }}
    where ls is null or ls not in ('V3', 'V4')
),

care_before_birthday as (
    select
        birthdays.collection_year,
        birthdays.child_key,
        sum(
            case
                when care_history.dec > {{ shift_months('birthdays.dob', 168) }}
                    then {{ days_between(
                        "case when care_history.decom > " ~ shift_months('birthdays.dob', 168)
                        ~ " then care_history.decom else " ~ shift_months('birthdays.dob', 168)
                        ~ " end",
                        'care_history.dec'
                    ) }}
                else 0
            end
        ) as days_since_14th_birthday,
        max(
            case when care_history.dec > {{ shift_months('birthdays.dob', 192) }} then 1 else 0 end
        ) as was_in_care_after_16th_birthday
    from birthdays
    inner join care_history
        on
            birthdays.child_key = care_history.child_key
            and birthdays.birthday > care_history.dec
    group by birthdays.collection_year, birthdays.child_key
),

last_care_endings as (
    select
        child_key,
        rec,
        row_number() over (partition by child_key order by decom desc) as ending_order
    from care_history
),

care_leaver_birthdays as (
    select
        birthdays.collection_year,
        birthdays.child_key,
        birthdays.child,
        birthdays.dob,
        birthdays.birthday
    from birthdays
    inner join years
        on birthdays.collection_year = years.collection_year
    inner join care_before_birthday
        on
            birthdays.collection_year = care_before_birthday.collection_year
            and birthdays.child_key = care_before_birthday.child_key
    left join last_care_endings
        on
            birthdays.child_key = last_care_endings.child_key
            and last_care_endings.ending_order = 1
    where
        care_before_birthday.days_since_14th_birthday >= 91
        and care_before_birthday.was_in_care_after_16th_birthday = 1
        and coalesce(last_care_endings.rec, '') not in ('E11', 'E12')
        and not exists (
            select 1
            from care_history
            where
                care_history.child_key = birthdays.child_key
                and care_history.decom <= years.collection_end
                and (care_history.dec is null or care_history.dec >= birthdays.birthday)
        )
),

contacts as (
    select
        birthdays.collection_year,
        birthdays.child_key,
        records.care_leaver_in_touch,
        records.care_leaver_activity,
        records.care_leaver_accommodation,
        records.is_accommodation_suitable,
        row_number() over (
            partition by birthdays.collection_year, birthdays.child_key
            order by
                case
                    when records.contact_date
                        between {{ shift_months('birthdays.birthday', -3) }}
                        and {{ shift_months('birthdays.birthday', 3) }}
                        then 0
                    else 1
                end,
                records.contact_date desc,
                records.source_row desc
        ) as contact_preference
    from care_leaver_birthdays as birthdays
    inner join {{ ref('int_care_leaver_records_unified') }} as records
        on
            birthdays.child_key = records.child_key
            and records.contact_date <= {{ shift_months('birthdays.birthday', 3) }}
)

select
    birthdays.collection_year,
    birthdays.child_key,
    birthdays.child,
    birthdays.dob,
    contacts.care_leaver_in_touch as in_touch,
    contacts.care_leaver_activity as activ,
    case
        when contacts.care_leaver_accommodation is null then null
        when contacts.care_leaver_accommodation = '0' then '0'
        when contacts.is_accommodation_suitable
            then {{ dbt.concat(['contacts.care_leaver_accommodation', "'1'"]) }}
        else {{ dbt.concat(['contacts.care_leaver_accommodation', "'2'"]) }}
    end as accom
from care_leaver_birthdays as birthdays
inner join contacts
    on
        birthdays.collection_year = contacts.collection_year
        and birthdays.child_key = contacts.child_key
        and contacts.contact_preference = 1
