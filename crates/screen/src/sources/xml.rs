//! A tiny record-at-a-time XML reader over `quick-xml`: streams the document and hands each
//! record element (`sdnEntry`, `INDIVIDUAL`, `sanctionEntity` ...) to the caller as a small
//! tree with its starting line, so every list parser stays a pure tree walk.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::entity::Quarantined;
use crate::error::{Result, ScreenError};

/// One element: local name, attributes, text and children.
#[derive(Debug, Default, Clone)]
pub(crate) struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children
            .iter()
            .filter(move |c| c.name.eq_ignore_ascii_case(name))
    }
    /// Trimmed text of the first child with this name, if non-empty.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }
    /// Trimmed text of this node, if non-empty.
    pub fn own_text(&self) -> Option<&str> {
        Some(self.text.trim()).filter(|t| !t.is_empty())
    }
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

const MAX_DEPTH: usize = 64;

fn start_node(e: &BytesStart<'_>) -> Node {
    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for attr in e.attributes().flatten() {
        let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).into_owned();
        let value = match attr.unescape_value() {
            Ok(v) => v.into_owned(),
            Err(_) => String::from_utf8_lossy(&attr.value).into_owned(),
        };
        attrs.push((key, value));
    }
    Node {
        name,
        attrs,
        text: String::new(),
        children: Vec::new(),
    }
}

/// Streams `data`, calling `on_record(node, line)` for every element whose local name is in
/// `records`. A syntax error after some records is quarantined (the rest of the file is
/// skipped); one before any record is an error, since the input is then not this format.
pub(crate) fn for_each_record(
    data: &[u8],
    format: &'static str,
    file: &str,
    records: &[&str],
    quarantine: &mut Vec<Quarantined>,
    mut on_record: impl FnMut(Node, u64),
) -> Result<usize> {
    let mut reader = Reader::from_reader(data);
    reader.config_mut().trim_text(false);
    let mut buf = Vec::new();
    let mut stack: Vec<Node> = Vec::new();
    let mut record_line = 0u64;
    let mut line = 1u64;
    let mut counted_to = 0usize;
    let mut seen = 0usize;
    let mut seen_root = false;
    loop {
        let pos = (reader.buffer_position() as usize).min(data.len());
        if pos > counted_to {
            line += data[counted_to..pos]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            counted_to = pos;
        }
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(err) => {
                let message = format!("XML syntax error near line {line}: {err}");
                if seen == 0 && !seen_root {
                    return Err(ScreenError::Malformed { format, message });
                }
                quarantine.push(Quarantined::new(
                    file,
                    line,
                    format!("{message}; the rest of the file was skipped"),
                    "",
                ));
                return Ok(seen);
            }
        };
        match event {
            Event::Start(e) => {
                seen_root = true;
                let local = e.local_name();
                if !stack.is_empty() {
                    if stack.len() < MAX_DEPTH {
                        stack.push(start_node(&e));
                    } else {
                        stack.push(Node::default());
                    }
                } else if records.iter().any(|r| r.as_bytes() == local.as_ref()) {
                    record_line = line;
                    stack.push(start_node(&e));
                }
            }
            Event::Empty(e) => {
                seen_root = true;
                let node = start_node(&e);
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(node);
                } else if records.iter().any(|r| *r == node.name) {
                    seen += 1;
                    on_record(node, line);
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    match t.unescape() {
                        Ok(text) => top.text.push_str(&text),
                        Err(_) => top.text.push_str(&String::from_utf8_lossy(&t)),
                    }
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::End(_) => {
                if let Some(node) = stack.pop() {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(node),
                        None => {
                            seen += 1;
                            on_record(node, record_line);
                        }
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !stack.is_empty() {
        quarantine.push(Quarantined::new(
            file,
            record_line,
            "record is cut off: the file ends inside it",
            "",
        ));
    }
    if !seen_root {
        return Err(ScreenError::Malformed {
            format,
            message: "no XML element found".into(),
        });
    }
    Ok(seen)
}
