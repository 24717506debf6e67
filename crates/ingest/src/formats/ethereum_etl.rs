//! Shared machinery of the ethereum-etl adapters: a fast line reader and CSV
//! splitter (ethereum-etl never quotes, so the common line is split with memchr;
//! quoted lines take the `csv` crate's path), a flat JSON-object reader that keeps
//! numbers as their exact text (uint256 values do not fit a float), and the
//! conversion of one row, whichever its form, into a [`RawTransfer`].
//!
//! Columns are found by name, in ethereum-etl's snake_case or GraphSense's
//! camelCase (`txHash`, `fromAddress`, `blockId`), so GraphSense's account exports
//! read with the same adapters.
//!
//! What is money: a successful transfer of a non-zero value. Reverted
//! transactions (`receipt_status` 0), failed calls (`status` 0 or an `error`),
//! `delegatecall`/`staticcall`/`callcode` frames and zero values are stored too,
//! flagged, so every row is accounted for and re-findable, but tracing ignores them.

use std::borrow::Cow;
use std::io::BufRead;

use unmask_trace::amount::U256;
use unmask_trace::chain::{
    parse_address, parse_hash, pseudo_hash, Asset, RawTransfer, SubKey, MINT,
};

use crate::transfers::TransferSink;
use crate::{Input, Position, ReadError};

/// Longest line kept whole; longer ones (a huge `input`) are still read, the
/// quarantine excerpt is cut by the store.
const MAX_LINE: usize = 64 << 20;

/// The columns the adapters use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Col {
    Hash,
    Block,
    Time,
    TxIndex,
    From,
    To,
    Value,
    Status,
    Token,
    LogIndex,
    TraceType,
    CallType,
    TraceAddress,
    Error,
    TraceId,
    TraceIndex,
    ContractAddress,
    Nonce,
    Type,
    GasUsed,
    GasPrice,
    EffectivePrice,
}

const COLUMNS: usize = 22;

impl Col {
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Col::Hash => &["hash", "transaction_hash", "txhash"],
            Col::Block => &["block_number", "blockid", "blocknumber"],
            Col::Time => &["block_timestamp", "blocktimestamp"],
            Col::TxIndex => &["transaction_index", "transactionindex"],
            Col::From => &["from_address", "fromaddress"],
            Col::To => &["to_address", "toaddress"],
            Col::Value => &["value"],
            Col::Status => &["receipt_status", "status"],
            Col::Token => &["token_address", "tokenaddress"],
            Col::LogIndex => &["log_index", "logindex"],
            Col::TraceType => &["trace_type", "tracetype"],
            Col::CallType => &["call_type", "calltype"],
            Col::TraceAddress => &["trace_address", "traceaddress"],
            Col::Error => &["error"],
            Col::TraceId => &["trace_id", "traceid"],
            Col::TraceIndex => &["traceindex"],
            Col::ContractAddress => &["receipt_contract_address"],
            Col::Nonce => &["nonce"],
            Col::Type => &["type"],
            Col::GasUsed => &["receipt_gas_used"],
            Col::GasPrice => &["gas_price"],
            Col::EffectivePrice => &["receipt_effective_gas_price"],
        }
    }

    const ALL: [Col; COLUMNS] = [
        Col::Hash,
        Col::Block,
        Col::Time,
        Col::TxIndex,
        Col::From,
        Col::To,
        Col::Value,
        Col::Status,
        Col::Token,
        Col::LogIndex,
        Col::TraceType,
        Col::CallType,
        Col::TraceAddress,
        Col::Error,
        Col::TraceId,
        Col::TraceIndex,
        Col::ContractAddress,
        Col::Nonce,
        Col::Type,
        Col::GasUsed,
        Col::GasPrice,
        Col::EffectivePrice,
    ];

    fn find(name: &str) -> Option<Col> {
        let lower = name.trim().trim_matches('"').to_ascii_lowercase();
        Col::ALL
            .into_iter()
            .find(|col| col.aliases().contains(&lower.as_str()))
    }
}

/// What kind of row: decides which columns matter and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Transaction,
    TokenTransfer,
    Trace,
}

/// Which columns a CSV header has, by position.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    index: [Option<usize>; COLUMNS],
    pub width: usize,
}

