//! One error reported by a response body, and the media-processing error.

use core::fmt;
use std::sync::Arc;

use super::text::{ExtraSpan, Span, TextBuf};
use crate::{Code, Problem, Retry, Status};

/// One error found in a response body.
///
/// What is set depends on the body's shape: a v1.1 entry has [`code`](Self::code) and
/// [`message`](Self::message); a v2 problem has [`problem_type`](Self::problem_type),
/// [`title`](Self::title) and [`detail`](Self::detail); an `invalid-request` entry has a
/// message and its `parameters` in [`extra`](Self::extra); `{"error": ..}` bodies give a
/// message (and, for OAuth2, the error identifier as the title).
///
/// Nothing is invented: a `code` member that is not a whole number from 0 to 65535 (a string,
/// a negative number, a fraction, a number too large) gives no [`Code`]; its text is kept in
/// [`extra`](Self::extra) under the name `code`.
///
/// The strings of all errors of a response live in one buffer they share, so a clone is
/// cheap, and keeps that buffer alive.
///
/// There is no public constructor and no `Default`: the parser never builds an empty error.
#[derive(Clone)]
pub struct ApiError {
    pub(crate) code: Option<Code>,
    pub(crate) status: Option<Status>,
    pub(crate) problem: Option<Problem>,
    // Ranges of `text`: one buffer per response rather than an allocation per string.
    pub(crate) message: Option<Span>,
    pub(crate) problem_type: Option<Span>,
    pub(crate) title: Option<Span>,
    pub(crate) detail: Option<Span>,
    pub(crate) extra: Box<[ExtraSpan]>,
    /// The response's text, shared by its errors; set once the body is read. `None` while
    /// reading, and when nothing was kept.
    pub(crate) text: Option<Arc<str>>,
}

impl ApiError {
    /// An error with nothing set yet, for the parser to fill.
    pub(crate) fn new() -> Self {
        ApiError {
            code: None,
            status: None,
            problem: None,
            message: None,
            problem_type: None,
            title: None,
            detail: None,
            extra: Box::new([]),
            text: None,
        }
    }

    /// The v1.1 error code, when the body had a whole number from 0 to 65535 there.
    ///
    /// A number the table does not list is `Some(Code::Unknown(..))`.
    pub fn code(&self) -> Option<Code> {
        self.code
    }

    /// The error's text as the body gave it (`message`, or the `error` of older shapes).
    ///
    /// This is the server's wording, which often differs from the documented
    /// [`Code::message`].
    pub fn message(&self) -> Option<&str> {
        self.read(self.message)
    }

    /// The v2 problem type, read from `type` by its last path segment on any host.
    ///
    /// `Some(Problem::Unknown)` when the body had a `type` the table does not list; the raw
    /// text is in [`problem_type`](Self::problem_type).
    pub fn problem(&self) -> Option<Problem> {
        self.problem
    }

    /// The raw `type` member of a v2 problem, e.g.
    /// `https://api.twitter.com/2/problems/usage-capped` or `about:blank`.
    pub fn problem_type(&self) -> Option<&str> {
        self.read(self.problem_type)
    }

    /// The last path segment of [`problem_type`](Self::problem_type) (`usage-capped`), with any
    /// query or fragment removed; `about:blank` is its own slug.
    pub fn slug(&self) -> Option<&str> {
        self.problem_type().map(crate::table::problem_slug)
    }

    /// The v2 problem's `title` (not a stable identifier: use [`problem`](Self::problem)),
    /// or the OAuth2 `error` identifier (`invalid_request`).
    pub fn title(&self) -> Option<&str> {
        self.read(self.title)
    }

    /// The v2 problem's `detail`: the human-readable explanation.
    pub fn detail(&self) -> Option<&str> {
        self.read(self.detail)
    }

    /// The `status` member of a v2 problem, when it was a number from 0 to 65535.
    pub fn status(&self) -> Option<Status> {
        self.status
    }

    /// Every other member, in body order, as (name, raw JSON text): `parameters` of an
    /// `invalid-request` entry, `resource_id`, `value`, `client_id`, `request`, and so on.
    /// XML attributes and elements appear as JSON strings.
    pub fn extra(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + Clone + '_ {
        let text = self.text.as_deref().unwrap_or_default();
        self.extra
            .iter()
            .map(move |(name, raw)| (name.get(text), raw.get(text)))
    }

