//! The types generated from `error-table.toml` by `twerr-macros`.

twerr_macros::error_table!(path = "error-table.toml");
