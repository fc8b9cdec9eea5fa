//! Parsed error responses: every body shape Twitter has sent, rate limits, retry advice.

mod api_error;
mod display;
mod json;
mod list;
mod sniff;
mod text;
mod xml;

use core::time::Duration;

pub use api_error::{ApiError, MediaError};
use list::ErrorList;

use crate::advice;
use crate::{RateLimit, Retry, Status};

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
/// gives a value and nothing panics. The response owns what it extracted, keeps every error in
/// body order, and never invents a code: an error has a [`Code`](crate::Code) only when the
/// body had a whole number from 0 to 65535 there. When nothing structured was found in a
/// failed response, the first 4 KiB of the body are kept as [`raw_body`](Self::raw_body). A
/// success body with nothing to report allocates nothing.
///
/// # Handling a failed request
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
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
///     let response = ErrorResponse::from_parts(status, headers, body);
///     if !response.is_error() {
///         break body;
///     }
///     let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
///     match response.retry_delay(attempt, now) {
///         Some(delay) if attempt + 1 < MAX_ATTEMPTS => {
///             eprintln!("{response}; waiting {}s", delay.as_secs());
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
    status: Status,
    format: BodyFormat,
    errors: ErrorList,
    // Boxed or packed, the parts most responses lack: a smaller response is cheaper to return.
    problem: Option<Box<ApiError>>,
    media_error: Option<Box<MediaError>>,
    has_data: bool,
    html_title: Option<Box<str>>,
    raw_body: Option<Box<str>>,
    /// Empty when no header was read.
    rate_limit: RateLimit,
}

impl ErrorResponse {
    /// Reads a response from its status and body.
    pub fn parse(status: impl Into<Status>, body: &[u8]) -> Self {
        Self::parse_body(status.into(), body)
    }

    /// Reads a response from its status, headers (for [`RateLimit`]) and body. Headers are
    /// `(name, value)` pairs: an `http::HeaderMap`, a `Vec<(String, String)>`, and so on.
    pub fn from_parts<I, K, V>(status: impl Into<Status>, headers: I, body: &[u8]) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<[u8]>,
    {
        let mut response = Self::parse_body(status.into(), body);
        response.rate_limit = RateLimit::from_headers(headers).unwrap_or_default();
        response
    }

    fn parse_body(status: Status, body: &[u8]) -> Self {
        let body = sniff::strip_bom(body);
        let format = sniff::format_of(body);
        let mut response = ErrorResponse {
            status,
            format,
            errors: ErrorList::Empty,
            problem: None,
            media_error: None,
            has_data: false,
            html_title: None,
            raw_body: None,
            rate_limit: RateLimit::default(),
        };
        let success = is_success(status);
        match format {
            BodyFormat::Json => {
                // Unknown top-level members only matter when the top level is an error; on a
                // success status they are skipped, and read in a second pass in the rare case
                // the top level turns out to be an error after all.
                let mut found = json::JsonBody::default();
                json::parse(body, !success, &mut found);
                if success && found.skipped_members && found.top_is_error(true) {
                    found = json::JsonBody::default();
                    json::parse(body, true, &mut found);
                }
                response.has_data = found.has_data;
                let mut problem = None;
                found.assemble(success, &mut response.errors, &mut problem);
                // Every error shares the one text buffer; none is needed when nothing was kept.
                let text = found.text.finish();
                if let Some(mut media) = found.media.take() {
                    media.text.clone_from(&text);
                    response.media_error = Some(Box::new(media));
                }
                if let Some(mut problem) = problem {
                    problem.text.clone_from(&text);
                    response.problem = Some(Box::new(problem));
                }
                response.errors.share_text(text);
            }
            BodyFormat::Xml => response.errors = xml::parse(body).into(),
            BodyFormat::Html => response.html_title = sniff::html_title(body).map(Into::into),
            BodyFormat::Text | BodyFormat::Empty => {}
        }
        let structured = !response.errors.is_empty()
            || response.problem.is_some()
            || response.media_error.is_some()
            || response.html_title.is_some();
        if !structured && response.is_error() {
            response.raw_body = sniff::raw_copy(body).map(Into::into);
        }
        response
    }

    /// The HTTP status as received.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The status the failure corresponds with. Differs from [`status`](Self::status) only
    /// when the API answered a success status with nothing but errors (v1.1's
    /// `suppress_response_codes`, or a v2 lookup whose every item failed): then it is the
    /// documented correspondence of the first known code that has one, else of the first
    /// known problem type that has one, else the first numeric `status` member of a v2
    /// problem (the top-level one first) that is an HTTP error status (400 to 599; an
    /// `about:blank` problem says its status only there); else the status received.
    pub fn effective_status(&self) -> Status {
        if is_success(self.status) && self.is_error() {
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
            if let Some(status) = from_code.or_else(from_problem).or_else(from_member) {
                return status;
            }
        }
        self.status
    }

