//! The errors of a response, stored without a heap allocation when there is only one.

use core::mem;
use std::sync::Arc;

use super::ApiError;

/// The most errors a response keeps; the rest are counted
/// ([`ErrorResponse::omitted_errors`](super::ErrorResponse::omitted_errors)). Real bodies carry
/// at most about a hundred (a 100-id lookup where every id fails); the limit bounds what a
/// hostile body can make a response hold, whatever the input size.
pub(crate) const MAX_ERRORS: usize = 10_000;

/// The room a list of several errors starts with.
const MANY_CAPACITY: usize = 8;

/// Most error bodies carry exactly one error; keeping it inline saves the `Vec` allocation
/// that would otherwise cost as much as parsing a small body.
#[derive(Clone, Debug, Default)]
pub(crate) enum ErrorList {
    #[default]
    Empty,
    One(ApiError),
    Many(Vec<ApiError>),
}

// By the errors held: `Many` of one error (left by `pop`) equals `One` of it.
impl PartialEq for ErrorList {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for ErrorList {}

impl ErrorList {
    pub(crate) fn as_slice(&self) -> &[ApiError] {
        match self {
            ErrorList::Empty => &[],
            ErrorList::One(error) => core::slice::from_ref(error),
            ErrorList::Many(errors) => errors,
        }
    }

    /// Gives every error the response's text.
    pub(crate) fn share_text(&mut self, text: Option<Arc<str>>) {
        match self {
            ErrorList::Empty => {}
            ErrorList::One(error) => error.text = text,
            ErrorList::Many(errors) => {
                for error in errors.iter_mut() {
                    error.text.clone_from(&text);
                }
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, ErrorList::Empty)
    }

    /// Whether the list holds [`MAX_ERRORS`] and takes no more.
    pub(crate) fn is_full(&self) -> bool {
        self.len() >= MAX_ERRORS
    }

    /// Appends `error`, unless the list is full: then `false`, and the caller counts it.
    pub(crate) fn push(&mut self, error: ApiError) -> bool {
        if self.is_full() {
            return false;
        }
        let at = self.len();
        self.insert_unbounded(at, error);
        true
    }

    /// A fresh error at the end of the list, to be filled in place (moving an error into the
    /// list costs a fair share of reading a small body); `None` when the list is full.
    /// An entry that turns out empty is taken back with [`pop`](Self::pop).
    pub(crate) fn push_new(&mut self) -> Option<&mut ApiError> {
        if self.is_full() {
            return None;
        }
        match self {
            ErrorList::Empty => {
                *self = ErrorList::One(ApiError::new());
            }
            ErrorList::One(_) => {
                self.insert_unbounded(1, ApiError::new());
            }
            ErrorList::Many(errors) => errors.push(ApiError::new()),
        }
        match self {
            ErrorList::Empty => None,
            ErrorList::One(error) => Some(error),
            ErrorList::Many(errors) => errors.last_mut(),
        }
    }

    /// Removes the last error.
    pub(crate) fn pop(&mut self) {
        match self {
            ErrorList::Empty => {}
            ErrorList::One(_) => *self = ErrorList::Empty,
            ErrorList::Many(errors) => {
                errors.pop();
            }
        }
    }

    /// Inserts at `at` (clamped to the length). A full list gives up its last error to make
    /// room: that one is returned, for the caller to count.
    pub(crate) fn insert(&mut self, at: usize, error: ApiError) -> Option<ApiError> {
        let dropped = match self {
            ErrorList::Many(errors) if errors.len() >= MAX_ERRORS => errors.pop(),
            _ => None,
        };
        self.insert_unbounded(at, error);
        dropped
    }

    fn insert_unbounded(&mut self, at: usize, error: ApiError) {
        match self {
            ErrorList::Many(errors) => errors.insert(at.min(errors.len()), error),
            ErrorList::Empty => *self = ErrorList::One(error),
            ErrorList::One(_) => {
                if let ErrorList::One(first) = mem::take(self) {
                    // A body with two errors usually has more: room for a few saves the
                    // first reallocations.
                    let mut errors = Vec::with_capacity(MANY_CAPACITY);
                    if at == 0 {
                        errors.extend([error, first]);
                    } else {
                        errors.extend([first, error]);
                    }
                    *self = ErrorList::Many(errors);
                }
            }
        }
    }
}

impl From<Vec<ApiError>> for ErrorList {
    /// The errors as they are: the caller has already held them to [`MAX_ERRORS`].
    fn from(mut errors: Vec<ApiError>) -> Self {
        match errors.len() {
            0 => ErrorList::Empty,
            1 => errors.pop().map_or(ErrorList::Empty, ErrorList::One),
            _ => ErrorList::Many(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::text::TextBuf;

    /// An error whose message is the whole of its own text.
    fn error(message: &str) -> ApiError {
        let mut buf = TextBuf::default();
        let span = buf.push(message);
        ApiError {
            message: span,
            text: buf.finish(),
            ..ApiError::new()
        }
    }

    fn messages(list: &ErrorList) -> Vec<&str> {
        list.as_slice()
            .iter()
            .filter_map(ApiError::message)
            .collect()
    }

    #[test]
    fn push_and_insert_keep_order() {
        let mut list = ErrorList::default();
        assert!(list.is_empty());
        assert!(list.push(error("b")));
        assert!(matches!(list, ErrorList::One(_)));
        list.insert(0, error("a"));
        assert!(list.push(error("d")));
        list.insert(2, error("c"));
        list.insert(99, error("e"));
        assert_eq!(messages(&list), ["a", "b", "c", "d", "e"]);
        let mut one = ErrorList::default();
        assert!(one.push(error("x")));
        one.insert(5, error("y"));
        assert_eq!(messages(&one), ["x", "y"]);
        assert_eq!(messages(&ErrorList::from(vec![error("z")])), ["z"]);
        assert!(ErrorList::from(Vec::new()).is_empty());
    }
}
