//! XML bodies, read with quick-xml's streaming reader.
//!
//! Two shapes are known: v1.1's `<errors><error code="N">text</error></errors>` (still sent by
//! `oauth/request_token` for codes 415-417) and v1's
//! `<hash><request>/path</request><error>text</error></hash>`. Every `<error>` element, at any
//! depth, becomes one error: its `code` attribute (only a plain number up to 65535) is the code,
//! its text the message, other attributes and a sibling `<request>` go to `extra` as JSON
//! strings. The reader is lenient about mismatched end tags; at the first hard syntax error it
//! stops and keeps the errors already closed.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use super::api_error::ApiError;
use super::json::json_quote;
use super::text::TextBuf;
use crate::Code;

/// An `<error>` element being read.
struct Open {
    error: ApiError,
    text: String,
    /// Element nesting depth of the `<error>` start tag.
    depth: usize,
    /// Id of the element that contains it.
    parent: usize,
}

/// A `<request>` element's text, with the id of the element that contains it.
struct Request {
    parent: usize,
    text: String,
    depth: usize,
}

/// Every error of an XML body, in document order.
pub(crate) fn parse(body: &[u8]) -> Vec<ApiError> {
    let text = String::from_utf8_lossy(body);
    let mut reader = Reader::from_str(&text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;

    let mut done: Vec<(usize, ApiError)> = Vec::new();
    let mut requests: Vec<Request> = Vec::new();
    let mut open: Option<Open> = None;
    let mut request: Option<Request> = None;
    // Ids of the open elements; 0 is the document.
    let mut stack: Vec<usize> = vec![0];
    let mut next_id = 1;
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
                if open.is_none() && request.is_none() {
                    if name.as_ref() == "error" {
                        open = Some(Open {
                            error: attributes(&start, &mut buf),
                            text: String::new(),
                            depth,
                            parent,
                        });
                    } else if name.as_ref() == "request" {
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
            Event::Empty(start)
                if open.is_none()
                    && request.is_none()
                    && start.local_name().as_ref() == "error" =>
            {
                let error = attributes(&start, &mut buf);
                if !error.is_empty() {
                    done.push((stack.last().copied().unwrap_or(0), error));
                }
            }
            Event::End(_) => {
                if stack.len() > 1 {
                    stack.pop();
                }
                let depth = stack.len();
                if open.as_ref().is_some_and(|o| o.depth == depth) {
                    if let Some(Open {
                        mut error,
                        text,
                        parent,
                        ..
                    }) = open.take()
                    {
                        let text = text.trim();
                        if !text.is_empty() {
                            error.message = buf.push(text);
                        }
                        if !error.is_empty() {
                            done.push((parent, error));
                        }
                    }
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

    let mut errors: Vec<ApiError> = done
        .into_iter()
        .map(|(parent, mut error)| {
            let mut extra = Vec::from(std::mem::take(&mut error.extra));
            for request in requests.iter().filter(|r| r.parent == parent) {
                extra.extend(buf.push_extra("request", &json_quote(request.text.trim())));
            }
            error.extra = extra.into_boxed_slice();
            error
        })
        .collect();
    let text = buf.finish();
    for error in &mut errors {
        error.text.clone_from(&text);
    }
    errors
}

fn push_text(open: &mut Option<Open>, request: &mut Option<Request>, text: &str) {
    if let Some(open) = open {
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
