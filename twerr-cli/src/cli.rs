//! The command line: clap types only, no behaviour.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Explain Twitter/X API errors: codes, HTTP statuses, v2 problem types and saved responses.
#[derive(Debug, Parser)]
#[command(name = "twerr", version)]
#[command(after_help = "Exit status: 0 answered, 1 value not in the table, 2 unusable input.")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explain a v1.1 error code (88), an HTTP status (http:429), a v2 problem type
    /// (usage-capped or its type URI), a variant name (RateLimitExceeded) or a message.
    #[command(
        after_help = "A bare number is a code, else an HTTP status of that number \
                            (429: there is no code 429). Exit status: 0 explained; 1 not in \
                            the table, or several rows match (they are listed); 2 unusable \
                            value."
    )]
    Explain(ExplainArgs),
    /// Classify a saved error response: a body (its status unknown unless --status says it),
    /// or `curl -i` or `curl -v` output with status and headers.
    Classify(ClassifyArgs),
    /// Print the compiled-in tables.
    List(ListArgs),
    /// Check error-table.toml, or compare it with a docs page.
    #[command(subcommand)]
    Table(TableCommand),
    /// Show what a fleet shares in Redis: rate-limit windows, blocks, stream leases and
    /// requests in flight; lift a block once its cause is fixed.
    #[command(after_help = STATUS_HELP)]
    Status(StatusArgs),
}

/// `twerr status --help`, after the options: exit statuses and the JSON schema.
const STATUS_HELP: &str = "\
Credentials and apps appear as the first 8 hex digits of their hash (as twerr logs them);
times are local, countdowns from now. The URL's password is never printed.

BLOCK (for --lift) is written as the listing prints it: app:HASH for an app's block,
credential:HASH for a credential's (credential:HASH@APPHASH when the credential is blocked in
several apps); 8 to 32 hex digits, as long as they name exactly one block.

