//! The outbox at Discord's speed: `resolvd run` (the release binary) drains 5,000 posts to 500
//! channels through a fake Discord that enforces Discord's limits (50 requests a second globally,
//! 5 per 5 s per channel) and answers 429 past them. Prints the posts per second sustained (from the
//! first post to the last) beside the ceiling the limits allow and the goal (45 posts/s), and how
//! many requests were answered 429, in the first second and after it (goal: none after).
//!
//! cargo bench --bench outbox [-- --posts N --channels N]
//! PostgreSQL: RESOLVD_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).

use std::time::{Duration, Instant};

use support::postgres::Schemas;

#[path = "support/mod.rs"]
mod support;

#[path = "../tests/fake_discord/mod.rs"]
mod fake_discord;

const STAFF: u64 = 800_000_000_000_000_001;
const FIRST_CHANNEL: u64 = 810_000_000_000_000_000;

struct Args {
    posts: usize,
    channels: u64,
}

fn args() -> Args {
    let mut args = Args { posts: 5_000, channels: 500 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value =
            || it.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{flag} takes a number"));
        match flag.as_str() {
            "--posts" => args.posts = value() as usize,
            "--channels" => args.channels = value(),
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

async fn drain(name: &str, database_url: String, args: &Args) -> bool {
    let store = resolvd::store::open(&database_url).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    for n in 0..args.posts {
        let channel = FIRST_CHANNEL + (n as u64 % args.channels);
        let audience = resolvd::domain::Audience::Conversation { conversation: format!("channel:{channel}") };
        let post = resolvd::domain::Post::new(audience, None, format!("post {n}"));
        tx.enqueue_post(&post, chrono::Utc::now()).await.unwrap();
    }
    tx.commit().await.unwrap();

    let fake = fake_discord::FakeDiscord::start().await;
    let limits =
        fake_discord::Limits { global_per_second: 50, per_channel: 5, window: Duration::from_secs(5) };
    fake.enforce_limits(limits);
    let data = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_resolvd"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RESOLVD_WEB__LISTEN", "")
        .env("RESOLVD_DATABASE_URL", &database_url)
        .env("DISCORD_TOKEN", "fake-token")
        .env("RESOLVD_DISCORD__API_BASE", &fake.api_base)
        .env("RESOLVD_DISCORD__STAFF_CHANNEL", STAFF.to_string())
        .arg("--data-dir")
        .arg(data.path())
        .arg("run")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let is_post = |c: &fake_discord::Call| c.method == "POST" && c.path.contains("/channels/81");
    let deadline = started + Duration::from_secs(600);
    loop {
        let posted = fake.calls().iter().filter(|c| is_post(c)).count();
        if posted >= args.posts || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();

    let posts: Vec<fake_discord::Call> = fake.calls().into_iter().filter(is_post).collect();
    let (Some(first), Some(last)) = (posts.first(), posts.last()) else {
        println!("{name:<9} nothing was posted");
        return false;
    };
    let span = last.at.duration_since(first.at).as_secs_f64().max(f64::EPSILON);
    let rate = (posts.len() - 1) as f64 / span;
    let refused = fake.rate_limited();
    let early = refused.iter().filter(|at| at.duration_since(first.at) < Duration::from_secs(1)).count();
    let late = refused.len() - early;
    // The limits allow 50 a second globally and channels × 5 per 5 s: the lower is the ceiling.
    let ceiling = 50f64.min(args.channels as f64 * 5.0 / 5.0);
    let met = posts.len() == args.posts && rate >= 45.0 && late == 0;
    println!(
        "{name:<9} {} posts to {} channels in {span:.1} s: {rate:.1} posts/s sustained | ceiling {ceiling:.0} posts/s | 429s: {early} in the first second, {late} after | goal: ≥ 45 posts/s, no 429 after the first second → {}",
        posts.len(),
        args.channels,
        if met { "met" } else { "NOT MET" }
    );
    met
}

#[tokio::main]
async fn main() {
    let args = args();
    let sqlite_dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", sqlite_dir.path().join("outbox.db").display());
    let mut ok = drain("sqlite", sqlite, &args).await;
    if let Some(schemas) = Schemas::create(&["outbox"]).await {
        ok &= drain("postgres", schemas.url("outbox"), &args).await;
        schemas.drop_all().await;
    }
    if !ok {
        std::process::exit(1);
    }
}
