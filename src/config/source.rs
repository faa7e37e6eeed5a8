//! Where config files are read from: a directory, or the sample config built into the binary so
//! that `resolvd` runs with no files at all.

use std::path::{Path, PathBuf};

use super::ConfigError;

#[derive(Debug, Clone)]
pub enum ConfigSource {
    Dir(PathBuf),
    Embedded,
}

/// The sample config and commands, compiled in.
const EMBEDDED_CONFIG: &[(&str, &str)] = &[
    ("default.toml", include_str!("../../config/default.toml")),
    ("people.toml", include_str!("../../config/people.toml")),
    ("domains.toml", include_str!("../../config/domains.toml")),
    ("classification.toml", include_str!("../../config/classification.toml")),
    ("sla.toml", include_str!("../../config/sla.toml")),
    ("parts.csv", include_str!("../../config/parts.csv")),
];

macro_rules! embedded_commands {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../commands/", $name, ".toml")))),*]
    };
}

const EMBEDDED_COMMANDS: &[(&str, &str)] = embedded_commands![
    "assign",
    "claim",
    "classify",
    "close",
    "customer",
    "dashboard",
    "escalate",
    "help",
    "invite",
    "kb",
    "link",
    "move",
    "note",
    "parts",
    "queue",
    "reopen",
    "reply",
    "report",
    "resolve",
    "severity",
    "sla",
    "stats",
    "status",
    "ticket",
    "timeline",
    "unassign",
    "update",
    "voc",
    "wait",
];

/// A config file's text and the name errors call it by.
pub struct ConfigFile {
    pub display: String,
    pub text: String,
}

impl ConfigSource {
    pub fn describe(&self) -> String {
        match self {
            ConfigSource::Dir(dir) => dir.display().to_string(),
            ConfigSource::Embedded => "the built-in sample config".to_owned(),
        }
    }

    /// What errors and warnings call the config file `name`.
    pub fn display_of(&self, name: &str) -> String {
        match self {
            ConfigSource::Dir(dir) => dir.join(name).display().to_string(),
            ConfigSource::Embedded => format!("(built in) config/{name}"),
        }
    }

    pub fn read(&self, name: &str) -> Result<ConfigFile, ConfigError> {
        match self {
            ConfigSource::Dir(dir) => read_file(&dir.join(name)),
            ConfigSource::Embedded => EMBEDDED_CONFIG
                .iter()
                .find(|(file, _)| *file == name)
                .map(|(file, text)| ConfigFile {
                    display: format!("(built in) config/{file}"),
                    text: (*text).to_owned(),
                })
                .ok_or_else(|| {
                    ConfigError::file(format!("(built in) config/{name}"), "no such built-in file")
                }),
        }
    }

    /// Every `*.toml` in the commands folder, sorted by name.
    pub fn command_files(&self, commands_dir: &str) -> Result<Vec<(String, ConfigFile)>, ConfigError> {
        match self {
            ConfigSource::Dir(dir) => {
                let commands = dir.join(commands_dir);
                let entries = std::fs::read_dir(&commands).map_err(|e| {
                    ConfigError::file(
                        commands.display().to_string(),
                        format!("cannot read the commands folder: {e}"),
                    )
                })?;
                let mut files = Vec::new();
                for entry in entries {
                    let path = entry
                        .map_err(|e| ConfigError::file(commands.display().to_string(), e.to_string()))?
                        .path();
                    if path.extension().is_some_and(|ext| ext == "toml") {
                        let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
                        files.push((stem, read_file(&path)?));
                    }
                }
                files.sort_by(|a, b| a.0.cmp(&b.0));
                Ok(files)
            }
            ConfigSource::Embedded => Ok(EMBEDDED_COMMANDS
                .iter()
                .map(|(name, text)| {
                    let file = ConfigFile {
                        display: format!("(built in) commands/{name}.toml"),
                        text: (*text).to_owned(),
                    };
                    ((*name).to_owned(), file)
                })
                .collect()),
        }
    }
}

fn read_file(path: &Path) -> Result<ConfigFile, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::file(path.display().to_string(), format!("cannot read it: {e}")))?;
    Ok(ConfigFile { display: path.display().to_string(), text })
}
