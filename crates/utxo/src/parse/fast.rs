//! The fast path for bitcoin-etl lines: a byte scanner that reads the fields the
//! UTXO graph needs into reusable buffers (addresses stay byte ranges of the line)
//! and skips everything else at memchr speed. It handles the shape bitcoin-etl
//! writes; on anything else (escapes in addresses, values as strings, unusual
//! types) it gives up and the caller uses the serde path in [`super::etl`], which
//! accepts more and explains errors. Both paths are tested to agree.

use crate::script::{self, ScriptType};
use crate::tx::{Outpoint, Txid};

/// A byte range of the line.
pub type Span = (u32, u32);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawIn {
    pub prev: Option<Outpoint>,
    pub sequence: u32,
    /// The spent output's value, in enriched exports.
    pub value: Option<u64>,
    pub script_type: Option<ScriptType>,
    /// Range of [`RawTx::addresses`].
    pub addresses: (u32, u32),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawOut {
    pub index: u32,
    pub value: u64,
    pub script_type: ScriptType,
    pub script_hex: Span,
    pub addresses: (u32, u32),
}

/// One transaction, read without allocating (buffers are reused line to line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawTx {
    pub txid: Txid,
    pub block: u64,
    pub time: u64,
    pub index: Option<u32>,
    pub coinbase: bool,
    pub version: i64,
    pub lock_time: u32,
    pub vsize: Option<u32>,
    pub inputs: Vec<RawIn>,
    pub outputs: Vec<RawOut>,
    /// Address spans, referred to by inputs and outputs.
    pub addresses: Vec<Span>,
}

impl RawTx {
    /// The addresses of a range, as text of `line`.
    pub fn address_texts<'l>(
        &'l self,
        line: &'l [u8],
        range: (u32, u32),
    ) -> impl Iterator<Item = &'l str> + 'l {
        self.addresses[range.0 as usize..range.1 as usize]
            .iter()
            .map(move |&(s, e)| std::str::from_utf8(&line[s as usize..e as usize]).unwrap_or(""))
    }
}

