//! Reading an error body without taking it from the caller: up to a cap, then handing back a
//! response whose body is the bytes read followed by the rest, untouched.

use std::error::Error;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http_body::{Body as HttpBody, Frame, SizeHint};
use reqwest::{Body, Response, ResponseBuilderExt};

/// An error body as far as it was read.
pub(crate) struct ErrorBody {
    /// The response, its body restored.
    pub(crate) response: Response,
    /// The whole body, when it was read to its end within the cap; `None` when it was longer
    /// or failed to arrive (the status alone then decides).
    pub(crate) complete: Option<Bytes>,
}

/// Reads `response`'s body up to `cap` bytes.
pub(crate) async fn read(mut response: Response, cap: usize) -> ErrorBody {
    let mut read = BytesMut::new();
    let tail = loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                read.extend_from_slice(&chunk);
                if read.len() > cap {
                    break Tail::Rest;
                }
            }
            Ok(None) => break Tail::End,
            // The caller would have met this error reading the body: it still does, after the
            // bytes that did arrive.
            Err(error) => break Tail::Failed(error),
        }
    };
    let read = read.freeze();
    match tail {
        Tail::End => {
            let response = rebuild(response, |_| Body::from(read.clone()));
            ErrorBody {
                response,
                complete: Some(read),
            }
        }
        Tail::Rest => ErrorBody {
            response: rebuild(response, |rest| {
                Body::wrap(Chain {
                    head: Some(read),
                    rest: Some(Ok(rest)),
                })
            }),
            complete: None,
        },
        Tail::Failed(error) => ErrorBody {
            response: rebuild(response, |_| {
                Body::wrap(Chain {
                    head: Some(read),
                    rest: Some(Err(error)),
                })
            }),
            complete: None,
        },
    }
}

enum Tail {
    End,
    Rest,
    Failed(reqwest::Error),
}

/// `response` with its body replaced by `body(rest of the old body)`; status, version,
/// headers, extensions and URL kept.
fn rebuild(response: Response, body: impl FnOnce(Body) -> Body) -> Response {
    let url = response.url().clone();
    let (mut parts, rest) = http::Response::<Body>::from(response).into_parts();
    // The conversion to `http::Response` drops the URL; reqwest's builder extension puts it
    // back where the conversion from `http::Response` looks for it.
    if let Ok(carrier) = http::Response::builder().url(url).body(()) {
        parts.extensions.extend(carrier.into_parts().0.extensions);
    }
    Response::from(http::Response::from_parts(parts, body(rest)))
}

/// The bytes already read, then the rest of the body (or the error that cut it short).
struct Chain {
    head: Option<Bytes>,
    rest: Option<Result<Body, reqwest::Error>>,
}

impl HttpBody for Chain {
    type Data = Bytes;
    type Error = Box<dyn Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Some(head) = self.head.take() {
            return Poll::Ready(Some(Ok(Frame::data(head))));
        }
        match self.rest.as_mut() {
            None => Poll::Ready(None),
            Some(Ok(rest)) => Pin::new(rest)
                .poll_frame(cx)
                .map(|frame| frame.map(|f| f.map_err(Into::into))),
            Some(Err(_)) => match self.rest.take() {
                Some(Err(error)) => Poll::Ready(Some(Err(error.into()))),
                _ => Poll::Ready(None),
            },
        }
    }

    fn size_hint(&self) -> SizeHint {
        let head = self.head.as_ref().map_or(0, |h| h.len() as u64);
        let rest = match &self.rest {
            Some(Ok(rest)) => rest.size_hint(),
            _ => SizeHint::with_exact(0),
        };
        // Upper first: `set_lower` refuses a lower bound above the current upper one.
        let mut hint = SizeHint::new();
        if let Some(upper) = rest.upper() {
            hint.set_upper(upper.saturating_add(head));
        }
        hint.set_lower(rest.lower().saturating_add(head));
        hint
    }

    fn is_end_stream(&self) -> bool {
        self.head.is_none()
            && self
                .rest
                .as_ref()
                .is_none_or(|r| r.as_ref().is_ok_and(|b| b.is_end_stream()))
    }
}
