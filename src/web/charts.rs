//! The dashboard's charts, drawn on the server as inline SVG: no script and no asset from
//! elsewhere, so the page works offline and on a phone. Written here rather than taken from a
//! chart library because the four charts need only bars, a line and a stacked bar, and every
//! browser draws SVG. Their words (titles, legends, the empty note) are given in the reader's
//! language by the page that draws them.

use std::fmt::Write;

use super::pages::esc;

/// One series of bars (or the line), with its legend name and CSS class (its colour).
pub struct Series {
    pub name: String,
    pub class: &'static str,
    pub values: Vec<f64>,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 36.0;
const TOP: f64 = 24.0;

fn round_up(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= max).unwrap_or(max);
    step.max(1.0)
}

/// Grouped bars per category, and optionally a line over them on its own 0–100% scale.
pub fn bars(
    id: &str,
    title: &str,
    categories: &[String],
    series: &[Series],
    line: Option<&Series>,
) -> String {
    let plot_w = WIDTH - LEFT - 40.0;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let max = round_up(series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0, f64::max));
    let slot = plot_w / categories.len().max(1) as f64;
    let bar = (slot * 0.8 / series.len().max(1) as f64).max(1.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg id="{id}" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}"><title>{}</title>"#,
        esc(title),
        esc(title)
    );
    for tick in 0..=4 {
        let value = max * f64::from(tick) / 4.0;
        let y = TOP + plot_h - plot_h * f64::from(tick) / 4.0;
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="axis" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            LEFT + plot_w,
            LEFT - 4.0,
            y + 4.0,
            trim_number(value)
        );
    }
    for (i, category) in categories.iter().enumerate() {
        let x0 = LEFT + slot * i as f64 + slot * 0.1;
        for (j, s) in series.iter().enumerate() {
            let value = s.values.get(i).copied().unwrap_or(0.0);
            let h = plot_h * value / max;
            let _ = write!(
                svg,
                r#"<rect class="bar {}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"><title>{} {}: {}</title></rect>"#,
                s.class,
                x0 + bar * j as f64,
                TOP + plot_h - h,
                bar,
                h,
                esc(category),
                esc(&s.name),
                trim_number(value)
            );
        }
        // At most about twelve labels along the axis, however many categories.
        let every = categories.len().div_ceil(12).max(1);
        if i % every == 0 {
            let _ = write!(
                svg,
                r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                LEFT + slot * (i as f64 + 0.5),
                HEIGHT - BOTTOM + 14.0,
                esc(category)
            );
        }
    }
    if let Some(line) = line {
        let points: Vec<String> = line
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                format!(
                    "{:.1},{:.1}",
                    LEFT + slot * (i as f64 + 0.5),
                    TOP + plot_h - plot_h * v.clamp(0.0, 1.0)
                )
            })
            .collect();
        let _ = write!(svg, r#"<polyline class="line {}" points="{}"/>"#, line.class, points.join(" "));
        let _ = write!(
            svg,
            r#"<text class="axis" x="{}" y="{}" text-anchor="start">100%</text>"#,
            LEFT + plot_w + 4.0,
            TOP + 4.0
        );
    }
    legend(&mut svg, series.iter().chain(line));
    svg.push_str("</svg>");
    svg
}

/// One part of a stacked bar: its legend name, CSS class and value.
pub struct Part {
    pub name: String,
    pub class: &'static str,
    pub value: f64,
}

/// A single bar split into parts, each a share of the whole (e.g. how cards ended); `empty` is
/// written across it when every part is zero.
pub fn stacked(id: &str, title: &str, parts: &[Part], empty: &str) -> String {
    let total: f64 = parts.iter().map(|p| p.value).sum();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg id="{id}" class="chart" viewBox="0 0 {WIDTH} 90" role="img" aria-label="{}"><title>{}</title>"#,
        esc(title),
        esc(title)
    );
    let mut x = LEFT;
    let span = WIDTH - 2.0 * LEFT;
    for part in parts {
        let w = if total > 0.0 { span * part.value / total } else { 0.0 };
        let _ = write!(
            svg,
            r#"<rect class="bar {}" x="{x:.1}" y="20" width="{w:.1}" height="30"><title>{}: {}</title></rect>"#,
            part.class,
            esc(&part.name),
            trim_number(part.value)
        );
        x += w;
    }
    if total == 0.0 {
        let _ = write!(svg, r#"<text class="axis" x="{LEFT}" y="40">{}</text>"#, esc(empty));
    }
    let mut lx = LEFT;
    for part in parts {
        let _ = write!(
            svg,
            r#"<rect class="bar {}" x="{lx}" y="64" width="10" height="10"/><text class="axis" x="{}" y="73">{} {}</text>"#,
            part.class,
            lx + 14.0,
            esc(&part.name),
            trim_number(part.value)
        );
        lx += 160.0;
    }
    svg.push_str("</svg>");
    svg
}

fn legend<'a>(svg: &mut String, series: impl Iterator<Item = &'a Series>) {
    for (i, s) in series.enumerate() {
        let x = LEFT + 150.0 * i as f64;
        let _ = write!(
            svg,
            r#"<rect class="bar {}" x="{x}" y="4" width="10" height="10"/><text class="axis" x="{}" y="13">{}</text>"#,
            s.class,
            x + 14.0,
            esc(&s.name)
        );
    }
}

/// 3, 2.5, 0.33: no trailing zeros.
pub fn trim_number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_draw_one_rect_per_value_and_escape_labels() {
        let categories = vec!["<mon>".to_owned(), "tue".to_owned()];
        let series = [Series { name: "created".to_owned(), class: "a", values: vec![3.0, 1.0] }];
        let svg = bars("inflow", "Inflow", &categories, &series, None);
        assert_eq!(
            svg.matches(r#"<rect class="bar a" x"#).count(),
            2 + 1,
            "two bars and the legend's swatch"
        );
        assert!(svg.contains("&lt;mon&gt;") && !svg.contains("<mon>"), "{svg}");
    }

    #[test]
    fn an_empty_stacked_bar_says_so_in_the_words_given() {
        let parts = [Part { name: "已确认".to_owned(), class: "confirmed", value: 0.0 }];
        let svg = stacked("cards", "卡片", &parts, "此范围内没有数据");
        assert!(svg.contains(">此范围内没有数据<") && svg.contains("已确认 0"), "{svg}");
    }

    #[test]
    fn axis_maxima_are_round() {
        assert_eq!(round_up(0.0), 1.0);
        assert_eq!(round_up(3.0), 5.0);
        assert_eq!(round_up(42.0), 50.0);
        assert_eq!(trim_number(2.50), "2.5");
        assert_eq!(trim_number(3.0), "3");
    }
}
