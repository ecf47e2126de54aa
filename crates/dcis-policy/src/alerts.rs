//! Who may see early-warning alerts, and how much of one
//! (`docs/access-policy.md`, "Alerts").
//!
//! An alert is an aggregate statement about a province (or, with no
//! province, the country). Actors with the analysis permission see the
//! alerts of the provinces their scope covers; national alerts only with a
//! national scope. The figures of an alert that rests on fewer than
//! [`MIN_CELL`] cases could point at a case, so they are shown only to an
//! actor who may read every case behind it.

use crate::{Actor, Denied};
use dcis_domain::geo::ProvinceCode;
use dcis_domain::role::{GeoScope, Permission};

/// The smallest number of cases behind a figure that is shown to anyone
/// who may see the alert (smaller cells are suppressed, as for every
/// aggregate): the installation's one threshold, `crate::stats::MIN_CELL`.
pub const MIN_CELL: i64 = crate::stats::MIN_CELL;

/// The alerts an actor may see. Built only here, from an actor with the
/// analysis permission; the store renders it into SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertScope {
    /// `None`: national (every alert); otherwise these provinces' alerts.
    provinces: Option<Vec<ProvinceCode>>,
}

impl AlertScope {
    /// The scope of `actor`, or `Denied` without the analysis permission.
    pub fn of(actor: &Actor) -> Result<Self, Denied> {
        actor.require(Permission::Analyse)?;
        Ok(Self {
            provinces: match &actor.scope {
                GeoScope::National => None,
                GeoScope::Provinces(ps) => Some(ps.iter().copied().collect()),
            },
        })
    }

    /// The provinces whose alerts are visible; `None` for all (national).
    pub fn provinces(&self) -> Option<&[ProvinceCode]> {
        self.provinces.as_deref()
    }

    /// May the holder see an alert about `province` (`None`: national)?
    pub fn covers(&self, province: Option<ProvinceCode>) -> bool {
        match &self.provinces {
            None => true,
            Some(ps) => province.is_some_and(|p| ps.contains(&p)),
        }
    }
}

/// How much of an alert an actor sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    /// Everything: the figures, and links to the cases the actor may read.
    Full,
    /// The rule, subject, period and province, without the figures or
    /// anything naming a case: the alert rests on fewer than
    /// [`MIN_CELL`] cases and the actor may not read them all.
    Withheld,
}

/// The disclosure of an alert behind `case_count` cases, whose stored case
/// ids number `stored`, of which `readable` are readable by the actor. A
/// small alert is shown in full only when the actor may read every case it
/// names and those are all the cases behind it: counts alone would let one
/// readable case unrelated to the figures stand in for an unreadable one.
pub fn disclosure(case_count: i64, stored: usize, readable: usize) -> Disclosure {
    let all_read = readable == stored && i64::try_from(stored).is_ok_and(|s| s >= case_count);
    if case_count >= MIN_CELL || all_read {
        Disclosure::Full
    } else {
        Disclosure::Withheld
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_alerts_need_every_case_readable() {
        // (cases behind, ids stored, readable, expected), written out from
        // the page.
        let table = [
            (1, 1, 0, Disclosure::Withheld),
            (1, 1, 1, Disclosure::Full),
            (2, 2, 1, Disclosure::Withheld),
            (2, 2, 2, Disclosure::Full),
            // One readable case among stored ids that are not all read.
            (1, 2, 1, Disclosure::Withheld),
            // Fewer ids stored than cases behind: not all are known read.
            (2, 1, 1, Disclosure::Withheld),
            (3, 3, 0, Disclosure::Full),
            (40, 0, 0, Disclosure::Full),
            (0, 0, 0, Disclosure::Full),
        ];
        for (n, s, r, d) in table {
            assert_eq!(
                disclosure(n, s, r),
                d,
                "{n} cases, {s} stored, {r} readable"
            );
        }
    }
}
