//! A small valid table for tests, here and in the crates that use this one (never the real
//! table, so adding a row to `error-table.toml` cannot break a test).

/// Three statuses, three codes, two problems and two sources; every optional key appears at
/// least once.
pub const TABLE: &str = r#"# fixture
[[status]]
code = 200
name = "Ok"
message = "OK"
description = "Success!"
source = "fixture-2014"

[[status]]
code = 403
name = "Forbidden"
message = "Forbidden"
description = "The request is understood, but it has been refused."
retry = "never"
source = "fixture-2014"

[[status]]
code = 429
name = "TooManyRequests"
message = "Too Many Requests"
description = "Returned when a request cannot be served due to the rate limit."
retry = "after-reset"
source = "fixture-2014"

[[code]]
code = 64
name = "AccountSuspended"
message = "Your account is suspended and is not permitted to access this feature"
description = "Corresponds with HTTP 403."
retry = "never"
http = 403
source = "fixture-2014"
reach = "credential"

[[code]]
code = 88
name = "RateLimitExceeded"
message = "Rate limit exceeded"
description = """The request limit for this resource has been reached for the current rate limit window.

See https://developer.twitter.com/en/docs/basics/rate-limiting."""
retry = "after-reset"
reach = "window"
http = 429
source = "https://developer.twitter.com/en/support/twitter-api/error-troubleshooting"
history = [
    { message = "Rate limit exceeded.", description = "The *request* limit <for this> resource.", source = "Fixture, 2021" },
]

[[code]]
code = 453
name = "AccessLevelInsufficient"
message = "You currently have access to a subset of Twitter API v2 endpoints only."
description = ""
retry = "never"
reach = "app"
writes_only = true
source = "Seen in real responses, 2023"
documented = false
observed = [
    { message = "You currently have Essential access.", http = 403, source = "Fixture gist, 2023" },
    { http = 429, source = "Fixture forum thread, 2024" },
]
retired = { date = "2024-11", note = "The v1.1 access levels were replaced by the pay-per-use tiers." }

[[problem]]
slug = "about:blank"
name = "AboutBlank"
message = "Generic Problem"
description = "A generic problem with no additional information beyond that provided by the HTTP status code."
source = "fixture-openapi"

[[problem]]
slug = "usage-capped"
name = "UsageCapped"
message = "Usage Capped Problem"
description = "A problem that indicates that a usage cap has been exceeded."
retry = "after-reset"
http = 429
source = "fixture-openapi"

[[source]]
id = "fixture-2014"
title = "Fixture page, \"Error Codes\""
url = "https://example.com/errors"
date = "2014-04-15"

[[source]]
id = "fixture-openapi"
title = "Fixture OpenAPI spec"
commit = "0123abc"
"#;

/// The fixture with each `from` replaced by its `to` (first occurrence).
///
/// # Panics
///
/// When a `from` is not in the text: meant for tests, where a fixture edit must not silently
/// turn a test of a mistake into a test of the valid table.
pub fn edit(edits: &[(&str, &str)]) -> String {
    let mut text = TABLE.to_owned();
    for (from, to) in edits {
        assert!(text.contains(from), "fixture has no {from:?}");
        text = text.replacen(from, to, 1);
    }
    text
}
