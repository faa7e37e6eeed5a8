//! Chat commands: their definitions (`spec`), checked without I/O. Each command's typed value and
//! its effect are its module in `engine::commands`.

mod spec;
mod typed;

use thiserror::Error;

pub use spec::{
    Args, ChoiceSource, CommandSet, CommandSpec, Leaf, OptionSpec, OptionType, SubcommandSpec, check_args,
    check_args_in, description_key,
};
pub use typed::EscalateTo;

/// A command as a person typed it, before it is checked: its name, its subcommand if it has
/// subcommands, and `name:value` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub name: String,
    pub subcommand: Option<String>,
    pub options: Vec<(String, String)>,
}

/// A malformed command; the text is the reply its author reads.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct UsageError(pub String);
