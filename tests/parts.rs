//! Spare parts: the stock through the store (a short reservation writes nothing, concurrent
//! reservations never oversell) and the flow through the binary (`examples/parts.txt`,
//! `ticket show --json`, `parts list --json`), on both databases.

mod common;

use std::sync::Arc;

use common::{TestDb, ok, resolvd, t0, ticket_json};
use resolvd::domain::Tier;
use resolvd::domain::parts::{Cents, Part};
use resolvd::store::parts::Reservation;
use resolvd::store::{NewTicket, Store};
use serde_json::Value;

on_both_databases!(
    a_reservation_beyond_the_free_stock_is_refused_and_writes_nothing,
    two_transactions_reserving_the_last_units_never_oversell,
    many_concurrent_reservations_take_exactly_the_stock,
    reseeding_the_catalogue_keeps_the_stock_that_moved,
    the_parts_script_reserves_ships_returns_and_refuses_with_one_reorder_notice,
);

fn part(code: &str, stock: i64, reorder_level: i64) -> Part {
    Part { part: code.to_owned(), name: format!("{code} part"), unit_cost: Cents(1250), stock, reorder_level }
}

async fn ticket(store: &Arc<dyn Store>) -> resolvd::domain::TicketRef {
    let mut tx = store.begin().await.unwrap();
    let ticket = tx
        .insert_ticket(&NewTicket {
            kind: None,
            domain: None,
            severity: None,
            tier: Tier::L1,
            assignee: None,
            customer: "alice".into(),
            conversation: "console:alice".into(),
            title: "cracked screen".into(),
            at: t0(),
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    ticket.reference
}

async fn stock_of(store: &Arc<dyn Store>, code: &str) -> (i64, i64) {
    let parts = store.parts().await.unwrap();
    let p = parts.iter().find(|p| p.part == code).unwrap();
    (p.stock, p.reserved)
}

async fn a_reservation_beyond_the_free_stock_is_refused_and_writes_nothing(db: &TestDb) {
    let store = &db.store;
    store.seed_parts(&[part("SCR-6", 3, 1)]).await.unwrap();
    let t1 = ticket(store).await;
    let mut tx = store.begin().await.unwrap();
    let short = tx.reserve_part(t1, "SCR-6", 4, true).await.unwrap();
    assert!(matches!(&short, Reservation::Short { part } if part.stock == 3), "{short:?}");
    assert_eq!(tx.reserve_part(t1, "NOPE", 1, true).await.unwrap(), Reservation::Unknown);
    tx.commit().await.unwrap();
    assert_eq!(stock_of(store, "SCR-6").await, (3, 0));
    assert!(store.ticket_parts(t1).await.unwrap().is_empty());

    let mut tx = store.begin().await.unwrap();
    let reserved = tx.reserve_part(t1, "SCR-6", 3, true).await.unwrap();
    // 3 → 0, below the reorder level of 1: the first time, so the notice goes now.
    assert!(matches!(reserved, Reservation::Reserved { reorder_now: true, .. }), "{reserved:?}");
    tx.commit().await.unwrap();
    assert_eq!(stock_of(store, "SCR-6").await, (0, 3));
    let lines = store.ticket_parts(t1).await.unwrap();
    assert_eq!((lines[0].reserved, lines[0].charged, lines[0].unit_cost), (3, true, Cents(1250)));
}

async fn two_transactions_reserving_the_last_units_never_oversell(db: &TestDb) {
    let store = db.store.clone();
    store.seed_parts(&[part("RF-PA", 5, 0)]).await.unwrap();
    let t1 = ticket(&store).await;
    let t2 = ticket(&store).await;
    let mut first = store.begin().await.unwrap();
    assert!(matches!(first.reserve_part(t1, "RF-PA", 4, true).await.unwrap(), Reservation::Reserved { .. }));
    // The second transaction asks for 4 of the same part while the first is not committed: on
    // PostgreSQL it waits on the row, on SQLite on the write lock; either way it then sees 1.
    let other = store.clone();
    let second = tokio::spawn(async move {
        let mut tx = other.begin().await.unwrap();
        let outcome = tx.reserve_part(t2, "RF-PA", 4, true).await.unwrap();
        tx.commit().await.unwrap();
        outcome
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(!second.is_finished(), "the second reservation did not wait for the first");
    first.commit().await.unwrap();
    let outcome = second.await.unwrap();
    assert!(matches!(&outcome, Reservation::Short { part } if part.stock == 1), "{outcome:?}");
    assert_eq!(stock_of(&store, "RF-PA").await, (1, 4));
    assert!(store.ticket_parts(t2).await.unwrap().is_empty());
}

async fn many_concurrent_reservations_take_exactly_the_stock(db: &TestDb) {
    let store = db.store.clone();
    store.seed_parts(&[part("BAT-4", 7, 0)]).await.unwrap();
    let t1 = ticket(&store).await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut tx = store.begin().await.unwrap();
                let outcome = tx.reserve_part(t1, "BAT-4", 1, true).await.unwrap();
                tx.commit().await.unwrap();
                matches!(outcome, Reservation::Reserved { .. })
            })
        })
        .collect();
    let mut reserved = 0;
    for task in tasks {
        reserved += usize::from(task.await.unwrap());
    }
    assert_eq!(reserved, 7);
    assert_eq!(stock_of(&store, "BAT-4").await, (0, 7));
    assert_eq!(store.ticket_parts(t1).await.unwrap()[0].reserved, 7);
}