/// Hex digit values; 0xff marks a byte that is not a hex digit.
const HEX_VALUES: [u8; 256] = {
    let mut table = [0xffu8; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// Decodes `2 * out.len()` hex digits; `None` on anything else.
#[inline]
pub(crate) fn decode_hex(digits: &[u8], out: &mut [u8]) -> Option<()> {
    if digits.len() != 2 * out.len() {
        return None;
    }
    let mut bad = 0u8;
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let (high, low) = (HEX_VALUES[pair[0] as usize], HEX_VALUES[pair[1] as usize]);
        bad |= high | low;
        *byte = (high << 4) | (low & 0x0f);
    }
    (bad & 0xf0 == 0).then_some(())
}

/// The first `"` or `\\`: eight bytes at a time for the short strings (keys,
/// type names, txids), memchr for the long ones (scripts).
#[inline]
fn find_quote_or_escape(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // The lowest byte of `v` that is zero sets its high bit (bytes above it may
    // too: only the lowest counts).
    let zero_bytes = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let mut at = 0;
    while at < 64 {
        let Some(chunk) = bytes.get(at..at + 8) else {
            break;
        };
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let hits =
            zero_bytes(word ^ (ONES * b'"' as u64)) | zero_bytes(word ^ (ONES * b'\\' as u64));
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    if at < 64 {
        // Fewer than eight bytes left.
        return bytes[at..]
            .iter()
            .position(|&b| b == b'"' || b == b'\\')
            .map(|i| at + i);
    }
    memchr::memchr2(b'"', b'\\', &bytes[at..]).map(|i| i + at)
}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.bytes.get(self.at).copied()
    }

    #[inline]
    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// A string without escapes: its content's span.
    #[inline]
    fn plain_string(&mut self) -> Option<Span> {
        self.eat(b'"')?;
        let start = self.at;
        let end = start + find_quote_or_escape(&self.bytes[start..])?;
        if self.bytes[end] != b'"' {
            return None;
        }
        self.at = end + 1;
        Some((start as u32, end as u32))
    }

    fn skip_string(&mut self) -> Option<()> {
        self.eat(b'"')?;
        loop {
            let next = self.at + find_quote_or_escape(&self.bytes[self.at..])?;
            if self.bytes[next] == b'"' {
                self.at = next + 1;
                return Some(());
            }
            self.at = next + 2;
        }
    }

    fn skip_value(&mut self, depth: u32) -> Option<()> {
        if depth > 64 {
            return None;
        }
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' => {
                self.at += 1;
                if self.peek()? == b'}' {
                    self.at += 1;
                    return Some(());
                }
                loop {
                    self.skip_string()?;
                    self.eat(b':')?;
                    self.skip_value(depth + 1)?;
                    match self.peek()? {
                        b',' => self.at += 1,
                        b'}' => {
                            self.at += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.at += 1;
                if self.peek()? == b']' {
                    self.at += 1;
                    return Some(());
                }
                loop {
                    self.skip_value(depth + 1)?;
                    match self.peek()? {
                        b',' => self.at += 1,
                        b']' => {
                            self.at += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            _ => {
                let start = self.at;
                while let Some(b) = self.bytes.get(self.at) {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.at += 1;
                }
                let token = &self.bytes[start..self.at];
                let number = |t: &[u8]| {
                    !t.is_empty()
                        && t.iter().all(|b| {
                            b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')
                        })
                };
                (token == b"null" || token == b"true" || token == b"false" || number(token))
                    .then_some(())
            }
        }
    }

    #[inline]
    fn null(&mut self) -> bool {
        self.ws();
        if self.bytes[self.at..].starts_with(b"null") {
            self.at += 4;
            true
        } else {
            false
        }
    }

    #[inline]
    fn u64(&mut self) -> Option<u64> {
        self.ws();
        let start = self.at;
        let mut value: u64 = 0;
        while let Some(&b) = self.bytes.get(self.at) {
            if !b.is_ascii_digit() {
                break;
            }
            value = value.checked_mul(10)?.checked_add((b - b'0') as u64)?;
            self.at += 1;
        }
        if self.at == start || matches!(self.bytes.get(self.at), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        Some(value)
    }

    fn i64(&mut self) -> Option<i64> {
        if self.peek()? == b'-' {
            self.at += 1;
            return i64::try_from(self.u64()?).ok().map(|v| -v);
        }
        i64::try_from(self.u64()?).ok()
    }

    fn opt_u64(&mut self) -> Option<Option<u64>> {
        if self.null() {
            Some(None)
        } else {
            self.u64().map(Some)
        }
    }

    fn bool(&mut self) -> Option<bool> {
        self.ws();
        if self.bytes[self.at..].starts_with(b"true") {
            self.at += 4;
            Some(true)
        } else if self.bytes[self.at..].starts_with(b"false") {
            self.at += 5;
            Some(false)
        } else {
            None
        }
    }

    /// Iterates the members of an object: calls `member` with each key.
    fn object(&mut self, mut member: impl FnMut(&mut Self, &'a [u8]) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            let (start, end) = self.plain_string()?;
            let key = &self.bytes[start as usize..end as usize];
            self.eat(b':')?;
            member(self, key)?;
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, mut element: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.at += 1;
            return Some(());
        }
        loop {
            element(self)?;
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn txid(&mut self) -> Option<Txid> {
        let (start, end) = self.plain_string()?;
        let digits = &self.bytes[start as usize..end as usize];
        if digits.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        decode_hex(digits, &mut out)?;
        Some(out)
    }

    /// An address list; appends spans to `addresses`, returns the range.
    fn addresses(&mut self, addresses: &mut Vec<Span>) -> Option<(u32, u32)> {
        let start = addresses.len() as u32;
        if self.null() {
            return Some((start, start));
        }
        self.array(|s| {
            let span = s.plain_string()?;
            if span.1 > span.0 {
                addresses.push(span);
            }
            Some(())
        })?;
        Some((start, addresses.len() as u32))
    }

    fn type_name(&mut self) -> Option<Option<ScriptType>> {
        if self.null() {
            return Some(None);
        }
        let (start, end) = self.plain_string()?;
        let name = std::str::from_utf8(&self.bytes[start as usize..end as usize]).ok()?;
        Some(ScriptType::from_core_name(name))
    }
}

/// Reads one bitcoin-etl line into `raw`; `None` when the line needs the full parser.
pub fn parse_line(line: &[u8], raw: &mut RawTx) -> Option<()> {
    raw.inputs.clear();
    raw.outputs.clear();
    raw.addresses.clear();
    raw.index = None;
    raw.vsize = None;
    raw.version = 1;
    raw.lock_time = 0;
    raw.time = 0;
    raw.coinbase = false;
    let mut scanner = Scanner { bytes: line, at: 0 };
    let (mut txid, mut block) = (None, None);
    let (mut saw_inputs, mut saw_outputs) = (false, false);
    let RawTx {
        inputs,
        outputs,
        addresses,
        ..
    } = raw;
    let mut coinbase = false;
    let mut time = 0;
    let mut index = None;
    let mut version = 1;
    let mut lock_time = 0;
    let mut vsize = None;
    scanner.object(|s, key| {
        match key {
            b"type" => {
                let (a, b) = s.plain_string()?;
                (&line[a as usize..b as usize] == b"transaction").then_some(())?;
            }
            b"hash" => txid = Some(s.txid()?),
            b"block_number" => block = Some(s.u64()?),
            b"block_timestamp" => time = s.opt_u64()?.unwrap_or(0),
            b"is_coinbase" => coinbase = s.bool()?,
            b"index" => index = Some(u32::try_from(s.u64()?).ok()?),
            b"version" => version = s.i64()?,
            b"lock_time" => lock_time = u32::try_from(s.u64()?).ok()?,
            b"virtual_size" => vsize = s.opt_u64()?.map(u32::try_from).transpose().ok()?,
            b"inputs" => {
                saw_inputs = true;
                s.array(|s| {
                    let mut input = RawIn {
                        sequence: u32::MAX,
                        ..RawIn::default()
                    };
                    let (mut prev_txid, mut prev_index) = (None, None);
                    s.object(|s, key| {
                        match key {
                            b"spent_transaction_hash" => prev_txid = Some(s.txid()?),
                            b"spent_output_index" => {
                                prev_index = Some(u32::try_from(s.u64()?).ok()?)
                            }
                            b"sequence" => input.sequence = u32::try_from(s.u64()?).ok()?,
                            b"type" => input.script_type = s.type_name()?,
                            b"addresses" => input.addresses = s.addresses(addresses)?,
                            b"value" => input.value = s.opt_u64()?,
                            _ => s.skip_value(0)?,
                        }
                        Some(())
                    })?;
                    input.prev = Some(Outpoint {
                        txid: prev_txid?,
                        index: prev_index?,
                    });
                    if input.value.is_none() {
                        input.script_type = None;
                        input.addresses = (addresses.len() as u32, addresses.len() as u32);
                    }
                    inputs.push(input);
                    Some(())
                })?;
            }
            b"outputs" => {
                saw_outputs = true;
                s.array(|s| {
                    let mut output = RawOut {
                        index: outputs.len() as u32,
                        ..RawOut::default()
                    };
                    let mut value = None;
                    let mut type_name = None;
                    s.object(|s, key| {
                        match key {
                            b"index" => output.index = u32::try_from(s.u64()?).ok()?,
                            b"script_hex" => {
                                if s.null() {
                                    output.script_hex = (0, 0);
                                } else {
                                    output.script_hex = s.plain_string()?;
                                }
                            }
                            b"type" => type_name = s.type_name()?,
                            b"addresses" => output.addresses = s.addresses(addresses)?,
                            b"value" => value = Some(s.u64()?),
                            _ => s.skip_value(0)?,
                        }
                        Some(())
                    })?;
                    output.value = value?;
                    let (start, end) = output.script_hex;
                    let hex_text = &line[start as usize..end as usize];
                    output.script_type = if hex_text.is_empty() {
                        type_name.unwrap_or(ScriptType::NonStandard)
                    } else {
                        let mut buf = [0u8; 64];
                        if hex_text.len() <= 128 {
                            if !hex_text.len().is_multiple_of(2) {
                                return None;
                            }
                            let bytes = &mut buf[..hex_text.len() / 2];
                            decode_hex(hex_text, bytes)?;
                            script::classify(bytes)
                        } else {
                            script::classify(&hex::decode(hex_text).ok()?)
                        }
                    };
                    outputs.push(output);
                    Some(())
                })?;
            }
            _ => s.skip_value(0)?,
        }
        Some(())
    })?;
    scanner.ws();
    if scanner.at != line.len() || !saw_inputs || !saw_outputs {
        return None;
    }
    raw.txid = txid?;
    raw.block = block?;
    raw.time = time;
    raw.coinbase = coinbase;
    raw.index = index;
    raw.version = version;
    raw.lock_time = lock_time;
    raw.vsize = vsize;
    if coinbase {
        raw.inputs.clear();
    }
    Some(())
}

/// The owned form of a fast-parsed line (same as [`super::etl::parse_line`] gives).
pub fn to_tx(line: &[u8], raw: &RawTx) -> crate::Tx {
    let texts = |range: (u32, u32)| -> Vec<String> {
        raw.address_texts(line, range).map(str::to_string).collect()
    };
    crate::Tx {
        txid: raw.txid,
        block: raw.block,
        time: raw.time,
        index: raw.index,
        coinbase: raw.coinbase,
        version: raw.version,
        lock_time: raw.lock_time,
        vsize: raw.vsize,
        inputs: raw
            .inputs
            .iter()
            .map(|input| crate::TxIn {
                prev: input.prev,
                sequence: input.sequence,
                spent: input.value.map(|value| crate::tx::Spent {
                    value,
                    script_type: input.script_type,
                    addresses: texts(input.addresses),
                }),
            })
            .collect(),
        outputs: raw
            .outputs
            .iter()
            .map(|output| {
                let mut addresses = texts(output.addresses);
                if addresses.is_empty() {
                    let (start, end) = output.script_hex;
                    let script =
                        hex::decode(&line[start as usize..end as usize]).unwrap_or_default();
                    addresses.push(script::nonstandard_address(&script));
                }
                crate::TxOut {
                    index: output.index,
                    value: output.value,
                    script_type: output.script_type,
                    addresses,
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word-at-a-time search finds what a byte loop finds: every length
    /// around the 8-byte steps and the 64-byte switch to memchr, a quote or a
    /// backslash at every position, bytes that differ from them by one bit.
    #[test]
    fn quote_search_agrees_with_a_byte_loop() {
        let naive = |b: &[u8]| b.iter().position(|&c| c == b'"' || c == b'\\');
        for len in 0..90 {
            for fill in [b'a', b'#', b']', b'\x00', b'\xa2', b'\x22' ^ 0x80] {
                let mut bytes = vec![fill; len];
                assert_eq!(find_quote_or_escape(&bytes), naive(&bytes), "{len} {fill}");
                for at in 0..len {
                    for mark in [b'"', b'\\'] {
                        bytes[at] = mark;
                        assert_eq!(find_quote_or_escape(&bytes), Some(at), "{len} {at}");
                        if at + 1 < len {
                            bytes[at + 1] = b'"';
                            assert_eq!(find_quote_or_escape(&bytes), Some(at));
                            bytes[at + 1] = fill;
                        }
                        bytes[at] = fill;
                    }
                }
            }
        }
    }
}