impl Header {
    pub fn parse(line: &str) -> Header {
        let mut index = [None; COLUMNS];
        let mut width = 0;
        for (position, name) in line.split(',').enumerate() {
            width += 1;
            if let Some(col) = Col::find(name) {
                let slot = &mut index[col as usize];
                if slot.is_none() {
                    *slot = Some(position);
                }
            }
        }
        Header { index, width }
    }

    pub fn has(&self, col: Col) -> bool {
        self.index[col as usize].is_some()
    }

    /// The kind of table this header is, if it is one of ethereum-etl's.
    pub fn kind(&self) -> Option<Kind> {
        if !(self.has(Col::From)
            && self.has(Col::To)
            && self.has(Col::Value)
            && self.has(Col::Block))
        {
            return None;
        }
        if self.has(Col::Token) && self.has(Col::LogIndex) && self.has(Col::Hash) {
            return Some(Kind::TokenTransfer);
        }
        if self.has(Col::TraceType) || self.has(Col::TraceId) || self.has(Col::TraceAddress) {
            return Some(Kind::Trace);
        }
        if self.has(Col::Hash) && self.has(Col::Nonce) {
            return Some(Kind::Transaction);
        }
        None
    }
}

/// Sniff for one CSV kind: its header, with the file name adding a little.
pub(crate) fn sniff_csv(sample: &crate::Sample<'_>, kind: Kind) -> Option<u8> {
    let line = sample.first_line()?;
    if Header::parse(line).kind()? != kind {
        return None;
    }
    let name = sample.file_name();
    let expected = match kind {
        Kind::Transaction => "transactions",
        Kind::TokenTransfer => "token_transfers",
        Kind::Trace => "traces",
    };
    Some(if name.contains(expected) { 98 } else { 95 })
}

/// Reads lines, with their 1-based number and byte offset; a quoted field with a
/// line break in it keeps the record whole.
pub(crate) struct LineReader<'r> {
    reader: &'r mut dyn std::io::BufRead,
    pub buf: Vec<u8>,
    /// The record has a `"` in it (so needs the quoting-aware split).
    pub quoted: bool,
    pub at: Position,
    next: Position,
    path: &'r str,
}

impl<'r> LineReader<'r> {
    pub fn new(reader: &'r mut dyn BufRead, path: &'r str) -> LineReader<'r> {
        LineReader {
            reader,
            buf: Vec::with_capacity(4096),
            quoted: false,
            at: Position::default(),
            next: Position {
                line: 1,
                byte_offset: 0,
            },
            path,
        }
    }

    /// Reads the next record into `buf` (line ending removed); false at the end.
    pub fn next_record(&mut self) -> Result<bool, ReadError> {
        self.buf.clear();
        self.at = self.next;
        self.quoted = false;
        loop {
            let start = self.buf.len();
            let read = read_line(self.reader, &mut self.buf).map_err(|source| ReadError::Io {
                path: self.path.to_string(),
                source,
            })?;
            if read == 0 {
                break;
            }
            self.next.line += 1;
            self.next.byte_offset += read as u64;
            self.quoted |= memchr::memchr(b'"', &self.buf[start..]).is_some();
            // An odd number of quotes means a quoted field runs on (rare: only when
            // something other than ethereum-etl wrote the file).
            if !self.quoted || bytecount(&self.buf, b'"') & 1 == 0 || self.buf.len() > MAX_LINE {
                break;
            }
        }
        if self.buf.is_empty() {
            return Ok(false);
        }
        while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
            self.buf.pop();
        }
        Ok(true)
    }
}

/// `BufRead::read_until(b'\n')`, with the SIMD `memchr` (the standard library's
/// line search is a word-at-a-time loop, a visible cost at a million lines).
fn read_line(reader: &mut dyn BufRead, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut read = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            return Ok(read);
        }
        match memchr::memchr(b'\n', available) {
            Some(end) => {
                buf.extend_from_slice(&available[..=end]);
                reader.consume(end + 1);
                return Ok(read + end + 1);
            }
            None => {
                let taken = available.len();
                buf.extend_from_slice(available);
                reader.consume(taken);
                read += taken;
            }
        }
    }
}

