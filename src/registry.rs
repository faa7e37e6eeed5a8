//! `resolvd customers import FILE.csv`: the customer registry's CSV read row by row. The header
//! must name the registry's columns (`domain::customer::COLUMNS`, `locale` optional); each row is
//! parsed by the domain and written by the store in a transaction of its own, so a bad row (named
//! by its line) writes nothing and the others are imported; importing again updates by id.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::domain::customer::{COLUMNS, CustomerRow, REQUIRED_COLUMNS};
use crate::domain::sla::SlaPolicy;
use crate::store::Store;
use crate::store::customers::Upsert;

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// New customers.
    pub added: usize,
    /// Customers already there, replaced by their row.
    pub updated: usize,
    /// Rows refused, by line of the file, with the reason.
    pub refused: Vec<(u64, String)>,
    /// Open tickets whose customer tier changed.
    pub retiered: u64,
    /// Tiers the file names that `sla.toml` has no `customer_tiers` entry for (base targets).
    pub tiers_without_targets: BTreeSet<String>,
}

impl ImportReport {
    /// `customers from FILE: 3 imported, 1 updated, 1 refused`.
    pub fn summary(&self, file: &Path) -> String {
        format!(
            "customers from {}: {} imported, {} updated, {} refused",
            file.display(),
            self.added,
            self.updated,
            self.refused.len()
        )
    }
}

/// What stops an import before any row is read: the file, or its header.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {problem}")]
pub struct ImportError {
    pub file: String,
    pub problem: String,
}

/// The columns of a header, by position; every required column present, none unknown or twice.
fn columns(header: &csv::StringRecord) -> Result<Vec<usize>, String> {
    let names: Vec<String> = header.iter().map(|name| name.trim().to_ascii_lowercase()).collect();
    for name in &names {
        if !COLUMNS.contains(&name.as_str()) {
            let shown = crate::domain::text::one_line(&crate::domain::text::elide(name, 40));
            return Err(format!("unknown column `{shown}` in the header (columns: {})", COLUMNS.join(", ")));
        }
        if names.iter().filter(|other| *other == name).count() > 1 {
            return Err(format!("the header names the column `{name}` twice"));
        }
    }
    if let Some(missing) = REQUIRED_COLUMNS.iter().find(|column| !names.iter().any(|n| n == *column)) {
        return Err(format!("the header has no column `{missing}` (columns: {})", COLUMNS.join(", ")));
    }
    // Position of each of COLUMNS in the file; `usize::MAX` for the optional one left out.
    Ok(COLUMNS.iter().map(|column| names.iter().position(|n| n == column).unwrap_or(usize::MAX)).collect())
}

/// Imports the registry file at `path` into `store`, calling `progress(done, total)` as rows go.
pub async fn import_file(
    store: &dyn Store,
    sla: &SlaPolicy,
    path: &Path,
    at: DateTime<Utc>,
    progress: &dyn Fn(usize, usize),
) -> Result<ImportReport, ImportError> {
    let error = |problem: String| ImportError { file: path.display().to_string(), problem };
    let text = std::fs::read(path).map_err(|e| error(format!("cannot read it: {e}")))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_slice());
    let header = reader.headers().map_err(|e| error(format!("the header is not CSV: {e}")))?.clone();
    let positions = columns(&header).map_err(error)?;
    let rows: Vec<Result<csv::StringRecord, csv::Error>> = reader.records().collect();
    let total = rows.len();
    let mut report = ImportReport::default();
    progress(0, total);
    for (done, row) in rows.into_iter().enumerate() {
        let outcome = match row {
            Ok(record) => {
                let line = record.position().map_or(0, csv::Position::line);
                (line, import_row(store, sla, &record, &positions, header.len(), at, &mut report).await)
            }
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                (line, Err(format!("not readable as CSV: {}", crate::domain::text::one_line(&e.to_string()))))
            }
        };
        if let (line, Err(reason)) = outcome {
            report.refused.push((line, reason));
        }
        progress(done + 1, total);
    }
    Ok(report)
}

async fn import_row(
    store: &dyn Store,
    sla: &SlaPolicy,
    record: &csv::StringRecord,
    positions: &[usize],
    width: usize,
    at: DateTime<Utc>,
    report: &mut ImportReport,
) -> Result<(), String> {
    if record.len() != width {
        return Err(format!("{} fields, where the header has {width}", record.len()));
    }
    let field = |column: usize| record.get(positions[column]).unwrap_or_default();
    let row = CustomerRow {
        id: field(0),
        name: field(1),
        organisation: field(2),
        tier: field(3),
        warranty_until: field(4),
        discord_ids: field(5),
        email: field(6),
        account_owner: field(7),
        locale: field(8),
    };
    let customer = row.parse().map_err(|e| e.to_string())?;
    let upserted = store
        .upsert_customer(&customer, at)
        .await
        .map_err(|e| format!("not written: {}", crate::domain::text::one_line(&e.to_string())))?;
    match upserted {
        Upsert::Added { retiered } => {
            report.added += 1;
            report.retiered += retiered;
        }
        Upsert::Updated { retiered } => {
            report.updated += 1;
            report.retiered += retiered;
        }
        Upsert::HandleTaken { handle, owner } => {
            return Err(format!(
                "{handle} is customer {owner}'s already (a chat name belongs to one customer)"
            ));
        }
    }
    if !sla.has_customer_tier(&customer.tier) {
        report.tiers_without_targets.insert(customer.tier);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_must_have_the_required_columns_once_and_no_others() {
        let header = |names: &[&str]| csv::StringRecord::from(names.to_vec());
        let all = REQUIRED_COLUMNS.to_vec();
        let positions = columns(&header(&all)).unwrap();
        assert_eq!(positions[..8], [0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(positions[8], usize::MAX, "locale may be left out");
        let mut shuffled = all.clone();
        shuffled.reverse();
        shuffled.push("Locale");
        assert_eq!(columns(&header(&shuffled)).unwrap(), [7, 6, 5, 4, 3, 2, 1, 0, 8]);

        let without_email: Vec<&str> = all.iter().copied().filter(|c| *c != "email").collect();
        assert!(columns(&header(&without_email)).unwrap_err().contains("no column `email`"));
        let mut typo = all.clone();
        typo.push("warranty_untl");
        assert!(columns(&header(&typo)).unwrap_err().contains("unknown column `warranty_untl`"));
        let mut twice = all.clone();
        twice.push("tier");
        assert!(columns(&header(&twice)).unwrap_err().contains("`tier` twice"));
    }
}
