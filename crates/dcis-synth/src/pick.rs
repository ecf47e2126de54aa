//! Sampling helpers on integers only, so that the same seed gives the same
//! data on every platform (no floating point, whose `ln`/`exp` may round
//! differently from one libm to another).

use rand::Rng;

/// Picks from a weighted table. Zero weights are never picked; a table whose
/// weights are all zero gives its first entry.
pub(crate) fn pick<'a, T, R: Rng + ?Sized>(rng: &mut R, table: &'a [(T, u32)]) -> &'a T {
    let total: u64 = table.iter().map(|(_, w)| u64::from(*w)).sum();
    if total == 0 {
        return &table[0].0;
    }
    let mut r = rng.gen_range(0..total);
    for (v, w) in table {
        let w = u64::from(*w);
        if r < w {
            return v;
        }
        r -= w;
    }
    &table[table.len() - 1].0
}

/// Like [`pick`], but only among the entries `keep` accepts; `None` if it
/// accepts none with a weight.
pub(crate) fn pick_where<'a, T, R: Rng + ?Sized>(
    rng: &mut R,
    table: &'a [(T, u32)],
    keep: impl Fn(&T) -> bool,
) -> Option<&'a T> {
    let total: u64 = table
        .iter()
        .filter(|(v, _)| keep(v))
        .map(|(_, w)| u64::from(*w))
        .sum();
    if total == 0 {
        return None;
    }
    let mut r = rng.gen_range(0..total);
    for (v, w) in table.iter().filter(|(v, _)| keep(v)) {
        let w = u64::from(*w);
        if r < w {
            return Some(v);
        }
        r -= w;
    }
    None
}

/// True with probability `per_mille`/1000.
pub(crate) fn chance<R: Rng + ?Sized>(rng: &mut R, per_mille: u32) -> bool {
    rng.gen_range(0..1000) < per_mille
}

/// A heavy-tailed amount: a bucket `[lo, hi)` is picked by weight, then a
/// value uniformly inside it. With geometric buckets and falling weights
/// this approximates a log-normal or Pareto tail without floating point.
pub(crate) fn bucket<R: Rng + ?Sized>(rng: &mut R, buckets: &[((u64, u64), u32)]) -> u64 {
    let (lo, hi) = *pick(rng, buckets);
    if hi <= lo + 1 {
        lo
    } else {
        rng.gen_range(lo..hi)
    }
}

/// Rounds large values the way seizure reports do (two or three
/// significant figures): 123 456 → 123 000, 4 567 891 → 4 600 000.
pub(crate) fn round_like_a_report<R: Rng + ?Sized>(rng: &mut R, v: u64) -> u64 {
    if v < 1000 || chance(rng, 150) {
        return v;
    }
    let mut unit = 1u64;
    let sig = if chance(rng, 500) { 100 } else { 10 };
    while v / unit >= sig {
        unit *= 10;
    }
    ((v + unit / 2) / unit).max(1) * unit
}

/// A decimal string of `thousandths / 1000` without trailing zeros
/// (`1250` → `1.25`, `3000` → `3`).
pub(crate) fn milli(thousandths: u64) -> String {
    let whole = thousandths / 1000;
    let frac = thousandths % 1000;
    if frac == 0 {
        whole.to_string()
    } else {
        let s = format!("{whole}.{frac:03}");
        s.trim_end_matches('0').to_owned()
    }
}

/// SplitMix64: a fixed, well-mixed hash of a 64-bit value, for per-person
/// and per-(person, agency) choices that must not depend on the order in
/// which cases are generated.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milli_formats_exact_decimals() {
        assert_eq!(milli(1250), "1.25");
        assert_eq!(milli(3000), "3");
        assert_eq!(milli(5), "0.005");
        assert_eq!(milli(1_050), "1.05");
    }
}