    /// What the documentation says to do about this error: from the known code, else from the
    /// known problem type. `None` when neither is in the table (then the HTTP status decides;
    /// see [`ErrorResponse::retry`](crate::ErrorResponse::retry)).
    pub fn retry(&self) -> Option<Retry> {
        self.code
            .and_then(Code::retry)
            .or_else(|| self.problem.and_then(Problem::retry))
    }

    /// Whether nothing at all was extracted (such entries are not kept).
    pub(crate) fn is_empty(&self) -> bool {
        self.code.is_none()
            && self.status.is_none()
            && self.message.is_none()
            && self.problem_type.is_none()
            && self.title.is_none()
            && self.detail.is_none()
            && self.extra.is_empty()
    }

    /// Sets `problem_type` (kept in `buf`) and the `Problem` read from it.
    pub(crate) fn set_type(&mut self, buf: &mut TextBuf, text: &str) {
        self.problem = Some(Problem::from_type(text));
        self.problem_type = buf.push(text);
    }

    /// The text of a span of this error's response.
    fn read(&self, span: Option<Span>) -> Option<&str> {
        span.map(|span| span.get(self.text.as_deref().unwrap_or_default()))
    }
}

// By what the accessors show: the spans depend on where in its response's text an error sits.
impl PartialEq for ApiError {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
            && self.status == other.status
            && self.problem == other.problem
            && self.message() == other.message()
            && self.problem_type() == other.problem_type()
            && self.title() == other.title()
            && self.detail() == other.detail()
            && self.extra().eq(other.extra())
    }
}

impl Eq for ApiError {}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("code", &self.code)
            .field("status", &self.status)
            .field("problem", &self.problem)
            .field("message", &self.message())
            .field("problem_type", &self.problem_type())
            .field("title", &self.title())
            .field("detail", &self.detail())
            .field("extra", &self.extra().collect::<Vec<_>>())
            .finish()
    }
}

/// The error of a failed chunked media upload: `processing_info.error` of the upload's STATUS
/// response, which arrives with HTTP 200.
///
/// Its `code` is the media service's own numbering (1 = `InvalidMedia`, ...), unrelated to the
/// v1.1 [`Code`]s, so it is exposed as a plain number beside its `name` and `message`.
#[derive(Clone)]
pub struct MediaError {
    pub(crate) code: Option<i64>,
    pub(crate) name: Option<Span>,
    pub(crate) message: Option<Span>,
    /// The response's text, as for [`ApiError`].
    pub(crate) text: Option<Arc<str>>,
}

impl MediaError {
    /// An error with nothing set yet, for the parser to fill.
    pub(crate) const fn new() -> Self {
        MediaError {
            code: None,
            name: None,
            message: None,
            text: None,
        }
    }

    /// The media service's error number, when it was a whole number.
    pub fn code(&self) -> Option<i64> {
        self.code
    }

    /// The error's name, e.g. `InvalidMedia`.
    pub fn name(&self) -> Option<&str> {
        self.read(self.name)
    }

    /// The error's text, e.g. `Unsupported video format`.
    pub fn message(&self) -> Option<&str> {
        self.read(self.message)
    }

    fn read(&self, span: Option<Span>) -> Option<&str> {
        span.map(|span| span.get(self.text.as_deref().unwrap_or_default()))
    }
}

impl PartialEq for MediaError {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code && self.name() == other.name() && self.message() == other.message()
    }
}

impl Eq for MediaError {}

impl fmt::Debug for MediaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MediaError")
            .field("code", &self.code)
            .field("name", &self.name())
            .field("message", &self.message())
            .finish()
    }
}

#[cfg(all(test, feature = "serde"))]
mod serde_tests {
    use super::super::text::TextBuf;
    use super::ApiError;

    /// An extra whose text is not JSON (the parser never keeps one) is written as a string,
    /// not dropped and not a panic.
    #[test]
    fn an_extra_that_is_not_json_is_written_as_a_string() {
        let mut buf = TextBuf::default();
        let extra = [buf.push_extra("x", "not json"), buf.push_extra("x", "[1]")];
        let error = ApiError {
            extra: extra.into_iter().flatten().collect(),
            text: buf.finish(),
            ..ApiError::new()
        };
        let text = serde_json::to_string(&error).unwrap_or_default();
        assert!(
            text.ends_with(r#""extra":{"x":"not json","x#2":[1]}}"#),
            "{text}"
        );
    }
}
