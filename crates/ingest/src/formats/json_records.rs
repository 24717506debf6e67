//! JSON framing shared by the log adapters (Okta, Entra, Google Workspace, osquery):
//! cutting a file into JSON values with exact positions, before any format looks at
//! what the values say.
//!
//! Two framings are told apart from the first bytes:
//! - *lines* (NDJSON, what exports and loggers write): one value a line, read with a
//!   length cap so a 10 MB line is never held whole; a bad line costs only itself;
//! - *documents* (what APIs return): a JSON array, an object that wraps the array
//!   under a known key (`{"value":[...]}`, `{"items":[...]}`), or pretty-printed
//!   objects. The [`Splitter`] streams the array elements without parsing them, so a
//!   truncated file keeps every element before the break.
//!
//! Problems of framing (too long, not UTF-8, truncated, not JSON) are quarantined
//! here or by [`json_error_reason`], with the line they start on.

use std::borrow::Cow;
use std::io::{BufRead, ErrorKind};

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::{Input, Position, ReadError, Sample, Sink, SinkError};

/// Records larger than this are quarantined rather than parsed.
pub(crate) const MAX_RECORD_BYTES: usize = super::csv_table::MAX_RECORD_BYTES;

/// How much of an oversized or broken record is kept in quarantine.
const EXCERPT_BYTES: usize = 256;

/// One JSON value of the input, where it starts and its text.
pub(crate) struct Element<'a> {
    pub at: Position,
    pub text: &'a str,
}

/// Reads every JSON value of the input and hands each to `handle`, which parses it
/// and emits records (or quarantines it). `wrapper_keys` name the keys under which a
/// response object carries its array of records (`value`, `items`).
pub(crate) fn read(
    input: &mut Input<'_>,
    sink: &mut dyn Sink,
    wrapper_keys: &[&str],
    mut handle: impl FnMut(&Element<'_>, &mut dyn Sink) -> Result<(), SinkError>,
) -> Result<(), ReadError> {
    let path = input.path;
    let io_error = |source: std::io::Error| ReadError::Io {
        path: path.to_string(),
        source,
    };
    let reader = &mut *input.reader;
    let mut offset = 0u64;
    if fill(reader).map_err(io_error)?.starts_with(b"\xef\xbb\xbf") {
        reader.consume(3);
        offset = 3;
    }
    if is_document(fill(reader).map_err(io_error)?) {
        read_document(reader, sink, wrapper_keys, offset, &mut handle).map_err(io_error_of(path))
    } else {
        read_lines(reader, sink, wrapper_keys, offset, &mut handle).map_err(io_error_of(path))
    }
}

/// Either an I/O error of the input or an error of the sink, kept apart.
enum Failure {
    Io(std::io::Error),
    Sink(SinkError),
}

impl From<SinkError> for Failure {
    fn from(error: SinkError) -> Self {
        Failure::Sink(error)
    }
}

fn io_error_of(path: &str) -> impl Fn(Failure) -> ReadError + '_ {
    move |failure| match failure {
        Failure::Io(source) => ReadError::Io {
            path: path.to_string(),
            source,
        },
        Failure::Sink(error) => ReadError::Sink(error),
    }
}

fn fill(reader: &mut dyn BufRead) -> std::io::Result<&[u8]> {
    loop {
        match reader.fill_buf() {
            Ok(_) => break,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        }
    }
    reader.fill_buf()
}

/// A document starts with `[`, or with `{` on a first line that does not close it
/// (a pretty-printed object). A first line that is a whole object is NDJSON.
fn is_document(head: &[u8]) -> bool {
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    match head.get(start) {
        Some(b'[') => true,
        Some(b'{') => {
            let rest = &head[start..];
            let line = match memchr::memchr(b'\n', rest) {
                Some(end) => &rest[..end],
                // The first line does not fit the buffer: a long NDJSON line.
                None => return false,
            };
            line.trim_ascii_end().last() != Some(&b'}')
        }
        _ => false,
    }
}

