use std::cell::Cell;
use std::io::{IsTerminal, Write};

/// A progress callback for [`KnowledgeBase`](crate::kb::KnowledgeBase)'s `*_with_progress`
/// methods: a bar redrawn in place when stderr is a terminal, and a log line every tenth of
/// the way otherwise, because a redrawn bar turns into thousands of lines in a service log.
pub fn terminal_or_log(label: &str) -> impl Fn(usize, usize) + use<> {
    let label = label.to_owned();
    let interactive = std::io::stderr().is_terminal();
    let last_step = Cell::new(usize::MAX);
    move |done: usize, total: usize| {
        let total = total.max(1);
        let steps = if interactive { 40 } else { 10 };
        let step = done.min(total) * steps / total;
        if step == last_step.get() {
            return;
        }
        last_step.set(step);
        if interactive {
            let bar: String = (0..steps).map(|i| if i < step { '#' } else { ' ' }).collect();
            let end = if done >= total { "\n" } else { "" };
            let mut stderr = std::io::stderr().lock();
            // A progress bar that cannot be drawn is not worth failing the import over.
            let _ = write!(stderr, "\r{label} [{bar}] {done}/{total}{end}");
            let _ = stderr.flush();
        } else {
            tracing::info!(done, total, "{label}");
        }
    }
}
