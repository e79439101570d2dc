//! Which checks a trigger's `target` selects.
//!
//! `matchTags` is a list of tag groups. A check matches a group when it has
//! every tag of the group and none of the group's `!tag` entries; it matches
//! the tags when it matches any group. `checkId` selects checks by id. When a
//! target gives both, a check matches when it matches either (union). A
//! target with neither (or with both empty) selects every eligible check.
//! Eligible means activated, or any check when `allowDeactivated` is set;
//! a deactivated check is not selected even when its id is listed, unless
//! `allowDeactivated` is set. Tags compare case-sensitively.

use uuid::Uuid;

use crate::catalog::{Catalog, CheckDef};

/// A validated `target` of a trigger request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Target {
    /// The tag groups, if given.
    pub match_tags: Vec<Vec<String>>,
    /// The check ids, if given.
    pub check_ids: Vec<Uuid>,
    /// Whether deactivated checks may match.
    pub allow_deactivated: bool,
}

/// Whether `tags` satisfy one tag group.
pub(crate) fn matches_group(tags: &[String], group: &[String]) -> bool {
    group.iter().all(|wanted| match wanted.strip_prefix('!') {
        Some(excluded) => !tags.iter().any(|t| t == excluded),
        None => tags.iter().any(|t| t == wanted),
    })
}

/// Whether `check` is selected by `target` (`None`: no target at all).
pub(crate) fn matches(check: &CheckDef, target: Option<&Target>) -> bool {
    let allow_deactivated = target.is_some_and(|t| t.allow_deactivated);
    if !check.activated && !allow_deactivated {
        return false;
    }
    let Some(target) = target else {
        return true;
    };
    if target.match_tags.is_empty() && target.check_ids.is_empty() {
        return true;
    }
    target.check_ids.contains(&check.id)
        || target
            .match_tags
            .iter()
            .any(|group| matches_group(&check.tags, group))
}

/// The selected checks, in catalog order.
pub(crate) fn select<'a>(catalog: &'a Catalog, target: Option<&Target>) -> Vec<&'a CheckDef> {
    catalog
        .checks
        .iter()
        .filter(|c| matches(c, target))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::demo_check_id;

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn names(target: Option<&Target>) -> Vec<String> {
        select(&Catalog::demo(), target)
            .into_iter()
            .map(|c| c.name.clone())
            .collect()
    }

    fn by_tags(groups: &[&[&str]]) -> Target {
        Target {
            match_tags: groups.iter().map(|g| tags(g)).collect(),
            ..Target::default()
        }
    }

    #[test]
    fn group_is_and_with_negation() {
        let t = tags(&["production", "api"]);
        assert!(matches_group(&t, &tags(&["production"])));
        assert!(matches_group(&t, &tags(&["production", "api"])));
        assert!(!matches_group(&t, &tags(&["production", "browser"])));
        assert!(!matches_group(&t, &tags(&["production", "!api"])));
        assert!(matches_group(&t, &tags(&["production", "!browser"])));
        assert!(matches_group(&t, &[]));
    }

    #[test]
    fn groups_are_or() {
        let n = names(Some(&by_tags(&[&["failing"], &["flaky"]])));
        assert_eq!(n, vec!["Staging search API", "Payments API"]);
    }

    #[test]
    fn no_target_selects_activated() {
        assert_eq!(names(None).len(), 11);
        let all = Target {
            allow_deactivated: true,
            ..Target::default()
        };
        assert_eq!(names(Some(&all)).len(), 12);
    }

    #[test]
    fn check_ids_union_with_tags_and_deactivated() {
        let t = Target {
            match_tags: vec![tags(&["failing"])],
            check_ids: vec![demo_check_id(1), demo_check_id(12)],
            allow_deactivated: false,
        };
        assert_eq!(names(Some(&t)), vec!["Homepage", "Staging search API"]);
        let t = Target {
            allow_deactivated: true,
            ..t
        };
        assert_eq!(
            names(Some(&t)),
            vec!["Homepage", "Staging search API", "Legacy ping"]
        );
    }

    #[test]
    fn nothing_matches_unknown_tag() {
        assert!(names(Some(&by_tags(&[&["no-such-tag"]]))).is_empty());
    }
}
