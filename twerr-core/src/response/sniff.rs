//! What a body looks like, and the cheap extractions for unstructured bodies.
//!
//! The `Content-Type` header is not consulted: Twitter labelled plain text `text/html` and JSON
//! `attachment; filename=json.json`, so the bytes are the better witness.

use super::BodyFormat;

/// The most of an unstructured body kept as [`ErrorResponse::raw_body`](super::ErrorResponse::raw_body).
pub(crate) const RAW_BODY_LIMIT: usize = 4096;
/// The most of an HTML `<title>` kept.
const TITLE_LIMIT: usize = 512;
/// How far into an HTML page the `<title>` is looked for.
const TITLE_SEARCH_LIMIT: usize = 64 * 1024;
/// How far into a `<`-body HTML markers are looked for.
const HTML_SNIFF_LIMIT: usize = 1024;

/// The body without a leading UTF-8 byte order mark.
pub(crate) fn strip_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

/// Classifies a body (BOM already stripped) by its first non-blank byte.
pub(crate) fn format_of(body: &[u8]) -> BodyFormat {
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let Some(rest) = start.and_then(|at| body.get(at..)) else {
        return BodyFormat::Empty;
    };
    match rest.first() {
        Some(b'{' | b'[') => BodyFormat::Json,
        Some(b'<') => {
            let head = rest.get(..HTML_SNIFF_LIMIT).unwrap_or(rest);
            let html = [
                &b"<!doctype html"[..],
                b"<html",
                b"<head",
                b"<body",
                b"<title",
            ]
            .iter()
            .any(|marker| find_ignore_case(head, marker).is_some());
            if html {
                BodyFormat::Html
            } else {
                BodyFormat::Xml
            }
        }
        _ => BodyFormat::Text,
    }
}

/// The text of the first `<title>` element of an HTML page, whitespace collapsed and the
/// common entities decoded; `None` when absent or blank.
pub(crate) fn html_title(body: &[u8]) -> Option<String> {
    let head = body.get(..TITLE_SEARCH_LIMIT).unwrap_or(body);
    let open = find_ignore_case(head, b"<title")?;
    let after_open = head.get(open + b"<title".len()..)?;
    // `<title>` or `<title lang=..>`, but not `<titles>`.
    if !matches!(
        after_open.first(),
        Some(b'>' | b' ' | b'\t' | b'\r' | b'\n')
    ) {
        return None;
    }
    let gt = after_open.iter().position(|&b| b == b'>')?;
    let content = after_open.get(gt + 1..)?;
    let end = find_ignore_case(content, b"</title").unwrap_or(content.len());
    let raw = String::from_utf8_lossy(content.get(..end)?);
    let mut title = String::new();
    for word in decode_entities(&raw).split_whitespace() {
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    if title.is_empty() {
        return None;
    }
    truncate_at_char(&mut title, TITLE_LIMIT);
    Some(title)
}

/// A lossy UTF-8 copy of at most [`RAW_BODY_LIMIT`] bytes of `body`, cut at a character
/// boundary; `None` for a blank body.
pub(crate) fn raw_copy(body: &[u8]) -> Option<String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let mut end = body.len().min(RAW_BODY_LIMIT);
    if end < body.len() {
        // Do not split a multi-byte character: back up over continuation bytes.
        while end > 0 && body.get(end).is_some_and(|b| b & 0xC0 == 0x80) {
            end -= 1;
        }
    }
    Some(String::from_utf8_lossy(body.get(..end)?).into_owned())
}

/// Shortens `text` to at most `limit` bytes at a character boundary.
pub(crate) fn truncate_at_char(text: &mut String, limit: usize) {
    if text.len() > limit {
        let mut end = limit;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
}

/// Position of `needle` (lowercase ASCII) in `hay`, ignoring ASCII case.
fn find_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Decodes `&amp; &lt; &gt; &quot; &#39; &apos; &nbsp;` and numeric references; anything else
/// stays as written.
fn decode_entities(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let tail = rest.get(amp..).unwrap_or_default();
        let decoded = tail.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = tail.get(1..semi)?;
            let ch = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let number = name.strip_prefix('#')?;
                    let value = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(value)?
                }
            };
            Some((ch, semi + 1))
        });
        match decoded {
            Some((ch, used)) => {
                out.push(ch);
                rest = tail.get(used..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = tail.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format_of(b""), BodyFormat::Empty);
        assert_eq!(format_of(b" \r\n\t"), BodyFormat::Empty);
        assert_eq!(format_of(b"  {\"a\":1}"), BodyFormat::Json);
        assert_eq!(format_of(b"[1]"), BodyFormat::Json);
        assert_eq!(
            format_of(b"<?xml version=\"1.0\"?><errors/>"),
            BodyFormat::Xml
        );
        assert_eq!(format_of(b"<!DOCTYPE html><p>x"), BodyFormat::Html);
        assert_eq!(format_of(b"<HTML><HEAD>"), BodyFormat::Html);
        assert_eq!(
            format_of(b"Failed to validate oauth signature and token"),
            BodyFormat::Text
        );
        assert_eq!(format_of(b"\"quoted\""), BodyFormat::Text);
    }

    #[test]
    fn bom_is_stripped_once() {
        assert_eq!(strip_bom(b"\xEF\xBB\xBF{}"), b"{}");
        assert_eq!(strip_bom(b"{}"), b"{}");
        assert_eq!(strip_bom(b"\xEF\xBB"), b"\xEF\xBB");
    }

    #[test]
    fn titles() {
        assert_eq!(
            html_title(b"<html><head><TITLE lang=en>\n Error  401 &amp; more </title>").as_deref(),
            Some("Error 401 & more")
        );
        assert_eq!(html_title(b"<html><title></title>"), None);
        assert_eq!(html_title(b"<html><titles>x</titles>"), None);
        assert_eq!(
            html_title(b"<html><title>unterminated").as_deref(),
            Some("unterminated")
        );
        assert_eq!(
            html_title(b"<title>&#x41;&#66;&bogus;&</title>").as_deref(),
            Some("AB&bogus;&")
        );
        assert_eq!(
            html_title(b"<title>\xFF\xFEok</title>").as_deref(),
            Some("\u{FFFD}\u{FFFD}ok")
        );
        let long = format!("<title>{}</title>", "é".repeat(1000));
        let title = html_title(long.as_bytes()).unwrap_or_default();
        assert!(title.len() <= TITLE_LIMIT && title.len() >= TITLE_LIMIT - 1);
    }

    #[test]
    fn raw_copy_is_bounded_and_cut_at_a_char() {
        assert_eq!(raw_copy(b"  \n"), None);
        assert_eq!(raw_copy(b"plain").as_deref(), Some("plain"));
        let big = "é".repeat(RAW_BODY_LIMIT);
        let copy = raw_copy(big.as_bytes()).unwrap_or_default();
        assert_eq!(copy.len(), RAW_BODY_LIMIT);
        assert!(!copy.contains('\u{FFFD}'));
        let odd = format!("a{}", "é".repeat(RAW_BODY_LIMIT));
        let copy = raw_copy(odd.as_bytes()).unwrap_or_default();
        assert_eq!(copy.len(), RAW_BODY_LIMIT - 1);
        assert!(!copy.contains('\u{FFFD}'));
    }
}
