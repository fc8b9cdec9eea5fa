//! What `Status` has beyond the shared accessors: the class predicates of `http::StatusCode`.

use crate::Status;

impl Status {
    /// 100-199: an interim response.
    pub const fn is_informational(self) -> bool {
        matches!(self.as_u16(), 100..=199)
    }

    /// 200-299: the request succeeded (a v2 200 may still carry partial errors beside `data`).
    pub const fn is_success(self) -> bool {
        matches!(self.as_u16(), 200..=299)
    }

    /// 300-399: a redirection.
    pub const fn is_redirection(self) -> bool {
        matches!(self.as_u16(), 300..=399)
    }

    /// 400-499: the request was at fault (rate limits included).
    pub const fn is_client_error(self) -> bool {
        matches!(self.as_u16(), 400..=499)
    }

    /// 500-599: the server was at fault.
    pub const fn is_server_error(self) -> bool {
        matches!(self.as_u16(), 500..=599)
    }
}
