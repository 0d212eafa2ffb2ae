-- What it takes (fct_indicator_outlook.count_to_target) agrees with the status: no one more
-- is needed exactly when the status period's value meets the target.
select
    outlook.indicator_id,
    outlook.status_value,
    outlook.goal,
    outlook.count_to_target
from {{ ref('fct_indicator_outlook') }} as outlook
inner join {{ ref('fct_indicator_status') }} as status
    on outlook.indicator_id = status.indicator_id
where
    outlook.count_to_target is not null
    and (outlook.count_to_target = 0) <> case status.target_operator
        when '>=' then outlook.status_value >= outlook.goal - 1e-9
        when '<=' then outlook.status_value <= outlook.goal + 1e-9
    end
