//! `reach` and `writes_only`: how far an error row's failure reaches.

use crate::model::{Kind, Reach, RowKey};
use crate::validate::fields::Reader;
use crate::validate::row::{is_error, not_an_error};

/// Reads `reach` (a known spelling, only on error rows; `Request` when absent) and
/// `writes_only` (only beside a reach that blocks). Returns the row's reach (`Some` exactly on
/// error rows) and whether it reaches writing methods only.
pub fn read_reach(
    kind: Kind,
    key: Option<&RowKey>,
    reader: &mut Reader<'_, '_>,
) -> (Option<Reach>, bool) {
    let error = is_error(kind, key);
    let value = reader.string("reach", None);
    let writes_only = reader.boolean("writes_only");
    let writes_only_span = reader.get("writes_only").map(|v| v.span());

    if error == Some(false) {
        let why = not_an_error(kind, "reach");
        if let Some((_, span)) = value {
            reader.report(
                span,
                format!("`reach` on a row that is not an error; remove it: {why}"),
            );
        }
        if let (Some(_), Some(span)) = (writes_only, writes_only_span) {
            reader.report(
                span,
                format!("`writes_only` on a row that is not an error; remove it: {why}"),
            );
        }
        return (None, false);
    }

    let written = value.is_some();
    let reach = match value {
        None => Some(Reach::Request),
        Some((text, span)) => {
            let reach = Reach::from_name(&text);
            if reach.is_none() {
                reader.report(
                    span,
                    format!(
                        "unknown reach value `{text}`; use {} (what else fails for the same \
                         reason: see the header comment)",
                        Reach::spellings()
                    ),
                );
            }
            reach
        }
    };
    let writes_only = writes_only.unwrap_or(false);
    // An unknown reach is reported as such: one mistake, one message.
    if let (true, Some(reach), Some(span)) = (writes_only, reach, writes_only_span)
        && !reach.blocks()
    {
        reader.report(
            span,
            format!(
                "`writes_only = true` needs a reach that blocks, but the reach is `{}`{}; set \
                 `reach = \"credential\"` or `reach = \"app\"`, or remove `writes_only`",
                reach.as_str(),
                if written { "" } else { " (no `reach` key)" },
            ),
        );
        return (Some(reach), false);
    }
    (Some(reach.unwrap_or(Reach::Request)), writes_only)
}
