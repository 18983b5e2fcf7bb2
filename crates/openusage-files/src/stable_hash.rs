//! A hash whose values may be kept on disk: FNV-1a is defined byte by byte
//! and never changes, so a later run (or a later version) compares what an
//! earlier one saved: the cache's file checks and the cache files' names.
//! The maps in memory use `rustc-hash`, whose output may change between its
//! versions and so is never saved.

/// FNV-1a, 64 bits.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_values_are_those_of_the_published_fnv1a_test_vectors() {
        // From the FNV reference test suite (Noll), 64-bit FNV-1a.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
