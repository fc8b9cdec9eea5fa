// The generated types name each other (`Code::status()` returns the expansion's own `Status`),
// so an expansion works in any module or block of any crate, next to another expansion with
// a different table.

mod nested {
    twerr_macros::error_table!(
        source = r#"
[[status]]
code = 404
name = "NotFound"
message = "Not Found"
description = "Nothing here."
retry = "never"
source = "UI test"

[[code]]
code = 34
name = "PageDoesNotExist"
message = "Sorry, that page does not exist"
description = "Corresponds with HTTP 404."
retry = "never"
http = 404
source = "UI test"
"#
    );
}

fn main() {
    twerr_macros::error_table!(
        source = r#"
[[status]]
code = 418
name = "Teapot"
message = "I'm a teapot"
description = "Short and stout."
retry = "never"
source = "UI test"

[[code]]
code = 64
name = "AccountSuspended"
message = "Your account is suspended"
description = "Corresponds with HTTP 418 here."
retry = "never"
http = 418
source = "UI test"

[[problem]]
slug = "brewing"
name = "Brewing"
message = "Brewing Problem"
description = "The pot is busy."
retry = "backoff"
http = 418
source = "UI test"
"#
    );

    assert_eq!(Code::AccountSuspended.status(), Some(Status::Teapot));
    assert_eq!(Problem::Brewing.status(), Some(Status::Teapot));
    assert_eq!(
        nested::Code::PageDoesNotExist.status(),
        Some(nested::Status::NotFound)
    );
    // A status twerr_core's own table may lack: this is the expansion's type, not that one.
    assert_eq!(Status::Teapot.as_u16(), 418);
}
