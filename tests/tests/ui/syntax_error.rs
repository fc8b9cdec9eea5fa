// A TOML syntax error stops at the syntax; the types still exist (empty).

twerr_macros::error_table!(
    source = r#"
[[code]]
code = 88
name = "RateLimitExceeded
"#
);

fn main() {
    let _ = Code::from_u16(88);
}
