//! Shared machinery for the organisation's own CSV exports (employees, payroll,
//! shipments, devices): header detection, per-row checks, and the rules of the input
//! contract in docs/formats.md (header row, UTF-8, any column order, unknown columns
//! kept as properties, `company_id` from `--org` when absent).

use unmask_model::Parsed;

use crate::{Input, Position, ReadError, Record, Sample, Sink};

/// Records larger than this are quarantined rather than stored.
pub(crate) const MAX_RECORD_BYTES: usize = 1024 * 1024;

/// What a table format expects of its header.
pub(crate) struct TableSpec {
    pub format: &'static str,
    /// Columns whose presence identifies this table.
    pub identifying: &'static [&'static str],
    /// Every column of the contract; the ones not in the header are simply absent.
    pub known: &'static [&'static str],
}

/// One data row, by column name.
pub(crate) struct Row<'a> {
    headers: &'a [String],
    fields: Vec<&'a str>,
    org: Option<&'a str>,
    known: &'static [&'static str],
}

impl<'a> Row<'a> {
    /// A trimmed, non-empty value of a column.
    pub fn get(&self, column: &str) -> Option<&'a str> {
        let index = self.headers.iter().position(|h| h == column)?;
        let value = self.fields.get(index)?.trim();
        (!value.is_empty()).then_some(value)
    }

    /// A value that must be there; the error is the quarantine reason.
    pub fn require(&self, column: &str) -> Result<&'a str, String> {
        self.get(column)
            .ok_or_else(|| format!("required column {column} is empty"))
    }

    /// `company_id` from the row, else from `--org`.
    pub fn company(&self) -> Result<&'a str, String> {
        self.get("company_id")
            .or(self.org)
            .ok_or_else(|| "company_id is empty and no --org was given".to_string())
    }

    /// Columns outside the contract, kept as properties under their own names.
    pub fn extras(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.headers
            .iter()
            .zip(self.fields.iter())
            .filter(|(header, value)| {
                !self.known.contains(&header.as_str()) && !value.trim().is_empty()
            })
            .map(|(header, value)| (header.as_str(), value.trim()))
    }
}

fn split_header(line: &str, delimiter: char) -> Vec<String> {
    line.split(delimiter)
        .map(|h| h.trim().trim_matches('"').trim().to_lowercase())
        .collect()
}

/// Confidence that the sample is this table: high when the comma-separated header
/// has the identifying columns; lower when it has them under another delimiter (so
/// that reading it explains the delimiter instead of calling the file unknown).
pub(crate) fn sniff(spec: &TableSpec, sample: &Sample<'_>) -> Option<u8> {
    let line = sample.first_line()?;
    for (delimiter, confidence) in [(',', 90u8), (';', 40), ('\t', 40), ('|', 40)] {
        let headers = split_header(line, delimiter);
        if spec
            .identifying
            .iter()
            .all(|col| headers.iter().any(|h| h == col))
        {
            let known = headers
                .iter()
                .filter(|h| spec.known.contains(&h.as_str()))
                .count();
            // More known columns, more confidence: breaks ties between tables that
            // share identifying columns.
            return Some(confidence.saturating_add(known.min(9) as u8));
        }
    }
    None
}

