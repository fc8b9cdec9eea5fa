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
    // Runs for every parsed problem: slicing only, no allocation.
    let end = type_uri.find(['/', '?', '#']).unwrap_or(type_uri.len());
    if let Some(colon) = type_uri[..end].find(':') {
        if !type_uri[colon + 1..].starts_with('/') {
            return type_uri;
        }
    }
    let end = type_uri.find(['?', '#']).unwrap_or(type_uri.len());
    let path = &type_uri[..end];
    let path = path.strip_suffix('/').unwrap_or(path);
    let segment = match path.rfind('/') {
        Some(slash) => &path[slash + 1..],
        None => path,
    };
    if segment.contains(':') {
        type_uri
    } else {
        segment
    }
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
        ] {
            assert_eq!(problem_slug(type_uri), slug, "{type_uri}");
        }
    }
}
