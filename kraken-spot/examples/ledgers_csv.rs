//! Page through every ledger entry with `ofs` and write them as CSV.
//!
//!     cargo run -p kraken-spot --example ledgers_csv [-- --out ledgers.csv] [--live]
//!
//! In the sandbox, 120 deposits are made first, so there are three pages of
//! 50. Offsets count from the newest entry: entries that arrive while paging
//! shift the pages, so entries are de-duplicated by ledger id.

mod common;

use kraken_spot::{Decimal, LedgerEntry};
use std::collections::HashSet;
use std::io::Write;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mock, client) = common::connect().await?;
    if let Some(mock) = &mock {
        for i in 1..=120 {
            mock.deposit(common::SANDBOX_ACCOUNT, "XXBT", Decimal::new(i, 3));
        }
    }

    let mut seen = HashSet::new();
    let mut entries: Vec<(kraken_spot::MapKey, LedgerEntry)> = Vec::new();
    let mut ofs = 0;
    let mut pages = 0;
    loop {
        let page = client.get_ledgers_info().ofs(ofs).await?;
        pages += 1;
        let got = page.ledger.len() as i64;
        for (id, entry) in page.ledger {
            if seen.insert(id.clone()) {
                entries.push((id, entry));
            }
        }
        ofs += got;
        if got == 0 || ofs >= page.count.unwrap_or(0) {
            break;
        }
    }

    let out = std::env::args()
        .skip_while(|a| a != "--out")
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("kraken-ledgers.csv"));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&out)?);
    writeln!(file, "id,refid,time,type,subtype,asset,amount,fee,balance")?;
    // Fields Kraken's OpenAPI file leaves optional are `Option`s: empty cells.
    fn cell<T: std::fmt::Display>(v: &Option<T>) -> String {
        v.as_ref().map(ToString::to_string).unwrap_or_default()
    }
    for (id, e) in &entries {
        writeln!(
            file,
            "{id},{},{},{},{},{},{},{},{}",
            cell(&e.refid),
            cell(&e.time),
            e.kind.as_ref().map(|k| k.as_str()).unwrap_or_default(),
            cell(&e.subtype),
            cell(&e.asset),
            cell(&e.amount),
            cell(&e.fee),
            cell(&e.balance)
        )?;
    }
    file.flush()?;
    println!(
        "{} entries in {pages} pages written to {}",
        entries.len(),
        out.display()
    );
    if mock.is_some() {
        assert_eq!(entries.len(), 120);
    }
    Ok(())
}
