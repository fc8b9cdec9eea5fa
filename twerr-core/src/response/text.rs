//! One text buffer per response.
//!
//! Every string a response keeps (messages, titles, extra members' names and raw JSON) is
//! appended to one buffer while the body is read, and each error refers to its strings by
//! byte range. The finished buffer is shared by the response's errors, so a body with
//! thousands of errors costs one text allocation instead of one or more per error, and
//! dropping the response frees it once.

use std::cell::Cell;
use std::sync::Arc;

/// A byte range of the text buffer. `u32` keeps errors small; text past 4 GiB is not kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// The text this span covers in `text`; empty if it does not fit (it always does for the
    /// buffer it came from).
    pub(crate) fn get(self, text: &str) -> &str {
        text.get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }
}

/// An extra member: its name and its raw JSON text.
pub(crate) type ExtraSpan = (Span, Span);

/// The most capacity a thread keeps for its next response: enough for any ordinary error
/// body, without pinning the memory of a huge one.
const SCRATCH_KEEP: usize = 64 * 1024;

thread_local! {
    // The buffer is copied into an exactly-sized shared allocation when the response is
    // done, so the growing buffer itself can be reused by the thread's next response.
    static SCRATCH: Cell<String> = const { Cell::new(String::new()) };
}

/// The buffer being filled while a body is read.
pub(crate) struct TextBuf {
    text: String,
}

impl Default for TextBuf {
    fn default() -> Self {
        TextBuf {
            text: SCRATCH.with(Cell::take),
        }
    }
}

impl Drop for TextBuf {
    fn drop(&mut self) {
        if self.text.capacity() <= SCRATCH_KEEP {
            let mut text = std::mem::take(&mut self.text);
            text.clear();
            // During thread teardown the slot may be gone; the buffer is then just freed.
            let _ = SCRATCH.try_with(|slot| slot.set(text));
        }
    }
}

impl TextBuf {
    /// Appends `text`; `None` when the buffer would pass 4 GiB.
    pub(crate) fn push(&mut self, text: &str) -> Option<Span> {
        let start = u32::try_from(self.text.len()).ok()?;
        let end = u32::try_from(self.text.len().checked_add(text.len())?).ok()?;
        self.text.push_str(text);
        Some(Span { start, end })
    }

    /// Where the buffer ends now, for [`rewind`](Self::rewind).
    pub(crate) fn mark(&self) -> usize {
        self.text.len()
    }

    /// Drops what was pushed since `mark`: the text of an error that is not kept after all.
    pub(crate) fn rewind(&mut self, mark: usize) {
        if mark <= self.text.len() && self.text.is_char_boundary(mark) {
            self.text.truncate(mark);
        }
    }

    /// The text `span` covers.
    pub(crate) fn get(&self, span: Span) -> &str {
        span.get(&self.text)
    }

    /// Appends a name and a raw JSON text as an extra member; `None` past 4 GiB.
    pub(crate) fn push_extra(&mut self, name: &str, raw: &str) -> Option<ExtraSpan> {
        Some((self.push(name)?, self.push(raw)?))
    }

    /// The finished text, shared; `None` when nothing was kept (a span of an empty buffer is
    /// empty, so nothing needs it).
    pub(crate) fn finish(&self) -> Option<Arc<str>> {
        (!self.text.is_empty()).then(|| Arc::from(self.text.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_back_and_the_buffer_is_shared() {
        let mut buf = TextBuf::default();
        let a = buf.push("héllo").unwrap_or_default();
        let empty = buf.push("").unwrap_or_default();
        let (name, raw) = buf.push_extra("n", "[1]").unwrap_or_default();
        assert_eq!(buf.get(a), "héllo");
        assert_eq!(buf.get(empty), "");
        let text = buf.finish().unwrap_or_else(|| Arc::from(""));
        assert_eq!((name.get(&text), raw.get(&text)), ("n", "[1]"));
        assert_eq!(a.get(&text), "héllo");
        assert!(TextBuf::default().finish().is_none());
        // A span outside the text reads as empty rather than panicking.
        assert_eq!(a.get(""), "");
    }
}
