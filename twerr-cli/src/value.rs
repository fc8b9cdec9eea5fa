//! What `twerr explain` was asked about: a code, an HTTP status, a problem type, a variant
//! name or a message text.

use std::fmt;

use crate::cli::TableName;

/// A parsed `explain` argument. Whether the table knows it is decided later.
#[derive(Debug, PartialEq, Eq)]
pub enum Query<'a> {
    /// A bare number, `88` or `429`: a v1.1 error code, or else an HTTP status.
    Number(u16),
    /// A v1.1 error code and nothing else: `code:88`.
    Code(u16),
    /// An HTTP status: `http:429` or `status:429`.
    Status(u16),
    /// A v2 problem type: a slug (`usage-capped`), `about:blank` or a type URI. A word that
    /// is no problem type may still be a variant name or a message (`RateLimitExceeded`,
    /// `Forbidden`).
    Problem(&'a str),
    /// A variant's path as `explain` prints it: `twerr_core::Code::RateLimitExceeded` or
    /// `Code::RateLimitExceeded`; `table` is the type named.
    Variant {
        /// `Status`, `Code` or `Problem`.
        table: TableName,
        /// The variant's name.
        name: &'a str,
    },
    /// Any other text: a message as a response or the table says it (`Rate limit exceeded`).
    Text(&'a str),
}

/// Why an `explain` argument is not a code, a status or a problem type.
#[derive(Debug, PartialEq, Eq)]
pub struct ValueError(String);

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const EXPECTED: &str = "expected a code (88), an HTTP status (http:429), a problem type \
                        (usage-capped, or its type URI), a variant name (RateLimitExceeded) or \
                        a message (\"Rate limit exceeded\")";

/// Parses an `explain` argument.
pub fn parse(text: &str) -> Result<Query<'_>, ValueError> {
    let value = text.trim();
    if value.is_empty() {
        return Err(ValueError(format!("the value is empty; {EXPECTED}")));
    }
    // A URI first: `http://...` must not be read as the `http:` prefix of a status.
    // Only at the start: a message may quote a URI ("... Please migrate to https://...").
    let scheme = value.split_once("://").is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphabetic())
    });
    if scheme || starts_with_ignore_case(value, "about:") {
        if value.contains(char::is_whitespace) {
            return Err(ValueError(format!(
                "{} is not a problem type URI: it contains white space",
                quote(value)
            )));
        }
        return Ok(Query::Problem(value));
    }
    if let Some(variant) = variant_path(value)? {
        return Ok(variant);
    }
    for prefix in ["http:", "status:"] {
        if starts_with_ignore_case(value, prefix) {
            let number = value.get(prefix.len()..).unwrap_or_default().trim();
            return parse_status(number).map(Query::Status);
        }
    }
    if starts_with_ignore_case(value, "code:") {
        let number = value.get("code:".len()..).unwrap_or_default().trim();
        return parse_code(number).map(Query::Code);
    }
    if value.starts_with(|c: char| c.is_ascii_digit()) {
        return parse_code(value).map(Query::Number);
    }
    let slug_like = value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if slug_like {
        return Ok(Query::Problem(value));
    }
    // A message has words: at least one letter, and nothing a terminal would act on.
    let text_like = value.chars().any(char::is_alphabetic)
        && !value.chars().any(twerr_core::escape::is_escaped);
    if text_like {
        return Ok(Query::Text(value));
    }
    Err(ValueError(format!(
        "{} is not understood; {EXPECTED}",
        quote(value)
    )))
}

/// `twerr_core::Code::RateLimitExceeded`, `Code::RateLimitExceeded`: `None` when `value` has
/// no `::`, an error when it has one but names no table type.
fn variant_path(value: &str) -> Result<Option<Query<'_>>, ValueError> {
    let Some((path, name)) = value.rsplit_once("::") else {
        return Ok(None);
    };
    let ty = path.strip_prefix("twerr_core::").unwrap_or(path);
    let table = match ty {
        "Status" => TableName::Status,
        "Code" => TableName::Code,
        "Problem" => TableName::Problem,
        _ => {
            return Err(ValueError(format!(
                "{} is not a variant path: expected twerr_core::Status::NAME, \
                 twerr_core::Code::NAME or twerr_core::Problem::NAME",
                quote(value)
            )));
        }
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(ValueError(format!(
            "{} is not a variant path: a variant name follows `{ty}::`, like \
             {ty}::{}",
            quote(value),
            match table {
                TableName::Status => "TooManyRequests",
                TableName::Code => "RateLimitExceeded",
                TableName::Problem => "UsageCapped",
            }
        )));
    }
    Ok(Some(Query::Variant { table, name }))
}

/// A v1.1 code: a decimal number from 0 to 65535.
fn parse_code(number: &str) -> Result<u16, ValueError> {
    match decimal(number) {
        Decimal::Empty => Err(ValueError(format!(
            "`code:` needs a number after it, like code:88; {EXPECTED}"
        ))),
        Decimal::NotANumber => Err(ValueError(format!(
            "{} is not a code: codes are decimal numbers; {EXPECTED}",
            quote(number)
        ))),
        Decimal::Value(n) => u16::try_from(n).map_err(|_| {
            ValueError(format!(
                "{number} is not a code: codes are numbers from 0 to 65535"
            ))
        }),
    }
}

