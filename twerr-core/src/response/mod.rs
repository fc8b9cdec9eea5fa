//! Parsed error responses: every body shape Twitter has sent. Parsing only; what to do about
//! a failure is in `advice`.

mod api_error;
mod display;
mod json;
mod list;
mod sniff;
mod text;
mod xml;

pub use api_error::{ApiError, MediaError};
use list::ErrorList;

use core::fmt;
use core::num::NonZeroU32;

use crate::{RateLimit, Status};

/// What a response body looked like. Decided from the bytes, not from `Content-Type` (which
/// Twitter has set to `text/html` on plain text).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BodyFormat {
    /// Starts with `{` or `[` (even if it then fails to parse).
    Json,
    /// Starts with `<` and is not an HTML page.
    Xml,
    /// An HTML page (a proxy's or a streaming server's error page).
    Html,
    /// Anything else that is not blank.
    Text,
    /// No bytes, or only whitespace.
    Empty,
}

impl BodyFormat {
    /// `"json"`, `"xml"`, `"html"`, `"text"` or `"empty"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Xml => "xml",
            Self::Html => "html",
            Self::Text => "text",
            Self::Empty => "empty",
        }
    }
}

/// A response of the Twitter/X API, read for what went wrong.
///
/// [`parse`](Self::parse) and [`from_parts`](Self::from_parts) accept any bytes: every body
/// gives a value and nothing panics. The response owns what it extracted, keeps the errors in
/// body order (the first 10,000; [`omitted_errors`](Self::omitted_errors) counts the rest, so
/// time and memory stay linear in the body), and never invents a code: an error has a
/// [`Code`](crate::Code) only when the body had a whole number from 0 to 65535 there. When
/// nothing structured was found in a failed response, the first 4 KiB of the body are kept as
/// [`raw_body`](Self::raw_body).
///
/// A body of several JSON values one after another (the filtered and sample streams send one
/// object per line) is read value by value, each as a body of its own: their errors join one
/// list, and a value with errors and no `data` (a disconnection notice among data lines) makes
/// the response an error. Bodies are read as UTF-8 (invalid bytes as U+FFFD) after any
/// `Content-Encoding` has been undone: a gzip-compressed or UTF-16 body reads as text.
///
/// It is two words, so `Result<T, ErrorResponse>` is cheap to return: the status, the body's
/// format and a flag inline, everything else behind one box that a success with nothing to
/// report (no errors, no rate-limit headers) does not allocate.
///
/// `Display` (`{}`) is the failure alone, `429 Too Many Requests: 88 Rate limit exceeded`; the
/// alternate form (`{:#}`) adds the advice, `...; retry after 2026-11-24T22:00:00Z`, from the
/// computation [`retry_delay`](Self::retry_delay) measures. Both are one line: text from the
/// body is escaped as [`escape`](crate::escape) says.
///
/// # Handling a failed request
///
/// ```
/// use std::time::SystemTime;
/// use twerr_core::ErrorResponse;
///
/// // Stands in for an HTTP client: rate limited, then overloaded, then fine.
/// fn send(attempt: u32) -> (u16, Vec<(&'static str, String)>, &'static [u8]) {
///     match attempt {
///         0 => (429, vec![("x-rate-limit-remaining", "0".into()), ("x-rate-limit-reset", "1795557600".into())],
///               br#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#),
///         1 => (503, vec![], br#"{"errors":[{"code":130,"message":"Over capacity"}]}"#),
///         _ => (200, vec![], br#"{"data":{"id":"1"}}"#),
///     }
/// }
///
/// const MAX_ATTEMPTS: u32 = 5;
/// let mut attempt = 0;
/// let body = loop {
///     let (status, headers, body) = send(attempt);
///     let Err(response) = ErrorResponse::check(status, headers, body) else {
///         break body;
///     };
///     match response.retry_delay(attempt, SystemTime::now()) {
///         Some(delay) if attempt + 1 < MAX_ATTEMPTS => {
///             eprintln!("{response:#}; waiting {}s", delay.as_secs());
///             // std::thread::sleep(delay); (plus jitter, see `retry_delay`)
///             attempt += 1;
///         }
///         // Not retryable (fix the request first), or out of attempts.
///         _ => return Err(Box::new(response) as Box<dyn std::error::Error>),
///     }
/// };
/// assert_eq!(attempt, 2);
/// assert_eq!(body, br#"{"data":{"id":"1"}}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorResponse {
    head: Head,
    /// `None` when there is nothing but the head: a success body with nothing to report.
    parts: Option<Box<Parts>>,
}

