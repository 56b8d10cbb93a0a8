//! Finding the first byte of interest eight bytes at a time: the one loop the escapers of
//! [`crate::inert`] and the quoted-printable writer share, each with its own byte test.

/// `0x01` in every byte of a word.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte of a word.
pub(crate) const HIGH: u64 = 0x8080_8080_8080_8080;
/// Every bit but the high one of every byte of a word.
pub(crate) const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The high bit of each byte of `x` equal to `c`, and of none other (no borrow between bytes).
pub(crate) fn equal(x: u64, c: u8) -> u64 {
    let t = x ^ (ONES * u64::from(c));
    !(((t & LOW7) + LOW7) | t) & HIGH
}

/// The high bit of the lowest byte of `x` equal to `c`, and perhaps of bytes above it (the borrow
/// out of an equal byte can flag the next ones, never one below): exact for the first equal byte,
/// which is all [`first_special`] reads, in fewer operations than [`equal`].
pub(crate) fn equal_lowest(x: u64, c: u8) -> u64 {
    let t = x ^ (ONES * u64::from(c));
    t.wrapping_sub(ONES) & !t & HIGH
}

/// The first position at or after `from` of a byte `special` holds for, or the length of `b`.
/// Whole words go through `flags` (eight bytes read little-endian; the result's high bits, of
/// which the lowest set must be that of the first special byte of the word, none when it has
/// none); the tail shorter than a word goes through `special`.
pub(crate) fn first_special(
    b: &[u8],
    from: usize,
    flags: impl Fn(u64) -> u64,
    special: impl Fn(&u8) -> bool,
) -> usize {
    let rest = b.get(from..).unwrap_or_default();
    let mut chunks = rest.chunks_exact(8);
    let mut at = from;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let flagged = flags(u64::from_le_bytes(word)) & HIGH;
        if flagged != 0 {
            return at + (flagged.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(special)
        .map_or(b.len(), |p| at + p)
}
