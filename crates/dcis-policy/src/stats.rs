//! Aggregates: which cases an actor's figures are computed over, and which
//! figures may be shown (`docs/access-policy.md`, "Aggregates").
//!
//! A user who may analyse sees figures over **every** case whose province
//! lies in their geographic scope, whoever owns it and however it is
//! classified or marked, so that everyone with the same scope sees the same
//! numbers. What protects the records is that no figure computed from
//! fewer than [`MIN_CELL`] cases is shown: [`StatsScope::suppressed`]
//! decides, for a whole table at once, which cells are hidden.

use crate::{Actor, Denied};
use dcis_domain::geo::ProvinceCode;
use dcis_domain::role::{GeoScope, Permission};

/// The smallest number of cases a shown figure may come from. One
/// installation-wide setting, here and nowhere else.
pub const MIN_CELL: i64 = 3;

/// Which cases an actor's aggregates cover. Only [`StatsScope::for_actor`]
/// builds one, so no statistics query can be written without it.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsScope {
    /// `None` for a national scope, else the provinces.
    provinces: Option<Vec<ProvinceCode>>,
    min_cell: i64,
}

impl StatsScope {
    /// The scope of an actor who may analyse (403 otherwise).
    pub fn for_actor(actor: &Actor) -> Result<Self, Denied> {
        actor.require(Permission::Analyse)?;
        Ok(Self {
            provinces: match &actor.scope {
                GeoScope::National => None,
                GeoScope::Provinces(set) => Some(set.iter().copied().collect()),
            },
            min_cell: MIN_CELL,
        })
    }

    /// `None` for every province.
    pub fn provinces(&self) -> Option<&[ProvinceCode]> {
        self.provinces.as_deref()
    }

    pub fn covers(&self, p: ProvinceCode) -> bool {
        self.provinces.as_ref().is_none_or(|ps| ps.contains(&p))
    }

    /// A province a report is asked for: refused (403, "outside your scope") when the
    /// actor's figures do not cover it. The dashboard's filter says the same as a field error.
    pub fn require_province(&self, p: ProvinceCode) -> Result<(), Denied> {
        if self.covers(p) {
            Ok(())
        } else {
            Err(Denied::OutsideScope)
        }
    }

    pub fn min_cell(&self) -> i64 {
        self.min_cell
    }

    /// May a figure computed from `cases` cases be shown on its own? Zero
    /// is shown: "nothing" discloses no record.
    pub fn shows(&self, cases: i64) -> bool {
        cases == 0 || cases >= self.min_cell
    }

    /// Which cells of a table are hidden. Each cell is its keys (one per
    /// axis) and its number of cases. A cell of 1 to `min_cell − 1` cases
    /// is hidden (primary suppression); and where exactly one cell among
    /// siblings (cells that differ only in their last key) is hidden, the
    /// smallest other non-zero sibling is hidden too (secondary
    /// suppression), so that the hidden one cannot be found by subtracting
    /// the shown ones from a total along that axis. Totals along the other
    /// axes are not protected this way; `docs/analysis.md` says so.
    pub fn suppressed<K: Ord>(&self, cells: &[(&[K], i64)]) -> Vec<bool> {
        let mut hidden: Vec<bool> = cells.iter().map(|(_, n)| !self.shows(*n)).collect();
        // Siblings share every key but the last (and the number of keys):
        // grouped in one pass, so a table of thousands of cells costs
        // n log n, not n squared.
        let mut siblings: std::collections::BTreeMap<(usize, &[K]), Vec<usize>> =
            std::collections::BTreeMap::new();
        for (i, (k, _)) in cells.iter().enumerate() {
            let head = k.len().saturating_sub(1);
            siblings.entry((k.len(), &k[..head])).or_default().push(i);
        }
        for group in siblings.values() {
            if group.iter().filter(|&&j| hidden[j]).count() == 1 {
                let other = group
                    .iter()
                    .copied()
                    .filter(|&j| !hidden[j] && cells[j].1 > 0)
                    .min_by_key(|&j| cells[j].1);
                if let Some(j) = other {
                    hidden[j] = true;
                }
            }
        }
        hidden
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dcis_domain::role::{Clearance, Role};
    use dcis_domain::user::UserName;

    fn actor(role: Role, scope: &str) -> Actor {
        Actor {
            user: "01890000-0000-7000-8000-000000000001".parse().unwrap(),
            username: UserName::parse("tester").unwrap(),
            unit: "01890000-0000-7000-8000-000000000002".parse().unwrap(),
            organisation: "01890000-0000-7000-8000-000000000003".parse().unwrap(),
            role,
            scope: GeoScope::parse(scope).unwrap(),
            clearance: Clearance::Unclassified,
            token: None,
        }
    }

    #[test]
    fn only_analysts_and_supervisors_get_a_scope() {
        for (role, ok) in [
            (Role::Analyst, true),
            (Role::Supervisor, true),
            (Role::DataClerk, false),
            (Role::Administrator, false),
            (Role::LiaisonOfficer, false),
        ] {
            assert_eq!(
                StatsScope::for_actor(&actor(role, "national")).is_ok(),
                ok,
                "{role:?}"
            );
        }
        let s = StatsScope::for_actor(&actor(Role::Analyst, "03,05")).unwrap();
        assert!(s.covers(ProvinceCode::parse("05").unwrap()));
        assert!(!s.covers(ProvinceCode::parse("01").unwrap()));
        // Clearance plays no part: the figures are the same for everyone
        // with the same scope.
        let mut secret = actor(Role::Analyst, "03,05");
        secret.clearance = Clearance::Secret;
        assert_eq!(StatsScope::for_actor(&secret).unwrap(), s);
    }

    #[test]
    fn small_cells_and_their_complement_are_hidden() {
        let s = StatsScope::for_actor(&actor(Role::Analyst, "national")).unwrap();
        let k = |a: &'static str, b: &'static str| vec![a, b];
        let keys = [
            k("01", "A"),
            k("01", "B"),
            k("01", "C"),
            k("01", "D"),
            k("02", "A"),
            k("02", "B"),
            k("03", "A"),
            k("03", "B"),
        ];
        let cases = [2, 10, 4, 0, 1, 1, 7, 9];
        let cells: Vec<(&[&str], i64)> = keys
            .iter()
            .zip(cases)
            .map(|(k, n)| (k.as_slice(), n))
            .collect();
        assert_eq!(
            s.suppressed(&cells),
            // 01: A is small, and C (the smallest other non-zero) goes with
            // it; 02: two small cells protect each other; 03: nothing.
            vec![true, false, true, false, true, true, false, false]
        );
        let single: Vec<(&[&str], i64)> = vec![(&["x"][..], 2)];
        assert_eq!(s.suppressed(&single), vec![true]);
        assert!(s.shows(0) && s.shows(3) && !s.shows(1) && !s.shows(2));
    }
}