fn bytecount(bytes: &[u8], needle: u8) -> usize {
    memchr::memchr_iter(needle, bytes).count()
}

/// The fields of one CSV line: ranges into the line, or owned text for a quoted one.
#[derive(Default)]
pub(crate) struct Fields {
    ranges: Vec<(usize, usize)>,
    owned: Vec<String>,
    quoted: bool,
}

impl Fields {
    #[cfg(test)]
    pub fn split(&mut self, line: &[u8]) {
        self.split_known(line, memchr::memchr(b'"', line).is_some());
    }

    /// [`Fields::split`] when the caller knows whether the line has a quote.
    pub fn split_known(&mut self, line: &[u8], quoted: bool) {
        self.ranges.clear();
        self.owned.clear();
        self.quoted = quoted;
        if !self.quoted {
            let mut start = 0;
            for comma in memchr::memchr_iter(b',', line) {
                self.ranges.push((start, comma));
                start = comma + 1;
            }
            self.ranges.push((start, line.len()));
            return;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(line);
        let mut record = csv::StringRecord::new();
        if let Ok(true) = reader.read_record(&mut record) {
            self.owned = record.iter().map(str::to_string).collect();
        }
    }

    pub fn len(&self) -> usize {
        if self.quoted {
            self.owned.len()
        } else {
            self.ranges.len()
        }
    }

    /// A trimmed field; empty and non-UTF-8 fields are absent. `text` is the
    /// line as text when it is valid UTF-8 (checked once per line rather than
    /// once per field).
    pub fn get<'a>(
        &'a self,
        line: &'a [u8],
        text: Option<&'a str>,
        index: usize,
    ) -> Option<&'a str> {
        let field = if self.quoted {
            self.owned.get(index)?.as_str()
        } else {
            let (start, end) = *self.ranges.get(index)?;
            match text {
                Some(text) => text.get(start..end)?,
                None => std::str::from_utf8(&line[start..end]).ok()?,
            }
        };
        let field = trim(field);
        (!field.is_empty()).then_some(field)
    }
}

/// `str::trim`, without its Unicode scan for the usual field that has no
/// whitespace at either end.
fn trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    let clean = |b: Option<&u8>| b.is_none_or(|b| b.is_ascii_graphic());
    if clean(bytes.first()) && clean(bytes.last()) {
        text
    } else {
        text.trim()
    }
}

/// Access to one row's values by column, whatever its form.
pub(crate) trait RowView {
    fn get(&self, col: Col) -> Option<&str>;
}

pub(crate) struct CsvRow<'a> {
    pub header: &'a Header,
    pub fields: &'a Fields,
    pub line: &'a [u8],
    /// The line as text, if it is valid UTF-8.
    pub text: Option<&'a str>,
}

impl RowView for CsvRow<'_> {
    fn get(&self, col: Col) -> Option<&str> {
        let index = self.header.index[col as usize]?;
        self.fields.get(self.line, self.text, index)
    }
}

/// Reads a CSV export of one kind into a transfer sink.
pub(crate) fn read_csv(
    input: &mut Input<'_>,
    sink: &mut dyn TransferSink,
    kind: Kind,
) -> Result<(), ReadError> {
    let path = input.path;
    let mut lines = LineReader::new(input.reader, path);
    if !lines.next_record()? {
        return Ok(());
    }
    let header_text = String::from_utf8_lossy(&lines.buf);
    let header_text = header_text.trim_start_matches('\u{feff}');
    let header = Header::parse(header_text);
    if header.kind() != Some(kind) {
        return Err(ReadError::Invalid {
            path: path.to_string(),
            line: 1,
            message: format!(
                "the header is not an ethereum-etl {} header: {}",
                kind_name(kind),
                crate::text::excerpt(header_text.as_bytes(), 120)
            ),
        });
    }
    let mut fields = Fields::default();
    let mut state = TraceState::default();
    // Rows go to the sink in batches (the chain store looks a batch's addresses
    // up together); quarantined ones go at once, their order does not matter.
    let mut batch: Vec<RawTransfer> = Vec::with_capacity(BATCH);
    while lines.next_record()? {
        if lines.buf.is_empty() {
            continue;
        }
        fields.split_known(&lines.buf, lines.quoted);
        let at = lines.at;
        if fields.len() != header.width {
            let reason = format!(
                "row has {} fields but the header has {}",
                fields.len(),
                header.width
            );
            sink.quarantine(at, &reason, &lines.buf)?;
            continue;
        }
        let row = CsvRow {
            header: &header,
            fields: &fields,
            line: &lines.buf,
            text: std::str::from_utf8(&lines.buf).ok(),
        };
        match convert(&row, kind, at.line, &mut state) {
            Ok(transfer) => {
                batch.push(transfer);
                if batch.len() == BATCH {
                    sink.transfers(&batch)?;
                    batch.clear();
                }
            }
            Err(reason) => sink.quarantine(at, &reason, &lines.buf)?,
        }
    }
    sink.transfers(&batch)?;
    Ok(())
}

