//! Table text -> rustdoc Markdown that renders as the same text.
//!
//! Table text is prose, not Markdown: `*`, `_`, `<b>`, `[x]` or a leading `1.` must show as
//! written, and bare URLs must become autolinks (`<https://...>`) so `cargo doc` stays free
//! of `rustdoc::bare_urls` and `invalid_html_tags` warnings.

/// ASCII punctuation that Markdown or HTML could interpret anywhere in a line (`!` only
/// matters before `[`, `#` only at the start: see `escape_line_start`).
const SPECIAL: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '|', '~'];

/// Splits `text` into paragraphs at blank lines; each one is escaped and on a single line.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(escape(&current));
                current.clear();
            }
        } else {
            current.push(' ');
            current.push_str(line);
        }
    }
    if !current.trim().is_empty() {
        out.push(escape(&current));
    }
    out
}

/// Escapes one paragraph: whitespace runs become one space, URLs become autolinks, Markdown
/// and HTML syntax is backslash-escaped so it renders literally.
pub fn escape(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(flat.len() + 8);
    let mut rest = flat.as_str();
    let mut previous: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        let at_word_start = previous.is_none_or(|p| !p.is_alphanumeric());
        if at_word_start {
            if let Some(len) = url_len(rest) {
                let (url, tail) = rest.split_at(len);
                out.push('<');
                out.push_str(url);
                out.push('>');
                previous = url.chars().last();
                rest = tail;
                continue;
            }
        }
        // `&` starts an HTML entity (`&amp;`) only when a name or `#` follows.
        let entity = c == '&'
            && rest
                .get(1..)
                .is_some_and(|r| r.starts_with(|n: char| n.is_ascii_alphanumeric() || n == '#'));
        if SPECIAL.contains(&c) || entity {
            out.push('\\');
        }
        out.push(c);
        previous = Some(c);
        rest = &rest[c.len_utf8()..];
    }
    escape_line_start(out)
}

/// The length of the URL `text` starts with, if it starts with one. A URL runs to the next
/// space or character that cannot be in an autolink; trailing sentence punctuation and an
/// unbalanced closing parenthesis are not part of it.
fn url_len(text: &str) -> Option<usize> {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    let scheme = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return None;
    };
    let mut end = text
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '`'))
        .map_or(text.len(), |(i, _)| i);
    loop {
        let url = text.get(..end)?;
        let last = url.chars().last()?;
        let unbalanced = last == ')' && url.matches('(').count() < url.matches(')').count();
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*' | '_') || unbalanced {
            end -= last.len_utf8();
        } else {
            break;
        }
    }
    (end > scheme).then_some(end)
}

/// A paragraph must not start like a list item, heading underline or indented code block.
fn escape_line_start(text: String) -> String {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if text.starts_with(['-', '+', '=', '#']) {
        format!("\\{text}")
    } else if digits > 0 && text[digits..].starts_with(['.', ')']) {
        format!("{}\\{}", &text[..digits], &text[digits..])
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_autolinks_without_trailing_punctuation() {
        assert_eq!(
            escape("Please migrate to API v1.1. https://dev.twitter.com/docs/api/1.1/overview."),
            "Please migrate to API v1.1. <https://dev.twitter.com/docs/api/1.1/overview>."
        );
        assert_eq!(
            escape("(see https://example.com/a_(b)), then"),
            "(see <https://example.com/a_(b)>), then"
        );
        assert_eq!(escape("HTTPS://X.COM/a"), "<HTTPS://X.COM/a>");
        // A scheme with nothing after it, or inside a word, is not a link.
        assert_eq!(escape("https:// x"), "https:// x");
        assert_eq!(escape("xhttps://a.b"), "xhttps://a.b");
    }

    #[test]
    fn markdown_and_html_render_literally() {
        assert_eq!(
            escape("a *b* _c_ `d` [e](f) <b>g</b> & h | i ~ # j \\ k!"),
            "a \\*b\\* \\_c\\_ \\`d\\` \\[e\\](f) \\<b\\>g\\</b\\> & h \\| i \\~ # j \\\\ k!"
        );
        assert_eq!(escape("&amp; &#38; R&D"), "\\&amp; \\&#38; R\\&D");
        assert_eq!(escape("# not a heading"), "\\# not a heading");
        assert_eq!(escape("- not a list"), "\\- not a list");
        assert_eq!(escape("1. not a list"), "1\\. not a list");
        assert_eq!(escape("12) no"), "12\\) no");
        assert_eq!(escape("2014 is a year"), "2014 is a year");
    }

    #[test]
    fn whitespace_is_flattened_and_paragraphs_kept() {
        assert_eq!(escape("  a\n   b\tc  "), "a b c");
        assert_eq!(
            paragraphs("first\nline\n\n\n    second"),
            vec!["first line".to_owned(), "second".to_owned()]
        );
        assert!(paragraphs(" \n ").is_empty());
    }
}
