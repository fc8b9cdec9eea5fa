// One mistake: the message names the line and column inside the inline table.

twerr_macros::error_table!(
    source = r#"
[[code]]
code = 88
name = "RateLimitExceeded"
message = "Rate limit exceeded"
description = "The request limit for this resource has been reached."
retry = "later"
source = "UI test"
"#
);

fn main() {}
