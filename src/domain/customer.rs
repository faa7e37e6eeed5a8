//! The customer registry's rules: a customer as imported (`resolvd customers import`), the
//! names a person is known by in chat, warranty on a day, and a row of the registry's CSV parsed
//! into a customer or the reason it is refused. No file, no database: the CLI reads the CSV and the
//! store keeps the customers.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use super::ticket::{CloseReason, Status, TicketRef};
use super::{Locale, text};

/// The columns of the registry's CSV, in the order README lists them; `locale` may be left out.
pub const COLUMNS: [&str; 9] = [
    "id",
    "name",
    "organisation",
    "tier",
    "warranty_until",
    "discord_ids",
    "email",
    "account_owner",
    "locale",
];

/// The columns a registry file must have (all but `locale`).
pub const REQUIRED_COLUMNS: [&str; 8] =
    ["id", "name", "organisation", "tier", "warranty_until", "discord_ids", "email", "account_owner"];

/// How a Discord user is named in chat (`discord:<id>`), as the Discord channel names people.
const DISCORD_PREFIX: &str = "discord:";

/// The longest id, name or other field a row may hold.
const MAX_FIELD_CHARS: usize = 200;

/// One customer of the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Customer {
    /// Their console user name, and the registry's key.
    pub id: String,
    pub name: String,
    pub organisation: Option<String>,
    /// Their service tier (`gold`, `standard`, …): `sla.toml`'s `customer_tiers.<tier>` when it has one.
    pub tier: String,
    /// The last day covered by the warranty, in the ops time zone; `None`: unknown.
    pub warranty_until: Option<NaiveDate>,
    /// Discord user ids (digits), each known in chat as `discord:<id>`.
    pub discord_ids: Vec<String>,
    pub email: Option<String>,
    /// Who looks after the account on our side.
    pub account_owner: Option<String>,
    /// The language the bot writes to them in, when the registry says.
    pub locale: Option<Locale>,
}

/// A customer's warranty on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Warranty {
    Active,
    Expired,
    /// Not a known customer, or the registry gives no end date.
    Unknown,
}

impl Warranty {
    /// Whether spare parts are charged to the customer: free only under an active warranty.
    pub fn charges(self) -> bool {
        self != Warranty::Active
    }

    /// The state of a person's warranty on `today`: `Unknown` for someone not in the registry.
    pub fn of(customer: Option<&Customer>, today: NaiveDate) -> Warranty {
        match customer.and_then(|c| c.warranty_until) {
            Some(until) if today <= until => Warranty::Active,
            Some(_) => Warranty::Expired,
            None => Warranty::Unknown,
        }
    }

    /// The stable name `ticket show --json` and the catalogue use.
    pub fn as_str(self) -> &'static str {
        match self {
            Warranty::Active => "active",
            Warranty::Expired => "expired",
            Warranty::Unknown => "unknown",
        }
    }
}

impl Customer {
    /// Every name the customer is known by in chat: their id, then `discord:<id>` for each
    /// Discord id.
    pub fn handles(&self) -> Vec<String> {
        std::iter::once(self.id.clone())
            .chain(self.discord_ids.iter().map(|id| format!("{DISCORD_PREFIX}{id}")))
            .collect()
    }

    /// The registry's `discord_ids` column as stored: the ids separated by spaces.
    pub fn discord_ids_text(&self) -> String {
        self.discord_ids.join(" ")
    }

    /// `discord_ids` as stored back into the list.
    pub fn split_discord_ids(text: &str) -> Vec<String> {
        text.split([';', ' ', ',']).map(str::trim).filter(|id| !id.is_empty()).map(str::to_owned).collect()
    }
}

/// A ticket of a customer's history, as the customer card lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PastTicket {
    #[serde(rename = "ref")]
    pub reference: TicketRef,
    pub title: String,
    pub status: Status,
    pub close_reason: Option<CloseReason>,
    /// The customer's latest rating of its resolution, 1 to 5.
    pub score: Option<u8>,
}

