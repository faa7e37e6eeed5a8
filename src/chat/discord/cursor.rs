//! Where a channel's catch-up cursor may go: past messages that are all handled, never past one
//! still in flight or one whose handling failed.
//!
//! serenity runs each gateway event in a task of its own, so a later message may finish before an
//! earlier one. Moving the stored cursor (`discord_channels.last_message_id`) to the later one
//! would make a crash lose the earlier: catch-up reads only what comes after the cursor. So each
//! message is registered here before its handling starts (`begin`) and reported when it ends
//! (`end`); the cursor may move to the newest handled message below every message in flight or
//! failed. A failed message stays a barrier for this run, so the next catch-up (a reconnection or
//! a restart) reads it again; every message is idempotent on its id, so reading again what lies
//! after it changes nothing. Catch-up holds a barrier just after the cursor it reads from
//! (`hold`) while it reads a channel's history page by page, so a live message finishing
//! meanwhile cannot carry the cursor past pages not read yet.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

/// How a message's handling ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ending {
    Handled,
    /// Not handled: the cursor stays below it until a later attempt handles it.
    Failed,
}

#[derive(Default)]
struct Channel {
    /// Message id → how many handlings of it are running (a replayed event may overlap).
    in_flight: BTreeMap<u64, u32>,
    failed: BTreeSet<u64>,
    /// Handled messages the cursor could not pass yet.
    handled: BTreeSet<u64>,
}

impl Channel {
    /// The newest handled message below every barrier, forgetting those it passes.
    fn advance(&mut self) -> Option<u64> {
        let barrier =
            [self.in_flight.keys().next(), self.failed.iter().next()].into_iter().flatten().min().copied();
        let below = match barrier {
            Some(barrier) => self.handled.range(..barrier).next_back().copied(),
            None => self.handled.last().copied(),
        }?;
        self.handled = self.handled.split_off(&(below + 1));
        Some(below)
    }

    fn is_empty(&self) -> bool {
        self.in_flight.is_empty() && self.failed.is_empty() && self.handled.is_empty()
    }
}

/// The messages in flight per channel, in memory: a restart starts from the stored cursor.
#[derive(Default)]
pub(super) struct Cursors {
    channels: Mutex<HashMap<u64, Channel>>,
}

impl Cursors {
    /// A message's handling starts.
    pub(super) fn begin(&self, channel: u64, message: u64) {
        let mut channels = self.channels.lock().expect("cursor lock");
        *channels.entry(channel).or_default().in_flight.entry(message).or_default() += 1;
    }

    /// A message's handling ended; returns where the channel's cursor may move now, if anywhere.
    pub(super) fn end(&self, channel: u64, message: u64, ending: Ending) -> Option<u64> {
        let mut channels = self.channels.lock().expect("cursor lock");
        let state = channels.entry(channel).or_default();
        if let Some(running) = state.in_flight.get_mut(&message) {
            *running -= 1;
            if *running == 0 {
                state.in_flight.remove(&message);
            }
        }
        match ending {
            Ending::Handled => {
                state.failed.remove(&message);
                state.handled.insert(message);
            }
            Ending::Failed => {
                state.failed.insert(message);
            }
        }
        let cursor = state.advance();
        if state.is_empty() {
            channels.remove(&channel);
        }
        cursor
    }

    /// Whether a message's handling failed and no later attempt handled it yet.
    pub(super) fn any_failed(&self) -> bool {
        self.channels.lock().expect("cursor lock").values().any(|c| !c.failed.is_empty())
    }

    /// Each channel with a failed message, and the first of them.
    pub(super) fn first_failed(&self) -> Vec<(u64, u64)> {
        let channels = self.channels.lock().expect("cursor lock");
        channels.iter().filter_map(|(id, c)| Some((*id, *c.failed.first()?))).collect()
    }

    /// Holds the cursor at or below `after` until `release`: catch-up reading after `after`.
    pub(super) fn hold(&self, channel: u64, after: u64) {
        self.begin(channel, after.saturating_add(1));
    }

    /// Ends a `hold`; returns where the cursor may move now, if anywhere.
    pub(super) fn release(&self, channel: u64, after: u64) -> Option<u64> {
        let barrier = after.saturating_add(1);
        let mut channels = self.channels.lock().expect("cursor lock");
        let state = channels.entry(channel).or_default();
        if let Some(running) = state.in_flight.get_mut(&barrier) {
            *running -= 1;
            if *running == 0 {
                state.in_flight.remove(&barrier);
            }
        }
        let cursor = state.advance();
        if state.is_empty() {
            channels.remove(&channel);
        }
        cursor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: u64 = 1;

    #[test]
    fn a_later_message_finishing_first_does_not_move_the_cursor_past_an_earlier_one() {
        let cursors = Cursors::default();
        cursors.begin(C, 10);
        cursors.begin(C, 11);
        cursors.begin(C, 12);
        assert_eq!(cursors.end(C, 12, Ending::Handled), None);
        assert_eq!(cursors.end(C, 10, Ending::Handled), Some(10));
        assert_eq!(cursors.end(C, 11, Ending::Handled), Some(12));
        assert!(cursors.channels.lock().unwrap().is_empty(), "nothing left to remember");
    }

    #[test]
    fn a_failed_message_holds_the_cursor_until_a_later_attempt_handles_it() {
        let cursors = Cursors::default();
        cursors.begin(C, 10);
        cursors.begin(C, 11);
        cursors.begin(C, 12);
        assert_eq!(cursors.end(C, 10, Ending::Handled), Some(10));
        assert_eq!(cursors.end(C, 11, Ending::Failed), None);
        assert_eq!(cursors.end(C, 12, Ending::Handled), None);
        cursors.begin(C, 13);
        assert_eq!(cursors.end(C, 13, Ending::Handled), None);
        // Catch-up reads 11 again and handles it.
        cursors.begin(C, 11);
        assert_eq!(cursors.end(C, 11, Ending::Handled), Some(13));
    }

    #[test]
    fn catch_up_holds_the_cursor_until_every_page_is_read() {
        let cursors = Cursors::default();
        cursors.hold(C, 100);
        // A live message arrives while older ones are still to be read from history.
        cursors.begin(C, 500);
        assert_eq!(cursors.end(C, 500, Ending::Handled), None);
        cursors.begin(C, 101);
        assert_eq!(cursors.end(C, 101, Ending::Handled), None);
        assert_eq!(cursors.release(C, 100), Some(500));
    }

    #[test]
    fn a_message_delivered_twice_at_once_is_in_flight_until_both_end() {
        let cursors = Cursors::default();
        cursors.begin(C, 10);
        cursors.begin(C, 10);
        cursors.begin(C, 11);
        assert_eq!(cursors.end(C, 10, Ending::Handled), None);
        assert_eq!(cursors.end(C, 11, Ending::Handled), None);
        assert_eq!(cursors.end(C, 10, Ending::Handled), Some(11));
    }

    #[test]
    fn channels_are_independent() {
        let cursors = Cursors::default();
        cursors.begin(1, 10);
        cursors.begin(2, 20);
        assert_eq!(cursors.end(2, 20, Ending::Handled), Some(20));
        assert_eq!(cursors.end(1, 10, Ending::Handled), Some(10));
    }
}
