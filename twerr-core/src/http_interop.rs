//! Conversions from and to the `http` crate's types (feature `http`).

use http::{HeaderMap, StatusCode};

use crate::{RateLimit, Status};

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

impl RateLimit {
    /// Reads the rate-limit headers of an `http::HeaderMap`; `None` when there are none.
    /// The same as [`RateLimit::from_headers`]`(headers)`.
    pub fn from_header_map(headers: &HeaderMap) -> Option<RateLimit> {
        RateLimit::from_headers(headers)
    }
}

impl From<&HeaderMap> for RateLimit {
    /// All fields `None` when the map has no rate-limit headers.
    fn from(headers: &HeaderMap) -> Self {
        RateLimit::from_headers(headers).unwrap_or_default()
    }
}
