//! Implementation detail of `twerr-core`: reads `error-table.toml` and generates the table types.
