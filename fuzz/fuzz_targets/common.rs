//! Shared by the targets.

use std::sync::Once;

static HOOK: Once = Once::new();

/// libfuzzer-sys aborts on every panic, before any `catch_unwind` runs.
/// The XLSX reader catches panics raised inside calamine (its cell
/// reference arithmetic overflows on hostile input in builds with
/// overflow checks, such as this one) and refuses the file, so those are
/// let through to that `catch_unwind`; every other panic still aborts
/// and is a finding.
pub fn let_calamine_panics_unwind() {
    HOOK.call_once(|| {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|l| l.file().contains("/calamine-"));
            if !in_calamine {
                abort(info);
            }
        }));
    });
}
