use std::process::ExitCode;

use clap::Parser;
use resolvd::cli::{Cli, Cmd};
use resolvd::domain::text::elide;
use tracing_subscriber::EnvFilter;

/// What an error message may repeat of a value: enough to recognise it.
const ECHOED_CHARS: usize = 200;

#[tokio::main]
async fn main() -> ExitCode {
    resolvd::memory::limit_arenas();
    let filter = EnvFilter::try_from_env("RESOLVD_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // clap repeats the arguments it could not take: cleaned, as every echo is.
        Err(error) => {
            let text = error.render().to_string();
            return if error.use_stderr() {
                eprint!("{}", elide(&text, 4 * ECHOED_CHARS));
                ExitCode::from(2)
            } else {
                // `--help | head`: a reader gone early is not an error worth a panic.
                use std::io::Write;
                let _ = std::io::stdout().write_all(text.as_bytes());
                ExitCode::SUCCESS
            };
        }
    };
    if !matches!(cli.command, None | Some(Cmd::Run | Cmd::Chat { .. })) {
        stop_quietly_on_a_closed_pipe();
    }
    match resolvd::cli::run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("resolvd: {}", elide(&format!("{error:#}"), 4 * ECHOED_CHARS));
            ExitCode::FAILURE
        }
    }
}

/// A one-off command piped into `head` ends as any Unix tool does when the reader goes away
/// (SIGPIPE), instead of panicking in `println!`. Not for the serving modes: they talk to
/// sockets, and keep Rust's default of turning a closed peer into an error.
fn stop_quietly_on_a_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread writes to a pipe.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
