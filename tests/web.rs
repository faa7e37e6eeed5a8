//! The managers' cockpit through the binary as an operator runs it: `resolvd run` (the console
//! here) serving the web layer, signed into with `resolvd login-link` or `/dashboard`, the API
//! with `resolvd token`, metrics and health; the dashboard in a real headless Chromium.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{TestDb, ok, resolvd, script};
use serde_json::Value;

/// `resolvd run` on the console with the web server on a free port, its stdin held open.
struct Served {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: mpsc::Receiver<String>,
    base: String,
    port: u16,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The binary with the web server on `port`, as `login-link` must see it too.
fn on_port(db: &TestDb, data_dir: &std::path::Path, port: u16) -> Command {
    let mut command = resolvd(db, data_dir);
    command.env("RESOLVD_WEB__LISTEN", format!("127.0.0.1:{port}"));
    command
}

impl Served {
    fn start(db: &TestDb, data_dir: &std::path::Path) -> Served {
        Served::start_with(db, data_dir, None, &[])
    }

    /// As `start`, reading the config folder `config` (a test's own copy) when one is given, with
    /// these environment variables (config overrides) as well.
    fn start_with(
        db: &TestDb,
        data_dir: &std::path::Path,
        config: Option<&std::path::Path>,
        env: &[(&str, &str)],
    ) -> Served {
        let port = free_port();
        let mut command = on_port(db, data_dir, port);
        if let Some(config) = config {
            command.arg("--config").arg(config);
        }
        let mut child = command
            .envs(env.iter().copied())
            .arg("run")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, started) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("dashboard at") {
                    let _ = tx.send(line.clone());
                }
                eprintln!("[resolvd] {line}");
            }
        });
        let (out_tx, stdout) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = out_tx.send(line);
            }
        });
        let line = started.recv_timeout(Duration::from_secs(60)).expect("the dashboard starts");
        let base = format!("http://127.0.0.1:{port}");
        assert!(line.contains(&base), "{line}");
        let stdin = child.stdin.take();
        Served { child, stdin, stdout, base, port }
    }

    /// Types a console line into the running bot.
    fn say(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// The next stdout line containing `needle`.
    fn printed(&self, needle: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match self.stdout.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("the bot never printed `{needle}`");
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        // End of input stops the console; the web server stops with it.
        drop(self.stdin.take());
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn get(url: &str, headers: &[(&str, &str)]) -> (u16, String, reqwest::header::HeaderMap) {
    let mut request = client().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, response.text().await.unwrap(), headers)
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

const SEED: &str = "\
alice: my screen flickers after the update
bob: /classify ticket:T-1 domain:screen kind:fault severity:P2
mallory: the antenna drops calls in the lift
bob: /classify ticket:T-2 domain:rf kind:fault severity:P3
alice: and the touch screen ignores taps
";

fn login_link(db: &TestDb, data_dir: &std::path::Path, port: u16, person: &str) -> String {
    ok(on_port(db, data_dir, port).args(["login-link", "--person", person]).output().unwrap())
        .trim()
        .to_owned()
}

/// Follows a sign-in link: the session cookie it sets and where it sends the person.
async fn sign_in(link: &str) -> (String, String) {
    let (status, _, headers) = get(link, &[]).await;
    assert_eq!(status, 303, "a link signs in and redirects");
    let cookie = headers["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let pair = cookie.split(';').next().unwrap().to_owned();
    (pair, headers["location"].to_str().unwrap().to_owned())
}

async fn the_cockpit_refuses_strangers_and_signs_staff_in_once(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    script(db, data.path(), SEED);
    let served = Served::start(db, data.path());

    // Health needs no sign-in; everything else does.
    assert_eq!(get(&served.url("/healthz"), &[]).await.0, 200);
    let (status, body, _) = get(&served.url("/readyz"), &[]).await;
    assert_eq!((status, body.as_str()), (200, "ready\n"));
    let (status, body, headers) = get(&served.url("/api/v1/tickets"), &[]).await;
    assert_eq!(status, 401);
    assert!(headers["content-type"].to_str().unwrap().starts_with("application/json"));
    assert!(json(&body)["error"].as_str().unwrap().contains("Bearer"), "{body}");
    for page in ["/", "/queue", "/tickets/T-1", "/incidents", "/metrics"] {
        let (status, body, _) = get(&served.url(page), &[]).await;
        assert_eq!(status, 401, "{page}");
        if page != "/metrics" {
            assert!(body.contains("/dashboard") && body.contains("resolvd login-link"), "{page}: {body}");
        }
    }
    let (status, _, _) = get(&served.url("/queue"), &[("cookie", "resolvd_session=forged.value")]).await;
    assert_eq!(status, 401, "a forged session is no session");

    // Customers get no link.
    let refused =
        on_port(db, data.path(), served.port).args(["login-link", "--person", "alice"]).output().unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("alice is not staff"));

    // A manager's link signs in once and lands on the indicators.
    let link = login_link(db, data.path(), served.port, "frank");
    assert!(link.starts_with(&served.url("/login?t=")), "{link}");
    let (cookie, home) = sign_in(&link).await;
    assert_eq!(home, "/");
    let (status, body, _) = get(&link, &[]).await;
    assert_eq!(status, 401, "a link works once");
    assert!(body.contains("used already"), "{body}");
    let (status, body, _) = get(&format!("{link}x"), &[]).await;
    assert_eq!(status, 401);
    assert!(body.contains("not valid"), "{body}");

    let (status, body, headers) = get(&served.url("/queue"), &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(headers["referrer-policy"], "no-referrer", "a link's token never leaks in a referrer");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(body.contains(r#"data-ticket="T-1""#) && body.contains(r#"data-ticket="T-2""#), "{body}");
    let (_, body, _) = get(&served.url("/queue?q=ANTENNA"), &[("cookie", &cookie)]).await;
    assert!(body.contains(r#"data-ticket="T-2""#) && !body.contains(r#"data-ticket="T-1""#), "{body}");
    let (_, body, _) = get(&served.url("/queue?q=ignores%20taps"), &[("cookie", &cookie)]).await;
    assert!(body.contains(r#"data-ticket="T-1""#), "a later message is searched too: {body}");
    let (status, body, _) = get(&served.url("/tickets/T-1"), &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(body.contains("Timeline") && body.contains("resolution due"), "{body}");
    let (status, _, _) = get(&served.url("/tickets/T-99"), &[("cookie", &cookie)]).await;
    assert_eq!(status, 404);
    assert_eq!(get(&served.url("/incidents"), &[("cookie", &cookie)]).await.0, 200);

    // An engineer sees the queue and tickets, not the indicators or the war rooms.
    let (engineer, home) = sign_in(&login_link(db, data.path(), served.port, "bob")).await;
    assert_eq!(home, "/queue");
    let (status, _, headers) = get(&served.url("/"), &[("cookie", &engineer)]).await;
    assert_eq!((status, headers["location"].to_str().unwrap()), (303, "/queue"));
    assert_eq!(get(&served.url("/incidents"), &[("cookie", &engineer)]).await.0, 403);
    let (status, body, _) = get(&served.url("/api/v1/indicators"), &[("cookie", &engineer)]).await;
    assert_eq!(status, 403, "{body}");
}

async fn dashboard_in_chat_gives_a_private_link_that_signs_in(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let mut served = Served::start(db, data.path());
    served.say("frank: /dashboard");
    let line = served.printed("sign-in link");
    assert!(line.contains("(only you)"), "the link is private: {line}");
    let line = served.printed("/login?t=");
    let link = line.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(link.starts_with(&served.url("/login?t=")), "{line}");
    let (_, home) = sign_in(&link).await;
    assert_eq!(home, "/");
    served.say("alice: /dashboard");
    let line = served.printed("bot → alice");
    assert!(!line.contains("/login"), "customers get no link: {line}");
}

async fn tokens_authorise_the_api_until_revoked(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    script(db, data.path(), SEED);
    let served = Served::start(db, data.path());
    let token = ok(resolvd(db, data.path())
        .args(["token", "create", "--person", "frank", "--name", "grafana"])
        .output()
        .unwrap());
    let token = token.trim().to_owned();
    let bearer = format!("Bearer {token}");
    let auth = [("authorization", bearer.as_str())];

    let list = |query: &'static str| {
        let url = served.url(&format!("/api/v1/tickets{query}"));
        let bearer = bearer.clone();
        async move {
            let (status, body, _) = get(&url, &[("authorization", &bearer)]).await;
            (status, json(&body))
        }
    };
    let refs = |page: &Value| -> Vec<String> {
        page["tickets"].as_array().unwrap().iter().map(|t| t["ref"].as_str().unwrap().to_owned()).collect()
    };
    let (status, all) = list("").await;
    assert_eq!(status, 200);
    assert_eq!(refs(&all), ["T-1", "T-2"]);
    assert_eq!(all["tickets"][0]["severity"], "P2");
    assert!(all["tickets"][0]["next_alarm_at"].is_string(), "{all}");
    assert_eq!(refs(&list("?severity=P3").await.1), ["T-2"]);
    assert_eq!(refs(&list("?domain=screen&status=open").await.1), ["T-1"]);
    assert_eq!(refs(&list("?q=FLICKERS").await.1), ["T-1"]);
    assert_eq!(refs(&list("?q=100%25").await.1), Vec::<String>::new(), "% is a character, not a wildcard");
    assert_eq!(refs(&list("?assignee=bob%27%20OR%20%271%27%3D%271").await.1), Vec::<String>::new());
    let (_, first) = list("?limit=1").await;
    assert_eq!((refs(&first), first["next_after"].as_str()), (vec!["T-1".to_owned()], Some("T-1")));
    let (_, second) = list("?limit=1&after=T-1").await;
    assert_eq!(refs(&second), ["T-2"]);
    for (query, says) in [
        ("?limit=0", "limit 0 is out of range"),
        ("?limit=1000", "out of range"),
        ("?status=lost", "`lost` is not a status"),
        ("?after=yesterday", "not a ticket"),
        ("?severity=urgent", "not a severity"),
    ] {
        let (status, body) = list(query).await;
        assert_eq!(status, 400, "{query}");
        assert!(body["error"].as_str().unwrap().contains(says), "{query}: {body}");
    }

    // One ticket: the fields `ticket show --json` prints.
    let (status, body, _) = get(&served.url("/api/v1/tickets/T-1"), &auth).await;
    assert_eq!(status, 200);
    let api = json(&body);
    let shown = common::ticket_json(db, data.path(), "T-1");
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&api), keys(&shown));
    assert_eq!(api["events"], shown["events"]);
    assert_eq!(api["resolve_due"], shown["resolve_due"]);
    assert_eq!(get(&served.url("/api/v1/tickets/T-9"), &auth).await.0, 404);
    assert_eq!(get(&served.url("/api/v1/tickets/nine"), &auth).await.0, 400);

    // Revoked, it stops at once; the list keeps it, never the token itself.
    let tokens = ok(resolvd(db, data.path()).args(["token", "list", "--json"]).output().unwrap());
    let listed = json(&tokens);
    assert_eq!(listed[0]["person"], "frank");
    assert_eq!(listed[0]["name"], "grafana");
    assert!(!tokens.contains(&token), "the token is never shown again");
    let id = listed[0]["id"].as_i64().unwrap().to_string();
    ok(resolvd(db, data.path()).args(["token", "revoke", &id]).output().unwrap());
    let (status, body, _) = get(&served.url("/api/v1/tickets"), &auth).await;
    assert_eq!(status, 401, "{body}");
    let again = resolvd(db, data.path()).args(["token", "revoke", &id]).output().unwrap();
    assert!(!again.status.success());
    let customer = resolvd(db, data.path()).args(["token", "create", "--person", "alice"]).output().unwrap();
    assert!(!customer.status.success(), "customers get no token");
}

async fn the_openapi_document_names_every_api_route(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    script(db, data.path(), SEED);
    let served = Served::start(db, data.path());
    let token = ok(resolvd(db, data.path()).args(["token", "create", "--person", "frank"]).output().unwrap());
    let bearer = format!("Bearer {}", token.trim());
    let (status, body, _) = get(&served.url("/api/openapi.json"), &[]).await;
    assert_eq!(status, 200);
    let doc = json(&body);
    let paths: Vec<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        paths,
        [
            "/api/v1/indicators",
            "/api/v1/tickets",
            "/api/v1/tickets/{reference}",
            "/api/v1/tickets/{reference}/handoff"
        ]
    );
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object(), "{doc}");
    assert!(doc["components"]["schemas"]["Indicators"].is_object());
    // Every documented route answers (none is documented that is not served).
    for path in &paths {
        let url = served.url(&path.replace("{reference}", "T-1"));
        if doc["paths"][path]["get"].is_null() {
            let refused = client().post(&url).body("{}").send().await.unwrap();
            assert_eq!(refused.status().as_u16(), 401, "{path} without a token");
            continue;
        }
        let (status, body, _) = get(&url, &[("authorization", &bearer)]).await;
        assert!(status != 404 && status != 405, "{path}: {status} {body}");
        let (status, _, _) = get(&url, &[]).await;
        assert_eq!(status, 401, "{path} without a token");
    }
}

async fn metrics_count_what_the_bot_does(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    script(db, data.path(), SEED);
    let mut served = Served::start(db, data.path());
    let token = ok(resolvd(db, data.path()).args(["token", "create", "--person", "frank"]).output().unwrap());
    let bearer = format!("Bearer {}", token.trim());
    served.say("zoe: my phone will not charge");
    served.printed("bot → zoe");
    served.say("bob: /queue view:all");
    served.printed("Open tickets (page 1)");
    let (status, body, headers) = get(&served.url("/metrics"), &[("authorization", &bearer)]).await;
    assert_eq!(status, 200);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/plain"));
    let value = |name: &str| -> f64 {
        body.lines()
            .find_map(|line| line.strip_prefix(name).and_then(|rest| rest.trim().parse().ok()))
            .unwrap_or_else(|| panic!("no {name} in\n{body}"))
    };
    assert_eq!(value(r#"resolvd_open_tickets{severity="P2",tier="L1"}"#), 1.0);
    assert_eq!(value(r#"resolvd_open_tickets{severity="P3",tier="L1"}"#), 1.0);
    assert_eq!(value(r#"resolvd_open_tickets{severity="none",tier="L1"}"#), 1.0, "zoe's new ticket");
    assert_eq!(value("resolvd_intake_seconds_count"), 1.0);
    assert_eq!(value(r#"resolvd_command_seconds_count{command="queue"}"#), 1.0);
    assert_eq!(value("resolvd_outbox_dead_letters"), 0.0);
    assert_eq!(value("resolvd_sla_breaches_total"), 0.0);
    assert_eq!(value("resolvd_gateway_connected"), 0.0, "the console has no gateway");
    assert!(body.contains("resolvd_outbox_backlog"));
}

/// What the dashboard and a ticket page say in each language: headings, a chart's title, a
/// timeline event, a date.
const ENGLISH: [&str; 7] = [
    "Daily inflow and close rate",
    "Per kind",
    "Confirmation and satisfaction",
    ">Queue<",
    "Timeline",
    "resolution due",
    "opened the ticket, writing",
];
const CHINESE: [&str; 7] = [
    "每日流入与关闭率",
    "按类型",
    "解决确认与满意度",
    ">工单队列<",
    "时间线",
    "解决截止",
    "创建了工单，内容",
];

/// The dashboard and T-1 as `cookie` reads them with `Accept-Language: accept` (when given).
async fn dashboard_and_ticket(served: &Served, cookie: &str, accept: Option<&str>) -> String {
    let mut headers = vec![("cookie", cookie)];
    if let Some(accept) = accept {
        headers.push(("accept-language", accept));
    }
    let (status, dashboard, _) = get(&served.url("/"), &headers).await;
    assert_eq!(status, 200, "{dashboard}");
    let (status, ticket, _) = get(&served.url("/tickets/T-1"), &headers).await;
    assert_eq!(status, 200, "{ticket}");
    format!("{dashboard}\n{ticket}")
}

fn is_chinese(pages: &str) {
    assert_eq!(pages.matches(r#"<html lang="zh-CN">"#).count(), 2, "{pages}");
    for heading in CHINESE {
        assert!(pages.contains(heading), "`{heading}` missing:\n{pages}");
    }
    for heading in ENGLISH {
        assert!(!pages.contains(heading), "`{heading}` is still English:\n{pages}");
    }
    assert!(pages.contains("每日新建与关闭的工单数及关闭率"), "the inflow chart's title");
    assert!(pages.contains("已分类：领域 screen、类型 故障、严重程度 P2"), "the timeline in words");
    assert!(pages.contains(" 周"), "dates as a Chinese reader writes them: {pages}");
}

fn is_english(pages: &str) {
    assert_eq!(pages.matches(r#"<html lang="en">"#).count(), 2, "{pages}");
    for heading in ENGLISH {
        assert!(pages.contains(heading), "`{heading}` missing:\n{pages}");
    }
    for heading in CHINESE {
        assert!(!pages.contains(heading), "`{heading}` in an English page:\n{pages}");
    }
    assert!(pages.contains("classified: domain screen, kind fault, severity P2"), "{pages}");
}

async fn pages_are_written_in_the_readers_language(db: &TestDb) {
    // A copy of the sample config with a manager who reads Chinese (people.toml's `locale`).
    let config = common::config_copy();
    let config_dir = config.path().join("config");
    let people = config_dir.join("people.toml");
    let mut text = std::fs::read_to_string(&people).unwrap();
    text.push_str(
        "\n[[people]]\nid = \"mei\"\nname = \"Mei Lin\"\nroles = [\"manager\"]\nlocale = \"zh-CN\"\n",
    );
    std::fs::write(&people, text).unwrap();
    let data = tempfile::tempdir().unwrap();
    script(db, data.path(), SEED);
    let served = Served::start_with(db, data.path(), Some(&config_dir), &[]);
    let link = |person: &str| {
        let command = on_port(db, data.path(), served.port)
            .arg("--config")
            .arg(&config_dir)
            .args(["login-link", "--person", person])
            .output()
            .unwrap();
        ok(command).trim().to_owned()
    };
    let (mei, _) = sign_in(&link("mei")).await;
    let (frank, _) = sign_in(&link("frank")).await;

    // Her own language comes first, whatever her browser asks for.
    is_chinese(&dashboard_and_ticket(&served, &mei, None).await);
    is_chinese(&dashboard_and_ticket(&served, &mei, Some("en-US,en;q=0.9")).await);
    // Frank has none in people.toml: his browser's, else default_locale (English).
    is_chinese(&dashboard_and_ticket(&served, &frank, Some("zh-CN,zh;q=0.9,en;q=0.8")).await);
    is_english(&dashboard_and_ticket(&served, &frank, Some("en")).await);
    is_english(&dashboard_and_ticket(&served, &frank, None).await);
    is_english(&dashboard_and_ticket(&served, &frank, Some("fr-FR,de;q=0.5")).await);

    // A stranger is told how to sign in in their browser's language.
    let (status, body, _) = get(&served.url("/queue"), &[("accept-language", "zh-TW")]).await;
    assert_eq!(status, 401);
    assert!(body.contains("需要登录") && body.contains("<code>/dashboard</code>"), "{body}");
    assert!(body.contains("resolvd login-link --person 您的ID"), "{body}");

    // The API and the metrics are the same in every language.
    let api = |cookie: String, accept: &'static str| {
        let url = served.url("/api/v1/tickets/T-1");
        async move {
            let (status, body, _) = get(&url, &[("cookie", &cookie), ("accept-language", accept)]).await;
            assert_eq!(status, 200, "{body}");
            json(&body)
        }
    };
    let chinese = api(mei.clone(), "zh-CN").await;
    let english = api(frank.clone(), "en").await;
    assert_eq!(chinese["status"], "open");
    assert_eq!(chinese["kind"], "fault");
    assert_eq!(chinese["events"], english["events"]);
    let (status, body, _) = get(&served.url("/api/v1/tickets?status=nothing"), &[("cookie", &mei)]).await;
    assert_eq!(status, 400);
    assert!(json(&body)["error"].as_str().unwrap().contains("is not a status"), "{body}");
    let (_, metrics, _) =
        get(&served.url("/metrics"), &[("cookie", &mei), ("accept-language", "zh-CN")]).await;
    assert!(metrics.contains("# HELP resolvd_open_tickets Tickets not closed"), "{metrics}");
}

/// POSTs sales' answer to `/api/v1/tickets/{reference}/handoff`: the status and the JSON answer.
async fn handoff(served: &Served, reference: &str, bearer: &str, body: &str) -> (u16, Value) {
    let url = served.url(&format!("/api/v1/tickets/{reference}/handoff"));
    let response =
        client().post(url).header("authorization", bearer).body(body.to_owned()).send().await.unwrap();
    let status = response.status().as_u16();
    (status, json(&response.text().await.unwrap()))
}

async fn sales_answers_an_inquiry_on_the_api_and_the_customer_is_told(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let sales = [
        ("RESOLVD_HANDOFF__SALES__URL", "http://127.0.0.1:9/sales"),
        ("RESOLVD_HANDOFF__SALES__SECRET", "k"),
    ];
    let mut served = Served::start_with(db, data.path(), None, &sales);
    served.say("alice: what is the price of 200 phones?");
    served.printed("T-1");
    served.say("mallory: my screen flickers");
    served.printed("T-2");
    let token = ok(resolvd(db, data.path()).args(["token", "create", "--person", "frank"]).output().unwrap());
    let bearer = format!("Bearer {}", token.trim());
    let events =
        |reference: &str| common::ticket_json(db, data.path(), reference)["events"].as_array().unwrap().len();
    let (t1_before, t2_before) = (events("T-1"), events("T-2"));

    // Refused, each with a clear answer, and nothing written.
    let won = r#"{"outcome": "won", "note": "40 units ordered"}"#;
    let (status, body) = handoff(&served, "T-1", "Bearer not-a-token", won).await;
    assert_eq!(status, 401, "{body}");
    let (status, body) = handoff(&served, "T-1", &bearer, r#"{"outcome": "maybe"}"#).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "`maybe` is not an outcome; use won, lost or answered");
    let (status, body) = handoff(&served, "T-1", &bearer, "not json").await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("the body is not"), "{body}");
    let (status, body) = handoff(&served, "T-2", &bearer, won).await;
    assert_eq!(status, 409);
    assert!(body["error"].as_str().unwrap().contains("T-2 is not waiting for sales"), "{body}");
    let (status, _) = handoff(&served, "T-9", &bearer, won).await;
    assert_eq!(status, 404);
    assert_eq!((events("T-1"), events("T-2")), (t1_before, t2_before), "nothing written");

    // Taken: the outcome on the timeline, the ticket closed, the customer told.
    let (status, body) = handoff(&served, "T-1", &bearer, won).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, serde_json::json!({ "ref": "T-1", "status": "closed", "outcome": "won" }));
    served.printed("Thank you for your order");
    let shown = common::ticket_json(db, data.path(), "T-1");
    assert_eq!((shown["status"].as_str(), shown["close_reason"].as_str()), (Some("closed"), Some("sales")));
    let answered =
        shown["events"].as_array().unwrap().iter().find(|e| e["type"] == "handoff_answered").unwrap();
    assert_eq!(
        (answered["outcome"].as_str(), answered["note"].as_str()),
        (Some("won"), Some("40 units ordered"))
    );
    assert_eq!(answered["actor"], "frank");
    let (status, _) = handoff(&served, "T-1", &bearer, won).await;
    assert_eq!(status, 409, "answered once");
}

on_both_databases!(
    sales_answers_an_inquiry_on_the_api_and_the_customer_is_told,
    the_cockpit_refuses_strangers_and_signs_staff_in_once,
    pages_are_written_in_the_readers_language,
    dashboard_in_chat_gives_a_private_link_that_signs_in,
    tokens_authorise_the_api_until_revoked,
    the_openapi_document_names_every_api_route,
    metrics_count_what_the_bot_does,
    the_dashboard_draws_the_seeded_numbers_in_a_real_browser,
);

/// Debian's Chromium, as `.ci/run` installs it.
fn chromium() -> String {
    for candidate in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new(candidate).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return candidate.to_owned();
        }
    }
    panic!("the dashboard test needs Chromium: apt-get install chromium (.ci/run installs it)");
}

/// Chromium headless on `url` with a fresh profile: what it prints (`--dump-dom`) or draws.
fn headless(url: &str, mode: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(chromium())
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(mode)
        .arg(url)
        .output()
        .unwrap();
    assert!(output.status.success(), "chromium: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The text of the element carrying `data-indicator="NAME"`.
fn indicator(dom: &str, name: &str) -> String {
    let marker = format!(r#"data-indicator="{name}">"#);
    let start = dom.find(&marker).unwrap_or_else(|| panic!("no {name} in the page:\n{dom}")) + marker.len();
    dom[start..].split('<').next().unwrap().to_owned()
}

async fn the_dashboard_draws_the_seeded_numbers_in_a_real_browser(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    script(
        db,
        data.path(),
        &format!(
            "{SEED}bob: /resolve ticket:T-2 resolution:\"rolled the antenna firmware back\"\n\
             mallory: !press confirm:T-2\nmallory: !press rate:T-2:4\n\
             zoe: the battery drains overnight\n"
        ),
    );
    let served = Served::start(db, data.path());

    // Signed in through a link: the page after the redirect is the manager's indicators.
    let dom = headless(&login_link(db, data.path(), served.port, "frank"), &["--dump-dom"]);
    assert_eq!(indicator(&dom, "created-total"), "3", "three tickets today");
    assert_eq!(indicator(&dom, "closed-total"), "1");
    assert_eq!(indicator(&dom, "cards"), "1");
    assert_eq!(indicator(&dom, "confirmed-share"), "100%");
    assert_eq!(indicator(&dom, "mean-score"), "4");
    assert_eq!(indicator(&dom, "response-rate"), "100%");
    assert_eq!(indicator(&dom, "revisits-asked"), "0", "closed today: not revisited yet");
    for chart in ["chart-inflow", "chart-kind", "chart-domain", "chart-confirmation", "chart-scores"] {
        assert!(dom.contains(&format!(r#"<svg id="{chart}""#)), "{chart} drawn");
    }
    assert!(dom.contains(r#"class="bar created""#), "bars in the inflow chart");
    assert!(dom.contains(r#"data-domain="rf""#) && dom.contains(r#"data-kind="fault""#), "{dom}");

    // The charts as a person sees them: a screenshot kept under target/ for CI.
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cockpit");
    std::fs::create_dir_all(&shots).unwrap();
    let backend = if db.url.starts_with("sqlite") { "sqlite" } else { "postgres" };
    let shot = shots.join(format!("dashboard-{backend}.png"));
    let _ = std::fs::remove_file(&shot);
    let link = login_link(db, data.path(), served.port, "frank");
    headless(
        &link,
        &[&format!("--screenshot={}", shot.display()), "--window-size=1280,2200", "--hide-scrollbars"],
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "a drawn page, {} bytes", png.len());

    // Without a session the browser gets the sign-in hint, not the numbers.
    let stranger = headless(&served.url("/"), &["--dump-dom"]);
    assert!(stranger.contains("/dashboard") && !stranger.contains("data-indicator"), "{stranger}");
    let (status, _, _) = get(&served.url("/"), &[]).await;
    assert_eq!(status, 401);
}