/// What every response has, in one 32-bit word: the status (as its number, so the head fits
/// a word on 32-bit targets too; `Status::from_u16` is a lookup), the body's format, and
/// whether it had data. One word rather than three fields makes the response a pair of
/// scalars, which is returned in registers instead of through memory.
///
/// The format is stored plus one, so the word is never zero: that leaves `Result<(), Self>`
/// and `Option<Self>` the size of the response.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Head(NonZeroU32);

impl Head {
    const HAS_DATA: u32 = 1 << 24;

    fn new(status: u16, format: BodyFormat) -> Self {
        let word = u32::from(status) | ((format as u32 + 1) << 16);
        Head(NonZeroU32::new(word).unwrap_or(NonZeroU32::MIN))
    }

    fn status(self) -> u16 {
        (self.0.get() & 0xFFFF) as u16
    }

    fn format(self) -> BodyFormat {
        match (self.0.get() >> 16) & 0xFF {
            1 => BodyFormat::Json,
            2 => BodyFormat::Xml,
            3 => BodyFormat::Html,
            4 => BodyFormat::Text,
            _ => BodyFormat::Empty,
        }
    }

    /// A non-null `data` member: a v2 success, possibly with partial errors.
    fn has_data(self) -> bool {
        self.0.get() & Self::HAS_DATA != 0
    }

    fn set_has_data(&mut self, has_data: bool) {
        let flag = if has_data { Self::HAS_DATA } else { 0 };
        // Never zero: the format's bits are set.
        let word = (self.0.get() & !Self::HAS_DATA) | flag;
        self.0 = NonZeroU32::new(word).unwrap_or(self.0);
    }
}

impl fmt::Debug for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Head")
            .field("status", &self.status())
            .field("format", &self.format())
            .field("has_data", &self.has_data())
            .finish()
    }
}

/// What only some responses have.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Parts {
    errors: ErrorList,
    /// Errors beyond the kept ones: counted only.
    omitted: u64,
    problem: Option<ApiError>,
    media_error: Option<MediaError>,
    html_title: Option<Box<str>>,
    raw_body: Option<Box<str>>,
    rate_limit: Option<RateLimit>,
}

impl Parts {
    /// Reads `body` (its format sniffed into `head`) into these parts, and `has_data` into
    /// `head`. `success`: the status was a success. `path`: which JSON reader; `false` when
    /// it was the fast path alone and that gave up.
    #[inline(always)]
    fn fill(&mut self, head: &mut Head, body: &[u8], success: bool, path: json::Path) -> bool {
        match head.format() {
            BodyFormat::Json => {
                // Unknown top-level members only matter when the top level is an error; on a
                // success status they are skipped, and read in a second pass in the rare case
                // the top level turns out to be an error after all.
                let mut found = json::JsonBody::new(self, success);
                if !json::parse(body, !success, path, &mut found) {
                    return false;
                }
                if success && found.skipped_members && found.top_was_error {
                    found.restart();
                    if !json::parse(body, true, path, &mut found) {
                        return false;
                    }
                }
                head.set_has_data(found.finish());
            }
            BodyFormat::Xml => {
                let (errors, omitted) = xml::parse(body);
                self.errors = errors.into();
                self.omitted = omitted;
            }
            BodyFormat::Html => self.html_title = sniff::html_title(body).map(Into::into),
            BodyFormat::Text | BodyFormat::Empty => {}
        }
        // Structured or not, a failure keeps something: its errors, or a copy of the body.
        if !success && self.is_empty() {
            self.raw_body = sniff::raw_copy(body).map(Into::into);
        }
        true
    }

