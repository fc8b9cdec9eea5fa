// A table file that does not exist: the message names the path as written, relative to the
// crate.

twerr_macros::error_table!(path = "no-such-table.toml");

fn main() {}