/// Rows handed to a transfer sink at once.
pub(crate) const BATCH: usize = 256;

pub(crate) fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Transaction => "transactions",
        Kind::TokenTransfer => "token_transfers",
        Kind::Trace => "traces",
    }
}

/// Per-file state of trace reading: numbering of block rewards when the export
/// has no `trace_id`.
#[derive(Default)]
pub(crate) struct TraceState {
    block: u64,
    rewards: u64,
}

fn required<'a>(row: &'a dyn RowView, col: Col, name: &str) -> Result<&'a str, String> {
    row.get(col)
        .ok_or_else(|| format!("required column {name} is empty"))
}

fn number(row: &dyn RowView, col: Col, name: &str) -> Result<u64, String> {
    let text = required(row, col, name)?;
    text.parse()
        .map_err(|_| format!("{name} {text:?} is not a whole number"))
}

fn optional_number(row: &dyn RowView, col: Col, name: &str) -> Result<u64, String> {
    match row.get(col) {
        None => Ok(0),
        Some(text) => text
            .parse()
            .map_err(|_| format!("{name} {text:?} is not a whole number")),
    }
}

fn address(row: &dyn RowView, col: Col, name: &str) -> Result<Option<[u8; 20]>, String> {
    match row.get(col) {
        None => Ok(None),
        Some(text) => parse_address(text)
            .map(Some)
            .ok_or_else(|| format!("{name} {text:?} is not a 0x address of 40 hex digits")),
    }
}

fn value(row: &dyn RowView) -> Result<U256, String> {
    match row.get(Col::Value) {
        None => Ok(U256::ZERO),
        Some(text) => U256::parse_decimal(text).map_err(|error| error.to_string()),
    }
}

fn hash(row: &dyn RowView) -> Result<Option<[u8; 32]>, String> {
    match row.get(Col::Hash) {
        None => Ok(None),
        Some(text) => parse_hash(text)
            .map(Some)
            .ok_or_else(|| format!("transaction hash {text:?} is not 0x + 64 hex digits")),
    }
}

/// Gas fee of a transaction with receipts: gas used times the effective price
/// (`receipt_effective_gas_price`, else `gas_price`); 0 without receipts.
fn fee(row: &dyn RowView) -> Result<u128, String> {
    let Some(used) = row.get(Col::GasUsed) else {
        return Ok(0);
    };
    let Some(price) = row
        .get(Col::EffectivePrice)
        .or_else(|| row.get(Col::GasPrice))
    else {
        return Ok(0);
    };
    let used: u128 = used
        .parse()
        .map_err(|_| format!("receipt_gas_used {used:?} is not a whole number"))?;
    let price: u128 = price
        .parse()
        .map_err(|_| format!("gas price {price:?} is not a whole number"))?;
    used.checked_mul(price)
        .ok_or_else(|| "gas fee overflows".to_string())
}

/// A status column: `1`/`0` (also `True`/`False`); absent means success.
fn succeeded(row: &dyn RowView) -> Result<bool, String> {
    match row.get(Col::Status) {
        None => Ok(true),
        Some("1" | "True" | "true" | "0x1") => Ok(true),
        Some("0" | "False" | "false" | "0x0") => Ok(false),
        Some(other) => Err(format!("status {other:?} is not 0 or 1")),
    }
}

