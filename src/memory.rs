//! Freed memory given back between the phases of a build.
//!
//! Loading parses files on the rayon threads, and the model is built and the parsed files are
//! dropped on the calling thread. An allocator that keeps memory per thread (mimalloc, which the
//! binary uses) holds what one thread frees of another's until that thread next asks for memory
//! or collects. Without a forced collection, some large builds kept all of it, with a higher
//! peak after loading and by the end of rendering (the builds at 100k pledges are in
//! BENCHMARKS.md, "Sixth session"). The binary registers its allocator's collection here; the
//! library and its tests, on the system allocator, register none.

use std::sync::OnceLock;

static COLLECT: OnceLock<fn()> = OnceLock::new();

/// Register the allocator's "give back what this thread freed" function (the first call wins).
pub fn set_collector(collect: fn()) {
    let _ = COLLECT.set(collect);
}

/// Run the registered collection on every rayon thread and on this one; nothing if none is
/// registered.
pub fn release() {
    if let Some(&collect) = COLLECT.get() {
        rayon::broadcast(|_| collect());
        collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[test]
    fn release_runs_the_collector_on_every_rayon_thread_and_the_caller() {
        set_collector(|| {
            CALLS.fetch_add(1, Ordering::SeqCst);
        });
        let before = CALLS.load(Ordering::SeqCst);
        release();
        // At least: other tests' builds may release at the same time.
        assert!(CALLS.load(Ordering::SeqCst) - before > rayon::current_num_threads());
    }
}
