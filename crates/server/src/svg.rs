//! Inline SVG drawings for the case page: the linked-entity graph and the hour-of-day
//! chart of sign-ins. Pure functions from data to markup; every text is escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use unmask_report::escape;

/// Percent-encodes a path segment (entity ids contain `:` and may contain anything).
pub fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// A node of the graph: id, schema, label.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub schema: String,
    pub label: String,
    pub subject: bool,
}

/// The linked-entity graph: subjects on an inner ring, their neighbours on an outer
/// ring, one line per link (labelled with its kind), each node linking to its page.
pub fn entity_graph(nodes: &[Node], edges: &[(String, String, String)]) -> String {
    let width = 900.0;
    let height = 640.0;
    let (cx, cy) = (width / 2.0, height / 2.0);
    let subjects: Vec<&Node> = nodes.iter().filter(|n| n.subject).collect();
    let others: Vec<&Node> = nodes.iter().filter(|n| !n.subject).collect();
    let mut positions: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let place =
        |ring: &[&Node], radius: f64, offset: f64, positions: &mut BTreeMap<String, (f64, f64)>| {
            let count = ring.len().max(1) as f64;
            for (index, node) in ring.iter().enumerate() {
                let angle = offset + std::f64::consts::TAU * index as f64 / count;
                let r = if ring.len() == 1 && radius < 100.0 {
                    0.0
                } else {
                    radius
                };
                positions.insert(
                    node.id.clone(),
                    (cx + r * angle.cos(), cy + r * angle.sin()),
                );
            }
        };
    place(&subjects, 90.0, 0.0, &mut positions);
    place(&others, 260.0, 0.3, &mut positions);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="graph" role="img" aria-label="linked-entity graph" viewBox="0 0 {width} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">"#
    );
    svg.push_str("<title>Linked entities</title>");
    for (source, kind, target) in edges {
        let (Some(a), Some(b)) = (
            positions.get(source.as_str()),
            positions.get(target.as_str()),
        ) else {
            continue;
        };
        let _ = write!(
            svg,
            r#"<line class="edge" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"><title>{}</title></line>"#,
            a.0,
            a.1,
            b.0,
            b.1,
            escape(kind)
        );
        if edges.len() > 30 {
            continue;
        }
        let _ = write!(
            svg,
            r#"<text class="edge-label" x="{:.1}" y="{:.1}">{}</text>"#,
            (a.0 + b.0) / 2.0,
            (a.1 + b.1) / 2.0,
            escape(&shorten(kind, 18))
        );
    }
    for node in nodes {
        let Some((x, y)) = positions.get(node.id.as_str()) else {
            continue;
        };
        let class = if node.subject { "node subject" } else { "node" };
        let schema_class = node
            .schema
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        let _ = write!(
            svg,
            r#"<a href="/entities/{}"><g class="{class} s-{schema_class}"><circle cx="{x:.1}" cy="{y:.1}" r="{}"/><text x="{x:.1}" y="{:.1}">{}</text><title>{} {}</title></g></a>"#,
            encode_segment(&node.id),
            if node.subject { 14 } else { 9 },
            y + if node.subject { 28.0 } else { 20.0 },
            escape(&shorten(&node.label, 24)),
            escape(&node.schema),
            escape(&node.id)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Sign-ins per UTC hour of day.
pub fn hour_counts(times_ms: &[i64]) -> [u64; 24] {
    let mut counts = [0u64; 24];
    for time in times_ms {
        let hour = (time.div_euclid(3_600_000)).rem_euclid(24) as usize;
        counts[hour] += 1;
    }
    counts
}

/// The 8-hour window (start hour, UTC) with the most sign-ins, if there are any.
pub fn busiest_window(counts: &[u64; 24]) -> Option<usize> {
    if counts.iter().all(|c| *c == 0) {
        return None;
    }
    (0..24).max_by_key(|start| (0..8).map(|k| counts[(start + k) % 24]).sum::<u64>())
}

/// The hour-of-day bar chart, with the busiest 8-hour window shaded: a working day
/// that falls at night for the employee's stated location is the time-zone signature.
pub fn hour_chart(counts: &[u64; 24]) -> String {
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let (width, height, left, bottom) = (720.0, 200.0, 30.0, 30.0);
    let bar = (width - left) / 24.0;
    let plot = height - bottom - 10.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="hours" role="img" aria-label="sign-ins by hour of day (UTC)" viewBox="0 0 {width} {height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>Sign-ins by hour of day (UTC)</title>"#
    );
    if let Some(start) = busiest_window(counts) {
        for k in 0..8 {
            let hour = (start + k) % 24;
            let _ = write!(
                svg,
                r#"<rect class="window" x="{:.1}" y="10" width="{bar:.1}" height="{plot:.1}"/>"#,
                left + hour as f64 * bar
            );
        }
    }
    for (hour, count) in counts.iter().enumerate() {
        let h = plot * (*count as f64) / max;
        let x = left + hour as f64 * bar;
        let _ = write!(
            svg,
            r#"<rect class="bar" x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}"><title>{hour:02}:00 UTC: {count}</title></rect>"#,
            x + 2.0,
            10.0 + plot - h,
            bar - 4.0
        );
        if hour % 3 == 0 {
            let _ = write!(
                svg,
                r#"<text class="axis" x="{:.1}" y="{:.1}">{hour:02}</text>"#,
                x + 2.0,
                height - 10.0
            );
        }
    }
    let _ = write!(
        svg,
        r#"<text class="axis" x="0" y="20">{}</text></svg>"#,
        max as u64
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_counted_in_utc() {
        let counts = hour_counts(&[0, 3_600_000 * 25, -3_600_000]);
        assert_eq!(counts[0], 1);
        assert_eq!(counts[1], 1);
        assert_eq!(counts[23], 1);
    }

    #[test]
    fn busiest_window_finds_the_night_shift() {
        let mut counts = [0u64; 24];
        for count in counts.iter_mut().take(8) {
            *count = 10;
        }
        assert_eq!(busiest_window(&counts), Some(0));
        assert_eq!(busiest_window(&[0; 24]), None);
    }

    #[test]
    fn labels_are_escaped_and_links_encoded() {
        let nodes = vec![Node {
            id: "person:x/<y>".into(),
            schema: "Person".into(),
            label: "<script>alert(1)</script>".into(),
            subject: true,
        }];
        let svg = entity_graph(&nodes, &[]);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("/entities/person%3Ax%2F%3Cy%3E"));
    }
}