/// One row to a transfer, or the reason it cannot be one.
pub(crate) fn convert(
    row: &dyn RowView,
    kind: Kind,
    line: u64,
    state: &mut TraceState,
) -> Result<RawTransfer, String> {
    let block = number(row, Col::Block, "block_number")?;
    let time = optional_number(row, Col::Time, "block_timestamp")?;
    let amount = value(row)?;
    match kind {
        Kind::Transaction => {
            let tx_hash = hash(row)?.ok_or("required column hash is empty")?;
            let from = address(row, Col::From, "from_address")?
                .ok_or("required column from_address is empty")?;
            // A contract creation has no `to`; the receipt names the new contract.
            let to = match address(row, Col::To, "to_address")? {
                Some(to) => to,
                None => match address(row, Col::ContractAddress, "receipt_contract_address")? {
                    Some(created) => created,
                    None if amount.is_zero() => MINT,
                    None => {
                        return Err(
                            "contract creation with value but no receipt_contract_address: the recipient is unknown"
                                .to_string(),
                        )
                    }
                },
            };
            Ok(RawTransfer {
                tx_hash,
                sub: SubKey::TOP,
                block,
                time,
                from,
                to,
                asset: Asset::Native,
                amount,
                failed: !succeeded(row)?,
                fee: fee(row)?,
                line,
            })
        }
        Kind::TokenTransfer => {
            let tx_hash = hash(row)?.ok_or("required column transaction_hash is empty")?;
            let token = address(row, Col::Token, "token_address")?
                .ok_or("required column token_address is empty")?;
            let from = address(row, Col::From, "from_address")?.unwrap_or(MINT);
            let to = address(row, Col::To, "to_address")?.unwrap_or(MINT);
            let log_index = number(row, Col::LogIndex, "log_index")?;
            Ok(RawTransfer {
                tx_hash,
                sub: SubKey::log(log_index),
                block,
                time,
                from,
                to,
                asset: Asset::Token(token),
                amount,
                failed: false,
                fee: 0,
                line,
            })
        }
        Kind::Trace => trace(row, block, time, amount, line, state),
    }
}

fn trace(
    row: &dyn RowView,
    block: u64,
    time: u64,
    amount: U256,
    line: u64,
    state: &mut TraceState,
) -> Result<RawTransfer, String> {
    let trace_id = row.get(Col::TraceId);
    // ethereum-etl has trace_type; GraphSense encodes it in the trace id prefix.
    let trace_type = match row.get(Col::TraceType) {
        Some(kind) => kind.to_ascii_lowercase(),
        None => trace_id
            .and_then(|id| id.split('_').next())
            .unwrap_or("call")
            .to_ascii_lowercase(),
    };
    let mut failed = !succeeded(row)? || row.get(Col::Error).is_some();
    let from = address(row, Col::From, "from_address")?;
    let to = address(row, Col::To, "to_address")?;
    if block != state.block {
        state.block = block;
        state.rewards = 0;
    }
    if matches!(trace_type.as_str(), "reward" | "genesis") {
        let to = to.ok_or("reward trace without to_address")?;
        // reward_<block>_<index>, genesis_<block>_<index>; else count them.
        let index = trace_id
            .and_then(|id| id.rsplit('_').next())
            .and_then(|tail| tail.parse().ok())
            .or_else(|| row.get(Col::TraceIndex).and_then(|t| t.parse().ok()))
            .unwrap_or(state.rewards);
        state.rewards += 1;
        return Ok(RawTransfer {
            tx_hash: pseudo_hash(1, block, 0),
            sub: SubKey::reward(index),
            block,
            time,
            from: MINT,
            to,
            asset: Asset::Native,
            amount,
            failed,
            fee: 0,
            line,
        });
    }
    let tx_hash = match hash(row)? {
        Some(hash) => hash,
        // geth traces carry the transaction's position, not its hash.
        None => {
            let index = number(row, Col::TxIndex, "transaction_index").map_err(|_| {
                "trace has neither transaction_hash nor transaction_index".to_string()
            })?;
            pseudo_hash(2, block, index)
        }
    };
    let trace_address = match row.get(Col::TraceAddress) {
        Some(address) => address.to_string(),
        // GraphSense: <type>_<txhash>_<trace address>.
        None => trace_id
            .and_then(|id| id.rsplit_once('_'))
            .map(|(_, tail)| tail.to_string())
            .unwrap_or_default(),
    };
    let (Some(from), Some(to)) = (from, to) else {
        if amount.is_zero() {
            return Err(format!(
                "{trace_type} trace without from_address/to_address or value: nothing to trace (geth omits them for selfdestruct)"
            ));
        }
        return Err(format!(
            "{trace_type} trace moves value but lacks from_address or to_address"
        ));
    };
    // Only plain calls, creations and self-destructs move value; a delegatecall's
    // or callcode's value is the caller's context, a staticcall has none.
    if let Some(call_type) = row.get(Col::CallType) {
        if matches!(
            call_type.to_ascii_lowercase().as_str(),
            "delegatecall" | "staticcall" | "callcode"
        ) {
            failed = true;
        }
    }
    Ok(RawTransfer {
        tx_hash,
        sub: SubKey::trace(&trace_address),
        block,
        time,
        from,
        to,
        asset: Asset::Native,
        amount,
        failed,
        fee: 0,
        line,
    })
}

