//! PostgreSQL for the benchmarks: a schema of their own per measured database, dropped afterwards.

use sqlx::Connection;

/// Schemas on the test server, one per name, reachable by URL while this value lives.
pub struct Schemas {
    base: String,
    admin: sqlx::PgConnection,
    names: Vec<String>,
}

impl Schemas {
    /// Creates one schema per name; `None` (after saying so) when the server cannot be reached.
    pub async fn create(names: &[&str]) -> Option<Schemas> {
        let base = std::env::var("RESOLVD_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        let Ok(mut admin) = sqlx::PgConnection::connect(&base).await else {
            println!("postgres  skipped: {base} is not reachable");
            return None;
        };
        let names: Vec<String> =
            names.iter().map(|name| format!("bench_{}_{name}", std::process::id())).collect();
        for schema in &names {
            sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&mut admin).await.unwrap();
        }
        Some(Schemas { base, admin, names })
    }

    /// The database URL whose search path is the schema made for `name`.
    pub fn url(&self, name: &str) -> String {
        let separator = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{separator}options[search_path]=bench_{}_{name}", self.base, std::process::id())
    }

    /// Drops the schemas, on a new connection if the server was restarted meanwhile.
    pub async fn drop_all(mut self) {
        if self.admin.ping().await.is_err() {
            self.admin = sqlx::PgConnection::connect(&self.base).await.unwrap();
        }
        for schema in &self.names {
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(&mut self.admin).await.unwrap();
        }
    }
}
