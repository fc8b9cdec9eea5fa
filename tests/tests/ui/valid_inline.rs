// A valid inline table expands to working types, whatever crate invokes the macro.

twerr_macros::error_table!(
    source = r#"
[[status]]
code = 200
name = "Ok"
message = "OK"
description = "Success!"
source = "UI test"

[[status]]
code = 429
name = "TooManyRequests"
message = "Too Many Requests"
description = "Rate limited."
retry = "after-reset"
source = "UI test"

[[code]]
code = 88
name = "RateLimitExceeded"
message = "Rate limit exceeded"
description = "The request limit for this resource has been reached."
retry = "after-reset"
http = 429
source = "UI test"

[[problem]]
slug = "usage-capped"
name = "UsageCapped"
message = "Usage Capped Problem"
description = "A usage cap has been exceeded."
retry = "after-reset"
http = 429
source = "UI test"
"#
);

use twerr_core::Retry;

fn main() {
    assert_eq!(Code::from_u16(88), Code::RateLimitExceeded);
    assert_eq!(
        Code::RateLimitExceeded.status(),
        Some(Status::TooManyRequests)
    );
    assert_eq!(Code::RateLimitExceeded.retry(), Some(Retry::AfterReset));
    assert_eq!(
        Code::RateLimitExceeded.to_string(),
        "88 Rate limit exceeded"
    );
    assert_eq!(Code::from_u16(7).to_string(), "7 <unknown code>");
    assert_eq!("429".parse::<Status>(), Ok(Status::TooManyRequests));
    assert!("x".parse::<Status>().is_err());
    assert_eq!(Status::from_u16(503).retry(), Some(Retry::Backoff));
    assert_eq!(Status::ALL, [Status::Ok, Status::TooManyRequests]);
    assert_eq!(
        Problem::from_type("https://api.x.com/2/problems/usage-capped"),
        Problem::UsageCapped
    );
    assert_eq!(
        Problem::UsageCapped.to_string(),
        "usage-capped Usage Capped Problem"
    );
    assert_eq!(Problem::from_type("about:blank"), Problem::Unknown);
}
