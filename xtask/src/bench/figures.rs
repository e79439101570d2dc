//! The `BENCH name=value unit [target<=X]` lines the bench binaries print,
//! and the statistics over runs.

use std::collections::BTreeMap;

/// A bound a figure should keep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    AtMost(f64),
    AtLeast(f64),
}

impl Target {
    pub fn met(self, value: f64) -> bool {
        match self {
            Target::AtMost(bound) => value <= bound,
            Target::AtLeast(bound) => value >= bound,
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::AtMost(bound) => write!(f, "≤ {bound}"),
            Target::AtLeast(bound) => write!(f, "≥ {bound}"),
        }
    }
}

/// One measurement of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub name: String,
    pub value: f64,
    pub unit: String,
    pub target: Option<Target>,
}

/// The figure of a `BENCH name=value unit [target<=X|target>=X]` line, else
/// `None`.
pub fn parse_line(line: &str) -> Option<Figure> {
    let rest = line.trim().strip_prefix("BENCH ")?;
    let mut words = rest.split_whitespace();
    let (name, value) = words.next()?.split_once('=')?;
    let value: f64 = value.parse().ok().filter(|v: &f64| v.is_finite())?;
    let mut unit = String::new();
    let mut target = None;
    for word in words {
        if let Some(bound) = word.strip_prefix("target<=") {
            target = Some(Target::AtMost(bound.parse().ok()?));
        } else if let Some(bound) = word.strip_prefix("target>=") {
            target = Some(Target::AtLeast(bound.parse().ok()?));
        } else {
            if !unit.is_empty() {
                unit.push(' ');
            }
            unit.push_str(word);
        }
    }
    if name.is_empty() {
        return None;
    }
    Some(Figure {
        name: name.to_string(),
        value,
        unit,
        target,
    })
}

/// The median and spread of one figure over the runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub runs: usize,
    pub unit: String,
    pub target: Option<Target>,
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Figures gathered over runs, by name, in the order first seen.
#[derive(Debug, Default)]
pub struct Collected {
    order: Vec<String>,
    values: BTreeMap<String, (Vec<f64>, String, Option<Target>)>,
}

impl Collected {
    pub fn add(&mut self, figure: Figure) {
        let entry = self.values.entry(figure.name.clone()).or_insert_with(|| {
            self.order.push(figure.name.clone());
            (Vec::new(), figure.unit.clone(), figure.target)
        });
        entry.0.push(figure.value);
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Each figure's statistics, in the order first seen.
    pub fn stats(&self) -> Vec<(String, Stats)> {
        self.order
            .iter()
            .map(|name| {
                let (values, unit, target) = &self.values[name];
                let stats = Stats {
                    median: median(values),
                    min: values.iter().copied().fold(f64::INFINITY, f64::min),
                    max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    runs: values.len(),
                    unit: unit.clone(),
                    target: *target,
                };
                (name.clone(), stats)
            })
            .collect()
    }
}

/// `value` with three significant digits or so.
pub fn number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 100.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else if magnitude >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bench_lines() {
        assert_eq!(
            parse_line("BENCH overhead.get.ratio=1.0312 x target<=1.05"),
            Some(Figure {
                name: "overhead.get.ratio".into(),
                value: 1.0312,
                unit: "x".into(),
                target: Some(Target::AtMost(1.05)),
            })
        );
        let figure = parse_line("  BENCH paging.1000.ours=5400 sessions/s").expect("a figure");
        assert_eq!((figure.unit.as_str(), figure.target), ("sessions/s", None));
        assert_eq!(
            parse_line("BENCH a=2 x target>=1").and_then(|f| f.target),
            Some(Target::AtLeast(1.0))
        );
        for not in [
            "overhead: 1.03× the baseline",
            "BENCH noequals 1",
            "BENCH a=NaN x",
            "BENCH =1 x",
            "BENCH a=1 x target<=z",
        ] {
            assert_eq!(parse_line(not), None, "{not}");
        }
    }

    #[test]
    fn medians_and_spread() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        let mut collected = Collected::default();
        for value in [1.2, 1.0, 1.1] {
            collected.add(Figure {
                name: "b".into(),
                value,
                unit: "x".into(),
                target: Some(Target::AtMost(1.05)),
            });
        }
        collected.add(Figure {
            name: "a".into(),
            value: 7.0,
            unit: "ms".into(),
            target: None,
        });
        let stats = collected.stats();
        assert_eq!(stats[0].0, "b", "the order first seen");
        assert_eq!(
            (stats[0].1.median, stats[0].1.min, stats[0].1.max),
            (1.1, 1.0, 1.2)
        );
        assert!(!stats[0].1.target.expect("a target").met(stats[0].1.median));
        assert_eq!(stats[1].1.runs, 1);
        assert_eq!(number(1234.5), "1234");
        assert_eq!(number(0.98765), "0.988");
    }
}
