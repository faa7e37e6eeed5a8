//! The process's heap between bursts of work. glibc's malloc gives each thread that contends for
//! it an arena of its own (up to eight per core) and keeps what was freed in them for later, so a
//! serving process that once read a million rows (the rollups built at start-up, a busy hour)
//! would hold that memory while idle. `limit_arenas` caps the arenas at start; `release_freed`
//! hands freed memory back to the system, after start-up and after each scheduler pass, and
//! `release_freed_until` every few seconds beside a long-running mode, for what other threads
//! (the database's connections, the web server) free later. Other allocators and platforms:
//! nothing to do.

/// At most two malloc arenas: tokio's workers and the database's threads share them.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tunable of the allocator; called before the work starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Returns the heap's free memory to the system (glibc's `malloc_trim`).
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages; it takes the allocator's own locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// How often a long-running mode hands freed memory back: a trim over a quiet heap costs
/// microseconds.
pub const RELEASE_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// `release_freed` every `RELEASE_EVERY` until `stop` completes.
pub async fn release_freed_until(stop: impl std::future::Future<Output = ()>) {
    tokio::pin!(stop);
    let mut every = tokio::time::interval(RELEASE_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => release_freed(),
            () = &mut stop => return,
        }
    }
}