--json prints one object (with --watch, one per line, each second), schema 1:
  schema          1 (raised when a field changes meaning or goes away)
  redis, prefix   the address (never the user or password) and the key prefix
  now             Unix seconds the countdowns are measured from
  cluster_node    true when the server is a Redis Cluster node
  masters[]       the cluster's masters read, host:port (every one; empty for a single Redis)
  windows[]       app, credential (null for the app's window), endpoint,
                  kind (15m | app24h | user24h), remaining, limit (null: unknown),
                  reset (Unix seconds, X's clock)
  blocks[]        id (the BLOCK for --lift), app, reach (app | credential), holder,
                  cause (as `twerr explain` takes it: usage-capped, http:402, code:89),
                  writes_only, period, scope (null when not said), until (Unix seconds or
                  null: no known end), next_probe (Unix seconds), failed_probes,
                  probe_in_flight
  leases[]        app, stream, holder (first 8 characters), expires_in_ms (null: no expiry)
  in_flight[]     app, credential (null for the app's line), endpoint, permits
  other_versions  keys of another twerr key layout, by version ({\"v1\": 3}): not read
  unreadable[]    key (hashes cut to 8 digits), field (or null), raw, reason

Exit status: 0 shown (or lifted); 1 nothing this version reads under the prefix, or the
block to lift is gone or the lift was declined; 2 Redis unreachable or refusing, or unusable
arguments.";

/// `twerr status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The Redis the workers share: `redis://[user:password@]host[:port][/db]` or
    /// `redis+unix:///path` (no TLS). A single Redis; on a Redis Cluster node, only that
    /// node's keys are read (a note says so).
    #[arg(long, value_name = "URL")]
    pub redis: String,
    /// The store's key prefix (twerr-redis's `RedisStoreBuilder::prefix`).
    #[arg(long, value_name = "P", default_value = "twerr")]
    pub prefix: String,
    /// Print one JSON object instead of text (schema below).
    #[arg(long)]
    pub json: bool,
    /// Redraw every second until interrupted (Ctrl-C).
    #[arg(long, conflicts_with = "lift")]
    pub watch: bool,
    /// Lift one block (as the listing names it: app:HASH, credential:HASH) after its cause
    /// was fixed; asks for confirmation first.
    #[arg(long, value_name = "BLOCK", conflicts_with = "json")]
    pub lift: Option<String>,
    /// With --lift: do not ask (needed when standard input is not a terminal).
    #[arg(long, requires = "lift")]
    pub yes: bool,
    /// The current time as Unix seconds, for countdowns (default: the system clock).
    #[arg(long, value_name = "EPOCH", hide = true)]
    pub now: Option<u64>,
    /// With --watch: stop after this many redraws.
    #[arg(long, value_name = "N", hide = true, requires = "watch")]
    pub watch_count: Option<u64>,
}

/// `twerr table ...`.
#[derive(Debug, Subcommand)]
pub enum TableCommand {
    /// Validate a table with the rules of the build: every mistake at once.
    #[command(after_help = "Exit status: 0 valid, 1 mistakes, 2 the file cannot be read.")]
    Check(CheckArgs),
    /// Compare a docs page with the table: new, changed and absent rows.
    #[command(
        after_help = "Exit status: 0 no new or changed row (absent ones count with \
                            --strict), 1 differences, 2 unusable input."
    )]
    Diff(DiffArgs),
}

/// `twerr table check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The table to check (default: the table twerr was compiled from).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// `twerr table diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The docs page: Markdown/MDX with pipe tables and `<Accordion title="Code N - ...">`
    /// sections (the X docs' response-codes page, any revision) or the 2014 plain-text page.
    #[arg(value_name = "PAGE")]
    pub page: PathBuf,
    /// The table to compare with (default: the table twerr was compiled from).
    #[arg(long, value_name = "FILE")]
    pub table: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Count `absent` rows as differences for the exit status.
    #[arg(long)]
    pub strict: bool,
    /// Apply the page to the --table FILE: new rows (with a `review` key), changed wording as
    /// `history` entries citing --source; absent rows are only reported.
    #[arg(long, requires_all = ["table", "source"])]
    pub write: bool,
    /// With --write: the id of the source (defined in the table) the page's text comes from.
    #[arg(long, value_name = "ID", requires = "write")]
    pub source: Option<String>,
}

/// `twerr explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// `88` (a code, else the HTTP status of that number) or `code:88` (a code only), `http:429`,
    /// `usage-capped` or `https://api.twitter.com/2/problems/usage-capped`, a variant name as
    /// printed (`RateLimitExceeded`, `twerr_core::Code::RateLimitExceeded`), or a message
    /// (`"Rate limit exceeded."`: case, spacing and a final period do not matter).
    #[arg(value_name = "VALUE", allow_hyphen_values = true)]
    pub value: String,
}

/// `twerr classify`.
#[derive(Debug, clap::Args)]
pub struct ClassifyArgs {
    /// The HTTP status the body came with (overrides the status of a `curl -i` capture).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(100..=999))]
    pub status: Option<u16>,
    /// A response header, `Name: value` (repeatable; replaces a captured header of that name).
    #[arg(long = "header", short = 'H', value_name = "'Name: value'")]
    pub headers: Vec<OsString>,
    /// The current time as Unix seconds, for the wait computed from rate-limit headers
    /// (default: the system clock). A `Date` header in the response takes precedence for the
    /// wait when it agrees with the reset times: it is measured from the server's time, and so
    /// is the "until" printed with it.
    #[arg(long, value_name = "EPOCH")]
    pub now: Option<u64>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// The saved response: a body, or the output of `curl -i` or of `curl -v URL 2>&1`. `-` or
    /// absent: standard input.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// `twerr list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Which table (default: all three).
    #[arg(value_enum, value_name = "TABLE")]
    pub table: Option<TableName>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// With the table format: every cell whole, however wide the lines get. Otherwise the
    /// lines fit the width of $COLUMNS, else of the terminal, else 100 columns, messages cut
    /// with `…` (Markdown and JSON are never cut).
    #[arg(long)]
    pub wide: bool,
}

/// The three tables of `error-table.toml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TableName {
    /// HTTP statuses.
    Status,
    /// v1.1 numeric error codes.
    Code,
    /// v2 problem types.
    Problem,
}

/// How `list` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal.
    Table,
    /// GitHub-flavoured Markdown tables.
    Markdown,
    /// A JSON array of rows with every key.
    Json,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
