//! Every command and button reaches its own handler in the binary: the example scripts together
//! run each one the registry holds, and the desk script's effects are read back with
//! `ticket show --json`.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use common::{TestDb, repo_path};
use resolvd::engine::commands::CommandRegistry;
use serde_json::Value;
use strum::VariantArray;

on_both_databases!(the_desk_script_reaches_every_handler_it_names_and_leaves_their_events);

fn resolvd(db: &TestDb, data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_resolvd"));
    command.current_dir(repo_path("")).env("RESOLVD_DATABASE_URL", &db.url).arg("--data-dir").arg(data_dir);
    command
}

fn event_types(db: &TestDb, data_dir: &std::path::Path, reference: &str) -> (Vec<String>, String) {
    let output = resolvd(db, data_dir).args(["ticket", "show", reference, "--json"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let ticket: Value = serde_json::from_slice(&output.stdout).unwrap();
    let types = ticket["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap().to_owned());
    (types.collect(), ticket["status"].as_str().unwrap().to_owned())
}

async fn the_desk_script_reaches_every_handler_it_names_and_leaves_their_events(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let output = resolvd(db, data.path()).args(["chat", "--script", "examples/desk.txt"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("internal error"), "{stdout}");
    assert!(!stdout.contains("there is no /"), "{stdout}");
    assert!(stdout.contains("bot → bob (only you): T-1 is already assigned to bob"), "{stdout}");

    let (t1, status) = event_types(db, data.path(), "T-1");
    let expected = [
        "created",
        "needs_help",
        "classified",
        "unassigned",
        "claimed",
        "staff_reply",
        "waiting",
        "message",
        "resumed",
        "severity_changed",
        "escalated",
        "linked",
        "resolved",
        "reopened",
        "resolved",
        "closed",
    ];
    assert_eq!(t1, expected);
    assert_eq!(status, "closed");
    assert_eq!(
        event_types(db, data.path(), "T-2"),
        (
            ["created", "classified", "s_requested", "s_declined", "closed"].map(String::from).to_vec(),
            "closed".to_owned()
        ),
        "mallory closed her own ticket"
    );
    assert_eq!(
        event_types(db, data.path(), "T-3"),
        (vec!["created".to_owned(), "linked".into(), "closed".into(), "reopened".into()], "open".to_owned())
    );
}

/// The commands and button actions the example scripts run, by name.
fn used_in_examples() -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut commands, mut presses) = (BTreeSet::new(), BTreeSet::new());
    for entry in std::fs::read_dir(repo_path("examples")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let Some((_, said)) = line.split_once(": ") else { continue };
            if let Some(command) = said.strip_prefix('/') {
                let words: Vec<&str> = command.split_whitespace().take(2).collect();
                commands.insert(words[0].to_owned());
                commands.insert(words.join(" "));
            } else if let Some(press) = said.strip_prefix("!press ") {
                presses.insert(press.split(':').next().unwrap().to_owned());
            }
        }
    }
    (commands, presses)
}

#[test]
fn the_example_scripts_together_run_every_registered_command_and_button() {
    let (commands, presses) = used_in_examples();
    for path in CommandRegistry::builtin().paths() {
        assert!(commands.contains(path), "no example script runs /{path}");
    }
    for action in resolvd::domain::ButtonAction::VARIANTS {
        assert!(presses.contains(&action.to_string()), "no example script presses {action}");
    }
}

/// README's command table says who may run each command; the definitions decide it. Each row's
/// "who" is a list of role plurals, or `everyone`.
#[test]
fn the_readme_command_table_names_the_roles_each_definition_allows() {
    use resolvd::config::{Config, ConfigSource};
    use resolvd::domain::Role;
    let config = Config::load(ConfigSource::Dir(repo_path("config")), std::iter::empty()).unwrap();
    let readme = std::fs::read_to_string(repo_path("README.md")).unwrap();
    let table = readme.split("| command | who | what |").nth(1).expect("README has the command table");
    let mut documented = BTreeSet::new();
    for row in table.lines().skip(2).take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (command, who) = (cells[1], cells[2]);
        let path: String = command
            .trim_start_matches("`/")
            .split(['`', '['])
            .next()
            .unwrap()
            .split_whitespace()
            .take_while(|w| !w.contains(':'))
            .collect::<Vec<_>>()
            .join(" ");
        let roles: BTreeSet<String> = if who == "everyone" {
            Role::VARIANTS.iter().map(|r| format!("{r:?}")).collect()
        } else {
            who.split(", ")
                .map(|plural| match plural {
                    "customers" => "Customer",
                    "engineers" => "Engineer",
                    "owners" => "Owner",
                    "managers" => "Manager",
                    "leads" => "Lead",
                    "product managers" => "ProductManager",
                    "parts keepers" => "Parts",
                    other => panic!("README's /{path} row names `{other}`, which is no role"),
                })
                .map(str::to_owned)
                .collect()
        };
        let leaf = config.commands.leaves().find(|l| l.path == path).unwrap_or_else(|| panic!("no /{path}"));
        let allowed: BTreeSet<String> = leaf.roles.iter().map(|r| format!("{r:?}")).collect();
        assert_eq!(roles, allowed, "README's who for /{path}");
        documented.insert(path);
    }
    for leaf in config.commands.leaves() {
        assert!(documented.contains(&leaf.path), "README's command table leaves out /{}", leaf.path);
    }
}