impl PastTicket {
    /// How it ended (or stands): `closed (confirmed)`, `resolved`, `open`.
    pub fn outcome(&self) -> String {
        match self.close_reason {
            Some(reason) => format!("{} ({reason})", self.status),
            None => self.status.to_string(),
        }
    }
}

/// Why a row of the registry is refused; the text names the column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError(pub String);

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RowError {}

/// One row of the registry's CSV, as text, by column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerRow<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub organisation: &'a str,
    pub tier: &'a str,
    pub warranty_until: &'a str,
    pub discord_ids: &'a str,
    pub email: &'a str,
    pub account_owner: &'a str,
    pub locale: &'a str,
}

impl CustomerRow<'_> {
    /// The customer this row describes, or why it cannot be one.
    pub fn parse(&self) -> Result<Customer, RowError> {
        let bad = |column: &str, value: &str, why: &str| {
            let shown = text::one_line(&text::elide(value, 40));
            RowError(format!("{column} `{shown}` {why}"))
        };
        for (column, value) in [
            ("id", self.id),
            ("name", self.name),
            ("organisation", self.organisation),
            ("tier", self.tier),
            ("email", self.email),
            ("account_owner", self.account_owner),
        ] {
            if value.chars().count() > MAX_FIELD_CHARS {
                return Err(bad(column, value, &format!("is longer than {MAX_FIELD_CHARS} characters")));
            }
            if value.chars().any(char::is_control) {
                return Err(bad(column, value, "holds control characters"));
            }
        }
        let id = self.id.trim();
        if id.is_empty() {
            return Err(RowError("id is empty: every customer needs their chat user name".to_owned()));
        }
        if id.chars().any(char::is_whitespace) || id.contains(':') {
            return Err(bad(
                "id",
                id,
                "is not a user name (no spaces, no `:`; Discord ids go in discord_ids)",
            ));
        }
        let name = self.name.trim();
        if name.is_empty() {
            return Err(RowError("name is empty".to_owned()));
        }
        let tier = self.tier.trim().to_ascii_lowercase();
        if tier.is_empty() {
            return Err(RowError("tier is empty: write the service tier, e.g. gold or standard".to_owned()));
        }
        if !tier.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Err(bad("tier", self.tier, "is not a tier name (letters, digits, `_`, `-`)"));
        }
        let warranty_until = match self.warranty_until.trim() {
            "" => None,
            date => Some(
                NaiveDate::parse_from_str(date, "%Y-%m-%d")
                    .map_err(|_| bad("warranty_until", date, "is not a date (YYYY-MM-DD)"))?,
            ),
        };
        let discord_ids = Customer::split_discord_ids(self.discord_ids);
        if let Some(wrong) =
            discord_ids.iter().find(|id| id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad("discord_ids", wrong, "is not a Discord user id (digits, separated by `;`)"));
        }
        let email = optional(self.email);
        if let Some(email) = &email
            && (!email.contains('@') || email.chars().any(char::is_whitespace))
        {
            return Err(bad("email", email, "is not an email address"));
        }
        let locale = match self.locale.trim() {
            "" => None,
            tag => Some(Locale::parse(tag).ok_or_else(|| {
                let known: Vec<&str> = Locale::ALL.iter().map(|l| l.tag()).collect();
                bad("locale", tag, &format!("is not a language resolvd speaks ({})", known.join(", ")))
            })?),
        };
        Ok(Customer {
            id: id.to_owned(),
            name: name.to_owned(),
            organisation: optional(self.organisation),
            tier,
            warranty_until,
            discord_ids,
            email,
            account_owner: optional(self.account_owner),
            locale,
        })
    }
}

