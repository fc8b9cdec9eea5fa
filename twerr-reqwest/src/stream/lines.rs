//! Splitting a body's chunks into lines without copying: a line inside one chunk is a slice of
//! it; only a line split across chunks is copied, into a buffer bounded by the longest line.

use bytes::{Bytes, BytesMut};

/// The lines of the chunks pushed so far.
#[derive(Debug, Default)]
pub(crate) struct Lines {
    chunk: Bytes,
    pos: usize,
    /// The start of a line whose end has not arrived.
    partial: BytesMut,
    max: usize,
}

/// A line, without its `\r\n`, longer than the maximum.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TooLong;

impl Lines {
    pub(crate) fn new(max: usize) -> Self {
        Lines {
            max,
            ..Lines::default()
        }
    }

    /// The longest line accepted.
    pub(crate) fn max(&self) -> usize {
        self.max
    }

    /// Adds a chunk; call after [`next`](Self::next) gave `Ok(None)`.
    pub(crate) fn push(&mut self, chunk: Bytes) {
        self.chunk = chunk;
        self.pos = 0;
    }

    /// Forgets everything, a partial line included (a dropped connection's last line is never
    /// complete).
    pub(crate) fn clear(&mut self) {
        self.chunk = Bytes::new();
        self.pos = 0;
        self.partial.clear();
    }

    /// The next complete line (empty: a keep-alive), `Ok(None)` when the chunks end within a
    /// line.
    pub(crate) fn next(&mut self) -> Result<Option<Bytes>, TooLong> {
        let rest = &self.chunk[self.pos..];
        let Some(at) = memchr::memchr(b'\n', rest) else {
            if self.partial.len() + rest.len() > self.max.saturating_add(1) {
                return Err(TooLong);
            }
            self.partial.extend_from_slice(rest);
            self.chunk = Bytes::new();
            self.pos = 0;
            return Ok(None);
        };
        let end = self.pos + at;
        let line = if self.partial.is_empty() {
            self.chunk.slice(self.pos..end)
        } else {
            self.partial.extend_from_slice(&rest[..at]);
            self.partial.split().freeze()
        };
        self.pos = end + 1;
        let line = match line.last() {
            Some(b'\r') => line.slice(..line.len() - 1),
            _ => line,
        };
        if line.len() > self.max {
            return Err(TooLong);
        }
        Ok(Some(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(chunks: &[&[u8]], max: usize) -> (Vec<Vec<u8>>, Result<(), TooLong>) {
        let mut lines = Lines::new(max);
        let mut out = Vec::new();
        for chunk in chunks {
            lines.push(Bytes::copy_from_slice(chunk));
            loop {
                match lines.next() {
                    Ok(Some(line)) => out.push(line.to_vec()),
                    Ok(None) => break,
                    Err(error) => return (out, Err(error)),
                }
            }
        }
        (out, Ok(()))
    }

    #[test]
    fn lines_split_across_chunks_and_keep_alives_are_empty() {
        let (got, end) = lines(
            &[b"{\"a\":1}\r\n\r", b"\n{\"b\"", b":2}\r\n", b"{\"c\""],
            64,
        );
        assert_eq!(end, Ok(()));
        let want: [&[u8]; 3] = [b"{\"a\":1}", b"", b"{\"b\":2}"];
        assert_eq!(got, want, "the unfinished last line is not a line");
    }

    #[test]
    fn a_line_over_the_maximum_is_an_error_however_it_arrives() {
        assert_eq!(lines(&[b"12345\r\n"], 5).0, [b"12345".to_vec()]);
        assert_eq!(lines(&[b"123456\n"], 5).1, Err(TooLong));
        assert_eq!(lines(&[b"123", b"456", b"\n"], 5).1, Err(TooLong));
        // The buffer stops growing at the maximum, whether or not a newline ever comes.
        assert_eq!(lines(&[b"1234", b"5678"], 5).1, Err(TooLong));
    }
}