fn read_lines(
    reader: &mut dyn BufRead,
    sink: &mut dyn Sink,
    wrapper_keys: &[&str],
    mut offset: u64,
    handle: &mut dyn FnMut(&Element<'_>, &mut dyn Sink) -> Result<(), SinkError>,
) -> Result<(), Failure> {
    let mut line = Vec::with_capacity(4096);
    let mut number = 0u64;
    loop {
        number += 1;
        let at = Position {
            line: number,
            byte_offset: offset,
        };
        let (length, cut) = read_line_capped(reader, &mut line, MAX_RECORD_BYTES)?;
        if length.total == 0 {
            return Ok(());
        }
        offset += length.total;
        if cut {
            let size = length.content;
            let reason = format!(
                "line {number}: line is {size} bytes, over the {MAX_RECORD_BYTES} byte limit"
            );
            sink.quarantine(at, &reason, &line[..EXCERPT_BYTES.min(line.len())])?;
            continue;
        }
        let content = line.trim_ascii_end();
        if content.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let text = match std::str::from_utf8(content) {
            Ok(text) => text,
            Err(error) if error.error_len().is_none() && length.total == length.content => {
                // The last line ends inside a character: the file was cut there.
                let reason =
                    match serde_json::from_slice::<de::IgnoredAny>(&content[..error.valid_up_to()])
                    {
                        Err(error) => json_error_reason(number, &error),
                        Ok(_) => format!("line {number}: truncated inside a UTF-8 character"),
                    };
                sink.quarantine(at, &reason, content)?;
                continue;
            }
            Err(error) => {
                let reason = format!(
                    "line {number}: not valid UTF-8 (bad byte at position {})",
                    error.valid_up_to()
                );
                sink.quarantine(at, &reason, content)?;
                continue;
            }
        };
        if !wrapper_keys.is_empty() && may_wrap(content, wrapper_keys) {
            // A whole API response on one line: cut it into its records.
            let mut splitter = Splitter::new(wrapper_keys, at);
            splitter.feed(content, &mut |piece| deliver(piece, sink, handle))?;
            splitter.finish(&mut |piece| deliver(piece, sink, handle))?;
            continue;
        }
        deliver_text(at, text, sink, handle)?;
    }
}

/// Hands a record's text to the format if it is a JSON object.
fn deliver_text(
    at: Position,
    text: &str,
    sink: &mut dyn Sink,
    handle: &mut dyn FnMut(&Element<'_>, &mut dyn Sink) -> Result<(), SinkError>,
) -> Result<(), SinkError> {
    if !text.trim_start().starts_with('{') {
        let reason = format!(
            "line {}: not a JSON object (starts with {})",
            at.line,
            crate::text::excerpt(text.trim_start().as_bytes(), 20)
        );
        return sink.quarantine(at, &reason, text.as_bytes());
    }
    handle(&Element { at, text }, sink)
}

/// Whether a line may be a response object carrying its records under a wrapper key.
fn may_wrap(line: &[u8], wrapper_keys: &[&str]) -> bool {
    wrapper_keys.iter().any(|key| {
        let quoted = format!("\"{key}\"");
        memchr::memmem::find(line, quoted.as_bytes()).is_some()
    })
}

/// A line's length in the file: with its line ending (`total`, 0 at the end of the
/// input) and without its `\n` (`content`).
struct LineLength {
    total: u64,
    content: u64,
}

/// Reads one line into `line` (with its `\n`), keeping at most `cap` bytes. Returns
/// the line's length in the file, and whether it was cut.
fn read_line_capped(
    reader: &mut dyn BufRead,
    line: &mut Vec<u8>,
    cap: usize,
) -> Result<(LineLength, bool), Failure> {
    line.clear();
    let mut length = 0u64;
    let mut cut = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(Failure::Io(error)),
        };
        if chunk.is_empty() {
            let length = LineLength {
                total: length,
                content: length,
            };
            return Ok((length, cut));
        }
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(end) => (end + 1, true),
            None => (chunk.len(), false),
        };
        let room = cap.saturating_sub(line.len());
        if take > room {
            cut = true;
        }
        if !cut {
            line.extend_from_slice(&chunk[..take]);
        } else if line.len() < EXCERPT_BYTES {
            let keep = (EXCERPT_BYTES - line.len()).min(take);
            line.extend_from_slice(&chunk[..keep]);
        }
        reader.consume(take);
        length += take as u64;
        if done {
            let length = LineLength {
                total: length,
                content: length - 1,
            };
            return Ok((length, cut));
        }
    }
}

fn read_document(
    reader: &mut dyn BufRead,
    sink: &mut dyn Sink,
    wrapper_keys: &[&str],
    offset: u64,
    handle: &mut dyn FnMut(&Element<'_>, &mut dyn Sink) -> Result<(), SinkError>,
) -> Result<(), Failure> {
    let start = Position {
        line: 1,
        byte_offset: offset,
    };
    let mut splitter = Splitter::new(wrapper_keys, start);
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(Failure::Io(error)),
        };
        if chunk.is_empty() {
            break;
        }
        let length = chunk.len();
        splitter.feed(chunk, &mut |piece| deliver(piece, sink, handle))?;
        reader.consume(length);
    }
    splitter.finish(&mut |piece| deliver(piece, sink, handle))?;
    Ok(())
}

