-- grain: one row per calendar day (2000-2035), England working days
select
    cast(calendar_date as date) as calendar_date,
    cast({{ dbt.date_trunc('month', 'calendar_date') }} as date) as month_start,
    cast(is_weekend as boolean) as is_weekend,
    cast(is_bank_holiday as boolean) as is_bank_holiday,
    cast(nullif(bank_holiday_name, '') as varchar) as bank_holiday_name,
    cast(is_working_day as boolean) as is_working_day,
    cast(working_day_number as integer) as working_day_number
from {{ ref('england_calendar') }}
