use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let filter = EnvFilter::try_from_env("RESOLVD_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    let cli = resolvd::cli::Cli::parse();
    match resolvd::cli::run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("resolvd: {error:#}");
            ExitCode::FAILURE
        }
    }
}
