//! One normalisation for page text and table text, so wording is compared, not markup.

/// Markdown links reduced to their text, `**bold**` markers and backticks removed, HTML entities
/// decoded, whitespace (including no-break spaces) collapsed to single spaces, ends trimmed.
/// Everything else, a trailing period included, is kept: the docs did change those.
pub fn normalize(text: &str) -> String {
    let text = strip_links(text);
    let text = text.replace("**", "").replace('`', "");
    let text = decode_entities(&text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A problem type's slug: the last path segment of its type URI, whatever the host or case
/// (`https://api.X.com/2/problems/usage-capped`, `.../usage-capped`, `usage-capped`).
pub fn slug(text: &str) -> String {
    let text = normalize(text);
    let text = text.trim_end_matches('/');
    text.rsplit('/').next().unwrap_or(text).to_ascii_lowercase()
}

/// `[text](target)` -> `text`; anything that is not a complete link stays as written.
fn strip_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|close| {
            let label = &after[..close];
            let target = &after[close + 2..];
            // The label holds no bracket (no nesting in the docs' links) and the target ends.
            let end = target.find(')')?;
            (!label.contains(['[', ']'])).then_some((label, close + 2 + end + 1))
        });
        match link {
            Some((label, used)) => {
                out.push_str(label);
                rest = &after[used..];
            }
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes the named entities the docs use and every numeric one; an unknown or malformed
/// entity stays as written.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after
            .find(';')
            .filter(|&end| end <= 10)
            .and_then(|end| entity(&after[..end]).map(|c| (c, end + 1)));
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "rsquo" => '\u{2019}',
        "lsquo" => '\u{2018}',
        "rdquo" => '\u{201d}',
        "ldquo" => '\u{201c}',
        "mdash" => '\u{2014}',
        "ndash" => '\u{2013}',
        "hellip" => '\u{2026}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_goes_wording_stays() {
        assert_eq!(
            normalize("See [Rate Limiting](/resources/x)  and **`x-rate`**\t&lt;named&gt;."),
            "See Rate Limiting and x-rate <named>."
        );
        assert_eq!(normalize("Bad Request\t"), "Bad Request");
        assert_eq!(
            normalize("a\u{a0}b &#38; &#x41; &bogus; & x"),
            "a b & A &bogus; & x"
        );
        // Not links: kept as written.
        assert_eq!(normalize("[x] and [y](z"), "[x] and [y](z");
        assert_ne!(normalize("Over capacity."), normalize("Over capacity"));
    }

    #[test]
    fn slugs_ignore_host_and_case() {
        for text in [
            "`https://api.X.com/2/problems/usage-capped`",
            "`.../usage-capped`",
            "https://api.twitter.com/labs/1/problems/Usage-Capped/",
            "usage-capped",
        ] {
            assert_eq!(slug(text), "usage-capped", "{text}");
        }
        assert_eq!(slug("`about:blank`"), "about:blank");
    }
}
