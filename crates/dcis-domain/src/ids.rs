//! Typed identifiers. Every record id is a UUIDv7 (time-ordered, globally
//! unique) so that installations can exchange records without collisions.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub fn from_uuid(u: Uuid) -> Self {
                Self(u)
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

typed_id!(
    /// The installation (one server or laptop) that created a record.
    InstallationId
);
typed_id!(OrganisationId);
typed_id!(UnitId);
typed_id!(UserId);
typed_id!(ApiTokenId);
typed_id!(VillageId);
typed_id!(BorderCrossingId);
typed_id!(AuditEntryId);
typed_id!(
    /// A sharing group: a joint operation, a border network, the Mekong
    /// partners.
    SharingGroupId
);
typed_id!(ShareId);
typed_id!(AccessRequestId);
typed_id!(SeizureItemId);
typed_id!(
    /// An early-warning alert (`crate::alert`).
    AlertId
);

/// Makes a UUIDv7 from a time and 10 random bytes supplied by the caller,
/// so that id generation is a pure function of its inputs.
pub fn uuid_v7(at: time::OffsetDateTime, random: [u8; 10]) -> Uuid {
    let ms = u64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(ms, &random).into_uuid()
}

/// A source of fresh ids, given to the application at start (random in
/// production, a counter in tests).
pub trait IdSource: Send + Sync + 'static {
    fn new_uuid(&self, at: time::OffsetDateTime) -> Uuid;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v7_ids_sort_by_time_and_carry_the_version() {
        let t1 = time::macros::datetime!(2026-01-01 00:00 UTC);
        let t2 = time::macros::datetime!(2026-01-01 00:00:01 UTC);
        let a = uuid_v7(t1, [0xff; 10]);
        let b = uuid_v7(t2, [0x00; 10]);
        assert!(a < b);
        assert_eq!(a.get_version_num(), 7);
        assert_eq!(b.get_version_num(), 7);
    }
}
