//! What the store keeps of spare parts: each catalogue part's free and reserved stock, and what
//! each ticket holds of a part. Stock moves in the transaction of the ticket's timeline event; a
//! reservation is one conditional `UPDATE` (free stock at least the quantity), so two transactions
//! never oversell, on either backend. Written once in `sql_parts!` for both.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::TicketRef;
use crate::domain::parts::{Cents, Part};

/// A part's stock as operators read it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PartStock {
    pub part: String,
    pub name: String,
    pub unit_cost: Cents,
    /// Free to reserve.
    pub stock: i64,
    /// Held for tickets, not shipped yet.
    pub reserved: i64,
    pub reorder_level: i64,
    /// The parts role was told it is below its reorder level (and it has not been back above).
    pub reorder_noticed: bool,
}

/// What a ticket holds of one part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketPart {
    pub part: String,
    pub name: String,
    /// The unit cost when the ticket first asked for it.
    pub unit_cost: Cents,
    /// The customer pays (no active warranty at the request).
    pub charged: bool,
    pub reserved: i64,
    pub shipped: i64,
    pub returned: i64,
}

/// What a reservation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// Reserved; `stock` is what is left free, and `reorder_now` says this reservation took it
    /// below the reorder level for the first time since it was last above (notify once).
    Reserved { part: PartStock, reorder_now: bool },
    /// Not enough free stock: nothing changed.
    Short { part: PartStock },
    /// No such part in the catalogue.
    Unknown,
}

/// What the catalogue did to the stock table at start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seeded {
    /// Parts new to the database, with the catalogue's stock.
    pub added: u64,
    /// Parts already there: name, cost and reorder level from the catalogue, stock kept.
    pub updated: u64,
}

#[async_trait]
pub trait PartsStore: Send + Sync {
    /// Takes the catalogue in: a part new to the database gets the catalogue's stock; a part
    /// already there gets its name, unit cost and reorder level, its stock left as it moved.
    async fn seed_parts(&self, catalogue: &[Part]) -> StoreResult<Seeded>;
    /// Adds delivered stock to a part; `None` when there is no such part.
    async fn restock_part(&self, part: &str, qty: i64) -> StoreResult<Option<PartStock>>;
    /// Every part, by code.
    async fn parts(&self) -> StoreResult<Vec<PartStock>>;
    /// What a ticket holds, by part.
    async fn ticket_parts(&self, ticket: TicketRef) -> StoreResult<Vec<TicketPart>>;
}

#[async_trait]
pub trait PartsTx: Send {
    /// Moves `qty` of `part` from its free stock to the ticket's reserved, if there is that much
    /// free: one conditional update, so a concurrent reservation waits and then sees what is left.
    async fn reserve_part(
        &mut self,
        ticket: TicketRef,
        part: &str,
        qty: i64,
        charged: bool,
    ) -> StoreResult<Reservation>;
    /// What a ticket holds, by part, locked for change where the backend can.
    async fn ticket_parts_for_update(&mut self, ticket: TicketRef) -> StoreResult<Vec<TicketPart>>;
    /// Marks `qty` of the ticket's reserved `part` shipped (they leave the reserved stock).
    async fn ship_part(&mut self, ticket: TicketRef, part: &str, qty: i64) -> StoreResult<()>;
    /// Puts `reserved` of the ticket's reserved and `shipped` of its shipped `part` back in the
    /// free stock; clears the part's reorder notice once it is back at or above its level.
    async fn return_part(
        &mut self,
        ticket: TicketRef,
        part: &str,
        reserved: i64,
        shipped: i64,
    ) -> StoreResult<()>;
}

pub(super) const PART_COLUMNS: &str =
    "part, name, unit_cost, stock, reserved, reorder_level, reorder_noticed";

#[derive(sqlx::FromRow)]
pub(super) struct PartRow {
    part: String,
    name: String,
    unit_cost: i64,
    stock: i64,
    reserved: i64,
    reorder_level: i64,
    reorder_noticed: bool,
}

