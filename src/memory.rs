//! The process's heap between bursts of work. glibc's malloc gives each thread that contends for
//! it an arena of its own (up to eight per core) and keeps what was freed in them for later, so a
//! serving process that once read a million rows (the rollups built at start-up, a busy hour)
//! would hold that memory while idle. `limit_arenas` caps the arenas at start; `release_freed`
//! hands freed memory back to the system, after start-up and after each scheduler pass. Other
//! allocators and platforms: nothing to do.

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
