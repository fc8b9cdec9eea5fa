//! XML bodies, read with quick-xml's streaming reader.
//!
//! Two shapes are known: v1.1's `<errors><error code="N">text</error></errors>` (still sent by
//! `oauth/request_token` for codes 415-417) and v1's
//! `<hash><request>/path</request><error>text</error></hash>`. Every `<error>` element, at any
//! depth (an `<error>` inside another included), becomes one error, in the order of their start
//! tags: its `code` attribute (only a plain number up to 65535) is the code, its own text the
//! message, other attributes and the sibling `<request>` (see `attach_requests`) go to `extra`
//! as JSON strings. The first [`MAX_ERRORS`] are kept, the rest counted. The reader is lenient about mismatched end tags; at the first hard syntax error it
//! stops and keeps the errors already closed.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use super::api_error::ApiError;
use super::json::json_quote;
use super::list::MAX_ERRORS;
use super::text::{ExtraSpan, TextBuf};
use crate::Code;

/// An `<error>` element being read.
struct Open {
    error: ApiError,
    text: String,
    /// Element nesting depth of the `<error>` start tag.
    depth: usize,
    /// Id of the element that contains it.
    parent: usize,
    /// Position among the `<error>` start tags: document order, for nested errors that close
    /// inside out.
    order: usize,
    /// Within [`MAX_ERRORS`]: kept. Past it the error is only counted, and nothing of it kept.
    keep: bool,
    /// It had attributes (when not kept, `error` is left empty).
    attributes: bool,
}

/// A `<request>` element's text, with the id of the element that contains it.
struct Request {
    parent: usize,
    text: String,
    depth: usize,
}

/// A closed `<error>`: its parent element's id, its document position and the error.
struct Done {
    parent: usize,
    order: usize,
    error: ApiError,
}

/// Every error of an XML body, in document order (at most [`MAX_ERRORS`]), and how many more
/// there were.
pub(crate) fn parse(body: &[u8]) -> (Vec<ApiError>, u64) {
    let text = String::from_utf8_lossy(body);
    let mut reader = Reader::from_str(&text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;

    let mut done: Vec<Done> = Vec::new();
    let mut omitted = 0u64;
    let mut requests: Vec<Request> = Vec::new();
    // The `<error>` elements open now, innermost last: an `<error>` inside another is an
    // error of its own, with its own code, not text of the outer one.
    let mut open: Vec<Open> = Vec::new();
    // How many of `open` are kept.
    let mut kept_open = 0usize;
    let mut request: Option<Request> = None;
    // Ids of the open elements; 0 is the document.
    let mut stack: Vec<usize> = vec![0];
    let mut next_id = 1;
    let mut order = 0;
    let mut buf = TextBuf::default();

    loop {
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        match event {
            Event::Start(start) => {
                let depth = stack.len();
                let parent = stack.last().copied().unwrap_or(0);
                let name = start.local_name();
                if request.is_none() {
                    if name.as_ref() == "error" {
                        let mark = buf.mark();
                        let mut error = attributes(&start, &mut buf);
                        let has_attributes = !error.is_empty();
                        // Past the limit an error is counted, and its text not kept.
                        let keep = done.len() + kept_open < MAX_ERRORS;
                        kept_open += usize::from(keep);
                        if !keep {
                            buf.rewind(mark);
                            error = ApiError::new();
                        }
                        open.push(Open {
                            error,
                            text: String::new(),
                            depth,
                            parent,
                            order,
                            keep,
                            attributes: has_attributes,
                        });
                        order += 1;
                    } else if name.as_ref() == "request" && open.is_empty() {
                        request = Some(Request {
                            parent,
                            text: String::new(),
                            depth,
                        });
                    }
                }
                stack.push(next_id);
                next_id += 1;
            }
            Event::Empty(start) if request.is_none() && start.local_name().as_ref() == "error" => {
                let parent = stack.last().copied().unwrap_or(0);
                let mark = buf.mark();
                let error = attributes(&start, &mut buf);
                if error.is_empty() {
                    buf.rewind(mark);
                } else if done.len() + open.len() < MAX_ERRORS {
                    done.push(Done {
                        parent,
                        order,
                        error,
                    });
                } else {
                    buf.rewind(mark);
                    omitted += 1;
                }
                order += 1;
            }
            Event::End(_) => {
                if stack.len() > 1 {
                    stack.pop();
                }
                let depth = stack.len();
                // Unmatched end tags are allowed, so one end may close several errors.
                while open.last().is_some_and(|o| o.depth >= depth) {
                    let Some(Open {
                        mut error,
                        text,
                        parent,
                        order,
                        keep,
                        attributes,
                        ..
                    }) = open.pop()
                    else {
                        break;
                    };
                    kept_open -= usize::from(keep);
                    // The outer error's text goes on after an inner one: keep the words apart.
                    if let Some(outer) = open.last_mut() {
                        outer.text.push(' ');
                    }
                    let text = text.trim();
                    if text.is_empty() && !attributes {
                        continue;
                    }
                    if !keep {
                        omitted += 1;
                        continue;
                    }
                    if !text.is_empty() {
                        error.message = buf.push(text);
                    }
                    done.push(Done {
                        parent,
                        order,
                        error,
                    });
                }
                if request.as_ref().is_some_and(|r| r.depth == depth) {
                    requests.extend(request.take());
                }
            }
            Event::Text(text) => push_text(&mut open, &mut request, &text.xml10_content()),
            Event::CData(data) => push_text(&mut open, &mut request, &data.xml10_content()),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(ch)) => Cow::Owned(ch.to_string()),
                    _ => match resolve_predefined_entity(&reference) {
                        Some(text) => Cow::Borrowed(text),
                        None => Cow::Owned(format!("&{};", &*reference)),
                    },
                };
                push_text(&mut open, &mut request, &resolved);
            }
            _ => {}
        }
    }

    // Nested errors close inside out; the list is in the order their start tags came.
    done.sort_by_key(|d| d.order);
    let mut errors = attach_requests(done, requests, &mut buf);
    let text = buf.finish();
    for error in &mut errors {
        error.text.clone_from(&text);
    }
    (errors, omitted)
}

