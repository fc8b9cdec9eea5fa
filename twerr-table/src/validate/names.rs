//! Checks of the texts that become Rust identifiers or lookup keys.

/// Every Rust keyword (strict, reserved and `_`): none of them can be a variant name.
const KEYWORDS: &[&str] = &[
    "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether `name` may become a variant: an UpperCamelCase ASCII identifier that is not a
/// keyword, not all capitals and not `Unknown`. The error says what is wrong and how to fix it.
/// Only text that passes this check is ever turned into an `Ident`.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err(
            "`name` is empty; write the Rust variant name in UpperCamelCase, e.g. \
             `RateLimitExceeded`"
                .to_owned(),
        );
    }
    if KEYWORDS.contains(&name) {
        return Err(format!(
            "name `{name}` is a Rust keyword; pick another name"
        ));
    }
    if name == "Unknown" {
        return Err(
            "name `Unknown` is reserved for values the table does not list; pick another name"
                .to_owned(),
        );
    }
    let starts_upper = name.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    if !starts_upper || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "name `{name}` is not an UpperCamelCase identifier; use ASCII letters and digits \
             starting with an uppercase letter, e.g. `{}`",
            camel_case(name)
        ));
    }
    if name.len() > 1 && !name.chars().any(|c| c.is_ascii_lowercase()) {
        return Err(format!(
            "name `{name}` is all capitals; write acronyms as words in UpperCamelCase, e.g. `{}`",
            camel_case(&name.to_ascii_lowercase())
        ));
    }
    Ok(())
}

/// A suggestion for a bad name: words split at anything that is not an ASCII letter or digit,
/// each capitalised; a leading digit gets a letter in front.
fn camel_case(name: &str) -> String {
    let mut out = String::new();
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_uppercase()) {
        out.insert(0, 'N');
    }
    if out == "Unknown" || out == "N" {
        out.push_str("Value");
    }
    out
}

/// The one slug that is not a path segment.
pub const ABOUT_BLANK: &str = "about:blank";

/// Whether `slug` is a problem type's last path segment: lowercase ASCII letters, digits and
/// inner `-`, or `about:blank`.
pub fn check_slug(slug: &str) -> Result<(), String> {
    let segment = !slug.is_empty()
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if slug == ABOUT_BLANK || segment {
        Ok(())
    } else {
        Err(format!(
            "slug `{slug}` is not a problem-type slug; use the last path segment of the type \
             URI (lowercase letters, digits and `-`, e.g. `usage-capped`) or `about:blank`"
        ))
    }
}

/// The closest of `candidates` to `word`, when it is close enough to be a typo.
pub fn suggest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (distance(word, c), *c))
        .filter(|(d, c)| *d <= 2 && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != *cb);
            let (Some(&left), Some(&up)) = (row.get(j), row.get(j + 1)) else {
                break;
            };
            previous = up;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = substitute.min(left + 1).min(up + 1);
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_names_pass() {
        for name in [
            "Ok",
            "RateLimitExceeded",
            "ApiV1Retired",
            "OAuth1Permissions",
            "A",
        ] {
            assert_eq!(check_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn bad_names_say_why() {
        insta::assert_snapshot!(
            [
                "",
                "rate_limit",
                "Rate Limit",
                "Self",
                "Unknown",
                "ALL",
                "4xx",
                "Ünicode"
            ]
            .iter()
            .map(|n| format!("{n:?}: {}", check_name(n).err().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join("\n")
        );
    }

    #[test]
    fn slugs() {
        for slug in [
            "about:blank",
            "usage-capped",
            "oauth1-permissions",
            "conflict",
        ] {
            assert_eq!(check_slug(slug), Ok(()), "{slug}");
        }
        for slug in ["", "Usage", "-x", "x-", "a/b", "about:x", "usage capped"] {
            assert!(check_slug(slug).is_err(), "{slug}");
        }
    }

    #[test]
    fn typos_get_a_suggestion() {
        let keys = ["code", "name", "message", "description"];
        assert_eq!(suggest("mesage", &keys), Some("message"));
        assert_eq!(suggest("descripton", &keys), Some("description"));
        assert_eq!(suggest("colour", &keys), None);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
    }
}