    /// What the body looked like.
    pub fn format(&self) -> BodyFormat {
        self.format
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
        !is_success(self.status)
            || (!self.has_data && (!self.errors.is_empty() || self.problem.is_some()))
    }

    /// Every error, in body order: v1.1 `errors` entries, XML `<error>`s, the `{"error": ..}`
    /// of v1 and OAuth2, v2 partial errors, or the parameter errors of an `invalid-request`.
    /// The top-level v2 problem is [`problem`](Self::problem), not in this list.
    pub fn errors(&self) -> &[ApiError] {
        self.errors.as_slice()
    }

    /// The top-level v2 problem (`type`, `title`, `detail`, `status`, type-specific members in
    /// [`ApiError::extra`]), if the body was one.
    pub fn problem(&self) -> Option<&ApiError> {
        self.problem.as_deref()
    }

    /// `processing_info.error` of a media upload's STATUS response.
    pub fn media_error(&self) -> Option<&MediaError> {
        self.media_error.as_deref()
    }

    /// A lossy UTF-8 copy of the first 4 KiB of the body (byte order mark removed), kept only
    /// for a failed response in which nothing structured was found (plain text, an HTML page
    /// without a title, JSON that is not an error body or does not parse).
    pub fn raw_body(&self) -> Option<&str> {
        self.raw_body.as_deref()
    }

    /// The `<title>` of an HTML error page, e.g. `Error 401 Unauthorized`.
    pub fn html_title(&self) -> Option<&str> {
        self.html_title.as_deref()
    }

    /// The rate-limit headers, when [`from_parts`](Self::from_parts) was given any.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        (!self.rate_limit.is_empty()).then_some(&self.rate_limit)
    }

    /// What to do about the failure; `None` for a success.
    ///
    /// Known codes and problem types decide, as the documentation says; among several,
    /// [`Retry::Never`] wins over [`Retry::AfterReset`], which wins over [`Retry::Backoff`].
    /// Where no error is known, the HTTP status decides ([`Status::retry`], with class
    /// defaults for statuses the table lacks); a failure reported under a success status with
    /// nothing known is [`Retry::Never`]: the API did answer, and would answer the same again.
    pub fn retry(&self) -> Option<Retry> {
        if !self.is_error() {
            return None;
        }
        let known = self.all_errors().filter_map(ApiError::retry).max();
        known
            .or_else(|| self.effective_status().retry())
            .or(Some(Retry::Never))
    }

    /// How long to wait before attempt number `attempt + 1` (`attempt` counts the retries
    /// already made, from 0), given the current time `now_unix_secs`; `None` when the request
    /// should not be retried. A pure function of the response and its arguments.
    ///
    /// - [`Retry::AfterReset`]: until the latest of the binding reset (the exhausted window's
    ///   `x-rate-limit-reset`, or a 24-hour window's) and `Retry-After`, plus 1 s; 15 minutes
    ///   when no header says; never more than 24 hours. When the response has a `Date`
    ///   header, times are measured from the server's clock rather than `now_unix_secs`, so
    ///   a skewed local clock does not distort the wait. `attempt` is not used.
    /// - [`Retry::Backoff`]: 5 s, doubling with each attempt, capped at 320 s. Only for
    ///   requests that are safe to repeat: a POST that timed out may have succeeded, and
    ///   blindly repeating it is how code 187 ("Status is a duplicate") is produced.
    /// - [`Retry::Never`], or a success: `None`.
    ///
    /// Many clients retrying in step make the next failure more likely; add jitter by waiting
    /// a random fraction of the advice on top, e.g. `delay + delay.mul_f64(rand * 0.25)` with
    /// `rand` uniform in `0..1` from your RNG of choice (twerr does not pick one for you).
    pub fn retry_delay(&self, attempt: u32, now_unix_secs: u64) -> Option<Duration> {
        advice::delay(self.retry(), self.rate_limit(), attempt, now_unix_secs)
    }

    /// Every error with something to show, the top-level problem first.
    pub(crate) fn all_errors(&self) -> impl Iterator<Item = &ApiError> {
        self.problem().into_iter().chain(self.errors())
    }
}

/// Statuses from 100 to 399: the request was not refused by its status.
fn is_success(status: Status) -> bool {
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