/// Gives each error the `<request>`s beside it (same parent element), pairing them in order:
/// the k-th error of a parent gets its k-th request, errors beyond the requests get the last
/// one, and requests beyond the errors go to the last error. The v1 `<hash>` has one of each;
/// whatever a body holds, every request is kept, and the extras stay linear in the input
/// (copying every request onto every error made n of each cost n squared).
fn attach_requests(done: Vec<Done>, requests: Vec<Request>, buf: &mut TextBuf) -> Vec<ApiError> {
    use std::collections::HashMap;
    // Each request's text is pushed once; errors share its span.
    let mut by_parent: HashMap<usize, Vec<Option<ExtraSpan>>> = HashMap::new();
    for request in &requests {
        let span = buf.push_extra("request", &json_quote(request.text.trim()));
        by_parent.entry(request.parent).or_default().push(span);
    }
    let mut errors_of: HashMap<usize, usize> = HashMap::new();
    for d in &done {
        *errors_of.entry(d.parent).or_default() += 1;
    }
    let mut seen: HashMap<usize, usize> = HashMap::new();
    done.into_iter()
        .map(
            |Done {
                 parent, mut error, ..
             }| {
                let Some(spans) = by_parent.get(&parent).filter(|s| !s.is_empty()) else {
                    return error;
                };
                let k = {
                    let k = seen.entry(parent).or_default();
                    *k += 1;
                    *k - 1
                };
                let last_error = errors_of.get(&parent).is_some_and(|&n| k + 1 == n);
                let mine: &[Option<ExtraSpan>] = match (spans.get(k), last_error) {
                    (Some(_), true) => spans.get(k..).unwrap_or_default(),
                    (Some(_), false) => spans.get(k..=k).unwrap_or_default(),
                    (None, _) => spans.get(spans.len() - 1..).unwrap_or_default(),
                };
                let mut extra = Vec::from(std::mem::take(&mut error.extra));
                extra.extend(mine.iter().flatten().copied());
                error.extra = extra.into_boxed_slice();
                error
            },
        )
        .collect()
}

fn push_text(open: &mut [Open], request: &mut Option<Request>, text: &str) {
    if let Some(open) = open.last_mut() {
        open.text.push_str(text);
    } else if let Some(request) = request {
        request.text.push_str(text);
    }
}

/// An error from an `<error>` tag's attributes.
fn attributes(start: &BytesStart<'_>, buf: &mut TextBuf) -> ApiError {
    let mut error = ApiError::new();
    let mut extra = Vec::new();
    for attribute in start.attributes().with_checks(false).flatten() {
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .unwrap_or(attribute.value.clone());
        let name = attribute.key.local_name();
        let name: &str = name.as_ref();
        let number = Some(&*value)
            .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|v| v.parse::<u16>().ok());
        match number {
            Some(n) if name == "code" && error.code.is_none() => {
                error.code = Some(Code::from_u16(n))
            }
            _ => extra.extend(buf.push_extra(name, &json_quote(&value))),
        }
    }
    error.extra = extra.into_boxed_slice();
    error
}
