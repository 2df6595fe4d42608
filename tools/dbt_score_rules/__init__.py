"""The project's own dbt-score rules: the conventions of STYLE.md that dbt-score does not check by itself.

`make conventions` puts tools/ on PYTHONPATH, where dbt-score finds this `dbt_score_rules` package.
"""
