//! Finding where a YAML value sits in its file, so that model errors point at the offending key.
//!
//! serde_yaml gives positions only for its own errors; for errors found later (an unknown
//! category, a quote not in the report) this reads the one file again with yaml-rust2's marked
//! events, once for all its errors ([`Positions`]). It runs only on the error path, so valid
//! sites never pay for it.

use std::sync::atomic::{AtomicUsize, Ordering};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// How many times [`Positions::of`] read a YAML text in this process: tests check with it that
/// locating the errors of a file reads the file once, however many errors it has.
static READS: AtomicUsize = AtomicUsize::new(0);

/// The number of YAML texts read to locate errors so far in this process.
pub fn reads() -> usize {
    READS.load(Ordering::Relaxed)
}

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

/// Where every value of a YAML document sits, read in one pass, so that any number of errors in
/// one file are located without reading it again (5,000 errors in one file once meant 5,000
/// parses of it).
#[derive(Debug, Default)]
pub struct Positions {
    nodes: Vec<Node>,
}

/// One value of the document. Positions are (line, 0-based column) as the parser gives them.
#[derive(Debug)]
struct Node {
    /// A scalar's own position; a mapping's or sequence's first scalar (the first scalar the
    /// parser reads after its start, its own or, for an empty one, the next), or its start
    /// when none follows.
    at: (usize, usize),
    children: Children,
}

#[derive(Debug)]
enum Children {
    None,
    /// Keys in order, each with its position and its value (missing when the file ended or
    /// broke before it).
    Map(Vec<(String, (usize, usize), Option<usize>)>),
    Seq(Vec<usize>),
}

/// What the builder is inside: a mapping (waiting for a key, or for the value of `key`) or a
/// sequence.
enum Open {
    Map {
        node: usize,
        key: Option<usize>,
    },
    Seq {
        node: usize,
    },
    /// A mapping or sequence used as a key: not addressable, its contents are skipped.
    Skip,
}

struct Builder {
    nodes: Vec<Node>,
    stack: Vec<Open>,
    /// Mappings and sequences still waiting for their first scalar.
    pending: Vec<usize>,
    done: bool,
}

impl Builder {
    /// Attach the new node `id` to what is open; `false` if it is a key (or inside one).
    fn attach(&mut self, id: usize) -> bool {
        match self.stack.last_mut() {
            None => {
                // The first document's root; later documents are not addressed.
                if id != 0 {
                    self.done = true;
                }
                true
            }
            Some(Open::Skip) => false,
            Some(Open::Seq { node }) => {
                if let Children::Seq(v) = &mut self.nodes[*node].children {
                    v.push(id);
                }
                true
            }
            Some(Open::Map { node, key }) => match key.take() {
                Some(k) => {
                    if let Children::Map(v) = &mut self.nodes[*node].children {
                        v[k].2 = Some(id);
                    }
                    true
                }
                None => false,
            },
        }
    }

    /// A scalar value or an alias at `pos`: a node without children, kept if it is a value.
    fn leaf(&mut self, pos: (usize, usize)) {
        let id = self.nodes.len();
        self.nodes.push(Node {
            at: pos,
            children: Children::None,
        });
        if !self.attach(id) {
            self.nodes.pop();
        }
    }

    fn on(&mut self, ev: Event, mark: Marker) {
        if self.done {
            return;
        }
        let pos = (mark.line(), mark.col());
        if let Event::Scalar(..) | Event::Alias(..) = ev {
            for n in self.pending.drain(..) {
                self.nodes[n].at = pos;
            }
        }
        match ev {
            Event::Scalar(value, ..) => {
                if let Some(Open::Map {
                    node,
                    key: key @ None,
                }) = self.stack.last_mut()
                {
                    if let Children::Map(v) = &mut self.nodes[*node].children {
                        *key = Some(v.len());
                        v.push((value, pos, None));
                    }
                    return;
                }
                self.leaf(pos);
            }
            Event::Alias(..) => self.leaf(pos),
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(ev, Event::MappingStart(..));
                let id = self.nodes.len();
                self.nodes.push(Node {
                    at: pos,
                    children: if is_map {
                        Children::Map(Vec::new())
                    } else {
                        Children::Seq(Vec::new())
                    },
                });
                if self.attach(id) {
                    self.pending.push(id);
                    self.stack.push(if is_map {
                        Open::Map {
                            node: id,
                            key: None,
                        }
                    } else {
                        Open::Seq { node: id }
                    });
                } else {
                    self.nodes.pop();
                    self.stack.push(Open::Skip);
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        self.on(ev, mark);
    }
}

impl Positions {
    /// Read `yaml` once. A parse error only ends the reading: what came before it is kept.
    pub fn of(yaml: &str) -> Positions {
        READS.fetch_add(1, Ordering::Relaxed);
        let mut b = Builder {
            nodes: Vec::new(),
            stack: Vec::new(),
            pending: Vec::new(),
            done: false,
        };
        let _ = Parser::new_from_str(yaml).load(&mut b, false);
        Positions { nodes: b.nodes }
    }

    /// The 1-based (line, column) of the value at `path`, or of the deepest part of the path
    /// that exists (a key whose value is missing: the key); `None` for an empty document.
    pub fn find(&self, path: &[Seg]) -> Option<(usize, usize)> {
        let mut node = self.nodes.first()?;
        let mut best = node.at;
        for seg in path {
            let child = match (seg, &node.children) {
                (Seg::Key(k), Children::Map(entries)) => {
                    let Some((_, key_at, value)) = entries.iter().find(|(name, ..)| name == k)
                    else {
                        break;
                    };
                    best = *key_at;
                    *value
                }
                (Seg::Index(i), Children::Seq(items)) => items.get(*i).copied(),
                _ => None,
            };
            let Some(child) = child else {
                break;
            };
            node = &self.nodes[child];
            best = node.at;
        }
        Some((best.0, best.1 + 1))
    }
}

/// The 1-based (line, column) of the value at `path` in `yaml`, or of the deepest part of the
/// path that exists; `None` when the document cannot be read at all. Reads the whole text:
/// to locate several values of one file, make its [`Positions`] once.
pub fn locate(yaml: &str, path: &[Seg]) -> Option<(usize, usize)> {
    Positions::of(yaml).find(path)
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
