//! What the process measures about itself for `/metrics`: intake and command latency, and
//! whether the chat gateway is connected. Counts that live in the database (open tickets,
//! breaches, the outbox) are read from it when scraped, so every instance reports the same.

use std::time::Duration;

use prometheus::{Histogram, HistogramOpts, HistogramVec, IntGauge, Registry};

/// Latency buckets from a millisecond to ten seconds.
const LATENCY_BUCKETS: &[f64] =
    &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

pub struct Metrics {
    pub registry: Registry,
    intake: Histogram,
    commands: HistogramVec,
    /// 1 while the chat platform's gateway is connected (Discord), 0 while not.
    pub gateway_connected: IntGauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let intake = Histogram::with_opts(
            HistogramOpts::new(
                "resolvd_intake_seconds",
                "Time to take in one customer message, stored and answered",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
        )
        .expect("a valid histogram");
        let commands = HistogramVec::new(
            HistogramOpts::new("resolvd_command_seconds", "Time to handle one slash command or button press")
                .buckets(LATENCY_BUCKETS.to_vec()),
            &["command"],
        )
        .expect("a valid histogram");
        let gateway_connected =
            IntGauge::new("resolvd_gateway_connected", "1 while the chat platform's gateway is connected")
                .expect("a valid gauge");
        for collector in [
            Box::new(intake.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(commands.clone()),
            Box::new(gateway_connected.clone()),
        ] {
            registry.register(collector).expect("each metric is registered once");
        }
        Metrics { registry, intake, commands, gateway_connected }
    }

    pub fn observe_intake(&self, took: Duration) {
        self.intake.observe(took.as_secs_f64());
    }

    /// `command` is the command's name (or `button`): a bounded set, never user text.
    pub fn observe_command(&self, command: &str, took: Duration) {
        self.commands.with_label_values(&[command]).observe(took.as_secs_f64());
    }
}
