//! X's published path templates (`data/x-api-v2-paths.tsv`, the `paths` of its OpenAPI
//! spec) as a segment trie: a path is matched segment by segment, a literal segment before a
//! parameter, so `/2/users/me` is `/2/users/me` and not `/2/users/{id}`.

use std::sync::LazyLock;

/// The spec's paths, one `METHODS<TAB>PATH` a line, `#` comments.
pub(crate) const SPEC_PATHS: &str = include_str!("../../data/x-api-v2-paths.tsv");

/// The templates of [`SPEC_PATHS`], built on first use. A line the parser refuses is left
/// out (its paths take the fallback rules); the tests refuse any such line.
pub(crate) static TEMPLATES: LazyLock<Templates> = LazyLock::new(|| Templates::parse(SPEC_PATHS).0);

/// A line of the data the parser refused, and why.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Refused {
    /// 1-based line number.
    pub(crate) line: usize,
    pub(crate) reason: &'static str,
}

#[derive(Debug, Default)]
struct Node {
    /// Literal children, sorted by segment for binary search.
    literals: Vec<(&'static str, usize)>,
    /// The child reached by any non-empty segment: a parameter, whatever its name (the
    /// template at the end keeps the names).
    parameter: Option<usize>,
    /// The template whose last segment ends here.
    template: Option<&'static str>,
}

/// A segment trie over path templates.
#[derive(Debug)]
pub(crate) struct Templates {
    nodes: Vec<Node>,
    /// Segments of the longest template: a longer path matches none, unread.
    depth: usize,
    /// How many templates there are.
    len: usize,
}

impl Templates {
    /// Every valid line of `text`, and the lines refused.
    pub(crate) fn parse(text: &'static str) -> (Templates, Vec<Refused>) {
        let mut templates = Templates {
            nodes: vec![Node::default()],
            depth: 0,
            len: 0,
        };
        let mut refused = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            if let Err(reason) = templates.insert(line) {
                refused.push(Refused {
                    line: index + 1,
                    reason,
                });
            }
        }
        (templates, refused)
    }

