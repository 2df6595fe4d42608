-- The tested watermarks (macros/tested_landings.sql): a row is added by the run's end (on-run-end), never by
-- this model, which only creates the table empty. Append-only: a build adds nothing, `--full-refresh` empties
-- it, so that the next run checks every row again.
select
    cast(null as varchar) as model_name,
    cast(null as timestamp) as tested_through,
    cast(null as timestamp) as recorded_at
where false
