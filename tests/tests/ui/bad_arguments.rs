// The macro takes `path = "..."` or `source = r#"..."#`, nothing else.

twerr_macros::error_table!(file = "error-table.toml");

fn main() {}
