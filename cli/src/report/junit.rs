//! The `junit` reporter: JUnit XML built with `quick-junit`. One test suite
//! (the session) with one test case per finished check; a failed check is a
//! `<failure>` whose message carries the result's link, a cancelled one is
//! `<skipped>`.

use std::time::Duration;

use quick_junit::{
    NonSuccessKind, Property, Report as JunitReport, TestCase, TestCaseStatus, TestSuite,
};

use super::Report;
use crate::session::Verdict;

/// Renders the report as JUnit XML.
pub fn render(report: &Report) -> anyhow::Result<String> {
    let suite_name = report
        .session
        .as_ref()
        .map_or("No matching checks", |s| s.name.as_str());
    let mut suite = TestSuite::new(suite_name);
    if let Some(session) = &report.session {
        suite.set_timestamp(session.started_at);
        suite.set_time(Duration::from_millis(session.duration_ms()));
        suite.add_property(Property::new("testSessionId", session.id.to_string()));
        suite.add_property(Property::new("testSessionLink", session.link.as_str()));
        suite.add_property(Property::new("status", session.status.to_string()));
    }
    suite.add_property(Property::new("outcome", report.outcome.as_str()));
    for row in &report.rows {
        let status = match row.verdict {
            Verdict::Passed | Verdict::Degraded => TestCaseStatus::success(),
            Verdict::Failed => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                let attempts = if row.attempts > 1 {
                    format!(" after {} attempts", row.attempts)
                } else {
                    String::new()
                };
                status.set_message(format!("{} failed{attempts}: {}", row.name, row.link));
                status.set_type(row.check_type.to_string());
                status.set_description(format!("Result: {}", row.link));
                status
            }
            Verdict::Cancelled => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(format!("cancelled: {}", row.link));
                status
            }
        };
        let mut case = TestCase::new(case_name(row), status);
        case.set_classname(format!(
            "checkly.{}",
            row.check_type.as_str().to_lowercase()
        ));
        if let Some(ms) = row.duration_ms {
            case.set_time(Duration::from_millis(ms));
        }
        case.add_property(Property::new("link", row.link.as_str()));
        case.add_property(Property::new("attempts", row.attempts.to_string()));
        if row.verdict == Verdict::Degraded {
            case.add_property(Property::new("degraded", "true"));
        }
        suite.add_test_case(case);
    }
    let mut junit = JunitReport::new("checkly");
    junit.add_test_suite(suite);
    let mut xml = junit.to_string()?;
    if !xml.ends_with('\n') {
        xml.push('\n');
    }
    Ok(xml)
}

fn case_name(row: &crate::session::ResultRow) -> String {
    if row.location.is_empty() {
        row.name.clone()
    } else {
        format!("{} [{}]", row.name, row.location)
    }
}
