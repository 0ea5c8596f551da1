//! Earn: list strategies, allocate to one, and poll the allocation's status.
//!
//!     cargo run -p kraken-spot --example earn
//!
//! Live (`--live`, with KRAKEN_EXAMPLES_TRADE=1) it allocates for real: the
//! amount is the strategy's minimum.

mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    common::may_trade_live()?;
    let (_mock, client) = common::connect().await?;

    // Strategies are cursor-paged: `next_cursor` is set while there are more.
    // Fields Kraken's OpenAPI file leaves optional are `Option`s.
    let strategies = client.get_earn_strategies().asset("DOT").await?;
    for s in &strategies.items {
        println!(
            "{:?} {:?}: can allocate {:?}, minimum {:?}, APR {:?}",
            s.id, s.asset, s.can_allocate, s.user_min_allocation, s.apr_estimate
        );
    }
    let (strategy, id) = strategies
        .items
        .iter()
        .filter(|s| s.can_allocate == Some(true))
        .find_map(|s| Some((s, s.id.clone()?)))
        .ok_or("no strategy open for allocation")?;

    let amount = strategy
        .user_min_allocation
        .unwrap_or_else(|| "1".parse().unwrap());
    let accepted = client.allocate_earn_funds(amount, &id).await?;
    println!("allocating {amount} to {id}: accepted {accepted}");

    // Allocation is asynchronous: poll until it is no longer pending.
    for _ in 0..10 {
        let status = client.get_earn_allocation_status(&id).await?;
        println!("pending: {:?}", status.pending);
        if status.pending != Some(true) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    let allocations = client.get_earn_allocations().await?;
    println!(
        "total allocated {:?} {:?} across {} strategies",
        allocations.total_allocated,
        allocations.converted_asset,
        allocations.items.len()
    );
    Ok(())
}
