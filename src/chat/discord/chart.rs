//! A reply's chart as the PNG Discord attaches (plotters, with the DejaVu Sans font built in, so
//! nothing depends on the fonts of the machine).

use std::sync::Once;

use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::domain::chart::Chart;

const WIDTH: u32 = 800;
const HEIGHT: u32 = 400;
const FONT: &str = "sans-serif";
const COLOURS: [RGBColor; 4] =
    [RGBColor(76, 120, 168), RGBColor(89, 161, 79), RGBColor(242, 142, 43), RGBColor(225, 87, 89)];

fn register_font() {
    static REGISTERED: Once = Once::new();
    REGISTERED.call_once(|| {
        // The bytes are a font shipped in the dejavu crate: parsing cannot fail.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
    });
}

/// The chart as PNG bytes.
pub fn png(chart: &Chart) -> anyhow::Result<Vec<u8>> {
    register_font();
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    draw(chart, &mut rgb).map_err(|e| anyhow::anyhow!("drawing the chart: {e}"))?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(&rgb)?;
    Ok(out)
}

fn draw(chart: &Chart, rgb: &mut [u8]) -> Result<(), Box<dyn std::error::Error>> {
    let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let labels = chart.labels.len().max(1);
    let top = (chart.max() * 1.15).max(1.0);
    let mut plot = ChartBuilder::on(&root)
        .caption(&chart.title, (FONT, 20))
        .margin(12)
        .x_label_area_size(28)
        .y_label_area_size(40)
        .build_cartesian_2d(0f64..labels as f64, 0f64..top)?;
    let names = chart.labels.clone();
    plot.configure_mesh()
        .disable_x_mesh()
        // One label per bar group (at most twelve), under its middle.
        .x_labels(labels.min(12) * 2 + 1)
        .x_label_formatter(&|x| {
            let i = (x - 0.5).round();
            if (x - 0.5 - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .label_style((FONT, 12))
        .draw()?;
    // Each label's bars side by side in the middle 80% of its slot.
    let width = 0.8 / chart.series.len().max(1) as f64;
    for (n, series) in chart.series.iter().enumerate() {
        let colour = COLOURS[n % COLOURS.len()];
        let bars = series.values.iter().enumerate().map(move |(i, value)| {
            let left = i as f64 + 0.1 + width * n as f64;
            Rectangle::new([(left, 0.0), (left + width * 0.95, *value)], colour.filled())
        });
        plot.draw_series(bars)?
            .label(series.name.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled()));
    }
    plot.configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font((FONT, 12))
        .border_style(BLACK)
        .background_style(WHITE)
        .draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::chart::ChartSeries;

    #[test]
    fn a_chart_is_a_png_with_its_bars_drawn() {
        let chart = Chart {
            title: "Tickets per day".into(),
            labels: vec!["12-01".into(), "12-02".into(), "12-03".into()],
            series: vec![
                ChartSeries { name: "created".into(), values: vec![3.0, 5.0, 1.0] },
                ChartSeries { name: "closed".into(), values: vec![1.0, 2.0, 4.0] },
            ],
        };
        let drawn = png(&chart).unwrap();
        assert!(drawn.starts_with(b"\x89PNG\r\n\x1a\n"));
        let decoder = ::png::Decoder::new(std::io::Cursor::new(&drawn));
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut pixels).unwrap();
        let blue = pixels.chunks(3).filter(|p| p == &[76, 120, 168]).count();
        let green = pixels.chunks(3).filter(|p| p == &[89, 161, 79]).count();
        assert!(blue > 1000 && green > 1000, "both series are drawn: {blue} and {green} pixels");
        let empty = Chart { title: "nothing".into(), labels: vec![], series: vec![] };
        assert!(png(&empty).is_ok(), "an empty range still draws");
    }
}