    fn insert(&mut self, line: &'static str) -> Result<(), &'static str> {
        let (methods, path) = line.split_once('\t').ok_or("expected METHODS<TAB>PATH")?;
        if methods.is_empty()
            || !methods
                .split(',')
                .all(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err("methods must be upper-case names separated by commas");
        }
        let rest = path.strip_prefix('/').ok_or("a path starts with '/'")?;
        // Checked whole before the trie changes, so a refused line leaves no trace.
        let mut depth = 0;
        for segment in rest.split('/') {
            depth += 1;
            match parameter_name(segment) {
                Some(Ok(_)) => {}
                Some(Err(reason)) => return Err(reason),
                None if segment.is_empty() => return Err("a path has no empty segment"),
                // As `Url::path` writes it: anything else would be percent-encoded there and
                // never match.
                None if !segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)) =>
                {
                    return Err("a literal segment is letters, digits, '.', '_' or '-'");
                }
                None => {}
            }
        }
        if depth > MAX_DEPTH {
            return Err("a path has at most 16 segments");
        }
        let mut node = 0;
        for segment in rest.split('/') {
            node = match parameter_name(segment) {
                Some(_) => self.parameter_child(node),
                None => self.literal_child(node, segment),
            };
        }
        if self.nodes[node].template.is_some() {
            return Err("the same path as an earlier line, up to parameter names");
        }
        self.nodes[node].template = Some(path);
        self.depth = self.depth.max(depth);
        self.len += 1;
        Ok(())
    }

    fn parameter_child(&mut self, node: usize) -> usize {
        if let Some(child) = self.nodes[node].parameter {
            return child;
        }
        let child = self.push();
        self.nodes[node].parameter = Some(child);
        child
    }

    fn literal_child(&mut self, node: usize, segment: &'static str) -> usize {
        match self.nodes[node]
            .literals
            .binary_search_by(|(literal, _)| literal.cmp(&segment))
        {
            Ok(at) => self.nodes[node].literals[at].1,
            Err(at) => {
                let child = self.push();
                self.nodes[node].literals.insert(at, (segment, child));
                child
            }
        }
    }

    fn push(&mut self) -> usize {
        self.nodes.push(Node::default());
        self.nodes.len() - 1
    }

    /// The template `path` (as [`Url::path`](reqwest::Url::path) gives it, percent-encoded)
    /// matches, if any. At each segment a literal is tried before a parameter, so of two
    /// templates that match, the one with a literal where they first differ wins. A parameter
    /// matches any non-empty segment. Paths longer than the longest template are not read
    /// further than that.
    pub(crate) fn find(&self, path: &str) -> Option<&'static str> {
        let rest = path.strip_prefix('/')?;
        // At most `depth + 1` segments are read: one more than the longest template says
        // "none"; `depth <= MAX_DEPTH` by `insert`.
        let mut segments = [""; MAX_DEPTH];
        let mut count = 0;
        for segment in rest.split('/') {
            if count == self.depth {
                return None;
            }
            segments[count] = segment;
            count += 1;
        }
        self.find_from(0, &segments[..count])
    }

    /// Depth-first, literal before parameter: at most two branches a segment, and the trie is
    /// a handful of segments deep, so the search is bounded by the data, not by the input.
    fn find_from(&self, node: usize, segments: &[&str]) -> Option<&'static str> {
        let node = &self.nodes[node];
        let Some((segment, rest)) = segments.split_first() else {
            return node.template;
        };
        if segment.is_empty() {
            return None;
        }
        if let Ok(at) = node
            .literals
            .binary_search_by(|(literal, _)| literal.cmp(segment))
        {
            if let Some(template) = self.find_from(node.literals[at].1, rest) {
                return Some(template);
            }
        }
        node.parameter.and_then(|child| self.find_from(child, rest))
    }
}

/// The most segments a template may have: lines with more are refused (X's longest has 7).
const MAX_DEPTH: usize = 16;

/// `Some(Ok(name))` for a `{name}` segment, `Some(Err(_))` for a malformed one, `None` for a
/// literal.
fn parameter_name(segment: &str) -> Option<Result<&str, &'static str>> {
    if !segment.contains(['{', '}']) {
        return None;
    }
    let name = segment
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .filter(|name| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        });
    Some(name.ok_or("a parameter is a whole segment: {name}, name of letters, digits or '_'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_spec_data_is_a_template() {
        let (templates, refused) = Templates::parse(SPEC_PATHS);
        assert_eq!(refused, []);
        let lines = SPEC_PATHS
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(templates.len, lines);
        assert!(templates.depth <= MAX_DEPTH);
        assert_eq!(TEMPLATES.len, lines);
    }

    #[test]
    fn malformed_lines_are_refused_with_their_reason_and_leave_no_trace() {
        let (templates, refused) = Templates::parse(
            "# comment\n\
             GET\t/2/users/{id}\n\
             GET /2/spaces\n\
             get\t/2/lists\n\
             GET\t2/lists\n\
             GET\t/2//lists\n\
             GET\t/2/users/{id\n\
             GET\t/2/users/x{id}\n\
             GET\t/2/users/{}\n\
             GET\t/2/users/a b\n\
             GET\t/2/users/{user_id}\n\
             GET\t/2/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q\n\
             \n\
             POST\t/2/tweets\r\n",
        );
        let lines: Vec<usize> = refused.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        assert_eq!(
            refused[8].reason,
            "the same path as an earlier line, up to parameter names"
        );
        assert_eq!(templates.len, 2);
        assert_eq!(templates.find("/2/users/{id"), Some("/2/users/{id}"));
        assert_eq!(templates.find("/2/users/a%20b"), Some("/2/users/{id}"));
        assert_eq!(templates.find("/2/tweets"), Some("/2/tweets"));
        assert_eq!(templates.find("/2/lists"), None);
    }
}