/// Reads the table, calling `parse` on each row. Rows that fail checks are
/// quarantined with the reason; the file fails only when its header is unusable.
pub(crate) fn read(
    spec: &TableSpec,
    input: &mut Input<'_>,
    sink: &mut dyn Sink,
    mut parse: impl FnMut(&Row<'_>) -> Result<Parsed, String>,
) -> Result<(), ReadError> {
    let path = input.path.to_string();
    let invalid = |line: u64, message: String| ReadError::Invalid {
        path: path.clone(),
        line,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&mut input.reader);
    let mut record = csv::ByteRecord::new();
    let has_header = reader
        .read_byte_record(&mut record)
        .map_err(|e| csv_error(&path, e))?;
    if !has_header {
        return Ok(()); // empty file: nothing to read, nothing dropped
    }
    let mut headers = Vec::with_capacity(record.len());
    for (index, field) in record.iter().enumerate() {
        let text = std::str::from_utf8(field)
            .map_err(|_| invalid(1, format!("header column {} is not valid UTF-8", index + 1)))?;
        let text = text.trim_start_matches('\u{feff}');
        headers.push(text.trim().to_lowercase());
    }
    if headers.len() == 1 {
        let only = &headers[0];
        if let Some(delimiter) = [';', '\t', '|'].into_iter().find(|d| only.contains(*d)) {
            return Err(invalid(
                1,
                format!(
                    "the header is separated by {delimiter:?}, but {} files must be comma-separated",
                    spec.format
                ),
            ));
        }
    }
    let missing: Vec<&str> = spec
        .identifying
        .iter()
        .copied()
        .filter(|col| !headers.iter().any(|h| h == col))
        .collect();
    if !missing.is_empty() {
        return Err(invalid(
            1,
            format!("the header lacks column(s) {}", missing.join(", ")),
        ));
    }
    if !headers.iter().any(|h| h == "company_id") && input.org.is_none() {
        return Err(invalid(
            1,
            "the file has no company_id column; say which organisation it belongs to with --org NAME".to_string(),
        ));
    }
    let header_line = headers.join(",");
    let org = input.org;
    loop {
        let at = Position {
            line: reader.position().line(),
            byte_offset: reader.position().byte(),
        };
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                // A broken quote or similar: keep the line and go on.
                sink.quarantine(at, &format!("not valid CSV: {error}"), b"")?;
                continue;
            }
        }
        let at = Position {
            line: record.position().map_or(at.line, |p| p.line()),
            byte_offset: record.position().map_or(at.byte_offset, |p| p.byte()),
        };
        let raw = join_raw(&record);
        if raw.len() > MAX_RECORD_BYTES {
            let reason = format!(
                "record is {} bytes, over the {} byte limit",
                raw.len(),
                MAX_RECORD_BYTES
            );
            sink.quarantine(at, &reason, &raw[..256.min(raw.len())])?;
            continue;
        }
        if record.len() == 1
            && record
                .get(0)
                .is_some_and(|f| f.iter().all(u8::is_ascii_whitespace))
        {
            // A blank line is not a record.
            continue;
        }
        if record.len() != headers.len() {
            let reason = format!(
                "row has {} fields but the header has {}",
                record.len(),
                headers.len()
            );
            sink.quarantine(at, &reason, &raw)?;
            continue;
        }
        let mut fields = Vec::with_capacity(record.len());
        let mut bad_utf8 = None;
        for (index, field) in record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(text) => fields.push(text),
                Err(error) => {
                    bad_utf8 = Some(format!(
                        "column {} is not valid UTF-8 (bad byte at position {})",
                        headers[index],
                        error.valid_up_to()
                    ));
                    break;
                }
            }
        }
        if let Some(reason) = bad_utf8 {
            sink.quarantine(at, &reason, &raw)?;
            continue;
        }
        let row = Row {
            headers: &headers,
            fields,
            org,
            known: spec.known,
        };
        match parse(&row) {
            Ok(parsed) => {
                let mut identity = Vec::with_capacity(header_line.len() + raw.len() + 1);
                identity.extend_from_slice(header_line.as_bytes());
                identity.push(b'\n');
                identity.extend_from_slice(&raw);
                sink.record(Record {
                    at,
                    identity,
                    raw: Some(String::from_utf8_lossy(&raw).into_owned()),
                    parsed,
                })?;
            }
            Err(reason) => sink.quarantine(at, &reason, &raw)?,
        }
    }
    Ok(())
}

/// The record's fields joined with commas (quoted as needed): its stored raw form.
fn join_raw(record: &csv::ByteRecord) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = writer.write_byte_record(record);
    let mut bytes = writer.into_inner().unwrap_or_default();
    while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        bytes.pop();
    }
    bytes
}

fn csv_error(path: &str, error: csv::Error) -> ReadError {
    let line = error.position().map_or(1, |p| p.line());
    match error.into_kind() {
        csv::ErrorKind::Io(source) => ReadError::Io {
            path: path.to_string(),
            source,
        },
        other => ReadError::Invalid {
            path: path.to_string(),
            line,
            message: format!("not valid CSV: {other:?}"),
        },
    }
}

/// A date in one of the forms exports use, as ISO `YYYY-MM-DD`.
pub(crate) fn date(column: &str, value: &str) -> Result<String, String> {
    let value = value.trim();
    let formats = ["%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d"];
    for format in formats {
        if let Ok(date) = chrono::NaiveDate::parse_from_str(value, format) {
            return Ok(date.format("%Y-%m-%d").to_string());
        }
    }
    // ISO timestamps: keep the date part.
    if value.len() > 10 && value.as_bytes()[10] == b'T' {
        if let Ok(date) = chrono::NaiveDate::parse_from_str(&value[..10], "%Y-%m-%d") {
            return Ok(date.format("%Y-%m-%d").to_string());
        }
    }
    Err(format!(
        "{column} {} is not a date (expected YYYY-MM-DD or MM/DD/YYYY)",
        crate::text::excerpt(value.as_bytes(), 40)
    ))
}