impl From<PartRow> for PartStock {
    fn from(row: PartRow) -> PartStock {
        PartStock {
            part: row.part,
            name: row.name,
            unit_cost: Cents(row.unit_cost),
            stock: row.stock,
            reserved: row.reserved,
            reorder_level: row.reorder_level,
            reorder_noticed: row.reorder_noticed,
        }
    }
}

pub(super) const TICKET_PART_SELECT: &str = "SELECT tp.part, p.name, tp.unit_cost, tp.charged, tp.reserved, \
     tp.shipped, tp.returned FROM ticket_parts tp JOIN parts p ON p.part = tp.part \
     WHERE tp.ticket_id = $1 ORDER BY tp.part";

#[derive(sqlx::FromRow)]
pub(super) struct TicketPartRow {
    part: String,
    name: String,
    unit_cost: i64,
    charged: bool,
    reserved: i64,
    shipped: i64,
    returned: i64,
}

impl From<TicketPartRow> for TicketPart {
    fn from(row: TicketPartRow) -> TicketPart {
        TicketPart {
            part: row.part,
            name: row.name,
            unit_cost: Cents(row.unit_cost),
            charged: row.charged,
            reserved: row.reserved,
            shipped: row.shipped,
            returned: row.returned,
        }
    }
}

/// Implements `PartsStore` for `$store` (a `pool` field) and `PartsTx` for `$tx` (a `tx` field);
/// `$lock_row` is the backend's row lock clause.
macro_rules! sql_parts {
    (store: $store:ident, tx: $tx:ident, lock_row: $lock_row:expr $(,)?) => {
        #[async_trait::async_trait]
        impl $crate::store::parts::PartsStore for $store {
            async fn seed_parts(
                &self,
                catalogue: &[$crate::domain::parts::Part],
            ) -> $crate::store::StoreResult<$crate::store::parts::Seeded> {
                let mut tx = self.pool.begin().await?;
                let mut seeded = $crate::store::parts::Seeded::default();
                for part in catalogue {
                    let added = sqlx::query(
                        "INSERT INTO parts (part, name, unit_cost, stock, reorder_level) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (part) DO NOTHING",
                    )
                    .bind(&part.part)
                    .bind(&part.name)
                    .bind(part.unit_cost.0)
                    .bind(part.stock)
                    .bind(part.reorder_level)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if added == 1 {
                        seeded.added += 1;
                        continue;
                    }
                    sqlx::query(
                        "UPDATE parts SET name = $2, unit_cost = $3, reorder_level = $4, \
                         reorder_noticed = (reorder_noticed AND stock < $4) WHERE part = $1",
                    )
                    .bind(&part.part)
                    .bind(&part.name)
                    .bind(part.unit_cost.0)
                    .bind(part.reorder_level)
                    .execute(&mut *tx)
                    .await?;
                    seeded.updated += 1;
                }
                tx.commit().await?;
                Ok(seeded)
            }

            async fn restock_part(
                &self,
                part: &str,
                qty: i64,
            ) -> $crate::store::StoreResult<Option<$crate::store::parts::PartStock>> {
                let sql = format!(
                    "UPDATE parts SET stock = stock + $2, \
                     reorder_noticed = (reorder_noticed AND stock + $2 < reorder_level) \
                     WHERE part = $1 RETURNING {}",
                    $crate::store::parts::PART_COLUMNS
                );
                let row: Option<$crate::store::parts::PartRow> =
                    sqlx::query_as(&sql).bind(part).bind(qty).fetch_optional(&self.pool).await?;
                Ok(row.map(Into::into))
            }

            async fn parts(&self) -> $crate::store::StoreResult<Vec<$crate::store::parts::PartStock>> {
                let sql = format!("SELECT {} FROM parts ORDER BY part", $crate::store::parts::PART_COLUMNS);
                let rows: Vec<$crate::store::parts::PartRow> =
                    sqlx::query_as(&sql).fetch_all(&self.pool).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn ticket_parts(
                &self,
                ticket: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Vec<$crate::store::parts::TicketPart>> {
                let rows: Vec<$crate::store::parts::TicketPartRow> =
                    sqlx::query_as($crate::store::parts::TICKET_PART_SELECT)
                        .bind(ticket.0)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::parts::PartsTx for $tx {
            async fn reserve_part(
                &mut self,
                ticket: $crate::domain::TicketRef,
                part: &str,
                qty: i64,
                charged: bool,
            ) -> $crate::store::StoreResult<$crate::store::parts::Reservation> {
                use $crate::store::parts::{PART_COLUMNS, PartRow, Reservation};
                // The condition is read again on the row as it is when the update gets its lock:
                // of two reservations of the last unit, the second changes nothing.
                let sql = format!(
                    "UPDATE parts SET stock = stock - $2, reserved = reserved + $2 \
                     WHERE part = $1 AND stock >= $2 RETURNING {PART_COLUMNS}"
                );
                let reserved: Option<PartRow> =
                    sqlx::query_as(&sql).bind(part).bind(qty).fetch_optional(&mut *self.tx).await?;
                let Some(row) = reserved else {
                    let sql = format!("SELECT {PART_COLUMNS} FROM parts WHERE part = $1");
                    let row: Option<PartRow> =
                        sqlx::query_as(&sql).bind(part).fetch_optional(&mut *self.tx).await?;
                    return Ok(match row {
                        Some(row) => Reservation::Short { part: row.into() },
                        None => Reservation::Unknown,
                    });
                };
                let part: $crate::store::parts::PartStock = row.into();
                sqlx::query(
                    "INSERT INTO ticket_parts (ticket_id, part, unit_cost, charged, reserved) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_id, part) \
                     DO UPDATE SET reserved = ticket_parts.reserved + excluded.reserved",
                )
                .bind(ticket.0)
                .bind(&part.part)
                .bind(part.unit_cost.0)
                .bind(charged)
                .bind(qty)
                .execute(&mut *self.tx)
                .await?;
                let reorder_now = sqlx::query(
                    "UPDATE parts SET reorder_noticed = TRUE \
                     WHERE part = $1 AND stock < reorder_level AND NOT reorder_noticed",
                )
                .bind(&part.part)
                .execute(&mut *self.tx)
                .await?
                .rows_affected()
                    == 1;
                Ok(Reservation::Reserved { part, reorder_now })
            }

            async fn ticket_parts_for_update(
                &mut self,
                ticket: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Vec<$crate::store::parts::TicketPart>> {
                let sql = format!("{}{}", $crate::store::parts::TICKET_PART_SELECT, $lock_row);
                let sql = sql.replace(" FOR UPDATE", " FOR UPDATE OF tp");
                let rows: Vec<$crate::store::parts::TicketPartRow> =
                    sqlx::query_as(&sql).bind(ticket.0).fetch_all(&mut *self.tx).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn ship_part(
                &mut self,
                ticket: $crate::domain::TicketRef,
                part: &str,
                qty: i64,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "UPDATE ticket_parts SET reserved = reserved - $3, shipped = shipped + $3 \
                     WHERE ticket_id = $1 AND part = $2",
                )
                .bind(ticket.0)
                .bind(part)
                .bind(qty)
                .execute(&mut *self.tx)
                .await?;
                sqlx::query("UPDATE parts SET reserved = reserved - $2 WHERE part = $1")
                    .bind(part)
                    .bind(qty)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn return_part(
                &mut self,
                ticket: $crate::domain::TicketRef,
                part: &str,
                reserved: i64,
                shipped: i64,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "UPDATE ticket_parts SET reserved = reserved - $3, shipped = shipped - $4, \
                     returned = returned + $3 + $4 WHERE ticket_id = $1 AND part = $2",
                )
                .bind(ticket.0)
                .bind(part)
                .bind(reserved)
                .bind(shipped)
                .execute(&mut *self.tx)
                .await?;
                sqlx::query(
                    "UPDATE parts SET stock = stock + $2 + $3, reserved = reserved - $2, \
                     reorder_noticed = (reorder_noticed AND stock + $2 + $3 < reorder_level) WHERE part = $1",
                )
                .bind(part)
                .bind(reserved)
                .bind(shipped)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }
        }
    };
}

pub(super) use sql_parts;
