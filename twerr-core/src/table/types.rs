//! The table types' definitions and accessors, written once for `Status`, `Code` and
//! `Problem`.
//!
//! `twerr_macros::error_table!` reads `error-table.toml` and expands to one invocation of
//! [`__table_type!`](crate::__table_type) per table: the variants with their rustdoc and, for
//! each, its key and its [`Row`](crate::table::Row). Everything else, the enum itself, the
//! number or slug lookup, the variant-to-row mapping and every accessor with its
//! documentation, is written here, the way hyperium/http's `status.rs` drives its constants from
//! one table. `macro_rules!` rather than plain `impl` blocks, because the expansion also works
//! outside this crate (the macro's UI tests expand tables of their own), and because `Status`
//! and `Code` share all but their names.
//!
//! Names such as `Status`, `Row` and `Retry` are written with absolute paths, except `Status`
//! in `status()`: a code's HTTP correspondence is a status of the same expansion, and a bare
//! name resolves to the `Status` defined next to the invocation.

/// Defines a table type; used by the code `twerr_macros::error_table!` generates.
#[doc(hidden)]
#[macro_export]
macro_rules! __table_type {
    (
        status $ty:ident($unknown:ident) {
            $( $(#[$attr:meta])* $variant:ident = $key:literal => $row:expr, )*
        }
    ) => {
        $crate::__table_type! { @numbered
            /// An HTTP status of a Twitter/X API response: one variant per `[[status]]` row of
            /// `error-table.toml`, with the row's text, source and retry advice in its docs.
            ///
            /// Any number converts: [`Status::from_u16`] never fails, and a status the table does
            /// not list becomes [`Status::Unknown`], keeping its number
            /// (`Status::from_u16(n).as_u16() == n` for every `u16`). Statuses are ordered by
            /// number. HTTP statuses and v1.1 error codes share numbers without sharing meaning,
            /// hence the separate [`Code`] type.
            enum $ty($unknown)
            /// A status the table does not list, with its number. Its retry advice is the
            /// class default of [`Retry::for_status_class`](::twerr_core::Retry::for_status_class).
            unknown, "status", "<unknown status>",
            $( $(#[$attr])* $variant = $key => $row, )*
        }

        impl $ty {
            /// The retry advice of this status: the table's for listed statuses (`None` below
            /// 400), the class default of
            /// [`Retry::for_status_class`](::twerr_core::Retry::for_status_class) for others.
            pub const fn retry(self) -> ::core::option::Option<::twerr_core::Retry> {
                match self.row() {
                    ::core::option::Option::Some(row) => row.retry(),
                    ::core::option::Option::None => {
                        ::twerr_core::Retry::for_status_class(self.as_u16())
                    }
                }
            }
        }
    };

    (
        code $ty:ident($unknown:ident) {
            $( $(#[$attr:meta])* $variant:ident = $key:literal => $row:expr, )*
        }
    ) => {
        $crate::__table_type! { @numbered
            /// A v1.1 numeric error code (the `code` of
            /// `{"errors":[{"code":88,"message":...}]}`): one variant per `[[code]]` row of
            /// `error-table.toml`, with the row's text, HTTP correspondence, source and retry
            /// advice in its docs.
            ///
            /// Any number converts: [`Code::from_u16`] never fails, and a code the table does not
            /// list becomes [`Code::Unknown`], keeping its number
            /// (`Code::from_u16(n).as_u16() == n` for every `u16`). Codes are ordered by number.
            /// Code 415 arrives with HTTP 403 and has nothing to do with HTTP 415: codes and
            /// statuses are separate types.
            enum $ty($unknown)
            /// A code the table does not list, with its number. It has no retry advice of its
            /// own: use the HTTP status's.
            unknown, "code", "<unknown code>",
            $( $(#[$attr])* $variant = $key => $row, )*
        }

        impl $ty {
            /// The retry advice of this code: `Some` for every listed code, `None` for unknown
            /// codes (then the HTTP status decides, as the docs say).
            pub const fn retry(self) -> ::core::option::Option<::twerr_core::Retry> {
                match self.row() {
                    ::core::option::Option::Some(row) => row.retry(),
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            }

            $crate::__table_type!(@status "code");
        }
    };

    (
        problem $ty:ident {
            $( $(#[$attr:meta])* $variant:ident = $key:literal => $row:expr, )*
        }
    ) => {
        /// A v2 problem type (the `type` member of a problem-details error body, e.g.
        /// `https://api.twitter.com/2/problems/usage-capped`): one variant per `[[problem]]`
        /// row of `error-table.toml`, with the row's title, description, HTTP correspondence,
        /// source and retry advice in its docs.
        ///
        /// [`Problem::from_type`] accepts the type URI on any host, or the bare slug; types the
        /// table does not list give [`Problem::Unknown`] (the parsed error keeps the raw
        /// `type` string to tell them apart). Problems are ordered as in the table (by slug).
        #[derive(
            ::core::clone::Clone,
            ::core::marker::Copy,
            ::core::fmt::Debug,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::hash::Hash,
            ::core::cmp::PartialOrd,
            ::core::cmp::Ord,
        )]
        #[non_exhaustive]
        pub enum $ty {
            $( $(#[$attr])* $variant, )*
            /// A problem type the table does not list.
            Unknown,
        }

        impl $ty {
            /// Every problem type the table lists, in table order (by slug).
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            const ROWS: &'static [::twerr_core::table::Row] = &[$($row),*];

            /// The problem type of a `type` member: the one whose slug is
            /// [`problem_slug(type_uri)`](::twerr_core::table::problem_slug), the type URI's
            /// last path segment on any host (`api.twitter.com/2/problems/...`,
            /// `api.x.com/2/problems/...`, `api.twitter.com/labs/1/problems/...`), or a bare
            /// slug, or `about:blank`. Anything else is `Unknown`.
            pub fn from_type(type_uri: &str) -> Self {
                match ::twerr_core::table::problem_slug(type_uri) {
                    $( $key => Self::$variant, )*
                    _ => Self::Unknown,
                }
            }

            /// The slug: the type URI's last path segment (`"about:blank"` as is); `None` for
            /// `Unknown`.
            pub const fn slug(self) -> ::core::option::Option<&'static str> {
                match self {
                    $( Self::$variant => ::core::option::Option::Some($key), )*
                    Self::Unknown => ::core::option::Option::None,
                }
            }

            /// The table row of this problem type; `None` for `Unknown`.
            pub const fn row(self) -> ::core::option::Option<&'static ::twerr_core::table::Row> {
                $crate::__table_type!(@row self, Self::Unknown, $($variant)*)
            }

            $crate::__table_type!(@accessors "problem type", Self::Unknown);

            /// The retry advice of this problem type; `None` for `about:blank` and `Unknown`:
            /// then the HTTP status decides.
            pub const fn retry(self) -> ::core::option::Option<::twerr_core::Retry> {
                match self.row() {
                    ::core::option::Option::Some(row) => row.retry(),
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            }

            $crate::__table_type!(@status "problem type");
        }

        #[automatically_derived]
        impl ::core::fmt::Display for $ty {
            /// `usage-capped Usage Capped Problem`; `<unknown problem>` for `Unknown`.
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match (self.slug(), self.message()) {
                    (::core::option::Option::Some(slug), ::core::option::Option::Some(title)) => {
                        ::core::write!(f, "{slug} {title}")
                    }
                    _ => f.write_str("<unknown problem>"),
                }
            }
        }
    };

    // `Status` and `Code`: a number, an `Unknown` holding it, conversions, order, text forms.
    (@numbered
        $(#[$doc:meta])* enum $ty:ident($unknown:ident)
        $(#[$unknown_doc:meta])* unknown, $what:literal, $unknown_text:literal,
        $( $(#[$attr:meta])* $variant:ident = $key:literal => $row:expr, )*
    ) => {
        $(#[$doc])*
        #[derive(
            ::core::clone::Clone,
            ::core::marker::Copy,
            ::core::fmt::Debug,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::hash::Hash,
        )]
        #[non_exhaustive]
        pub enum $ty {
            $( $(#[$attr])* $variant, )*
            $(#[$unknown_doc])*
            Unknown($unknown),
        }

        #[doc = ::core::concat!(
            "The number of a ", $what, " the table does not list, inside [`", ::core::stringify!($ty),
            "::Unknown`]. Its field is private: a number the table lists always converts to its \
             named variant."
        )]
        #[derive(
            ::core::clone::Clone,
            ::core::marker::Copy,
            ::core::fmt::Debug,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::hash::Hash,
            ::core::cmp::PartialOrd,
            ::core::cmp::Ord,
        )]
        pub struct $unknown(u16);

        impl $unknown {
            #[doc = ::core::concat!("The ", $what, " number.")]
            pub const fn get(self) -> u16 {
                self.0
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for $unknown {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0, f)
            }
        }

        impl $ty {
            #[doc = ::core::concat!("Every ", $what, " the table lists, in table order (by number).")]
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            const ROWS: &'static [::twerr_core::table::Row] = &[$($row),*];

            /// The number of each row of `ALL`, in the same order.
            const NUMBERS: &'static [u16] = &[$($key),*];

            /// One more than the largest number listed: the length of `POSITIONS`.
            const POSITIONS_LEN: usize = {
                let (mut max, mut i) = (0, 0);
                while i < Self::NUMBERS.len() {
                    if Self::NUMBERS[i] as usize > max {
                        max = Self::NUMBERS[i] as usize;
                    }
                    i += 1;
                }
                max + 1
            };

            /// For every number up to the largest listed, its position in `ALL` plus one (0
            /// when not listed). `from_u16` is one load from it: a `match` over the numbers
            /// compiles to a jump table, whose indirect branch the processor mispredicts
            /// whenever consecutive responses carry different numbers.
            const POSITIONS: [u16; Self::POSITIONS_LEN] = {
                let mut positions = [0; Self::POSITIONS_LEN];
                let mut i = 0;
                while i < Self::NUMBERS.len() {
                    positions[Self::NUMBERS[i] as usize] = i as u16 + 1;
                    i += 1;
                }
                positions
            };

            /// The value for a number; never fails: numbers the table does not list give
            /// `Unknown`.
            pub const fn from_u16(n: u16) -> Self {
                let position = if (n as usize) < Self::POSITIONS_LEN {
                    Self::POSITIONS[n as usize]
                } else {
                    0
                };
                match position.checked_sub(1) {
                    ::core::option::Option::Some(i) => Self::ALL[i as usize],
                    ::core::option::Option::None => Self::Unknown($unknown(n)),
                }
            }

            /// The number (`from_u16(n).as_u16() == n` for every `n`).
            pub const fn as_u16(self) -> u16 {
                // The variant's position in `ALL`, then a load from `NUMBERS`: a `match` giving
                // each number would compile to a jump table (see `POSITIONS`), this one
                // compiles to the variant's tag itself.
                #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
                enum Position { $( $variant, )* Unknown }
                let position = match self {
                    $( Self::$variant => Position::$variant as usize, )*
                    Self::Unknown(_) => Position::Unknown as usize,
                };
                match self {
                    Self::Unknown(unknown) => unknown.0,
                    // Always true: every other variant has a number.
                    _ if position < Self::NUMBERS.len() => Self::NUMBERS[position],
                    _ => 0,
                }
            }

            #[doc = ::core::concat!("The table row of this ", $what, "; `None` for `Unknown`.")]
            pub const fn row(self) -> ::core::option::Option<&'static ::twerr_core::table::Row> {
                $crate::__table_type!(@row self, Self::Unknown(_), $($variant)*)
            }

            $crate::__table_type!(@accessors $what, Self::Unknown(_));
        }

        #[automatically_derived]
        impl ::core::cmp::PartialOrd for $ty {
            fn partial_cmp(&self, other: &Self) -> ::core::option::Option<::core::cmp::Ordering> {
                ::core::option::Option::Some(::core::cmp::Ord::cmp(self, other))
            }
        }

        #[automatically_derived]
        impl ::core::cmp::Ord for $ty {
            /// By number.
            fn cmp(&self, other: &Self) -> ::core::cmp::Ordering {
                ::core::cmp::Ord::cmp(&self.as_u16(), &other.as_u16())
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<u16> for $ty {
            fn from(n: u16) -> Self {
                Self::from_u16(n)
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<$ty> for u16 {
            fn from(value: $ty) -> Self {
                value.as_u16()
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for $ty {
            #[doc = ::core::concat!("The number and the message, e.g. `88 Rate limit exceeded`; `",
                $unknown_text, "` after the number of an unknown ", $what, ".")]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self.message() {
                    ::core::option::Option::Some(message) => {
                        ::core::write!(f, "{} {}", self.as_u16(), message)
                    }
                    ::core::option::Option::None => {
                        ::core::write!(f, "{} {}", self.as_u16(), $unknown_text)
                    }
                }
            }
        }

        #[automatically_derived]
        impl ::core::str::FromStr for $ty {
            type Err = ::twerr_core::ParseNumberError;

            /// A decimal number from 0 to 65535, ASCII digits only (no sign, no spaces).
            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                match ::twerr_core::ParseNumberError::check($what, text) {
                    ::core::result::Result::Ok(n) => ::core::result::Result::Ok(Self::from_u16(n)),
                    ::core::result::Result::Err(error) => ::core::result::Result::Err(error),
                }
            }
        }
    };

    // The variant-to-row mapping: a local fieldless enum with the same variants numbers them
    // in table order, which is the order of `ROWS`.
    (@row $self:ident, $unknown:pat, $($variant:ident)*) => {{
        #[allow(dead_code, non_camel_case_types, clippy::enum_variant_names)]
        enum Index { $($variant),* }
        match $self {
            $( Self::$variant => ::core::option::Option::Some(&Self::ROWS[Index::$variant as usize]), )*
            $unknown => ::core::option::Option::None,
        }
    }};

    // The accessors every table type has.
    (@accessors $what:literal, $unknown:pat) => {
        #[doc = ::core::concat!(
            "The documented text (for problem types, the title) of this ", $what,
            ", as `Display` shows it; `None` for `Unknown`."
        )]
        pub const fn message(self) -> ::core::option::Option<&'static str> {
            match self.row() {
                ::core::option::Option::Some(row) => ::core::option::Option::Some(row.message()),
                ::core::option::Option::None => ::core::option::Option::None,
            }
        }

        #[doc = ::core::concat!("The documented description of this ", $what, "; `None` for `Unknown`.")]
        pub const fn description(self) -> ::core::option::Option<&'static str> {
            match self.row() {
                ::core::option::Option::Some(row) => {
                    ::core::option::Option::Some(row.description())
                }
                ::core::option::Option::None => ::core::option::Option::None,
            }
        }

        /// Where the row's text comes from; `None` for `Unknown`.
        pub const fn source(self) -> ::core::option::Option<&'static ::twerr_core::table::Source> {
            match self.row() {
                ::core::option::Option::Some(row) => ::core::option::Option::Some(row.source()),
                ::core::option::Option::None => ::core::option::Option::None,
            }
        }

        /// The variant name, e.g. for logs; `"Unknown"` for unknown values.
        pub const fn name(self) -> &'static str {
            match self.row() {
                ::core::option::Option::Some(row) => row.name(),
                ::core::option::Option::None => "Unknown",
            }
        }

        #[doc = ::core::concat!("Whether the table lists this ", $what, ".")]
        pub const fn is_known(self) -> bool {
            !::core::matches!(self, $unknown)
        }

        /// Whether the docs list it (`false` for values seen only in real responses, and for
        /// unknown values).
        pub const fn documented(self) -> bool {
            match self.row() {
                ::core::option::Option::Some(row) => row.documented(),
                ::core::option::Option::None => false,
            }
        }

        /// When the docs dropped this row: its date and what replaced it. `None` for current
        /// rows and unknown values.
        pub const fn retired(self) -> ::core::option::Option<&'static ::twerr_core::table::Retired> {
            match self.row() {
                ::core::option::Option::Some(row) => row.retired(),
                ::core::option::Option::None => ::core::option::Option::None,
            }
        }

        /// What real responses said where it differs from the docs (message, HTTP status).
        pub const fn observed(self) -> &'static [::twerr_core::table::Observed] {
            match self.row() {
                ::core::option::Option::Some(row) => row.observed(),
                ::core::option::Option::None => &[],
            }
        }

        /// Other doc versions' wording of this row.
        pub const fn history(self) -> &'static [::twerr_core::table::History] {
            match self.row() {
                ::core::option::Option::Some(row) => row.history(),
                ::core::option::Option::None => &[],
            }
        }

        #[doc = ::core::concat!(
            "How far a failure with this ", $what, " reaches: which later requests fail for ",
            "the same reason (see [`Reach`](::twerr_core::Reach)). The table's `reach` for ",
            "error rows ([`Reach::Request`](::twerr_core::Reach::Request) when the row has ",
            "none); `None` for rows that are no error and for `Unknown`, whose failures ",
            "reach no further than the request, as far as twerr knows."
        )]
        pub const fn reach(self) -> ::core::option::Option<::twerr_core::Reach> {
            match self.row() {
                ::core::option::Option::Some(row) => row.reach(),
                ::core::option::Option::None => ::core::option::Option::None,
            }
        }

        /// Whether the failure reaches only writing methods (POST, PUT, DELETE), reads under
        /// the same [`reach`](Self::reach) still working; `false` for unknown values.
        pub const fn writes_only(self) -> bool {
            match self.row() {
                ::core::option::Option::Some(row) => row.writes_only(),
                ::core::option::Option::None => false,
            }
        }

        /// Whether retrying can succeed: the retry advice is `Backoff` or `AfterReset`.
        pub const fn is_retryable(self) -> bool {
            match self.retry() {
                ::core::option::Option::Some(retry) => retry.is_retryable(),
                ::core::option::Option::None => false,
            }
        }
    };

    // `status()` of codes and problem types; `Status` is the expansion's own (see above).
    (@status $what:literal) => {
        #[doc = ::core::concat!(
            "The HTTP status the docs say this ", $what, " comes with, if they say."
        )]
        pub const fn status(self) -> ::core::option::Option<Status> {
            match self.row() {
                ::core::option::Option::Some(row) => match row.__http_number() {
                    ::core::option::Option::Some(n) => {
                        ::core::option::Option::Some(Status::from_u16(n))
                    }
                    ::core::option::Option::None => ::core::option::Option::None,
                },
                ::core::option::Option::None => ::core::option::Option::None,
            }
        }
    };
}
