//! Reading an error body without taking it from the caller: up to a size cap and a deadline,
//! then handing back a response whose body is the bytes read followed by the rest, untouched,
//! and which reports the size the original reported.

use std::error::Error;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body::{Body as HttpBody, Frame, SizeHint};
use reqwest::{Body, Response, ResponseBuilderExt};

/// An error body as far as it was read.
pub(crate) struct ErrorBody {
    /// The response, its body restored.
    pub(crate) response: Response,
    /// Every byte read.
    read: Bytes,
    /// How many of them to classify the failure by (see [`classify_by`](Self::classify_by)).
    usable: usize,
}

impl ErrorBody {
    /// The bytes to classify the failure by: the whole body when it was read to its end. Of a
    /// body cut short (longer than the cap, slower than the deadline, or broken off), its
    /// beginning up to the cap, without a number at its very end: the cut may have fallen
    /// inside it (`"code":8` of `"code":88`). The parser keeps only what is complete in a cut
    /// body (a whole string, a closed error object), so the rest of a cut cannot invent a
    /// value; what the beginning does say (a problem type, the errors before the cut) counts.
    pub(crate) fn classify_by(&self) -> &[u8] {
        &self.read[..self.usable]
    }
}

/// Reads `response`'s body up to `cap` bytes, for at most `timeout` (on tokio's clock, whose
/// time driver it needs once the body is not already there).
pub(crate) async fn read(response: Response, cap: usize, timeout: Duration) -> ErrorBody {
    let url = response.url().clone();
    let (parts, mut body) = http::Response::<Body>::from(response).into_parts();
    // What bare reqwest reports (`content_length` is its exact value): kept for the caller.
    let whole = body.size_hint();
    // Armed when the body first keeps the read waiting: most error bodies are buffered with the
    // head, and their read neither reads the clock nor registers a timer.
    let mut deadline = pin!(None::<tokio::time::Sleep>);
    let mut read = BytesMut::new();
    let tail = loop {
        let next = poll_fn(|cx| match Pin::new(&mut body).poll_frame(cx) {
            Poll::Ready(frame) => Poll::Ready(Some(frame)),
            Poll::Pending => {
                if deadline.is_none() {
                    // A deadline beyond tokio's range is none.
                    let Some(at) = tokio::time::Instant::now().checked_add(timeout) else {
                        return Poll::Pending;
                    };
                    deadline.set(Some(tokio::time::sleep_until(at)));
                }
                match deadline.as_mut().as_pin_mut() {
                    Some(sleep) => sleep.poll(cx).map(|()| None),
                    None => Poll::Pending,
                }
            }
        })
        .await;
        match next {
            Some(Some(Ok(frame))) => {
                // Trailers are skipped, as reqwest's own readers skip them.
                if let Ok(data) = frame.into_data() {
                    read.extend_from_slice(&data);
                    if read.len() > cap {
                        break Tail::Rest(body);
                    }
                }
            }
            Some(None) => break Tail::End,
            // The caller would have met this error reading the body: it still does, after the
            // bytes that did arrive.
            Some(Some(Err(error))) => break Tail::Failed(error),
            // Out of time: the rest keeps arriving for the caller.
            None => break Tail::Rest(body),
        }
    };
    let read = read.freeze();
    let usable = match tail {
        Tail::End => read.len(),
        _ => {
            let prefix = &read[..read.len().min(cap)];
            prefix
                .iter()
                .rposition(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                .map_or(0, |at| at + 1)
        }
    };
    let chain = |rest| {
        Body::wrap(Chain {
            head: Some(read.clone()),
            whole,
            rest,
        })
    };
    let body = match tail {
        // Read whole, of the size announced: a body of bytes reports the same, unboxed.
        Tail::End if whole.exact() == Some(read.len() as u64) => Body::from(read.clone()),
        Tail::End => chain(None),
        Tail::Rest(rest) => chain(Some(Ok(rest))),
        Tail::Failed(error) => chain(Some(Err(error))),
    };
    let mut response = http::Response::from_parts(parts, body);
    // The conversion to `http::Response` dropped the URL; reqwest's builder extension puts it
    // back where the conversion from `http::Response` looks for it.
    if let Ok(carrier) = http::Response::builder().url(url).body(()) {
        response
            .extensions_mut()
            .extend(carrier.into_parts().0.extensions);
    }
    ErrorBody {
        response: Response::from(response),
        read,
        usable,
    }
}

/// How the read ended.
enum Tail {
    /// At the body's end.
    End,
    /// At the cap or the deadline, with this much still to come.
    Rest(Body),
    /// At an error of the body.
    Failed(reqwest::Error),
}

/// The bytes already read, then the rest of the body (or the error that cut it short).
struct Chain {
    /// The bytes read, until they are yielded.
    head: Option<Bytes>,
    /// The original body's size hint, from before anything was read: while nothing has been
    /// yielded, the whole body is still to come, so it is this body's hint too. Reporting it
    /// keeps `content_length()` as bare reqwest's (`None` for a chunked body read to its end,
    /// the `Content-Length` for a body cut at the cap).
    whole: SizeHint,
    /// `None`: the body ended with the head.
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
            if !head.is_empty() {
                return Poll::Ready(Some(Ok(Frame::data(head))));
            }
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
        match (&self.head, &self.rest) {
            (Some(_), _) => self.whole,
            (None, Some(Ok(rest))) => rest.size_hint(),
            (None, _) => SizeHint::with_exact(0),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.head.as_ref().is_none_or(Bytes::is_empty)
            && self
                .rest
                .as_ref()
                .is_none_or(|r| r.as_ref().is_ok_and(|b| b.is_end_stream()))
    }
}