/// A JSON value as the flat-object reader keeps it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum JsonValue<'a> {
    Text(Cow<'a, str>),
    /// Numbers, `true`, `false`: their exact text.
    Raw(&'a str),
    Null,
    /// A nested array or object (not used by the adapters).
    Nested,
}

/// A flat JSON object: its members in order.
pub(crate) struct JsonRow<'a> {
    pub members: Vec<(Cow<'a, str>, JsonValue<'a>)>,
}

impl RowView for JsonRow<'_> {
    fn get(&self, col: Col) -> Option<&str> {
        let aliases = col.aliases();
        self.members.iter().find_map(|(key, value)| {
            if !aliases.iter().any(|alias| key.eq_ignore_ascii_case(alias)) {
                return None;
            }
            let text = match value {
                JsonValue::Text(text) => text.as_ref(),
                JsonValue::Raw(raw) => raw,
                JsonValue::Null | JsonValue::Nested => return None,
            };
            let text = text.trim();
            (!text.is_empty()).then_some(text)
        })
    }
}

/// Parses one JSON object whose values are scalars (nested values are skipped).
pub(crate) fn parse_object(text: &str) -> Result<JsonRow<'_>, String> {
    let bytes = text.as_bytes();
    let mut at = skip_ws(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return Err("not a JSON object".to_string());
    }
    at += 1;
    let mut members = Vec::new();
    loop {
        at = skip_ws(bytes, at);
        match bytes.get(at) {
            Some(b'}') => {
                at += 1;
                break;
            }
            Some(b',') if !members.is_empty() => {
                at = skip_ws(bytes, at + 1);
            }
            Some(b'"') if members.is_empty() => {}
            _ => return Err(format!("malformed JSON at byte {at}")),
        }
        let (key, next) = string(text, at)?;
        at = skip_ws(bytes, next);
        if bytes.get(at) != Some(&b':') {
            return Err(format!("expected ':' at byte {at}"));
        }
        at = skip_ws(bytes, at + 1);
        let (value, next) = json_value(text, at)?;
        at = next;
        members.push((key, value));
    }
    if skip_ws(bytes, at) != bytes.len() {
        return Err("text after the JSON object".to_string());
    }
    Ok(JsonRow { members })
}

fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && bytes[at].is_ascii_whitespace() {
        at += 1;
    }
    at
}

fn string(text: &str, at: usize) -> Result<(Cow<'_, str>, usize), String> {
    let bytes = text.as_bytes();
    if bytes.get(at) != Some(&b'"') {
        return Err(format!("expected a string at byte {at}"));
    }
    let start = at + 1;
    let mut end = start;
    let mut escaped = false;
    while end < bytes.len() {
        match bytes[end] {
            b'\\' => {
                escaped = true;
                end += 2;
                continue;
            }
            b'"' => break,
            _ => end += 1,
        }
    }
    if end >= bytes.len() {
        return Err("unterminated string".to_string());
    }
    let raw = &text[start..end];
    if !escaped {
        return Ok((Cow::Borrowed(raw), end + 1));
    }
    let decoded: String = serde_json::from_str(&text[at..=end])
        .map_err(|error| format!("bad string escape: {error}"))?;
    Ok((Cow::Owned(decoded), end + 1))
}

