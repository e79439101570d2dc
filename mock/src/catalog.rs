//! The checks the mock account holds: the built-in demo catalog and catalogs
//! loaded from JSON or YAML files.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How a check behaves whenever it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Behaviour {
    /// Every run passes.
    #[default]
    Pass,
    /// Every run fails, including every retry attempt.
    Fail,
    /// Every run passes but is degraded (`status` PASSED, `isDegraded` true).
    Degraded,
    /// The first attempt fails and a retry passes: with a retry strategy the
    /// session shows one failed ATTEMPT and a passed FINAL result; without
    /// retries the FINAL result fails.
    FailThenPass,
}

/// One check of the mock account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckDef {
    /// The check's id.
    pub id: Uuid,
    /// The check's name.
    pub name: String,
    /// The check type as the API spells it: `AGENTIC`, `API`, `BROWSER`,
    /// `HEARTBEAT`, `ICMP`, `MULTI_STEP`, `TCP`, `PLAYWRIGHT`, `URL` or `DNS`
    /// (checked by [`Catalog::validate`]).
    #[serde(default = "default_check_type")]
    pub check_type: String,
    /// The check's tags, matched case-sensitively by `target.matchTags`.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Deactivated checks only match a target with `allowDeactivated`.
    #[serde(default = "default_true")]
    pub activated: bool,
    /// What its runs produce.
    #[serde(default)]
    pub behaviour: Behaviour,
    /// How long one run takes, in simulated seconds (divided by the server's
    /// speed to get real time).
    #[serde(default = "default_duration")]
    pub duration_seconds: f64,
}

/// The check types the spec knows (`checkType` of `TestSessionResult`,
/// `CheckSession` and `CheckSessionResult`).
pub(crate) const CHECK_TYPES: [&str; 10] = [
    "AGENTIC",
    "API",
    "BROWSER",
    "HEARTBEAT",
    "ICMP",
    "MULTI_STEP",
    "TCP",
    "PLAYWRIGHT",
    "URL",
    "DNS",
];

fn default_check_type() -> String {
    "API".to_owned()
}

fn default_true() -> bool {
    true
}

fn default_duration() -> f64 {
    2.0
}

/// The checks of the mock account, in a stable order.
///
/// File format (JSON, or the same shape in YAML):
///
/// ```json
/// { "checks": [
///   { "id": "8e1e1b6a-3c4f-4b8e-9a51-2f7d0c1e5a01", "name": "Homepage",
///     "checkType": "URL", "tags": ["production"], "activated": true,
///     "behaviour": "pass", "durationSeconds": 1.5 }
/// ] }
/// ```
///
/// `checkType` defaults to `API` and must be one of the spec's values
/// (`AGENTIC`, `API`, `BROWSER`, `HEARTBEAT`, `ICMP`, `MULTI_STEP`, `TCP`,
/// `PLAYWRIGHT`, `URL`, `DNS`), `tags` default to none, `activated` to
/// true, `behaviour` to `pass` (or `fail`, `degraded`, `failThenPass`) and
/// `durationSeconds` to 2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Catalog {
    /// The checks, in the order sessions list their results.
    pub checks: Vec<CheckDef>,
}

/// The account's demo checks: `(id suffix, name, type, tags, activated, behaviour, seconds)`.
type DemoRow = (
    u16,
    &'static str,
    &'static str,
    &'static [&'static str],
    bool,
    Behaviour,
    f64,
);

const DEMO: &[DemoRow] = &[
    (
        1,
        "Homepage",
        "URL",
        &["production", "web"],
        true,
        Behaviour::Pass,
        1.2,
    ),
    (
        2,
        "Public API health",
        "API",
        &["production", "api"],
        true,
        Behaviour::Pass,
        1.5,
    ),
    (
        3,
        "Login flow",
        "BROWSER",
        &["production", "browser", "web"],
        true,
        Behaviour::Pass,
        3.5,
    ),
    (
        4,
        "Checkout journey",
        "MULTI_STEP",
        &["production", "api", "checkout"],
        true,
        Behaviour::Pass,
        3.0,
    ),
    (
        5,
        "Storefront end-to-end",
        "PLAYWRIGHT",
        &["production", "browser", "e2e"],
        true,
        Behaviour::Pass,
        4.0,
    ),
    (
        6,
        "Database port",
        "TCP",
        &["production", "infra"],
        true,
        Behaviour::Pass,
        1.0,
    ),
    (
        7,
        "Nightly backup heartbeat",
        "HEARTBEAT",
        &["production", "infra"],
        true,
        Behaviour::Pass,
        1.0,
    ),
    (
        8,
        "Staging search API",
        "API",
        &["staging", "api", "failing"],
        true,
        Behaviour::Fail,
        2.0,
    ),
    (
        9,
        "Staging dashboard",
        "BROWSER",
        &["staging", "browser", "degraded"],
        true,
        Behaviour::Degraded,
        3.0,
    ),
    (
        10,
        "Payments API",
        "API",
        &["staging", "api", "flaky"],
        true,
        Behaviour::FailThenPass,
        2.5,
    ),
    (
        11,
        "Full regression suite",
        "PLAYWRIGHT",
        &["staging", "e2e", "slow"],
        true,
        Behaviour::Pass,
        20.0,
    ),
    (
        12,
        "Legacy ping",
        "ICMP",
        &["legacy", "production"],
        false,
        Behaviour::Fail,
        1.0,
    ),
];

/// The id of demo check number `n` (1-based): `dec0de00-0000-4000-8000-0000000000NN`
/// with `NN` the number in hexadecimal.
pub fn demo_check_id(n: u16) -> Uuid {
    Uuid::from_u128(0xdec0_de00_0000_4000_8000_0000_0000_0000 | u128::from(n))
}