    fn is_empty(&self) -> bool {
        self.errors.is_empty()
            && self.omitted == 0
            && self.problem.is_none()
            && self.media_error.is_none()
            && self.html_title.is_none()
            && self.raw_body.is_none()
            && self.rate_limit.is_none()
    }
}

// The promises of the type, checked when the crate compiles: two words, and usable across
// threads and in `Box<dyn Error + Send + Sync>` (which needs `'static`).
const _: () = {
    const fn send_sync_static<T: Send + Sync + 'static>() {}
    send_sync_static::<ErrorResponse>();
    assert!(core::mem::size_of::<ErrorResponse>() <= 2 * core::mem::size_of::<usize>());
};

impl ErrorResponse {
    /// Reads a response from its status and body.
    pub fn parse(status: impl Into<Status>, body: &[u8]) -> Self {
        Self::parse_body(status.into(), body)
    }

    /// Reads a response from its status, headers (for [`RateLimit`]) and body. Headers are
    /// `(name, value)` pairs: an `&http::HeaderMap`, a `Vec<(String, String)>`, and so on.
    pub fn from_parts<I, K, V>(status: impl Into<Status>, headers: I, body: &[u8]) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<[u8]>,
    {
        let mut response = Self::parse_body(status.into(), body);
        if let Some(limits) = RateLimit::from_headers(headers) {
            response.parts_mut().rate_limit = Some(limits);
        }
        response
    }

    /// `Err` with the response exactly when [`is_error`](Self::is_error) says the request
    /// failed; `Ok(())` otherwise. The arguments are those of [`from_parts`](Self::from_parts).
    ///
    /// `Ok` does not mean there is nothing to read: v2 partial errors beside `data` and a
    /// failed media processing (reported by a successful status request) give `Ok(())`; read
    /// them with [`from_parts`](Self::from_parts) when they matter to you.
    ///
    /// ```
    /// use twerr_core::ErrorResponse;
    ///
    /// let no_headers: [(&str, &str); 0] = [];
    /// assert!(ErrorResponse::check(200u16, no_headers, br#"{"data":[]}"#).is_ok());
    /// let err = ErrorResponse::check(403u16, no_headers, br#"{"errors":[{"code":187}]}"#);
    /// assert_eq!(err.map_err(|e| e.status().as_u16()), Err(403));
    /// ```
    pub fn check<I, K, V>(status: impl Into<Status>, headers: I, body: &[u8]) -> Result<(), Self>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<[u8]>,
    {
        let response = Self::from_parts(status, headers, body);
        if response.is_error() {
            Err(response)
        } else {
            Ok(())
        }
    }

    fn parts_mut(&mut self) -> &mut Parts {
        self.parts.get_or_insert_with(Box::default)
    }

    fn parse_body(status: Status, body: &[u8]) -> Self {
        Self::parse_by(status, body, json::Path::Auto).0
    }

    /// For twerr's differential test of its two JSON readers: the response as the serde path
    /// alone reads `body`, and as the fast path alone reads it (`None` where it gives up).
    /// Not part of the API: it may change or go in any release.
    #[doc(hidden)]
    pub fn __parse_by_both_paths(status: impl Into<Status>, body: &[u8]) -> (Self, Option<Self>) {
        let status = status.into();
        let (serde, _) = Self::parse_by(status, body, json::Path::Serde);
        let (fast, answered) = Self::parse_by(status, body, json::Path::Fast);
        (serde, answered.then_some(fast))
    }

