{#- Data tests of the incremental models check what is new since they last all passed (docs/models.md, "What
    a build checks"). A model that names, in its `tests_scoped_by` meta (dbt_project.yml), the column that marks
    its rows rewritten by a build (their latest landing) has its generic data tests run on the rows after its
    tested watermark only: the latest value of that column on the last run in which every one of those tests
    passed, kept in the model tested_landings. A failed test therefore fails again on every later run until it
    is mended (its rows stay after the watermark), and is never left behind by a day that passes. The whole
    table is checked when there is no watermark yet, on `--full-refresh`, and with `--vars
    '{check_all_rows: true}'`. Why: on 30M events the key tests of these tables were 24 s of a daily build's
    node time, each a grouping of the whole history. -#}

{#- dbt wraps the model of every generic test in this macro (its `where` config); the project's version scopes
    the tests of the models above and leaves every other test as dbt's. A key test (`unique`,
    `unique_combination_of_columns`) checks every row that shares a key (its first column) with a row after the
    watermark, so that a new row repeating an old key fails it. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set scope = tested_scope(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if scope -%}
        {%- set where = '(' ~ where ~ ') and ' ~ scope if where else scope -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{#- The condition that limits the current test to its model's rows after the tested watermark, or none. -#}
{% macro tested_scope(relation) -%}
    {%- set tested = tested_model(relation) -%}
    {%- if tested is none or flags.FULL_REFRESH or var('check_all_rows') -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set watermark = tested_watermark(tested.name) -%}
    {%- if watermark is none -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set column = tested.config.meta.tests_scoped_by -%}
    {%- set new_rows = column ~ " > cast('" ~ watermark ~ "' as timestamp)" -%}
    {%- set kwargs = model.test_metadata.kwargs -%}
    {%- set key = kwargs.get('column_name') or (kwargs.get('combination_of_columns') or [none])[0] -%}
    {%- if model.test_metadata.name in ['unique', 'unique_combination_of_columns'] and key -%}
        {%- do return(key ~ ' in (select ' ~ key ~ ' from ' ~ relation ~ ' where ' ~ new_rows ~ ')') -%}
    {%- endif -%}
    {%- do return(new_rows) -%}
{%- endmacro %}

{#- The model node that `relation` is, when the test being compiled is a generic test of it and the model is
    scoped (`tests_scoped_by`); none otherwise. -#}
{% macro tested_model(relation) -%}
    {%- if not execute or model.resource_type != 'test' or not model.test_metadata -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.unique_id in model.depends_on.nodes
            and node.alias == relation.identifier and node.config.meta.tests_scoped_by -%}
            {%- do return(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do return(none) -%}
{%- endmacro %}

{#- The relation of the model tested_landings (read by name: hooks cannot `ref`). -#}
{% macro tested_landings_relation() -%}
    {%- set node = graph.nodes['model.clickstream.tested_landings'] -%}
    {%- do return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) -%}
{%- endmacro %}

{#- The tested watermark of the model `name` as 'YYYY-MM-DD HH:MM:SS.fff', or none when it has none (or the
    table is not built yet). Cut to the millisecond, never rounded: earlier is safe, it only checks more. -#}
{% macro tested_watermark(name) -%}
    {%- if not execute -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set landings = tested_landings_relation() -%}
    {%- if adapter.get_relation(landings.database, landings.schema, landings.identifier) is none -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- do return(timestamp_text(
        "select max(tested_through) from " ~ landings ~ " where model_name = '" ~ name ~ "'"
    )) -%}
{%- endmacro %}

{#- on-run-end: for each scoped model whose generic data tests all ran in this invocation and all passed, the
    latest value of its `tests_scoped_by` column becomes its new tested watermark (a row only when it moved on).
    A test that failed, erred or was skipped (its model failed) records nothing: its rows are checked again next
    time. Renders one INSERT for all the models (dbt runs and commits a hook's SQL), or nothing. -#}
{% macro record_tested_landings() -%}
    {%- if execute and flags.WHICH in ['build', 'test'] -%}
        {%- set statuses = {} -%}
        {%- for result in results -%}
            {%- do statuses.update({result.node.unique_id: result.status | string}) -%}
        {%- endfor -%}
        {%- set landings = tested_landings_relation() -%}
        {%- set passed_models = [] -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.config.meta.tests_scoped_by -%}
            {%- set outcomes = [] -%}
            {%- for test in graph.nodes.values() -%}
                {%- if test.resource_type == 'test' and test.test_metadata and test.attached_node == node.unique_id -%}
                    {%- do outcomes.append(statuses.get(test.unique_id)) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if outcomes and outcomes | reject('equalto', 'pass') | list | length == 0 -%}
                {%- do passed_models.append(node) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if passed_models
            and adapter.get_relation(landings.database, landings.schema, landings.identifier) is not none -%}
            {{ tested_landings_insert(passed_models | map(attribute='name') | list) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- One INSERT (Athena takes one statement per query) that records, for each model named in `model_names`, the
    latest value of its `tests_scoped_by` column as its tested watermark, when it is later than the last one. -#}
{% macro tested_landings_insert(model_names) -%}
{%- set landings = tested_landings_relation() -%}
insert into {{ landings }} (model_name, tested_through, recorded_at)
select
    latest.model_name,
    latest.tested_through,
    cast(current_timestamp as timestamp) as recorded_at
from (
    {%- for name in model_names %}
    {%- set node = graph.nodes['model.clickstream.' ~ name] %}
    select
        '{{ name }}' as model_name,
        max({{ node.config.meta.tests_scoped_by }}) as tested_through
    from {{ api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
) as latest
where latest.tested_through > coalesce(
    (
        select max(recorded.tested_through)
        from {{ landings }} as recorded
        where recorded.model_name = latest.model_name
    ),
    cast('1970-01-01 00:00:00' as timestamp)
)
{%- endmacro %}
