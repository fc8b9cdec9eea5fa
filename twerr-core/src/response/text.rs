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

/// The buffer being filled while a body is read. It takes the thread's spare buffer only when
/// the first string is kept: a body that keeps none (a success) does not touch it.
#[derive(Default)]
pub(crate) struct TextBuf {
    text: String,
}

impl Drop for TextBuf {
    fn drop(&mut self) {
        let capacity = self.text.capacity();
        if capacity != 0 && capacity <= SCRATCH_KEEP {
            let mut text = std::mem::take(&mut self.text);
            text.clear();
            // During thread teardown the slot may be gone; the buffer is then just freed.
            let _ = SCRATCH.try_with(|slot| slot.set(text));
        }
    }
}

impl TextBuf {
    /// Appends `text`; `None` when the buffer would pass 4 GiB. Inlined: the span it returns
    /// is read at once, which through memory would stall.
    #[inline(always)]
    pub(crate) fn push(&mut self, text: &str) -> Option<Span> {
        if self.text.capacity() == 0 {
            self.text = SCRATCH.try_with(Cell::take).unwrap_or_default();
        }
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

    /// Appends a name and a raw JSON text as an extra member; `None` past 4 GiB. Inlined: the
    /// pair it returns is read at once, which through memory would stall.
    #[inline(always)]
    pub(crate) fn push_extra(&mut self, name: &str, raw: &str) -> Option<ExtraSpan> {
        Some((self.push(name)?, self.push(raw)?))
    }

    /// The finished text, shared; `None` when nothing was kept (a span of an empty buffer is
    /// empty, so nothing needs it).
    pub(crate) fn finish(&self) -> Option<Arc<str>> {
        (!self.text.is_empty()).then(|| Arc::from(self.text.as_str()))
    }
}

/// How many extra members of one error are held without an allocation while it is read: real
/// errors carry up to about six (`value`, `parameter`, `resource_type`, `section`, ...).
const INLINE_EXTRAS: usize = 8;

/// The extra members of one error being read, collected before they are copied out exactly
/// sized: the first [`INLINE_EXTRAS`] in place, any more in a list.
#[derive(Default)]
pub(crate) struct ExtraList {
    inline: [ExtraSpan; INLINE_EXTRAS],
    len: usize,
    more: Vec<ExtraSpan>,
}

impl ExtraList {
    /// Inlined: the pair is written just before, and read back through memory it stalls.
    #[inline(always)]
    pub(crate) fn push(&mut self, extra: ExtraSpan) {
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = extra,
            None => self.more.push(extra),
        }
        self.len += 1;
    }

    /// Puts `extra` before every member collected so far.
    pub(crate) fn push_first(&mut self, extra: ExtraSpan) {
        let rest: Vec<ExtraSpan> = self.iter().collect();
        self.clear();
        for extra in core::iter::once(extra).chain(rest) {
            self.push(extra);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
        self.more.clear();
    }

    fn iter(&self) -> impl Iterator<Item = ExtraSpan> + '_ {
        let inline = self.inline.get(..self.len).unwrap_or(&self.inline);
        inline.iter().chain(&self.more).copied()
    }

    /// The members collected, exactly sized (no allocation when there are none); the list is
    /// emptied for the next error.
    pub(crate) fn take(&mut self) -> Box<[ExtraSpan]> {
        let extra = if self.more.is_empty() {
            self.inline.get(..self.len).unwrap_or_default().into()
        } else {
            self.iter().collect()
        };
        self.clear();
        extra
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