async fn reseeding_the_catalogue_keeps_the_stock_that_moved(db: &TestDb) {
    let store = db.store.clone();
    let seeded = store.seed_parts(&[part("ANT-M", 8, 3)]).await.unwrap();
    assert_eq!((seeded.added, seeded.updated), (1, 0));
    let t1 = ticket(&store).await;
    let mut tx = store.begin().await.unwrap();
    tx.reserve_part(t1, "ANT-M", 6, true).await.unwrap();
    tx.commit().await.unwrap();
    // The catalogue read again at the next start: its stock of 8 does not undo the reservation;
    // its new cost and reorder level apply.
    let changed = Part { unit_cost: Cents(999), reorder_level: 1, ..part("ANT-M", 8, 3) };
    let seeded = store.seed_parts(&[changed]).await.unwrap();
    assert_eq!((seeded.added, seeded.updated), (0, 1));
    let parts = store.parts().await.unwrap();
    assert_eq!((parts[0].stock, parts[0].reserved, parts[0].unit_cost), (2, 6, Cents(999)));
    // Back at or above the new level of 1: the reorder notice is clear for the next time.
    assert!(!parts[0].reorder_noticed);
    let restocked = store.restock_part("ANT-M", 10).await.unwrap().unwrap();
    assert_eq!(restocked.stock, 12);
    assert_eq!(store.restock_part("NOPE", 1).await.unwrap(), None);
}

fn parts_of(t1: &Value) -> Vec<(String, i64, String, f64, bool)> {
    t1["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["part"].as_str().unwrap().to_owned(),
                p["qty"].as_i64().unwrap(),
                p["state"].as_str().unwrap().to_owned(),
                p["cost"].as_f64().unwrap(),
                p["charged"].as_bool().unwrap(),
            )
        })
        .collect()
}

async fn the_parts_script_reserves_ships_returns_and_refuses_with_one_reorder_notice(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let output =
        ok(resolvd(db, data.path()).args(["chat", "--script", "examples/parts.txt"]).output().unwrap());
    assert!(output.contains("only 3 × Screen assembly, 6.1 inch (SCR-6) free in stock, not 10"), "{output}");
    assert!(output.contains("there is no part NOPE-1 in the catalogue"), "{output}");
    assert!(output.contains("qty:0 is out of range"), "{output}");
    assert!(output.contains("qty:1000000000 is out of range"), "{output}");
    assert_eq!(output.matches("Time to reorder").count(), 1, "{output}");
    assert!(output.contains("are on their way: 5 × Screen assembly"), "{output}");

    let t1 = ticket_json(db, data.path(), "T-1");
    assert_eq!(
        parts_of(&t1),
        vec![
            ("BAT-4".to_owned(), 1, "reserved".to_owned(), 19.5, true),
            ("SCR-6".to_owned(), 4, "shipped".to_owned(), 199.6, true),
            ("SCR-6".to_owned(), 1, "returned".to_owned(), 0.0, true),
        ]
    );
    assert_eq!(t1["parts"][1]["unit_cost"], 49.9);
    assert_eq!(t1["parts"][1]["name"], "Screen assembly, 6.1 inch");
    assert_eq!(
        (t1["parts_cost"]["total"].as_f64(), t1["parts_cost"]["charged"].as_f64()),
        (Some(219.1), Some(219.1))
    );
    let types: Vec<&str> =
        t1["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types.iter().filter(|t| **t == "parts_requested").count(), 4, "{types:?}");
    assert!(types.contains(&"parts_shipped") && types.contains(&"parts_returned"), "{types:?}");

    let list: Value = serde_json::from_str(&ok(resolvd(db, data.path())
        .args(["parts", "list", "--json"])
        .output()
        .unwrap()))
    .unwrap();
    let scr = list.as_array().unwrap().iter().find(|p| p["part"] == "SCR-6").unwrap();
    assert_eq!((scr["stock"].as_i64(), scr["reserved"].as_i64()), (Some(1), Some(0)));
    assert_eq!(scr["reorder_noticed"], true);
    let text = ok(resolvd(db, data.path()).args(["parts", "list"]).output().unwrap());
    assert!(text.lines().any(|l| l.starts_with("SCR-6") && l.ends_with("LOW")), "{text}");
}