/// An HTTP status: three digits, 100 to 999.
fn parse_status(number: &str) -> Result<u16, ValueError> {
    match decimal(number) {
        Decimal::Empty => Err(ValueError(
            "`http:` needs a status after it, like http:429".to_owned(),
        )),
        Decimal::NotANumber => Err(ValueError(format!(
            "{} is not an HTTP status: statuses are three-digit numbers, like http:429",
            quote(number)
        ))),
        Decimal::Value(n) => match u16::try_from(n) {
            Ok(n @ 100..=999) => Ok(n),
            _ => Err(ValueError(format!(
                "{number} is not an HTTP status: statuses are numbers from 100 to 999"
            ))),
        },
    }
}

enum Decimal {
    Empty,
    NotANumber,
    /// Saturates at `u32::MAX`: any such value is out of range for both kinds anyway.
    Value(u32),
}

fn decimal(text: &str) -> Decimal {
    if text.is_empty() {
        return Decimal::Empty;
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Decimal::NotANumber;
    }
    Decimal::Value(text.bytes().fold(0u32, |n, d| {
        n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
    }))
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// A value for an error message: quoted, escaped, at most 60 characters.
fn quote(text: &str) -> String {
    const MAX: usize = 60;
    let mut shown: String = text.chars().take(MAX).collect();
    if text.chars().nth(MAX).is_some() {
        shown.push('…');
    }
    format!("\"{}\"", shown.escape_debug())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(parse("88"), Ok(Query::Number(88)));
        assert_eq!(parse(" 0 "), Ok(Query::Number(0)));
        assert_eq!(parse("65535"), Ok(Query::Number(65535)));
        assert_eq!(parse("code:326"), Ok(Query::Code(326)));
        assert_eq!(parse("CODE: 326"), Ok(Query::Code(326)));
        assert_eq!(parse("007"), Ok(Query::Number(7)));
    }

    #[test]
    fn variant_paths_and_texts() {
        let code = |name| Query::Variant {
            table: TableName::Code,
            name,
        };
        assert_eq!(
            parse("twerr_core::Code::RateLimitExceeded"),
            Ok(code("RateLimitExceeded"))
        );
        assert_eq!(
            parse("Code::RateLimitExceeded"),
            Ok(code("RateLimitExceeded"))
        );
        assert_eq!(
            parse("Problem::UsageCapped"),
            Ok(Query::Variant {
                table: TableName::Problem,
                name: "UsageCapped"
            })
        );
        assert_eq!(
            parse("Rate limit exceeded."),
            Ok(Query::Text("Rate limit exceeded."))
        );
        assert_eq!(parse("rate limit"), Ok(Query::Text("rate limit")));
        assert!(
            parse("Foo::Bar")
                .unwrap_err()
                .to_string()
                .contains("is not a variant path")
        );
        assert!(
            parse("Code::")
                .unwrap_err()
                .to_string()
                .contains("a variant name follows `Code::`")
        );
    }

    #[test]
    fn statuses() {
        assert_eq!(parse("http:429"), Ok(Query::Status(429)));
        assert_eq!(parse("HTTP:418"), Ok(Query::Status(418)));
        assert_eq!(parse("status:503"), Ok(Query::Status(503)));
        assert_eq!(parse("http: 100"), Ok(Query::Status(100)));
    }

    #[test]
    fn problems() {
        assert_eq!(parse("usage-capped"), Ok(Query::Problem("usage-capped")));
        assert_eq!(parse("about:blank"), Ok(Query::Problem("about:blank")));
        let uri = "https://api.twitter.com/2/problems/invalid-request";
        assert_eq!(parse(uri), Ok(Query::Problem(uri)));
        // `http://` is a URI, not the `http:` prefix.
        let uri = "http://api.x.com/2/problems/client-forbidden";
        assert_eq!(parse(uri), Ok(Query::Problem(uri)));
        assert_eq!(
            parse("UsageCapExceeded"),
            Ok(Query::Problem("UsageCapExceeded"))
        );
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let message = |text: &str| parse(text).unwrap_err().to_string();
        assert!(message("").starts_with("the value is empty; expected a code (88)"));
        assert!(message("   ").starts_with("the value is empty"));
        assert_eq!(
            message("http:abc"),
            "\"abc\" is not an HTTP status: statuses are three-digit numbers, like http:429"
        );
        assert_eq!(
            message("http:"),
            "`http:` needs a status after it, like http:429"
        );
        assert_eq!(
            message("http:4290"),
            "4290 is not an HTTP status: statuses are numbers from 100 to 999"
        );
        assert_eq!(
            message("http:99"),
            "99 is not an HTTP status: statuses are numbers from 100 to 999"
        );
        assert_eq!(
            message("99999"),
            "99999 is not a code: codes are numbers from 0 to 65535"
        );
        assert_eq!(
            message("99999999999999999999999"),
            "99999999999999999999999 is not a code: codes are numbers from 0 to 65535"
        );
        assert!(message("88a").starts_with("\"88a\" is not a code: codes are decimal numbers"));
        assert!(message("-5").starts_with("\"-5\" is not understood; expected a code"));
        assert!(message("code:").starts_with("`code:` needs a number after it"));
        assert!(message("https://x y").contains("contains white space"));
        assert!(message("\u{1b}[2J").starts_with("\"\\u{1b}[2J\" is not understood"));
    }
}
