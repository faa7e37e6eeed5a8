//! A chart a reply may carry beside its text (`/stats`): bars per label, one series or more. Each
//! platform draws it its own way (Discord attaches a PNG); the console shows the text only.

/// One series of values, one per label.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSeries {
    pub name: String,
    pub values: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub labels: Vec<String>,
    pub series: Vec<ChartSeries>,
}

impl Chart {
    /// The largest value of any series (0 when there is none).
    pub fn max(&self) -> f64 {
        self.series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0, f64::max)
    }
}
