//! File names for notices: one per recipient (and part), never two recipients on one name.

/// Longest name kept whole (before `~partN.eml`).
pub const MAX_NAME_BYTES: usize = 200;
/// Length a longer name is cut to before its hash.
pub const CUT_NAME_BYTES: usize = 180;

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The file name of the notice for `address`, part `part` of `parts` (see the
/// mapping below).
///
/// ```
/// use notice_render::notice_file_name;
/// assert_eq!(notice_file_name("Abuse@Example.NL", 1, 1), "abuse@example.nl.eml");
/// assert_ne!(notice_file_name("a!b@x.example", 1, 1), notice_file_name("a#b@x.example", 1, 1));
/// assert_eq!(notice_file_name("a_b@x", 2, 3), "a_5fb@x~part2.eml");
/// ```
///
/// The mapping, from the recipient's key (the address trimmed, in ASCII lower case, as
/// [`aggregate`](crate::aggregate()) tells recipients apart: recipients told apart by it are the
/// ones that get separate notices, so names also differ on case-insensitive file systems):
/// - `a-z`, `0-9`, `@`, `.`, `+` and `-` are kept, except a `.` at the start;
/// - every other byte of the UTF-8 address, `_` included, is written `_xx`, its two lower-case
///   hex digits (`a!b@x.example` → `a_21b@x.example`, `a#b@x.example` → `a_23b@x.example`);
///   so the name decodes back to the key, and two keys never share a name;
/// - a name longer than [`MAX_NAME_BYTES`] is cut to [`CUT_NAME_BYTES`] and followed by `~` and
///   the 16 hex digits of the key's 64-bit FNV-1a hash (`~` is never kept, so a cut name cannot
///   equal an uncut one);
/// - a recipient with several notices gets `~partN` before the extension (`N` from 1), which no
///   key can produce either; the extension is `.eml`; an empty key is `_`.
pub fn notice_file_name(address: &str, part: usize, parts: usize) -> String {
    let key = crate::aggregate::recipient_key(address);
    let mut name = String::with_capacity(key.len() + 16);
    for (i, b) in key.bytes().enumerate() {
        let keep = b.is_ascii_lowercase()
            || b.is_ascii_digit()
            || matches!(b, b'@' | b'+' | b'-')
            || (b == b'.' && i > 0);
        if keep {
            name.push(char::from(b));
        } else {
            name.push('_');
            name.push(char::from(HEX[usize::from(b >> 4)]));
            name.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    if name.is_empty() {
        name.push('_');
    }
    if name.len() > MAX_NAME_BYTES {
        // Every byte of `name` is ASCII, so any cut is on a character boundary.
        name.truncate(CUT_NAME_BYTES);
        name.push('~');
        let h = fnv1a(key.as_bytes());
        for shift in (0..16).rev() {
            name.push(char::from(HEX[((h >> (shift * 4)) & 0xf) as usize]));
        }
    }
    if parts > 1 {
        name.push_str("~part");
        name.push_str(&part.to_string());
    }
    name.push_str(".eml");
    name
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_differ_where_addresses_do() {
        let addresses = [
            "a!b@x.example",
            "a#b@x.example",
            "a_b@x.example",
            "a_5fb@x.example",
            "a/b@x.example",
            "a\\b@x.example",
            "a:b@x.example",
            "a*b@x.example",
            "a?b@x.example",
            "a\"b@x.example",
            "a<b@x.example",
            "a|b@x.example",
            "a\u{e9}b@x.example",
            ".hidden@x.example",
            "_2ehidden@x.example",
            "",
        ];
        let names: std::collections::HashSet<String> = addresses
            .iter()
            .map(|a| notice_file_name(a, 1, 1))
            .collect();
        assert_eq!(names.len(), addresses.len());
        for n in &names {
            assert!(!n.starts_with('.'), "{n}");
            assert!(
                n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"@.+-_~".contains(&b)),
                "{n}"
            );
        }
        // Parts and long names.
        assert_eq!(notice_file_name("a@x.part2", 1, 1), "a@x.part2.eml");
        assert_eq!(notice_file_name("a@x", 2, 2), "a@x~part2.eml");
        let long_a = format!("{}a@x", "y".repeat(300));
        let long_b = format!("{}b@x", "y".repeat(300));
        let (a, b) = (
            notice_file_name(&long_a, 1, 1),
            notice_file_name(&long_b, 1, 1),
        );
        assert_ne!(a, b);
        assert!(a.len() <= MAX_NAME_BYTES + 4);
    }
}