/// Hands a complete element to the format, or quarantines a broken one.
fn deliver(
    piece: Piece<'_>,
    sink: &mut dyn Sink,
    handle: &mut dyn FnMut(&Element<'_>, &mut dyn Sink) -> Result<(), SinkError>,
) -> Result<(), SinkError> {
    match piece {
        Piece::Element { at, bytes } => match std::str::from_utf8(bytes) {
            Ok(text) => deliver_text(at, text, sink, handle),
            Err(error) => {
                let (line, _) = line_at(bytes, at.line, error.valid_up_to());
                let reason = format!(
                    "line {line}: not valid UTF-8 (bad byte at position {} of the record)",
                    error.valid_up_to()
                );
                sink.quarantine(at, &reason, bytes)
            }
        },
        Piece::TooLarge { at, size, excerpt } => {
            let reason = format!(
                "line {}: record is {size} bytes, over the {MAX_RECORD_BYTES} byte limit",
                at.line
            );
            sink.quarantine(at, &reason, excerpt)
        }
        Piece::Truncated { at, bytes } => {
            let reason = match serde_json::from_slice::<de::IgnoredAny>(bytes) {
                Err(error) => json_error_reason(at.line, &error),
                Ok(_) => format!(
                    "line {}: truncated JSON (EOF while parsing a list)",
                    at.line
                ),
            };
            sink.quarantine(at, &reason, &bytes[..EXCERPT_BYTES.min(bytes.len())])
        }
        Piece::Stray { at, excerpt } => {
            let reason = format!(
                "line {}: unexpected {} outside any JSON value",
                at.line,
                crate::text::excerpt(excerpt, 20)
            );
            sink.quarantine(at, &reason, excerpt)
        }
    }
}

/// The 1-based line of byte `index` of a record that starts on `first_line`.
fn line_at(bytes: &[u8], first_line: u64, index: usize) -> (u64, usize) {
    let before = &bytes[..index.min(bytes.len())];
    let newlines = memchr::memchr_iter(b'\n', before).count();
    (first_line + newlines as u64, newlines)
}

/// The quarantine reason for a value serde_json could not read, naming the file line
/// (`first_line` is the line the value starts on): `line N: truncated JSON (EOF while
/// parsing an object)`, `line N: not valid JSON (...)`, or what the data lacks.
pub(crate) fn json_error_reason(first_line: u64, error: &serde_json::Error) -> String {
    let message = error.to_string();
    // serde_json ends its messages with " at line L column C", relative to the value.
    let bare = match message.rfind(" at line ") {
        Some(cut) => &message[..cut],
        None => message.as_str(),
    };
    let line = first_line + (error.line().max(1) as u64 - 1);
    match error.classify() {
        serde_json::error::Category::Eof => format!("line {line}: truncated JSON ({bare})"),
        serde_json::error::Category::Syntax => format!(
            "line {line}: not valid JSON ({bare} at column {})",
            error.column()
        ),
        _ => format!("line {line}: {bare}"),
    }
}

/// A piece of a document: an element, or what went wrong with one.
enum Piece<'a> {
    Element {
        at: Position,
        bytes: &'a [u8],
    },
    TooLarge {
        at: Position,
        size: u64,
        excerpt: &'a [u8],
    },
    Truncated {
        at: Position,
        bytes: &'a [u8],
    },
    Stray {
        at: Position,
        excerpt: &'a [u8],
    },
}

/// What the top level of a document is, as far as the splitter has read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Top {
    /// Between top-level values.
    Between,
    /// Inside a top-level array: its elements are the records.
    Array,
    /// Inside a top-level object that may be a record or a response wrapper.
    Object,
    /// Inside the wrapped array of a response object: its elements are the records.
    Wrapped,
    /// In the rest of a response object, after its wrapped array.
    AfterWrapped,
}

/// The element being collected.
struct Collect {
    at: Position,
    bytes: Vec<u8>,
    size: u64,
    /// Nesting depth where the element lives (before its own bracket).
    depth: usize,
    /// A number, string or literal rather than an object or array.
    scalar: bool,
    too_large: bool,
}

/// A streaming cutter of JSON documents into their records, without parsing them:
/// it tracks strings, escapes and nesting, nothing else. Malformed JSON inside an
/// element is left for serde_json to describe.
struct Splitter<'k> {
    wrapper_keys: &'k [&'k str],
    next: Position,
    depth: usize,
    in_string: bool,
    escaped: bool,
    top: Top,
    collect: Option<Collect>,
    /// The last key read at depth 1 of a top-level object.
    key: Vec<u8>,
    reading_key: bool,
    expect_key: bool,
    stray_line: u64,
}

