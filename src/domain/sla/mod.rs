//! Service levels: business calendars, SLA targets, OLA shares and the clocks that run on them.
//!
//! Pure domain code: it reads a TOML string (or, through `SlaPolicy::load`, a file) and otherwise only
//! computes. Every function that depends on the time takes `now` from its caller.

pub mod calendar;
pub mod clock;
mod config;
pub mod duration;
pub mod error;
pub mod policy;
pub mod timeline;
pub mod vocab;

pub use calendar::{Calendar, CalendarError, DayHours, Span, SpanError};
pub use clock::{Alarm, Clock, ClockReading, Pause};
pub use duration::{DurationError, SlaDuration};
pub use error::{ConfigProblem, SlaConfigError, SlaError};
pub use policy::{AppliedTarget, ClockRule, OlaShares, SlaPolicy, TicketClocks, TicketSla};
pub use timeline::{ClockFacts, ClockKind, ClockState, SlaMarks, clock_states, next_look};
