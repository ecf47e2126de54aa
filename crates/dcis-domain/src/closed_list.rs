//! The shape every closed list of choices shares: `ALL`, `as_str()` (the
//! snake_case form used in storage and on the wire) and `parse()`.
//!
//! `parse` is forgiving about how a choice is typed, because the same
//! function serves forms, the API and spreadsheet imports: surrounding
//! spaces are trimmed, letters are compared without regard to case, and
//! spaces or hyphens count as underscores (`Under investigation` and
//! `under-investigation` are `under_investigation`). Anything else is
//! `err-choice` on the list's field, with the value as typed.

macro_rules! closed_list {
    (
        $(#[$meta:meta])*
        $name:ident, field = $field:literal,
        { $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $wire)] $variant ),+
        }

        impl $name {
            /// Every choice, in the order forms show them.
            pub const ALL: &'static [$name] = &[ $( Self::$variant ),+ ];

            /// The form used in storage and on the wire.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $( Self::$variant => $wire ),+
                }
            }

            pub fn parse(s: &str) -> Result<Self, $crate::error::FieldError> {
                let t = s.trim();
                let wanted = $crate::closed_list::choice_key(t);
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| $crate::closed_list::choice_key(v.as_str()) == wanted)
                    .ok_or_else(|| {
                        $crate::error::FieldError::new($field, "err-choice").with("value", t)
                    })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use closed_list;

/// The comparison form of a choice: lower-case, with spaces and hyphens as
/// underscores.
pub(crate) fn choice_key(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}