fn json_value(text: &str, at: usize) -> Result<(JsonValue<'_>, usize), String> {
    let bytes = text.as_bytes();
    match bytes.get(at) {
        Some(b'"') => {
            let (value, next) = string(text, at)?;
            Ok((JsonValue::Text(value), next))
        }
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut index = at;
            while index < bytes.len() {
                match bytes[index] {
                    b'"' => {
                        let (_, next) = string(text, index)?;
                        index = next;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok((JsonValue::Nested, index + 1));
                        }
                    }
                    _ => {}
                }
                index += 1;
            }
            Err("unterminated nested value".to_string())
        }
        Some(_) => {
            let mut end = at;
            while end < bytes.len()
                && !matches!(bytes[end], b',' | b'}' | b']')
                && !bytes[end].is_ascii_whitespace()
            {
                end += 1;
            }
            let raw = &text[at..end];
            match raw {
                "" => Err(format!("expected a value at byte {at}")),
                "null" => Ok((JsonValue::Null, end)),
                _ => Ok((JsonValue::Raw(raw), end)),
            }
        }
        None => Err("unexpected end of JSON".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_json_keeps_big_numbers_exact() {
        let row = parse_object(
            r#"{"type": "transaction", "value": 115792089237316195423570985008687907853269984665640564039457584007913129639935, "topics": ["a", {"b": "}"}], "to_address": null, "input": "x\"y"}"#,
        )
        .unwrap();
        assert_eq!(
            row.get(Col::Value),
            Some("115792089237316195423570985008687907853269984665640564039457584007913129639935")
        );
        assert_eq!(row.get(Col::To), None);
        assert_eq!(row.get(Col::Type), Some("transaction"));
        assert!(parse_object("{\"a\": 1").is_err());
        assert!(parse_object("[1]").is_err());
        assert!(parse_object("{\"a\": 1} x").is_err());
    }

    #[test]
    fn a_quoted_line_break_keeps_the_record_whole() {
        let mut bytes: &[u8] = b"a,\"b\nc\",d\r\nx,y,z\nlast";
        let mut lines = LineReader::new(&mut bytes, "t.csv");
        assert!(lines.next_record().unwrap());
        assert_eq!(lines.buf, b"a,\"b\nc\",d");
        assert!(lines.quoted);
        assert_eq!((lines.at.line, lines.at.byte_offset), (1, 0));
        assert!(lines.next_record().unwrap());
        assert_eq!(lines.buf, b"x,y,z");
        assert!(!lines.quoted);
        assert_eq!((lines.at.line, lines.at.byte_offset), (3, 11));
        assert!(lines.next_record().unwrap());
        assert_eq!(lines.buf, b"last", "a last line without a line break");
        assert!(!lines.next_record().unwrap());
    }

    #[test]
    fn quoted_csv_lines_split_like_csv() {
        let mut fields = Fields::default();
        let line = br#"a,"b,c",,d"#;
        fields.split(line);
        assert_eq!(fields.len(), 4);
        assert_eq!(fields.get(line, None, 1), Some("b,c"));
        assert_eq!(fields.get(line, None, 2), None);
    }

    #[test]
    fn fields_are_trimmed_and_a_non_utf8_field_is_absent() {
        let mut fields = Fields::default();
        let line = b" 12 ,\xff\xfe,0x1\t";
        fields.split(line);
        let text = None; // the line is not UTF-8
        assert_eq!(fields.get(line, text, 0), Some("12"));
        assert_eq!(fields.get(line, text, 1), None);
        assert_eq!(fields.get(line, text, 2), Some("0x1"));
        let line = "a , b,\u{a0}c\u{a0},".as_bytes();
        fields.split(line);
        let text = std::str::from_utf8(line).ok();
        assert_eq!(fields.get(line, text, 0), Some("a"));
        assert_eq!(fields.get(line, text, 1), Some("b"));
        assert_eq!(
            fields.get(line, text, 2),
            Some("c"),
            "Unicode spaces trimmed too"
        );
        assert_eq!(fields.get(line, text, 3), None);
    }
}