    /// The response, and whether `path` read it (only [`json::Path::Fast`] can fail to).
    /// Inlined: a pair returned through memory and read back at once stalls the read.
    #[inline(always)]
    fn parse_by(status: Status, body: &[u8], path: json::Path) -> (Self, bool) {
        let body = sniff::strip_bom(body);
        let mut head = Head::new(status.as_u16(), sniff::format_of(body));
        let answered;
        let parts = if is_success(status) {
            // Mostly nothing to keep: fill a local, and box it only if something was found.
            let mut parts = Parts::default();
            answered = parts.fill(&mut head, body, true, path);
            (!parts.is_empty()).then(|| Box::new(parts))
        } else {
            // A failure always keeps something (its errors, or a copy of the body): fill the
            // box in place rather than moving a filled value into it.
            let mut parts = Box::<Parts>::default();
            answered = parts.fill(&mut head, body, false, path);
            (!parts.is_empty()).then_some(parts)
        };
        (ErrorResponse { head, parts }, answered)
    }

    /// The HTTP status as received.
    pub fn status(&self) -> Status {
        Status::from_u16(self.head.status())
    }

    /// The status the failure corresponds with. Differs from [`status`](Self::status) only
    /// when the API answered a success status with nothing but errors (v1.1's
    /// `suppress_response_codes`, or a v2 lookup whose every item failed): then it is the
    /// documented correspondence of the first known code that has one, else of the first
    /// known problem type that has one, else the first numeric `status` member of a v2
    /// problem (the top-level one first) that is an HTTP error status (400 to 599; an
    /// `about:blank` problem says its status only there); else the status received.
    pub fn effective_status(&self) -> Status {
        let status = self.status();
        if is_success(status) && self.is_error() {
            let from_code = self
                .errors()
                .iter()
                .filter_map(ApiError::code)
                .find_map(|c| c.status());
            let from_problem = || {
                self.all_errors()
                    .filter_map(ApiError::problem)
                    .find_map(|p| p.status())
            };
            let from_member = || {
                self.all_errors()
                    .filter_map(ApiError::status)
                    .find(|s| (400..=599).contains(&s.as_u16()))
            };
            if let Some(effective) = from_code.or_else(from_problem).or_else(from_member) {
                return effective;
            }
        }
        status
    }

    /// What the body looked like.
    pub fn format(&self) -> BodyFormat {
        self.head.format()
    }

    /// Whether the request failed.
    ///
    /// A status from 400 up (or a nonsensical one below 100) is a failure. A status from 100
    /// to 399 is a success, with two exceptions decided by the body: nothing but errors (no
    /// non-null `data`) is a failure, as v1.1's `suppress_response_codes` mode and v2 lookups
    /// of missing items answer 200; errors beside `data` are v2 partial errors of a success.
    /// A failed media processing ([`media_error`](Self::media_error)) is reported by a
    /// successful status request and does not count.
    pub fn is_error(&self) -> bool {
        !is_success(self.status())
            || (!self.head.has_data()
                && self
                    .parts
                    .as_deref()
                    .is_some_and(|p| !p.errors.is_empty() || p.problem.is_some()))
    }

    /// Every error, in body order: v1.1 `errors` entries, XML `<error>`s, the `{"error": ..}`
    /// of v1 and OAuth2, v2 partial errors, or the parameter errors of an `invalid-request`.
    /// The top-level v2 problem is [`problem`](Self::problem), not in this list.
    pub fn errors(&self) -> &[ApiError] {
        self.parts.as_deref().map_or(&[], |p| p.errors.as_slice())
    }

    /// How many errors the body reported beyond those kept: a response keeps the first 10,000
    /// (real bodies carry at most about a hundred, a 100-id lookup where every id fails) and
    /// counts the rest, so a hostile body cannot make it hold more. `Display` says "and N more".
    ///
    /// ```
    /// use twerr_core::ErrorResponse;
    ///
    /// let body = format!(r#"{{"errors":[{}]}}"#, vec![r#"{"code":453}"#; 10_005].join(","));
    /// let response = ErrorResponse::parse(403u16, body.as_bytes());
    /// assert_eq!((response.errors().len(), response.omitted_errors()), (10_000, 5));
    /// ```
    pub fn omitted_errors(&self) -> u64 {
        self.parts.as_deref().map_or(0, |p| p.omitted)
    }