impl Catalog {
    /// The built-in demo catalog; the crate documentation lists its checks.
    pub fn demo() -> Self {
        let checks = DEMO
            .iter()
            .map(
                |&(n, name, check_type, tags, activated, behaviour, duration_seconds)| CheckDef {
                    id: demo_check_id(n),
                    name: name.to_owned(),
                    check_type: check_type.to_owned(),
                    tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                    activated,
                    behaviour,
                    duration_seconds,
                },
            )
            .collect();
        Self { checks }
    }

    /// Loads a catalog from a `.json`, `.yaml` or `.yml` file and checks it
    /// with [`validate`](Self::validate).
    pub fn from_path(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let catalog: Catalog = match ext.as_deref() {
            Some("json") => serde_json::from_str(&text)
                .map_err(|e| format!("invalid catalog {}: {e}", path.display()))?,
            Some("yaml" | "yml") => serde_yaml_ng::from_str(&text)
                .map_err(|e| format!("invalid catalog {}: {e}", path.display()))?,
            _ => {
                return Err(format!(
                    "unsupported catalog file {}: use .json, .yaml or .yml",
                    path.display()
                ));
            }
        };
        catalog
            .validate()
            .map_err(|e| format!("invalid catalog {}: {e}", path.display()))?;
        Ok(catalog)
    }

    /// Checks the catalog's invariants (unique ids, non-empty names, check
    /// types the spec knows, finite non-negative durations);
    /// `from_path` calls it.
    pub fn validate(&self) -> Result<(), String> {
        let mut seen = HashSet::new();
        for (i, check) in self.checks.iter().enumerate() {
            if !seen.insert(check.id) {
                return Err(format!("checks[{i}].id {} is used twice", check.id));
            }
            if check.name.is_empty() {
                return Err(format!("checks[{i}].name must not be empty"));
            }
            if !CHECK_TYPES.contains(&check.check_type.as_str()) {
                return Err(format!(
                    "checks[{i}].checkType of check {:?} ({}) must be one of {}, not {:?}",
                    check.name,
                    check.id,
                    CHECK_TYPES.join(", "),
                    check.check_type
                ));
            }
            if !check.duration_seconds.is_finite() || check.duration_seconds < 0.0 {
                return Err(format!(
                    "checks[{i}].durationSeconds must be a finite number >= 0"
                ));
            }
        }
        Ok(())
    }

    /// The check with this id.
    pub fn get(&self, id: Uuid) -> Option<&CheckDef> {
        self.checks.iter().find(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_is_valid_and_production_only_passes() {
        let demo = Catalog::demo();
        assert!(demo.validate().is_ok());
        let production: Vec<_> = demo
            .checks
            .iter()
            .filter(|c| c.activated && c.tags.iter().any(|t| t == "production"))
            .collect();
        assert_eq!(production.len(), 7);
        assert!(production.iter().all(|c| c.behaviour == Behaviour::Pass));
        let failing: Vec<_> = demo
            .checks
            .iter()
            .filter(|c| c.activated && c.tags.iter().any(|t| t == "failing"))
            .collect();
        assert!(!failing.is_empty() && failing.iter().all(|c| c.behaviour == Behaviour::Fail));
        assert_eq!(
            demo_check_id(10).to_string(),
            "dec0de00-0000-4000-8000-00000000000a"
        );
    }

    #[test]
    fn file_format_defaults_and_errors() {
        let dir = std::env::temp_dir().join(format!("checkly-mock-cat-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let yaml = dir.join("c.yaml");
        std::fs::write(
            &yaml,
            "checks:\n  - id: 8e1e1b6a-3c4f-4b8e-9a51-2f7d0c1e5a01\n    name: Home\n    behaviour: failThenPass\n",
        )
        .expect("write");
        let cat = Catalog::from_path(&yaml).expect("valid yaml");
        assert_eq!(cat.checks[0].check_type, "API");
        assert!(cat.checks[0].activated);
        assert_eq!(cat.checks[0].behaviour, Behaviour::FailThenPass);

        let json = dir.join("c.json");
        std::fs::write(&json, r#"{"checks":[{"id":"8e1e1b6a-3c4f-4b8e-9a51-2f7d0c1e5a01","name":"A"},{"id":"8e1e1b6a-3c4f-4b8e-9a51-2f7d0c1e5a01","name":"B"}]}"#).expect("write");
        let err = Catalog::from_path(&json).expect_err("duplicate id");
        assert!(err.contains("used twice"), "{err}");

        let grpc = dir.join("grpc.yml");
        std::fs::write(
            &grpc,
            "checks:\n  - id: 8e1e1b6a-3c4f-4b8e-9a51-2f7d0c1e5a02\n    name: Streams\n    checkType: GRPC\n",
        )
        .expect("write");
        let err = Catalog::from_path(&grpc).expect_err("unknown check type");
        assert!(
            err.contains("checks[0].checkType")
                && err.contains("\"Streams\"")
                && err.contains("8e1e1b6a-3c4f-4b8e-9a51-2f7d0c1e5a02")
                && err.contains("\"GRPC\""),
            "{err}"
        );
        let lower = Catalog {
            checks: vec![CheckDef {
                check_type: "api".to_owned(),
                ..cat.checks[0].clone()
            }],
        };
        assert!(lower.validate().is_err(), "check types are case-sensitive");

        let txt = dir.join("c.txt");
        std::fs::write(&txt, "").expect("write");
        assert!(Catalog::from_path(&txt).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
