//! The one rule that turns a problem `type` into a slug, for [`Problem::from_type`] and for
//! the parsed error's [`ApiError::slug`](crate::ApiError::slug) alike.
//!
//! [`Problem::from_type`]: crate::Problem::from_type

/// The slug a problem `type` names: its last path segment, read like a URI.
///
/// - An opaque URI (a scheme not followed by `/`, such as `about:blank`) is its own slug,
///   whole: `about:blank?x=1` is not `about:blank`.
/// - Otherwise the path ends at the first `?` (query) or `#` (fragment), neither of which a
///   path can contain; one trailing `/` is ignored; the slug is what follows the last `/`,
///   whatever the scheme, host and prefix (`/2/problems/`, `/labs/1/problems/`), or the whole
///   path for a bare slug. A segment with a `:` in it is no slug (the table's never have one):
///   the whole type is returned, so it matches nothing.
///
/// Case is kept: URI paths are case-sensitive, and so is the table.
///
/// ```
/// use twerr_core::table::problem_slug;
///
/// assert_eq!(problem_slug("https://api.twitter.com/2/problems/usage-capped"), "usage-capped");
/// assert_eq!(problem_slug("https://api.x.com/labs/1/problems/client-forbidden/?x=1#y"), "client-forbidden");
/// assert_eq!(problem_slug("about:blank"), "about:blank");
/// assert_eq!(problem_slug("invalid-request"), "invalid-request");
/// ```
pub fn problem_slug(type_uri: &str) -> &str {
    // Runs for every parsed problem: slicing only, no allocation. Every delimiter is ASCII,
    // so the searches are plain loops over bytes (a search for one of several chars decodes
    // every char) and every position found is a char boundary.
    //
    // Nearly every type is a documented one, `https://api.{twitter,x}.com/2/problems/SLUG`:
    // the rule below gives SLUG for it whenever SLUG is not empty and has none of `/?#:`, so
    // that case is answered from one comparison and a scan of SLUG instead of four scans.
    //
    // `about:blank`, the other type nearly every problem has, is its own slug by the rule.
    if type_uri == "about:blank" {
        return type_uri;
    }
    for prefix in [
        "https://api.twitter.com/2/problems/",
        "https://api.x.com/2/problems/",
    ] {
        if let Some(slug) = strip_prefix(type_uri, prefix) {
            // A fold rather than a search: with no early exit it compiles to vector compares,
            // which for a slug's length cost a fraction of a byte loop's branches.
            let plain = slug.bytes().fold(true, |plain, b| {
                plain & !matches!(b, b'/' | b'?' | b'#' | b':')
            });
            if plain && !slug.is_empty() {
                return slug;
            }
            break;
        }
    }
    let bytes = type_uri.as_bytes();
    let end = bytes
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(bytes.len());
    if let Some(colon) = bytes[..end].iter().position(|&b| b == b':') {
        if bytes.get(colon + 1) != Some(&b'/') {
            return type_uri;
        }
    }
    let mut end = bytes
        .iter()
        .position(|&b| matches!(b, b'?' | b'#'))
        .unwrap_or(bytes.len());
    if end > 0 && bytes[end - 1] == b'/' {
        end -= 1;
    }
    let start = bytes[..end]
        .iter()
        .rposition(|&b| b == b'/')
        .map_or(0, |slash| slash + 1);
    if bytes[start..end].contains(&b':') {
        type_uri
    } else {
        &type_uri[start..end]
    }
}

/// `text` after `prefix` (of at least eight bytes), if it starts with it: compared eight bytes
/// at a time, where `str::strip_prefix` calls `bcmp`, whose dispatch on the length costs more
/// than the comparison.
#[inline(always)]
fn strip_prefix<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let (head, prefix) = (text.as_bytes().get(..prefix.len())?, prefix.as_bytes());
    let word = |bytes: &[u8], at: usize| {
        let word = bytes
            .get(at..at + 8)
            .and_then(|word| <[u8; 8]>::try_from(word).ok());
        word.map(u64::from_le_bytes)
    };
    // Every whole word, then the last eight bytes (overlapping the word before).
    let last = prefix.len().checked_sub(8)?;
    let mut differ = word(head, last)? ^ word(prefix, last)?;
    for at in (0..last).step_by(8) {
        differ |= word(head, at)? ^ word(prefix, at)?;
    }
    (differ == 0).then(|| text.get(prefix.len()..)).flatten()
}

#[cfg(test)]
mod tests {
    use super::problem_slug;

    #[test]
    fn slug_is_the_last_path_segment() {
        for (type_uri, slug) in [
            (
                "https://api.twitter.com/2/problems/usage-capped",
                "usage-capped",
            ),
            ("https://api.x.com/2/problems/usage-capped/", "usage-capped"),
            ("https://api.x.com/2/problems/usage-capped//", ""),
            (
                "https://api.twitter.com/labs/1/problems/client-forbidden",
                "client-forbidden",
            ),
            ("https://api.x.com/2/problems/conflict?x=1#y", "conflict"),
            ("https://api.x.com/2/problems/conflict#y/z", "conflict"),
            ("about:blank", "about:blank"),
            ("about:blank?x=1", "about:blank?x=1"),
            ("x/about:blank", "x/about:blank"),
            ("usage-capped?x=1", "usage-capped"),
            ("invalid-request", "invalid-request"),
            ("", ""),
            ("/", ""),
            ("?/x", ""),
            // The documented prefixes, read both ways (the shortcut, and the general rule).
            // An empty slug falls back to the rule: one trailing `/` is ignored.
            ("https://api.twitter.com/2/problems/", "problems"),
            (
                "https://api.twitter.com/2/problems/a:b",
                "https://api.twitter.com/2/problems/a:b",
            ),
            ("https://api.x.com/2/problems/a?b", "a"),
            ("https://api.x.com/2/problems/a/b", "b"),
            // Near misses of the prefixes, in their first, middle and last bytes.
            ("https://api.twitter.com/2/problemsXab", "problemsXab"),
            ("https://api.x.com/2/problem/ab", "ab"),
            (
                "http://api.x.com/2/problems/ab:c",
                "http://api.x.com/2/problems/ab:c",
            ),
            ("https://api.x.com/2/problems", "problems"),
        ] {
            assert_eq!(problem_slug(type_uri), slug, "{type_uri}");
        }
    }
}