    /// The top-level v2 problem (`type`, `title`, `detail`, `status`, type-specific members in
    /// [`ApiError::extra`]), if the body was one.
    pub fn problem(&self) -> Option<&ApiError> {
        self.parts.as_deref()?.problem.as_ref()
    }

    /// `processing_info.error` of a media upload's STATUS response.
    pub fn media_error(&self) -> Option<&MediaError> {
        self.parts.as_deref()?.media_error.as_ref()
    }

    /// A lossy UTF-8 copy of the first 4 KiB of the body (byte order mark removed), kept only
    /// for a failed response in which nothing structured was found (plain text, an HTML page
    /// without a title, JSON that is not an error body or does not parse).
    pub fn raw_body(&self) -> Option<&str> {
        self.parts.as_deref()?.raw_body.as_deref()
    }

    /// The `<title>` of an HTML error page, e.g. `Error 401 Unauthorized`.
    pub fn html_title(&self) -> Option<&str> {
        self.parts.as_deref()?.html_title.as_deref()
    }

    /// The rate-limit headers, when [`from_parts`](Self::from_parts) was given any.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.parts.as_deref()?.rate_limit.as_ref()
    }

    /// The top-level problem, then every error of [`errors`](Self::errors): each error the
    /// body reported, in body order.
    pub fn all_errors(&self) -> impl Iterator<Item = &ApiError> + Clone {
        self.problem().into_iter().chain(self.errors())
    }
}

/// Statuses from 100 to 399: the request was not refused by its status.
pub(crate) fn is_success(status: Status) -> bool {
    (100..400).contains(&status.as_u16())
}

impl std::error::Error for ErrorResponse {}

#[cfg(feature = "http")]
impl ErrorResponse {
    /// Reads an `http::Response` whose body is bytes (`Vec<u8>`, `Bytes`, `String`, ...).
    pub fn from_http<B: AsRef<[u8]>>(response: &http::Response<B>) -> Self {
        Self::from_parts(
            response.status(),
            response.headers(),
            response.body().as_ref(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{BodyFormat, ErrorResponse, Head};

    #[test]
    fn the_head_keeps_status_format_and_data() {
        let formats = [
            BodyFormat::Json,
            BodyFormat::Xml,
            BodyFormat::Html,
            BodyFormat::Text,
            BodyFormat::Empty,
        ];
        for status in [0, 200, 429, 999, u16::MAX] {
            for format in formats {
                let mut head = Head::new(status, format);
                assert_eq!(
                    (head.status(), head.format(), head.has_data()),
                    (status, format, false)
                );
                head.set_has_data(true);
                assert_eq!(
                    (head.status(), head.format(), head.has_data()),
                    (status, format, true)
                );
                head.set_has_data(false);
                assert!(!head.has_data());
            }
        }
    }

    /// What "allocates nothing" rests on: a success with nothing to report has no parts (the
    /// `parse` benchmark counts the allocations themselves).
    #[test]
    fn a_success_with_nothing_to_report_has_no_parts() {
        let no_headers: [(&str, &str); 0] = [];
        for body in [
            &br#"{"data":{"id":"1","text":"hello"},"meta":{"result_count":1}}"#[..],
            b"",
            b"OK",
            br#"[1,2,3]"#,
        ] {
            let response = ErrorResponse::from_parts(200u16, no_headers, body);
            assert!(response.parts.is_none(), "{body:?}");
        }
        // Anything to report is kept: headers, or partial errors.
        let with_headers = ErrorResponse::from_parts(200u16, [("x-rate-limit-limit", "15")], b"");
        assert!(with_headers.parts.is_some());
        let partial = ErrorResponse::parse(200u16, br#"{"data":{},"errors":[{"detail":"x"}]}"#);
        assert!(partial.parts.is_some() && !partial.is_error());
    }
}
