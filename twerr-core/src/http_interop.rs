//! Conversions from and to the `http` crate's types (feature `http`). A `&http::HeaderMap`
//! needs none: it is already the `(name, value)` pairs `RateLimit::from_headers` reads.

use http::StatusCode;

use crate::Status;

impl From<StatusCode> for Status {
    fn from(status: StatusCode) -> Self {
        Status::from_u16(status.as_u16())
    }
}

impl TryFrom<Status> for StatusCode {
    type Error = http::status::InvalidStatusCode;

    /// Fails for numbers `http` does not accept as a status (below 100 or above 999).
    fn try_from(status: Status) -> Result<Self, Self::Error> {
        StatusCode::from_u16(status.as_u16())
    }
}
