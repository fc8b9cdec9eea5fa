//! The errors of a response, stored without a heap allocation when there is only one.

use core::mem;
use std::sync::Arc;

use super::ApiError;

/// Most error bodies carry exactly one error; keeping it inline saves the `Vec` allocation
/// that would otherwise cost as much as parsing a small body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum ErrorList {
    #[default]
    Empty,
    One(ApiError),
    Many(Vec<ApiError>),
}

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

    pub(crate) fn push(&mut self, error: ApiError) {
        let at = self.len();
        self.insert(at, error);
    }

    /// Inserts at `at` (clamped to the length).
    pub(crate) fn insert(&mut self, at: usize, error: ApiError) {
        match self {
            ErrorList::Many(errors) => errors.insert(at.min(errors.len()), error),
            ErrorList::Empty => *self = ErrorList::One(error),
            ErrorList::One(_) => {
                if let ErrorList::One(first) = mem::take(self) {
                    *self = ErrorList::Many(if at == 0 {
                        vec![error, first]
                    } else {
                        vec![first, error]
                    });
                }
            }
        }
    }
}

impl From<Vec<ApiError>> for ErrorList {
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
        list.push(error("b"));
        assert!(matches!(list, ErrorList::One(_)));
        list.insert(0, error("a"));
        list.push(error("d"));
        list.insert(2, error("c"));
        list.insert(99, error("e"));
        assert_eq!(messages(&list), ["a", "b", "c", "d", "e"]);
        let mut one = ErrorList::default();
        one.push(error("x"));
        one.insert(5, error("y"));
        assert_eq!(messages(&one), ["x", "y"]);
        assert_eq!(messages(&ErrorList::from(vec![error("z")])), ["z"]);
        assert!(ErrorList::from(Vec::new()).is_empty());
    }
}
