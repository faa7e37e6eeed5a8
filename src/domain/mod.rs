//! Pure types and rules: no platform, no database, no clock of its own.

pub mod chart;
pub mod classify;
pub mod customer;
pub mod error;
pub mod event;
pub mod incident;
pub mod indicators;
pub mod locale;
pub mod parts;
pub mod people;
pub mod post;
pub mod revisit;
pub mod routing;
pub mod sla;
pub mod storm;
pub mod text;
pub mod ticket;
pub mod voc;

pub use customer::{Customer, PastTicket, Warranty};
pub use error::DomainError;
pub use event::{
    AssignedVia, Event, EventKind, HandoffOutcome, SYSTEM_ACTOR, TimelineSource, assigned_by_hand,
};
pub use incident::{IncidentReport, RoomLeads, WarRoom};
pub use locale::{Arg, Locale, Msg};
pub use people::{Directory, People, Person, Role};
pub use post::{
    Attachment, Audience, Button, ButtonAction, ButtonId, Form, FormField, FormSubmit, Post, RoomChange,
};
pub use ticket::{
    Classification, CloseReason, Kind, LinkRelation, Severity, Status, Ticket, TicketRef, Tier,
};
