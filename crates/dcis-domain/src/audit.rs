//! The audit chain: an append-only log where each entry carries the SHA-256
//! of its content and of the entry before it. Editing, deleting, inserting or
//! reordering entries behind the system's back breaks the chain at the first
//! affected entry, which [`verify`] names.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash that stands before the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Update,
    Delete,
    /// Security events that change no record: log-in, log-out, failed log-in
    /// of a disabled account, and the like.
    Event,
    /// A read of restricted material (used by the access-control layer).
    Read,
}

impl AuditAction {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
            Self::Event => "event",
            Self::Read => "read",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Create,
            Self::Update,
            Self::Delete,
            Self::Event,
            Self::Read,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// One entry, as stored. Text fields are hashed exactly as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub id: String,
    pub at_ms: i64,
    pub installation: String,
    /// The acting user's id, or empty for the system itself.
    pub actor: String,
    /// The acting user's name at the time, for reading the log without joins.
    pub actor_name: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// JSON of the record before the change (empty for a creation).
    pub before: String,
    /// JSON of the record after the change (empty for a deletion).
    pub after: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// The hash of this entry's content chained to `prev_hash`. Each field is
    /// length-prefixed so that no two different entries hash the same input.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        let seq = self.seq.to_string();
        let at = self.at_ms.to_string();
        for field in [
            seq.as_str(),
            &self.id,
            &at,
            &self.installation,
            &self.actor,
            &self.actor_name,
            &self.action,
            &self.entity_type,
            &self.entity_id,
            &self.before,
            &self.after,
            &self.prev_hash,
        ] {
            h.update((field.len() as u64).to_be_bytes());
            h.update(field.as_bytes());
        }
        hex::encode(h.finalize())
    }

    /// Fills `prev_hash` and `hash` to append this entry after `prev`.
    pub fn seal(mut self, prev_hash: &str) -> Self {
        self.prev_hash = prev_hash.to_owned();
        self.hash = self.compute_hash();
        self
    }
}

/// Why the chain is broken at an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ChainBreak {
    /// The entry's content no longer matches its hash: it was edited.
    Edited { seq: i64 },
    /// The entry does not follow the one before it: entries before it were
    /// deleted, or it was inserted or moved.
    Unlinked { seq: i64, expected_seq: i64 },
    /// Entries at the end were removed: the chain head records more entries.
    Truncated { last_seq: i64, head_seq: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Edited { seq } => write!(
                f,
                "entry {seq} was edited: its content does not match its hash"
            ),
            Self::Unlinked { seq, expected_seq } => write!(
                f,
                "entry {seq} does not follow entry {}: entries were deleted, inserted or reordered here (expected entry {expected_seq})",
                expected_seq - 1
            ),
            Self::Truncated { last_seq, head_seq } => write!(
                f,
                "entries after {last_seq} were deleted: the chain head records {head_seq} entries"
            ),
        }
    }
}

/// Walks entries in storage order (by `seq`) and reports the first break.
/// `head` is the sequence number and hash the chain head records, if any.
#[derive(Debug, Default)]
pub struct Verifier {
    expected_seq: i64,
    prev_hash: String,
    pub checked: u64,
    pub first_break: Option<ChainBreak>,
}

impl Verifier {
    pub fn new() -> Self {
        Self {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_owned(),
            checked: 0,
            first_break: None,
        }
    }

    /// Feeds the next entry; returns false once a break has been found.
    pub fn push(&mut self, e: &AuditEntry) -> bool {
        if self.first_break.is_some() {
            return false;
        }
        self.checked += 1;
        if e.compute_hash() != e.hash {
            self.first_break = Some(ChainBreak::Edited { seq: e.seq });
            return false;
        }
        if e.seq != self.expected_seq || e.prev_hash != self.prev_hash {
            self.first_break = Some(ChainBreak::Unlinked {
                seq: e.seq,
                expected_seq: self.expected_seq,
            });
            return false;
        }
        self.expected_seq += 1;
        self.prev_hash = e.hash.clone();
        true
    }

    /// Compares the end of the walk with the chain head.
    pub fn finish(mut self, head_seq: i64, head_hash: &str) -> Result<u64, ChainBreak> {
        if let Some(b) = self.first_break.take() {
            return Err(b);
        }
        let last = self.expected_seq - 1;
        if head_seq > last {
            return Err(ChainBreak::Truncated {
                last_seq: last,
                head_seq,
            });
        }
        if head_seq < last || head_hash != self.prev_hash {
            // Entries were appended without going through the head.
            return Err(ChainBreak::Unlinked {
                seq: head_seq + 1,
                expected_seq: head_seq + 1,
            });
        }
        Ok(self.checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let e = AuditEntry {
                    seq,
                    id: format!("id-{seq}"),
                    at_ms: 1_700_000_000_000 + seq,
                    installation: "inst".into(),
                    actor: "u1".into(),
                    actor_name: "admin".into(),
                    action: "create".into(),
                    entity_type: "user".into(),
                    entity_id: format!("e{seq}"),
                    before: String::new(),
                    after: format!("{{\"n\":{seq}}}"),
                    prev_hash: String::new(),
                    hash: String::new(),
                }
                .seal(&prev);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(entries: &[AuditEntry], head: (i64, &str)) -> Result<u64, ChainBreak> {
        let mut v = Verifier::new();
        for e in entries {
            if !v.push(e) {
                break;
            }
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        let head = c[4].hash.clone();
        assert_eq!(verify(&c, (5, &head)), Ok(5));
        assert_eq!(verify(&[], (0, GENESIS_HASH)), Ok(0));
    }

    #[test]
    fn each_tampering_is_named_at_the_first_entry() {
        let c = chain(5);
        let head = c[4].hash.clone();

        let mut edited = c.clone();
        edited[2].after = "{\"n\":99}".into();
        assert_eq!(
            verify(&edited, (5, &head)),
            Err(ChainBreak::Edited { seq: 3 })
        );

        let mut deleted = c.clone();
        deleted.remove(1);
        assert_eq!(
            verify(&deleted, (5, &head)),
            Err(ChainBreak::Unlinked {
                seq: 3,
                expected_seq: 2
            })
        );

        let mut reordered = c.clone();
        reordered.swap(1, 3);
        assert_eq!(
            verify(&reordered, (5, &head)),
            Err(ChainBreak::Unlinked {
                seq: 4,
                expected_seq: 2
            })
        );

        // An entry forged and sealed against its predecessor, with the
        // following entries renumbered, still breaks at the next original.
        let mut inserted = c.clone();
        let forged = AuditEntry {
            seq: 3,
            entity_id: "forged".into(),
            ..c[2].clone()
        }
        .seal(&c[1].hash);
        inserted.insert(2, forged);
        for (i, e) in inserted.iter_mut().enumerate().skip(3) {
            e.seq = i as i64 + 1;
        }
        assert_eq!(
            verify(&inserted, (5, &head)),
            Err(ChainBreak::Edited { seq: 4 })
        );

        let truncated = &c[..3];
        assert_eq!(
            verify(truncated, (5, &head)),
            Err(ChainBreak::Truncated {
                last_seq: 3,
                head_seq: 5
            })
        );
    }
}
