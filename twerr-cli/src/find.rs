//! Finding table rows by what a person remembers of them: the variant name `explain` prints,
//! or the message a response carried.

use crate::cli::TableName;
use crate::entry::Entry;

const TABLES: [TableName; 3] = [TableName::Status, TableName::Code, TableName::Problem];

/// Which of a row's texts a message matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Matched {
    /// The row's message: what the current docs say.
    Message,
    /// What real responses said (`observed`).
    Observed,
    /// An earlier docs version's message (`history`).
    History,
}

impl Matched {
    /// The words for "the ... of code 88".
    pub fn words(self) -> &'static str {
        match self {
            Matched::Message => "the message",
            Matched::Observed => "a message real responses carried",
            Matched::History => "an earlier docs message",
        }
    }
}

/// The rows whose variant is named `name`, in `table` or in any table: exact spellings first,
/// and only when there are none, spellings that differ in case (`ratelimitexceeded`).
pub fn by_name(table: Option<TableName>, name: &str) -> Vec<Entry> {
    let entries: Vec<Entry> = TABLES
        .into_iter()
        .filter(|t| table.is_none_or(|want| want == *t))
        .flat_map(Entry::all)
        .collect();
    let exact: Vec<Entry> = entries
        .iter()
        .filter(|e| e.row.name() == name)
        .copied()
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    entries
        .into_iter()
        .filter(|e| e.row.name().eq_ignore_ascii_case(name))
        .collect()
}

/// The rows one of whose messages is `text`, compared by [`normalize`]; each row once, with
/// the first of its texts that matched (its message before observed before history).
pub fn by_message(text: &str) -> Vec<(Entry, Matched)> {
    let want = normalize(text);
    if want.is_empty() {
        return Vec::new();
    }
    let same = |message: Option<&str>| message.is_some_and(|m| normalize(m) == want);
    TABLES
        .into_iter()
        .flat_map(Entry::all)
        .filter_map(|entry| {
            let row = entry.row;
            let matched = if same(Some(row.message())) {
                Matched::Message
            } else if row.observed().iter().any(|o| same(o.message())) {
                Matched::Observed
            } else if row.history().iter().any(|h| same(h.message())) {
                Matched::History
            } else {
                return None;
            };
            Some((entry, matched))
        })
        .collect()
}

/// A message as compared: lower case, runs of white space as one space, and no final period
/// or white space (`"Rate limit exceeded. "` is `rate limit exceeded`).
pub fn normalize(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ").to_lowercase();
    joined
        .trim_end_matches(|c: char| c == '.' || c.is_whitespace())
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use twerr_core::Code;

    #[test]
    fn messages_compare_without_case_spacing_or_final_period() {
        assert_eq!(normalize("  Rate limit\texceeded. "), "rate limit exceeded");
        assert_eq!(normalize("..."), "");
        let code_88 = Code::from_u16(88);
        for text in [
            "Rate limit exceeded",
            "rate LIMIT exceeded.",
            "Rate limit exceeded.  ",
        ] {
            let found = by_message(text);
            assert!(
                found
                    .iter()
                    .any(|(e, m)| e.row.name() == code_88.name() && *m == Matched::Message),
                "{text}: {found:?}"
            );
        }
        assert!(by_message("no row says this").is_empty());
    }

    #[test]
    fn names_exact_before_any_case() {
        let code_88 = Code::from_u16(88);
        let exact = by_name(Some(TableName::Code), code_88.name());
        assert_eq!(exact.len(), 1);
        let lower = by_name(Some(TableName::Code), &code_88.name().to_lowercase());
        assert_eq!(lower.len(), 1);
        assert_eq!(lower[0].row.name(), code_88.name());
        assert!(by_name(None, "NoSuchVariantAnywhere").is_empty());
    }
}
