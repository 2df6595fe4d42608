-- Market-basket figures of what is bought together: the items of an order (one user's purchases in one
-- session) at two levels, brand and top-level category, each pair once (item_a < item_b).
with

purchases as (

    select * from {{ ref('fact_purchases') }}

),

categories as (

    select * from {{ ref('dim_category') }}

),

order_brands as (

    select distinct
        order_id,
        cast('brand' as {{ dbt.type_string() }}) as affinity_level,
        brand as item

    from purchases
    where brand is not null

),

order_categories as (

    select distinct
        purchases.order_id,
        cast('category' as {{ dbt.type_string() }}) as affinity_level,
        categories.category_main as item

    from purchases
    inner join categories
        on purchases.category_id = categories.category_id
    where categories.category_main is not null

),

order_items as (

    select * from order_brands
    union all
    select * from order_categories

),

-- Every order counts in the base of support and lift, those with no brand or category code included.
order_totals as (

    select count(distinct order_id) as orders
    from purchases

),

-- Each item with the number of orders that hold it, carried on its rows into the pairs: joining the pairs to
-- these counts afterwards made DuckDB pair every two items of a level first (12.5M rows for 3,557 items on
-- 30M generated events, 0.8 s of this model's 0.85 s; 0.17 s with the counts carried).
items_with_orders as (

    select
        order_items.order_id,
        order_items.affinity_level,
        order_items.item,
        count(*) over (partition by order_items.affinity_level, order_items.item) as orders_with_item

    from order_items

),

pairs as (

    select
        items_a.affinity_level,
        items_a.item as item_a,
        items_b.item as item_b,
        count(*) as orders_with_pair,
        -- The same on every row of an item: min takes it.
        min(items_a.orders_with_item) as orders_with_item_a,
        min(items_b.orders_with_item) as orders_with_item_b

    from items_with_orders as items_a
    inner join items_with_orders as items_b
        on
            items_a.order_id = items_b.order_id
            and items_a.affinity_level = items_b.affinity_level
            and items_a.item < items_b.item
    group by
        items_a.affinity_level,
        items_a.item,
        items_b.item

),

final as (

    select
        pairs.affinity_level,
        pairs.item_a,
        pairs.item_b,
        pairs.orders_with_pair,
        pairs.orders_with_item_a,
        pairs.orders_with_item_b,
        order_totals.orders,
        round({{ safe_divide('pairs.orders_with_pair', 'order_totals.orders') }}, 6)
            as support,  -- noqa: RF04
        round({{ safe_divide('pairs.orders_with_pair', 'pairs.orders_with_item_a') }}, 4)
            as confidence_a_to_b,
        round({{ safe_divide('pairs.orders_with_pair', 'pairs.orders_with_item_b') }}, 4)
            as confidence_b_to_a,
        round(
            {{ safe_divide(
                'pairs.orders_with_pair * order_totals.orders',
                'pairs.orders_with_item_a * pairs.orders_with_item_b'
            ) }},
            4
        ) as lift

    from pairs
    cross join order_totals

)

select * from final