impl<'k> Splitter<'k> {
    fn new(wrapper_keys: &'k [&'k str], start: Position) -> Self {
        Splitter {
            wrapper_keys,
            next: start,
            depth: 0,
            in_string: false,
            escaped: false,
            top: Top::Between,
            collect: None,
            key: Vec::new(),
            reading_key: false,
            expect_key: false,
            stray_line: 0,
        }
    }

    fn element_level(&self) -> bool {
        match self.top {
            Top::Array => self.depth == 1,
            Top::Wrapped => self.depth == 2,
            _ => false,
        }
    }

    fn start(&mut self, at: Position, scalar: bool) {
        self.collect = Some(Collect {
            at,
            bytes: Vec::with_capacity(1024),
            size: 0,
            depth: self.depth,
            scalar,
            too_large: false,
        });
    }

    /// Appends bytes of the element being collected, up to the record size limit
    /// (past it, only an excerpt and the size are kept).
    fn append(&mut self, bytes: &[u8]) {
        let Some(collect) = &mut self.collect else {
            return;
        };
        collect.size += bytes.len() as u64;
        if collect.too_large {
            return;
        }
        if collect.bytes.len() + bytes.len() > MAX_RECORD_BYTES {
            collect.too_large = true;
            let room = EXCERPT_BYTES.saturating_sub(collect.bytes.len());
            collect
                .bytes
                .extend_from_slice(&bytes[..room.min(bytes.len())]);
            collect.bytes.truncate(EXCERPT_BYTES);
            collect.bytes.shrink_to_fit();
            return;
        }
        collect.bytes.extend_from_slice(bytes);
    }

    fn emit(
        &mut self,
        out: &mut dyn FnMut(Piece<'_>) -> Result<(), SinkError>,
    ) -> Result<(), SinkError> {
        let Some(collect) = self.collect.take() else {
            return Ok(());
        };
        if collect.too_large {
            return out(Piece::TooLarge {
                at: collect.at,
                size: collect.size,
                excerpt: &collect.bytes,
            });
        }
        let bytes = collect.bytes.trim_ascii_end();
        out(Piece::Element {
            at: collect.at,
            bytes,
        })
    }

    /// Moves the position past one byte.
    fn advance(&mut self, byte: u8) {
        self.next.byte_offset += 1;
        if byte == b'\n' {
            self.next.line += 1;
        }
    }

    /// Reads a chunk of the document. The bytes of the element being collected are
    /// copied in runs (`run` is where the current run starts in this chunk), and
    /// string contents are skipped with `memchr`, not byte by byte.
    fn feed(
        &mut self,
        chunk: &[u8],
        out: &mut dyn FnMut(Piece<'_>) -> Result<(), SinkError>,
    ) -> Result<(), SinkError> {
        let mut run = self.collect.as_ref().map(|_| 0);
        let mut index = 0;
        while index < chunk.len() {
            let byte = chunk[index];
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    self.advance(byte);
                    index += 1;
                    continue;
                }
                let rest = &chunk[index..];
                let Some(skip) = memchr::memchr3(b'"', b'\\', b'\n', rest) else {
                    self.key_text(rest);
                    self.next.byte_offset += rest.len() as u64;
                    break;
                };
                self.key_text(&rest[..skip]);
                self.next.byte_offset += skip as u64;
                index += skip;
                let special = chunk[index];
                self.advance(special);
                if special == b'\\' {
                    self.escaped = true;
                } else if special == b'"' {
                    self.in_string = false;
                    self.reading_key = false;
                }
                index += 1;
                continue;
            }
            let at = self.next;
            self.advance(byte);
            match byte {
                b' ' | b'\t' | b'\r' | b'\n' => {
                    if self.collect.as_ref().is_some_and(|c| c.scalar) {
                        self.end_run(chunk, &mut run, index);
                        self.emit(out)?;
                    }
                }
                b'"' => {
                    if self.element_level() && self.collect.is_none() {
                        self.start(at, true);
                        run = Some(index);
                    }
                    if self.top == Top::Object && self.depth == 1 && self.expect_key {
                        self.key.clear();
                        self.reading_key = true;
                    }
                    self.in_string = true;
                }
                b'{' | b'[' => {
                    if self.depth == 0 && self.top == Top::Between {
                        if byte == b'[' {
                            self.top = Top::Array;
                        } else {
                            self.top = Top::Object;
                            self.start(at, false);
                            run = Some(index);
                        }
                    } else if self.top == Top::Object
                        && self.depth == 1
                        && byte == b'['
                        && !self.expect_key
                        && self.is_wrapper_key()
                    {
                        // A response object: its records are this array's elements.
                        self.top = Top::Wrapped;
                        self.collect = None;
                        run = None;
                    } else if self.element_level() && self.collect.is_none() {
                        self.start(at, false);
                        run = Some(index);
                    }
                    self.depth += 1;
                    if self.top == Top::Object && self.depth == 1 {
                        self.expect_key = true;
                    }
                }
                b'}' | b']' => {
                    if self.collect.as_ref().is_some_and(|c| c.scalar) {
                        self.end_run(chunk, &mut run, index);
                        self.emit(out)?;
                    }
                    if self.depth == 0 {
                        self.stray(byte, at, out)?;
                        index += 1;
                        continue;
                    }
                    self.depth -= 1;
                    if self
                        .collect
                        .as_ref()
                        .is_some_and(|c| !c.scalar && c.depth == self.depth)
                    {
                        self.end_run(chunk, &mut run, index + 1);
                        self.emit(out)?;
                    }
                    match (self.top, self.depth) {
                        (Top::Array | Top::Object | Top::AfterWrapped, 0) => {
                            self.top = Top::Between
                        }
                        (Top::Wrapped, 1) => self.top = Top::AfterWrapped,
                        _ => {}
                    }
                }
                b',' => {
                    if self.collect.as_ref().is_some_and(|c| c.scalar) {
                        self.end_run(chunk, &mut run, index);
                        self.emit(out)?;
                    }
                    if self.top == Top::Object && self.depth == 1 {
                        self.expect_key = true;
                    }
                }
                b':' => {
                    if self.top == Top::Object && self.depth == 1 {
                        self.expect_key = false;
                    }
                }
                _ => {
                    if self.depth == 0 {
                        self.stray(byte, at, out)?;
                    } else if self.element_level() && self.collect.is_none() {
                        self.start(at, true);
                        run = Some(index);
                    }
                }
            }
            index += 1;
        }
        if let Some(start) = run {
            if self.collect.is_some() {
                self.append(&chunk[start..]);
            }
        }
        Ok(())
    }

    /// Copies the current run, up to `end` (exclusive), into the element.
    fn end_run(&mut self, chunk: &[u8], run: &mut Option<usize>, end: usize) {
        if let Some(start) = run.take() {
            self.append(&chunk[start..end]);
        }
    }

    /// Keeps the text of a top-level key being read (only short keys matter).
    fn key_text(&mut self, text: &[u8]) {
        if !self.reading_key {
            return;
        }
        if self.key.len() + text.len() <= 64 {
            self.key.extend_from_slice(text);
        } else {
            // Too long to be a wrapper key; NUL makes sure it never matches one.
            self.key.clear();
            self.key.push(0);
        }
    }

    fn is_wrapper_key(&self) -> bool {
        self.wrapper_keys
            .iter()
            .any(|key| key.as_bytes() == self.key.as_slice())
    }

    /// Text between top-level values: reported once per line.
    fn stray(
        &mut self,
        byte: u8,
        at: Position,
        out: &mut dyn FnMut(Piece<'_>) -> Result<(), SinkError>,
    ) -> Result<(), SinkError> {
        if self.stray_line == at.line {
            return Ok(());
        }
        self.stray_line = at.line;
        out(Piece::Stray {
            at,
            excerpt: &[byte],
        })
    }

    fn finish(
        &mut self,
        out: &mut dyn FnMut(Piece<'_>) -> Result<(), SinkError>,
    ) -> Result<(), SinkError> {
        let Some(collect) = self.collect.take() else {
            // Cut between elements: nothing was lost.
            return Ok(());
        };
        if collect.scalar && !self.in_string {
            self.collect = Some(collect);
            return self.emit(out);
        }
        if collect.too_large {
            return out(Piece::TooLarge {
                at: collect.at,
                size: collect.size,
                excerpt: &collect.bytes,
            });
        }
        out(Piece::Truncated {
            at: collect.at,
            bytes: &collect.bytes,
        })
    }
}

/// The text of a sample if it looks like JSON (first byte `{` or `[`), for sniffing.
pub(crate) fn sniff_text<'s>(sample: &'s Sample<'_>) -> Option<&'s str> {
    let head = sample
        .head
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(sample.head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    if !matches!(head[start], b'{' | b'[') {
        return None;
    }
    let head = &head[start..];
    match std::str::from_utf8(head) {
        Ok(text) => Some(text),
        // The sample may end inside a character.
        Err(error) => std::str::from_utf8(&head[..error.valid_up_to()]).ok(),
    }
}

/// Whether `text` has `key` as an object key (`"key"` followed by `:`), not merely
/// inside an escaped string.
pub(crate) fn has_key(text: &str, key: &str) -> bool {
    let bytes = text.as_bytes();
    let finder = memchr::memmem::Finder::new(key.as_bytes());
    for found in finder.find_iter(bytes) {
        let before = found.checked_sub(1).and_then(|i| bytes.get(i));
        let quote_before = before == Some(&b'"')
            && found
                .checked_sub(2)
                .and_then(|i| bytes.get(i))
                .is_none_or(|b| *b != b'\\');
        if !quote_before || bytes.get(found + key.len()) != Some(&b'"') {
            continue;
        }
        let rest = &bytes[found + key.len() + 1..];
        let colon = rest.iter().find(|b| !b.is_ascii_whitespace());
        if colon == Some(&b':') {
            return true;
        }
    }
    false
}

/// A bonus to a sniff's confidence when the file name says what the content does.
pub(crate) fn name_bonus(sample: &Sample<'_>, words: &[&str]) -> u8 {
    let name = sample.file_name();
    if words.iter().any(|word| name.contains(word)) {
        5
    } else {
        0
    }
}

/// A string, number or boolean as the sources write scalars (Sentinel and Panther
/// exports turn numbers into strings); `null` reads as absent.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar<'a> {
    Text(Cow<'a, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl<'a> Scalar<'a> {
    /// As text, the way a table cell shows it.
    pub fn to_text(&self) -> Cow<'a, str> {
        match self {
            Scalar::Text(text) => text.clone(),
            Scalar::Int(value) => Cow::Owned(value.to_string()),
            Scalar::Float(value) => Cow::Owned(value.to_string()),
            Scalar::Bool(value) => Cow::Borrowed(if *value { "true" } else { "false" }),
        }
    }

    /// As a number, parsing text; `None` for `"null"`, empty or non-numeric text.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Scalar::Text(text) => text.trim().parse().ok(),
            Scalar::Int(value) => Some(*value as f64),
            Scalar::Float(value) => Some(*value),
            Scalar::Bool(_) => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Scalar::Int(value) => Some(*value),
            Scalar::Float(value) if value.fract() == 0.0 => Some(*value as i64),
            Scalar::Text(text) => text.trim().parse().ok(),
            _ => None,
        }
    }

    /// As a flag: `true`/`false` in any case, `1`/`0`; else `None`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Scalar::Bool(value) => Some(*value),
            Scalar::Int(value) => Some(*value != 0),
            Scalar::Text(text) => {
                let text = text.trim();
                if text.eq_ignore_ascii_case("true") || text == "1" {
                    Some(true)
                } else if text.eq_ignore_ascii_case("false") || text == "0" {
                    Some(false)
                } else {
                    None
                }
            }
            Scalar::Float(_) => None,
        }
    }

    /// As a timestamp in milliseconds: text in any supported form, or an epoch number.
    pub fn as_time_ms(&self) -> Option<i64> {
        match self {
            Scalar::Text(text) => super::timestamp::parse(text),
            Scalar::Int(value) => super::timestamp::epoch(*value as f64),
            Scalar::Float(value) => super::timestamp::epoch(*value),
            Scalar::Bool(_) => None,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl<'de> Visitor<'de> for ScalarVisitor {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Scalar::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Scalar::Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Scalar::Text(Cow::Owned(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(i64::try_from(v).map_or(Scalar::Float(v as f64), Scalar::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Scalar::Float(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Scalar::Bool(v))
            }
        }
        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// A text field, borrowed from the input unless it has escapes. Numbers and booleans
/// are read as their text, since exports are not consistent about them.
/// (`Option<Cow<str>>` with `#[serde(borrow)]` would always copy.)
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Text<'a>(pub Cow<'a, str>);

impl Text<'_> {
    /// The trimmed text, unless it is empty or the word `null` (Okta writes it).
    pub fn get(&self) -> Option<&str> {
        let value = self.0.trim();
        (!value.is_empty() && value != "null").then_some(value)
    }
}

/// The text of an optional field, as [`Text::get`].
pub(crate) fn text<'t>(value: &'t Option<Text<'_>>) -> Option<&'t str> {
    value.as_ref().and_then(Text::get)
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Scalar::deserialize(deserializer)? {
            Scalar::Text(text) => Ok(Text(text)),
            other => Ok(Text(other.to_text())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemorySink;

    /// Frames `text` and records each element's position and text.
    /// (line, byte offset, text) of each element.
    type Seen = Vec<(u64, u64, String)>;
    /// (line, reason) of each quarantined record.
    type Quarantined = Vec<(u64, String)>;

    fn frame(text: &[u8], wrappers: &[&str]) -> (Seen, Quarantined) {
        let mut sink = MemorySink::default();
        let mut reader = text;
        let mut input = Input {
            path: "test.json",
            reader: &mut reader,
            org: None,
        };
        let mut seen = Vec::new();
        read(&mut input, &mut sink, wrappers, |element, _| {
            seen.push((
                element.at.line,
                element.at.byte_offset,
                element.text.to_string(),
            ));
            Ok(())
        })
        .unwrap();
        let quarantined = sink
            .quarantined
            .into_iter()
            .map(|(at, reason)| (at.line, reason))
            .collect();
        (seen, quarantined)
    }

    /// Frames `text` read through a buffer of `capacity` bytes, so that records and
    /// strings straddle chunk boundaries.
    fn frame_chunked(text: &[u8], wrappers: &[&str], capacity: usize) -> (Seen, Quarantined) {
        let mut sink = MemorySink::default();
        let mut reader = std::io::BufReader::with_capacity(capacity, text);
        let mut input = Input {
            path: "test.json",
            reader: &mut reader,
            org: None,
        };
        let mut seen = Vec::new();
        read(&mut input, &mut sink, wrappers, |element, _| {
            seen.push((
                element.at.line,
                element.at.byte_offset,
                element.text.to_string(),
            ));
            Ok(())
        })
        .unwrap();
        let quarantined = sink
            .quarantined
            .into_iter()
            .map(|(at, reason)| (at.line, reason))
            .collect();
        (seen, quarantined)
    }

    #[test]
    fn chunk_boundaries_change_nothing() {
        let escapes =
            b"[{\"value\":\"a\\\"]}\\\\\"},{\"k\":[1,\"\\u00e9\"]},\n 12, \"s\", {\"x\":{}}]";
        let wrapped =
            b"{\"@odata.context\":\"x\",\"value\":[{\"id\":1},{\"id\":\"2\\\"\"}],\"next\":[{}]}";
        let mut inputs: Vec<(&[u8], &[&str])> = vec![(escapes, &[]), (wrapped, &["value"])];
        for (_, bytes, _) in SAMPLES {
            inputs.push((bytes, &["value", "records", "items"]));
        }
        for (bytes, wrappers) in inputs {
            let whole = frame_chunked(bytes, wrappers, 1 << 20);
            assert!(!whole.0.is_empty());
            for capacity in [16, 61, 1000] {
                assert_eq!(
                    frame_chunked(bytes, wrappers, capacity),
                    whole,
                    "capacity {capacity}"
                );
            }
        }
    }

    #[test]
    fn lines_keep_exact_positions() {
        let (seen, quarantined) = frame(b"{\"a\":1}\r\n\n  {\"b\":2}\n{\"c\":3}", &[]);
        assert_eq!(
            seen,
            [
                (1, 0, "{\"a\":1}".to_string()),
                (3, 10, "  {\"b\":2}".to_string()),
                (4, 20, "{\"c\":3}".to_string()),
            ]
        );
        assert!(quarantined.is_empty());
    }

    #[test]
    fn a_bom_shifts_the_first_offset() {
        let (seen, _) = frame(b"\xef\xbb\xbf{\"a\":1}\n", &[]);
        assert_eq!(seen[0].1, 3);
    }

    #[test]
    fn bad_lines_cost_only_themselves() {
        let mut text = b"{\"a\":1}\n{\"b\":\"\xff\"}\n".to_vec();
        text.extend_from_slice(&vec![b' '; MAX_RECORD_BYTES + 10]);
        text.extend_from_slice(b"\n{\"c\":3}\n");
        let (seen, quarantined) = frame(&text, &[]);
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[1].0, 4);
        assert_eq!(quarantined[0].0, 2);
        assert!(
            quarantined[0].1.contains("not valid UTF-8"),
            "{quarantined:?}"
        );
        assert_eq!(
            quarantined[1],
            (
                3,
                format!("line 3: line is 1048586 bytes, over the {MAX_RECORD_BYTES} byte limit")
            )
        );
    }

    #[test]
    fn an_array_streams_its_elements() {
        let text = b"[\n  {\"a\": [1, {\"x\": \"]}\\\"\"}]},\n  {\"b\": 2}\n]\n";
        let (seen, quarantined) = frame(text, &[]);
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert_eq!(seen[0].0, 2);
        assert_eq!(seen[0].1, 4);
        assert_eq!(seen[0].2, "{\"a\": [1, {\"x\": \"]}\\\"\"}]}");
        assert_eq!((seen[1].0, seen[1].1), (3, 33));
        assert!(quarantined.is_empty());
    }

    #[test]
    fn a_truncated_array_keeps_what_came_before_the_break() {
        let (seen, quarantined) = frame(b"[{\"a\":1},\n{\"b\":2},\n{\"c\":", &[]);
        assert_eq!(seen.len(), 2);
        assert_eq!(
            quarantined,
            [(
                3,
                "line 3: truncated JSON (EOF while parsing a value)".to_string()
            )]
        );
    }

    #[test]
    fn wrapped_arrays_are_unwrapped_in_documents_and_lines() {
        let pretty = b"{\n \"@odata.context\": \"x\",\n \"value\": [\n  {\"id\": 1},\n  {\"id\": 2}\n ],\n \"@odata.nextLink\": \"y\"\n}\n";
        let (seen, quarantined) = frame(pretty, &["value"]);
        assert_eq!(
            seen.iter().map(|s| (s.0, s.2.as_str())).collect::<Vec<_>>(),
            [(4, "{\"id\": 1}"), (5, "{\"id\": 2}")]
        );
        assert!(quarantined.is_empty());
        let compact = b"{\"kind\":\"k\",\"items\":[{\"id\":1},{\"id\":2}]}\n{\"id\":3}\n";
        let (seen, _) = frame(compact, &["items"]);
        assert_eq!(
            seen.iter().map(|s| (s.0, s.1)).collect::<Vec<_>>(),
            [(1, 21), (1, 30), (2, 41)]
        );
    }

    #[test]
    fn a_pretty_object_without_wrapper_is_one_record() {
        let (seen, _) = frame(
            b"{\n \"value\": 3,\n \"b\": [1]\n}\n{\n \"c\": 1\n}",
            &["value"],
        );
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[1].0, 5);
    }

    #[test]
    fn oversized_array_elements_are_quarantined_with_their_size() {
        let mut text = b"[{\"a\":\"".to_vec();
        text.extend_from_slice(&vec![b'x'; MAX_RECORD_BYTES]);
        text.extend_from_slice(b"\"},{\"b\":1}]");
        let (seen, quarantined) = frame(&text, &[]);
        assert_eq!(seen.len(), 1);
        assert_eq!(
            quarantined[0].1,
            format!(
                "line 1: record is {} bytes, over the {MAX_RECORD_BYTES} byte limit",
                MAX_RECORD_BYTES + 8
            )
        );
    }

    #[test]
    fn stray_text_between_values_is_reported_once_a_line() {
        let (seen, quarantined) = frame(b"[{\"a\":1}] oops\n", &[]);
        assert_eq!(seen.len(), 1);
        assert_eq!(quarantined.len(), 1);
        assert!(quarantined[0].1.contains("outside any JSON value"));
    }

    /// Every log sample: (file name, bytes, format that reads it).
    const SAMPLES: [(&str, &[u8], &str); 10] = [
            ("a.ndjson", include_bytes!("../../testdata/logs/okta/panther_okta_systemlog_tests.ndjson"), "okta-system-log"),
            ("a.json", include_bytes!("../../testdata/logs/okta/azure_sentinel_Okta_CL_first3.json"), "okta-system-log"),
            ("a.json", include_bytes!("../../testdata/logs/entra/msgraph_docs_beta_signin_list_example1.json"), "entra-signins"),
            ("a.ndjson", include_bytes!("../../testdata/logs/entra/panther_azure_signinlogs_diag_tests.ndjson"), "entra-signins"),
            ("a.json", include_bytes!("../../testdata/logs/google_workspace/azure_sentinel_GWorkspace_ReportsAPI_login_CL.json"), "google-workspace-reports"),
            ("a.ndjson", include_bytes!("../../testdata/logs/google_workspace/panther_gsuite_activityevent_identity_tests.ndjson"), "google-workspace-reports"),
            ("a.log", include_bytes!("../../testdata/logs/osquery/msticpy_osqueryd.results.log"), "osquery-results"),
            ("a.log", include_bytes!("../../testdata/logs/osquery/msticpy_osqueryd.snapshots.log"), "osquery-results"),
            ("a.ndjson", include_bytes!("../../testdata/logs/osquery/panther_osquery_differential_tests.ndjson"), "osquery-results"),
            ("a.ndjson", include_bytes!("../../testdata/logs/osquery/fleet_usb_devices_snapshot_and_event_format.ndjson"), "osquery-results"),
        ];

    #[test]
    fn every_log_sample_is_detected_as_its_own_format() {
        let formats = crate::formats::all();
        for (name, head, expected) in SAMPLES {
            let sample = Sample {
                path: std::path::Path::new(name),
                head: &head[..head.len().min(crate::SAMPLE_BYTES)],
            };
            let found = crate::detect(&formats, &sample).map(|f| f.name());
            assert_eq!(found, Ok(expected), "{expected} sample");
        }
        let hr = Sample {
            path: std::path::Path::new("employees.csv"),
            head: b"employee_id,company_id,full_name,email\nE1,acme,Jane,jane@acme.com\n",
        };
        assert_eq!(
            crate::detect(&formats, &hr).map(|f| f.name()),
            Ok("employees-csv")
        );
    }

    /// Reads `bytes` with a format; the number of records, or the error.
    fn records_of(format: &dyn crate::Format, bytes: &[u8]) -> Result<usize, String> {
        let mut sink = MemorySink::default();
        let mut reader = bytes;
        let mut input = Input {
            path: "fuzz",
            reader: &mut reader,
            org: None,
        };
        format
            .read(&mut input, &mut sink)
            .map_err(|e| e.to_string())?;
        Ok(sink.records.len())
    }

    #[test]
    fn a_cut_anywhere_keeps_every_record_before_it_and_never_panics() {
        let log_formats: Vec<&dyn crate::Format> = SAMPLES
            .iter()
            .map(|(_, _, name)| crate::by_name(name).unwrap())
            .collect();
        for (_, bytes, name) in SAMPLES {
            let own = crate::by_name(name).unwrap();
            let step = (bytes.len() / 60).max(1);
            let mut before = 0;
            for cut in (0..bytes.len()).step_by(step).chain([bytes.len()]) {
                let prefix = &bytes[..cut];
                let records = records_of(own, prefix).unwrap();
                assert!(records >= before, "{name}: cut at {cut} lost records");
                before = records;
                for other in &log_formats {
                    assert!(records_of(*other, prefix).is_ok());
                }
            }
        }
    }

    #[test]
    fn mangled_bytes_never_make_a_format_panic() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let log_formats: Vec<&dyn crate::Format> = SAMPLES
            .iter()
            .map(|(_, _, name)| crate::by_name(name).unwrap())
            .collect();
        for (_, bytes, _) in SAMPLES {
            let bytes = &bytes[..bytes.len().min(16 * 1024)];
            for _ in 0..40 {
                let mut mangled = bytes.to_vec();
                for _ in 0..1 + next() % 8 {
                    let at = (next() % mangled.len() as u64) as usize;
                    // Structural bytes break framing more often than random ones.
                    const PICKS: &[u8] = b"{}[]\",:\n\xff\xc3 0";
                    mangled[at] = if next() % 2 == 0 {
                        PICKS[(next() % PICKS.len() as u64) as usize]
                    } else {
                        next() as u8
                    };
                }
                for format in &log_formats {
                    assert!(records_of(*format, &mangled).is_ok());
                }
            }
        }
        let noise: Vec<u8> = (0..20_000).map(|_| next() as u8).collect();
        for format in &log_formats {
            assert!(records_of(*format, &noise).is_ok());
        }
    }

    #[test]
    fn a_last_line_cut_inside_a_character_is_truncated_json() {
        let (seen, quarantined) = frame(
            "{\"a\":1}\n{\"city\":\"Z\u{fc}rich\"}".as_bytes()[..19].as_ref(),
            &[],
        );
        assert_eq!(seen.len(), 1);
        assert_eq!(
            quarantined,
            [(
                2,
                "line 2: truncated JSON (EOF while parsing a string)".to_string()
            )]
        );
    }

    #[test]
    fn keys_are_found_only_as_keys() {
        assert!(has_key(r#"{"eventType" : "x"}"#, "eventType"));
        assert!(!has_key(r#"{"a":"eventType"}"#, "eventType"));
        assert!(!has_key(r#"{"a":"say \"eventType\": no"}"#, "eventType"));
    }

    #[test]
    fn json_errors_name_the_file_line() {
        let error = serde_json::from_str::<de::IgnoredAny>("{\"a\":\n\"b").unwrap_err();
        assert_eq!(
            json_error_reason(7, &error),
            "line 8: truncated JSON (EOF while parsing a string)"
        );
        let error = serde_json::from_str::<de::IgnoredAny>("{\"a\" 1}").unwrap_err();
        assert_eq!(
            json_error_reason(3, &error),
            "line 3: not valid JSON (expected `:` at column 6)"
        );
    }

    #[test]
    fn scalars_read_every_spelling() {
        let parsed: Vec<Scalar<'_>> =
            serde_json::from_str(r#"["10993", 10993, 1.5, true, "FALSE", "a\"b"]"#).unwrap();
        assert_eq!(parsed[0].as_i64(), Some(10993));
        assert_eq!(parsed[1].as_i64(), Some(10993));
        assert_eq!(parsed[2].as_f64(), Some(1.5));
        assert_eq!(parsed[3].as_bool(), Some(true));
        assert_eq!(parsed[4].as_bool(), Some(false));
        assert_eq!(parsed[5].to_text(), "a\"b");
    }
}