fn optional(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>() -> CustomerRow<'a> {
        CustomerRow {
            id: "acme-ops",
            name: "Ada Park",
            organisation: "Acme Mobile",
            tier: "Gold",
            warranty_until: "2027-06-30",
            discord_ids: "1001; 1002",
            email: "ada@acme.example",
            account_owner: "frank",
            locale: "zh-CN",
        }
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_full_row_parses_into_a_customer_known_by_id_and_discord_ids() {
        let customer = row().parse().unwrap();
        assert_eq!(customer.tier, "gold");
        assert_eq!(customer.warranty_until, Some(day("2027-06-30")));
        assert_eq!(customer.locale, Some(Locale::ZhCn));
        assert_eq!(customer.handles(), ["acme-ops", "discord:1001", "discord:1002"]);
        assert_eq!(customer.discord_ids_text(), "1001 1002");
    }

    #[test]
    fn discord_ids_may_be_separated_by_semicolons_or_spaces() {
        assert_eq!(Customer::split_discord_ids("1; 2 3;;4"), ["1", "2", "3", "4"]);
        assert!(Customer::split_discord_ids("  ").is_empty());
    }

    #[test]
    fn empty_optional_columns_are_none() {
        let customer = CustomerRow {
            organisation: "",
            warranty_until: " ",
            discord_ids: "",
            email: "",
            account_owner: "",
            locale: "",
            ..row()
        }
        .parse()
        .unwrap();
        assert_eq!(customer.organisation, None);
        assert_eq!(customer.warranty_until, None);
        assert!(customer.discord_ids.is_empty());
        assert_eq!((customer.email, customer.account_owner, customer.locale), (None, None, None));
    }

    #[test]
    fn each_bad_column_is_named_in_the_refusal() {
        let cases = [
            (CustomerRow { id: " ", ..row() }, "id is empty"),
            (CustomerRow { id: "discord:12", ..row() }, "id `discord:12` is not a user name"),
            (CustomerRow { name: "", ..row() }, "name is empty"),
            (CustomerRow { tier: "", ..row() }, "tier is empty"),
            (CustomerRow { tier: "gold plus", ..row() }, "tier `gold plus` is not a tier name"),
            (
                CustomerRow { warranty_until: "30/06/2027", ..row() },
                "warranty_until `30/06/2027` is not a date",
            ),
            (CustomerRow { discord_ids: "1001; abc", ..row() }, "discord_ids `abc` is not a Discord user id"),
            (CustomerRow { email: "ada at acme", ..row() }, "email `ada at acme` is not an email address"),
            (CustomerRow { locale: "fr", ..row() }, "locale `fr` is not a language resolvd speaks"),
            (CustomerRow { name: "a\u{1b}[2J", ..row() }, "holds control characters"),
        ];
        for (row, expected) in cases {
            let error = row.parse().unwrap_err().to_string();
            assert!(error.contains(expected), "{error} should say {expected}");
        }
    }

    #[test]
    fn the_warranty_covers_its_last_day_and_is_unknown_without_one() {
        let customer = row().parse().unwrap();
        assert_eq!(Warranty::of(Some(&customer), day("2027-06-30")), Warranty::Active);
        assert_eq!(Warranty::of(Some(&customer), day("2027-07-01")), Warranty::Expired);
        let undated = Customer { warranty_until: None, ..customer };
        assert_eq!(Warranty::of(Some(&undated), day("2027-07-01")), Warranty::Unknown);
        assert_eq!(Warranty::of(None, day("2027-07-01")), Warranty::Unknown);
        let charged: Vec<bool> =
            [Warranty::Active, Warranty::Expired, Warranty::Unknown].map(Warranty::charges).into();
        assert_eq!(charged, [false, true, true], "only an active warranty makes parts free");
    }

    #[test]
    fn a_past_ticket_reads_as_its_status_and_close_reason() {
        let past = PastTicket {
            reference: TicketRef(3),
            title: "flicker".to_owned(),
            status: Status::Closed,
            close_reason: Some(CloseReason::Confirmed),
            score: Some(5),
        };
        assert_eq!(past.outcome(), "closed (confirmed)");
        assert_eq!(PastTicket { close_reason: None, status: Status::Resolved, ..past }.outcome(), "resolved");
    }
}
