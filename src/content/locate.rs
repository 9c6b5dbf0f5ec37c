//! Finding where a YAML value sits in its file, so that model errors point at the offending key.
//!
//! serde_yaml gives positions only for its own errors; for errors found later (an unknown
//! category, a quote not in the report) this re-reads the one file with yaml-rust2's marked
//! events. It runs only on the error path, so valid sites never pay for it.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path like `pledges[3].category`, built with [`key`] and [`idx`].
pub type YamlPath = Vec<Seg>;

pub fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

pub fn idx(i: usize) -> Seg {
    Seg::Index(i)
}

enum Frame {
    Map {
        key: Option<String>,
        expecting_key: bool,
    },
    Seq {
        index: usize,
    },
}

struct Finder<'a> {
    target: &'a [Seg],
    stack: Vec<Frame>,
    /// (line, 0-based col) of the best match so far and how many path steps it matched.
    found: Option<(usize, usize)>,
    best_depth: usize,
    best: Option<(usize, usize)>,
    record_next_scalar: bool,
    refine_best: bool,
}

impl Finder<'_> {
    /// How many leading steps of the target the current position matches.
    fn matched_depth(&self) -> usize {
        let mut depth = 0;
        for (frame, seg) in self.stack.iter().zip(self.target) {
            let same = match (frame, seg) {
                (Frame::Map { key: Some(k), .. }, Seg::Key(t)) => k == t,
                (Frame::Seq { index }, Seg::Index(t)) => index == t,
                _ => false,
            };
            if !same {
                break;
            }
            depth += 1;
        }
        depth
    }

    fn advance_parent(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Map { expecting_key, key }) if !*expecting_key => {
                *expecting_key = true;
                *key = None;
            }
            Some(Frame::Map { .. }) => {}
            Some(Frame::Seq { index }) => *index += 1,
            None => {}
        }
    }

    fn at_value(&mut self, mark: &Marker, is_scalar: bool) {
        let depth = self.matched_depth();
        if depth != self.stack.len() {
            return;
        }
        if depth == self.target.len() && self.found.is_none() {
            if is_scalar {
                self.found = Some((mark.line(), mark.col()));
            } else {
                self.record_next_scalar = true;
            }
        }
        if depth >= self.best_depth {
            self.best_depth = depth;
            self.best = Some((mark.line(), mark.col()));
            // A mapping or sequence is best pointed at by its first scalar.
            self.refine_best = !is_scalar;
        }
    }
}

impl MarkedEventReceiver for Finder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if let Event::Scalar(..) = ev {
            if self.record_next_scalar {
                self.found = Some((mark.line(), mark.col()));
                self.record_next_scalar = false;
            }
            if self.refine_best {
                self.best = Some((mark.line(), mark.col()));
                self.refine_best = false;
            }
        }
        let in_key_position = matches!(
            self.stack.last(),
            Some(Frame::Map {
                expecting_key: true,
                ..
            })
        );
        match ev {
            Event::Scalar(value, ..) if in_key_position => {
                if let Some(Frame::Map { key, expecting_key }) = self.stack.last_mut() {
                    *key = Some(value);
                    *expecting_key = false;
                }
                // The key itself is a good place to point at when the value is missing.
                let depth = self.matched_depth();
                if depth == self.stack.len() && depth > self.best_depth {
                    self.best_depth = depth;
                    self.best = Some((mark.line(), mark.col()));
                    self.refine_best = false;
                }
            }
            Event::Scalar(..) | Event::Alias(..) => {
                self.at_value(&mark, true);
                self.advance_parent();
            }
            Event::MappingStart(..) => {
                if !in_key_position {
                    self.at_value(&mark, false);
                }
                self.stack.push(Frame::Map {
                    key: None,
                    expecting_key: true,
                });
            }
            Event::SequenceStart(..) => {
                if !in_key_position {
                    self.at_value(&mark, false);
                }
                self.stack.push(Frame::Seq { index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.advance_parent();
            }
            _ => {}
        }
    }
}

/// The 1-based (line, column) of the value at `path` in `yaml`, or of the deepest part of the
/// path that exists; `None` when the document cannot be read at all.
pub fn locate(yaml: &str, path: &[Seg]) -> Option<(usize, usize)> {
    let mut finder = Finder {
        target: path,
        stack: Vec::new(),
        found: None,
        best_depth: 0,
        best: None,
        record_next_scalar: false,
        refine_best: false,
    };
    // A parse error only stops the search; what was found before it still counts.
    let _ = Parser::new_from_str(yaml).load(&mut finder, false);
    finder
        .found
        .or(finder.best)
        .map(|(line, col)| (line, col + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "report: r\npledges:\n  - id: a\n    text: x\n  - id: b\n    category: nope\n    target:\n      value: 3\n";

    #[test]
    fn finds_nested_values() {
        assert_eq!(locate(DOC, &[key("report")]), Some((1, 9)));
        assert_eq!(
            locate(DOC, &[key("pledges"), idx(1), key("category")]),
            Some((6, 15))
        );
        assert_eq!(
            locate(DOC, &[key("pledges"), idx(1), key("target"), key("value")]),
            Some((8, 14))
        );
    }

    #[test]
    fn a_sequence_item_points_at_its_first_key() {
        assert_eq!(locate(DOC, &[key("pledges"), idx(1)]), Some((5, 5)));
    }

    #[test]
    fn a_missing_key_falls_back_to_its_parent() {
        assert_eq!(
            locate(DOC, &[key("pledges"), idx(0), key("deadline")]),
            Some((3, 5))
        );
    }
}
