//! Spare parts: the catalogue (`config/parts.csv`), what a ticket holds of a part, money in cents,
//! and who pays (a ticket under warranty is free to the customer).

use serde::{Deserialize, Serialize, Serializer};

/// The most of one part a single request may reserve: a larger number is a typo, not an order.
pub const MAX_QTY: i64 = 1_000;

/// An amount of money in cents (the catalogue's `unit_cost` has at most two decimals).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cents(pub i64);

impl Cents {
    /// `12.5`, `12.50`, `3`: a non-negative amount with at most two decimals.
    pub fn parse(text: &str) -> Result<Cents, String> {
        let text = text.trim();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if !digits(whole) || (text.contains('.') && !digits(fraction)) || fraction.len() > 2 {
            return Err(format!("`{}` is not an amount; write it as 12.50", super::text::elide(text, 32)));
        }
        let whole: i64 = whole.parse().map_err(|_| format!("`{text}` is too large"))?;
        let fraction: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
        whole
            .checked_mul(100)
            .and_then(|c| c.checked_add(fraction))
            .filter(|c| *c <= i64::MAX / i64::from(u32::MAX))
            .map(Cents)
            .ok_or_else(|| format!("`{text}` is too large"))
    }

    pub fn times(self, qty: i64) -> Cents {
        Cents(self.0.saturating_mul(qty))
    }
}

/// `12.50`.
impl std::fmt::Display for Cents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// In JSON as a number of currency units (`12.5`): cents / 100 is exact to two decimals.
impl Serialize for Cents {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.0 as f64 / 100.0)
    }
}

impl<'de> Deserialize<'de> for Cents {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let units = f64::deserialize(deserializer)?;
        Ok(Cents((units * 100.0).round() as i64))
    }
}

/// One row of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Its code, as staff type it (`SCR-6`).
    pub part: String,
    pub name: String,
    pub unit_cost: Cents,
    /// Free to reserve (the catalogue's seeds only a part the database does not have yet).
    pub stock: i64,
    /// Stock below this notifies the `parts` role, once until it is back at or above.
    pub reorder_level: i64,
}

/// What is wrong with a catalogue, and on which line (1 is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueError {
    pub line: u64,
    pub message: String,
}

const COLUMNS: [&str; 5] = ["part", "name", "unit_cost", "stock", "reorder_level"];

/// Reads a catalogue: a header `part,name,unit_cost,stock,reorder_level`, then one part a line.
/// The first broken line stops it (the catalogue is config: it is fixed, not half-read).
pub fn parse_catalogue(text: &str) -> Result<Vec<Part>, CatalogueError> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let header_error = |message: String| CatalogueError { line: 1, message };
    let headers = reader.headers().map_err(|e| header_error(e.to_string()))?.clone();
    if headers.iter().collect::<Vec<_>>() != COLUMNS {
        return Err(header_error(format!("the header must be `{}`", COLUMNS.join(","))));
    }
    let mut parts: Vec<Part> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| CatalogueError {
            line: e.position().map_or(0, csv::Position::line),
            message: match e.kind() {
                csv::ErrorKind::UnequalLengths { len, .. } => {
                    format!("{len} fields; a part has 5: {}", COLUMNS.join(","))
                }
                _ => e.to_string(),
            },
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        let error = |message: String| CatalogueError { line, message };
        let field = |i: usize| record.get(i).unwrap_or_default();
        let part = field(0);
        if part.is_empty() || part.chars().count() > 64 || part.chars().any(char::is_whitespace) {
            return Err(error("part: a code of 1-64 characters without spaces".to_owned()));
        }
        if parts.iter().any(|p| p.part == part) {
            return Err(error(format!("part `{part}` is listed twice")));
        }
        let name = field(1);
        if name.is_empty() {
            return Err(error("name is empty".to_owned()));
        }
        let unit_cost = Cents::parse(field(2)).map_err(|e| error(format!("unit_cost: {e}")))?;
        let count = |column: &str, i: usize| {
            field(i)
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=1_000_000_000).contains(n))
                .ok_or_else(|| error(format!("{column}: `{}` is not a whole number 0 or more", field(i))))
        };
        let stock = count("stock", 3)?;
        let reorder_level = count("reorder_level", 4)?;
        parts.push(Part {
            part: part.to_owned(),
            name: super::text::one_line(name),
            unit_cost,
            stock,
            reorder_level,
        });
    }
    Ok(parts)
}

/// Where a ticket's parts are.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PartState {
    /// Held for the ticket, out of the free stock.
    Reserved,
    /// Sent out.
    Shipped,
    /// Back in stock (cancelled before shipping, or sent back).
    Returned,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_with_up_to_two_decimals() {
        assert_eq!(Cents::parse("12.5"), Ok(Cents(1250)));
        assert_eq!(Cents::parse("12.05"), Ok(Cents(1205)));
        assert_eq!(Cents::parse("3"), Ok(Cents(300)));
        assert_eq!(Cents(1250).to_string(), "12.50");
        for bad in ["", "-1", "1.234", "abc", "1.", ".5", "99999999999999999999"] {
            assert!(Cents::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_catalogue_reads_its_parts() {
        let parts = parse_catalogue(
            "part,name,unit_cost,stock,reorder_level\nSCR-6,\"Screen, 6 inch\",49.90,10,3\nANT-1,Antenna,5,0,0\n",
        )
        .unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "Screen, 6 inch");
        assert_eq!(parts[0].unit_cost, Cents(4990));
        assert_eq!(parts[1].stock, 0);
    }

    #[test]
    fn a_broken_row_names_its_line() {
        let text =
            "part,name,unit_cost,stock,reorder_level\nSCR-6,Screen,49.90,10,3\nANT-1,Antenna,five,0,0\n";
        let e = parse_catalogue(text).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.starts_with("unit_cost:"), "{}", e.message);
        let short = parse_catalogue("part,name,unit_cost,stock,reorder_level\nSCR-6,Screen,1\n").unwrap_err();
        assert_eq!(short.line, 2);
        let twice =
            parse_catalogue("part,name,unit_cost,stock,reorder_level\nA,a,1,1,1\nA,b,1,1,1\n").unwrap_err();
        assert_eq!((twice.line, twice.message.contains("twice")), (3, true));
        let negative = parse_catalogue("part,name,unit_cost,stock,reorder_level\nA,a,1,-1,1\n").unwrap_err();
        assert!(negative.message.starts_with("stock:"));
        assert_eq!(parse_catalogue("part,cost\n").unwrap_err().line, 1);
    }
}
