//! "Corresponds with HTTP 403": the status a code's documented description names.

/// The status a description says the row corresponds with: "Corresponds with HTTP 403",
/// "Corresponds with an HTTP 404", "Corresponds to a HTTP 410". `None` when it says none, or
/// names HTTP only further on ("Corresponds to a HTTP request to a retired URL").
///
/// ```
/// use twerr_table::correspondence::corresponding_status;
/// assert_eq!(corresponding_status("Corresponds with HTTP 429. The limit..."), Some(429));
/// assert_eq!(corresponding_status("Sent with HTTP code 400."), None);
/// ```
pub fn corresponding_status(description: &str) -> Option<u16> {
    let lower = description.to_ascii_lowercase();
    let at = lower.find("corresponds ")?;
    let rest = &lower[at..];
    let http = rest.find("http")?;
    // "corresponds with/to [a|an] HTTP": at most three words before it.
    if rest[..http].split_whitespace().count() > 3 {
        return None;
    }
    let digits: String = rest[http + 4..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok().filter(|n| (100..=599).contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correspondences_are_read_only_where_stated() {
        assert_eq!(
            corresponding_status("Corresponds with HTTP 403. x"),
            Some(403)
        );
        assert_eq!(
            corresponding_status("Corresponds with an HTTP 404 - y"),
            Some(404)
        );
        assert_eq!(
            corresponding_status("Corresponds with HTTP 403 The user"),
            Some(403)
        );
        assert_eq!(
            corresponding_status("Corresponds to a HTTP request to a URL."),
            None
        );
        assert_eq!(corresponding_status("Sent with HTTP code 400."), None);
        assert_eq!(
            corresponding_status("Corresponds with the rule, see HTTP 400"),
            None
        );
        assert_eq!(corresponding_status("Corresponds with HTTP 4000"), None);
    }
}
