// Every row mistake is reported in one build, in file order; the rows that are still usable
// expand, so code using them does not add errors of its own.

twerr_macros::error_table!(
    source = r#"
[[status]]
code = 429
name = "TooManyRequests"
message = "Too Many Requests"
description = "Rate limited."
source = "UI test"

[[code]]
code = 88
name = "RateLimitExceeded"
message = "Rate limit exceeded"
description = "The request limit for this resource has been reached."
retry = "after-reset"
reach = "endpoint"
http = 420
source = "UI test"

[[code]]
code = 64
name = "account_suspended"
mesage = "Your account is suspended"
description = "Corresponds with HTTP 403."
retry = "never"
writes_only = true
source = "UI test"
"#
);

fn main() {
    let _ = Code::RateLimitExceeded;
}
