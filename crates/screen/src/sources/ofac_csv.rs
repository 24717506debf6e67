//! OFAC's legacy SDN CSV files: `sdn.csv` (12 columns), `alt.csv` (aliases, 5 columns),
//! `add.csv` (addresses, 6 columns) and `sdn_comments.csv` (remarks that did not fit, 2
//! columns). No header; `-0-` means empty. Birth dates, nationalities, gender, documents,
//! weak aliases and `Digital Currency Address - XXX` live inside the Remarks column and
//! are parsed out of it.

use rustc_hash::FxHashMap;

use crate::entity::{
    BirthDate, Gender, ListEntity, NameStrength, ParseOutput, Quarantined, Schema,
};

/// The four files of one OFAC legacy CSV release. Only `sdn` is required.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfacCsvInput<'a> {
    /// `sdn.csv`
    pub sdn: &'a [u8],
    /// `alt.csv`
    pub alt: Option<&'a [u8]>,
    /// `add.csv`
    pub add: Option<&'a [u8]>,
    /// `sdn_comments.csv`
    pub comments: Option<&'a [u8]>,
}

/// Default list name for OFAC's SDN list.
pub const OFAC_LIST: &str = "us_ofac_sdn";

fn field(record: &csv::ByteRecord, i: usize) -> String {
    let raw = record
        .get(i)
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    let t = raw.trim();
    if t == "-0-" {
        String::new()
    } else {
        t.to_string()
    }
}

fn rows(data: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data)
}

fn excerpt(record: &csv::ByteRecord) -> String {
    record
        .iter()
        .map(String::from_utf8_lossy)
        .collect::<Vec<_>>()
        .join(",")
}

fn is_blank(record: &csv::ByteRecord) -> bool {
    record
        .iter()
        .all(|f| f.iter().all(|b| b.is_ascii_whitespace() || *b == 0x1a))
}

fn for_each_row(
    data: &[u8],
    file: &str,
    columns: usize,
    quarantine: &mut Vec<Quarantined>,
    mut f: impl FnMut(u64, &csv::ByteRecord, &mut Vec<Quarantined>),
) {
    let mut reader = rows(data);
    let mut record = csv::ByteRecord::new();
    // The csv reader's line count lags by one per CRLF row (it ends a record at `\r` and
    // counts the `\n` with the next one), and OFAC publishes CRLF files: count lines from
    // byte offsets instead, skipping the previous row's leftover line ending.
    let mut lines = LineCounter::default();
    loop {
        let line = lines.line_at(data, reader.position().byte() as usize);
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record
                    .position()
                    .map(|p| lines.line_at(data, p.byte() as usize))
                    .unwrap_or(line);
                if is_blank(&record) {
                    continue;
                }
                if record.len() != columns {
                    quarantine.push(Quarantined::new(
                        file,
                        line,
                        format!("expected {columns} columns, found {}", record.len()),
                        &excerpt(&record),
                    ));
                    continue;
                }
                f(line, &record, quarantine);
            }
            Err(err) => {
                quarantine.push(Quarantined::new(
                    file,
                    line,
                    format!("unreadable CSV row: {err}"),
                    "",
                ));
                // csv errors other than I/O leave the reader usable; an I/O error cannot happen on a slice.
                if matches!(err.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
    }
}

/// 1-based line numbers of byte offsets visited in increasing order, in linear time.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: u64,
}

impl LineCounter {
    fn line_at(&mut self, data: &[u8], offset: usize) -> u64 {
        let mut start = offset.min(data.len());
        while start < data.len() && matches!(data[start], b'\r' | b'\n') {
            start += 1;
        }
        if start < self.offset {
            self.offset = 0;
            self.line = 0;
        }
        self.line += data[self.offset..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.offset = start;
        self.line + 1
    }
}

/// Parses an OFAC legacy CSV release into entities, with list name `list`.
pub fn parse_ofac_csv(input: OfacCsvInput<'_>, list: &str) -> ParseOutput {
    let mut out = ParseOutput::default();
    let mut by_num: FxHashMap<String, usize> = FxHashMap::default();
    let mut remarks: Vec<String> = Vec::new();
    for_each_row(
        input.sdn,
        "sdn.csv",
        12,
        &mut out.quarantined,
        |line, r, q| {
            let num = field(r, 0);
            let name = field(r, 1);
            if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
                q.push(Quarantined::new(
                    "sdn.csv",
                    line,
                    format!("ent_num {num:?} is not a number"),
                    &excerpt(r),
                ));
                return;
            }
            if name.is_empty() {
                q.push(Quarantined::new(
                    "sdn.csv",
                    line,
                    "entry has no name",
                    &excerpt(r),
                ));
                return;
            }
            if by_num.contains_key(&num) {
                q.push(Quarantined::new(
                    "sdn.csv",
                    line,
                    format!("ent_num {num} appears twice"),
                    &excerpt(r),
                ));
                return;
            }
            let schema = match field(r, 2).to_ascii_lowercase().as_str() {
                "individual" => Schema::Person,
                "vessel" => Schema::Vessel,
                "aircraft" => Schema::Aircraft,
                _ => Schema::Organization,
            };
            let mut entity = ListEntity::new(list, num.clone(), schema);
            entity.add_name(&name, NameStrength::Primary);
            for program in field(r, 3).split("] [") {
                entity.add_program(program.trim_matches(|c| c == '[' || c == ']'));
            }
            let flag = field(r, 9);
            if !flag.is_empty() {
                entity.add_country(&flag);
            }
            by_num.insert(num, out.entities.len());
            out.entities.push(entity);
            remarks.push(field(r, 11));
        },
    );
    if let Some(comments) = input.comments {
        for_each_row(
            comments,
            "sdn_comments.csv",
            2,
            &mut out.quarantined,
            |line, r, q| {
                let num = field(r, 0);
                match by_num.get(&num) {
                    // The comment continues the Remarks mid-word: join without a separator.
                    Some(&i) => remarks[i].push_str(&field(r, 1)),
                    None => q.push(Quarantined::new(
                        "sdn_comments.csv",
                        line,
                        format!("ent_num {num:?} is not in sdn.csv"),
                        &excerpt(r),
                    )),
                }
            },
        );
    }
    for (entity, text) in out.entities.iter_mut().zip(remarks.iter()) {
        parse_remarks(entity, text);
    }
    if let Some(alt) = input.alt {
        for_each_row(alt, "alt.csv", 5, &mut out.quarantined, |line, r, q| {
            let num = field(r, 0);
            let name = field(r, 3);
            let Some(&i) = by_num.get(&num) else {
                q.push(Quarantined::new(
                    "alt.csv",
                    line,
                    format!("ent_num {num:?} is not in sdn.csv"),
                    &excerpt(r),
                ));
                return;
            };
            if name.is_empty() {
                q.push(Quarantined::new(
                    "alt.csv",
                    line,
                    "alias has no name",
                    &excerpt(r),
                ));
                return;
            }
            out.entities[i].add_name(&name, NameStrength::Strong);
        });
    }
    if let Some(add) = input.add {
        for_each_row(add, "add.csv", 6, &mut out.quarantined, |line, r, q| {
            let num = field(r, 0);
            let Some(&i) = by_num.get(&num) else {
                q.push(Quarantined::new(
                    "add.csv",
                    line,
                    format!("ent_num {num:?} is not in sdn.csv"),
                    &excerpt(r),
                ));
                return;
            };
            out.entities[i].add_country(&field(r, 4));
        });
    }
    out
}

/// Labels (lowercase) that introduce a document or register number in OFAC remarks.
const ID_HINTS: [&str; 22] = [
    "passport",
    "number",
    "no.",
    " id",
    "#",
    "imo",
    "registration",
    "license",
    "licence",
    "card",
    "serial",
    "mmsi",
    "swift",
    "bic",
    "cedula",
    "curp",
    "rfc",
    "d.n.i",
    "ssn",
    "nit",
    "ruc",
    "code",
];

/// Splits OFAC remarks on `;` outside single quotes.
fn split_remarks(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_quote = false;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\'' => {
                // An apostrophe inside a word (Yo'ng) is not a quote.
                let prev_alpha = i > 0 && bytes[i - 1].is_ascii_alphabetic();
                let next_alpha = bytes.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic());
                if !(prev_alpha && next_alpha) {
                    in_quote = !in_quote;
                }
            }
            b';' if !in_quote => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

fn quoted(text: &str) -> &str {
    let t = text.trim().trim_end_matches('.');
    t.strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .unwrap_or(t)
        .trim()
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    if text.len() >= prefix.len()
        && text.is_char_boundary(prefix.len())
        && text[..prefix.len()].eq_ignore_ascii_case(prefix)
    {
        Some(text[prefix.len()..].trim())
    } else {
        None
    }
}

/// Parses one entity's Remarks into dates of birth, nationalities, gender, documents,
/// weak aliases and crypto addresses. Unknown items are ignored.
pub(crate) fn parse_remarks(entity: &mut ListEntity, remarks: &str) {
    for item in split_remarks(remarks) {
        let item = item.trim_end_matches('.').trim();
        let item = strip_prefix_ci(item, "alt.").unwrap_or(item);
        if let Some(rest) = strip_prefix_ci(item, "DOB ") {
            if let Some(date) = BirthDate::parse(rest) {
                entity.birth_dates.push(date);
            }
        } else if let Some(rest) =
            strip_prefix_ci(item, "nationality ").or_else(|| strip_prefix_ci(item, "citizen "))
        {
            entity.add_country(rest);
        } else if let Some(rest) = strip_prefix_ci(item, "Gender ") {
            entity.gender = Gender::parse(rest).or(entity.gender);
        } else if let Some(rest) = strip_prefix_ci(item, "a.k.a. ") {
            entity.add_name(quoted(rest), NameStrength::Weak);
        } else if let Some(rest) =
            strip_prefix_ci(item, "f.k.a. ").or_else(|| strip_prefix_ci(item, "n.k.a. "))
        {
            entity.add_name(quoted(rest), NameStrength::Weak);
        } else if let Some(rest) = strip_prefix_ci(item, "Digital Currency Address - ") {
            let mut words = rest.split_whitespace();
            if let (Some(chain), Some(address)) = (words.next(), words.next()) {
                entity.add_crypto(chain, address);
            }
        } else if let Some(rest) = strip_prefix_ci(item, "Vessel Registration Identification ") {
            let value = rest.trim_start_matches("IMO").trim();
            let value = value.split_whitespace().next().unwrap_or("");
            entity.add_identifier("IMO", value, None);
        } else if let Some(rest) = strip_prefix_ci(item, "MMSI ") {
            entity.add_identifier("MMSI", rest.split_whitespace().next().unwrap_or(""), None);
        } else {
            parse_identifier(entity, item);
        }
    }
}

fn parse_identifier(entity: &mut ListEntity, item: &str) {
    let lower = item.to_ascii_lowercase();
    if lower.starts_with("linked to")
        || lower.starts_with("website")
        || lower.starts_with("email")
        || lower.starts_with("phone")
        || lower.starts_with("pob ")
    {
        return;
    }
    let words: Vec<&str> = item.split_whitespace().collect();
    let Some(value_at) = words
        .iter()
        .position(|w| w.bytes().any(|b| b.is_ascii_digit()) && !w.starts_with('('))
    else {
        return;
    };
    if value_at == 0 || value_at > 8 {
        return;
    }
    let label = words[..value_at].join(" ");
    let label_lower = format!(" {}", label.to_ascii_lowercase());
    if !ID_HINTS.iter().any(|h| label_lower.contains(h)) {
        return;
    }
    let value = words[value_at].trim_end_matches(',');
    let country = item
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(c, _)| c.trim())
        .filter(|c| crate::countries::to_code(c).is_some());
    entity.add_identifier(&label, value, country);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_row_with_remarks_aliases_and_comments() {
        let sdn = b"25308,\"YAN, Xiaobing\",\"individual\",\"SDNTK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 25 Mar 1977; citizen China; Gender Male; Digital Currency Address - XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h; Passport T14553558 (Iran) issued 28 Oct 2008; a.k.a. 'ZHOU, William'; Digital Currency Address - ETH 0x\"\n\
15771,\"O, Kuk-Ryol\",\"individual\",\"NPWMD] [DPRK2\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB circa 1930; POB Onso'ng County\"\n\
1,\"BROKEN ROW\",\"individual\"\n";
        let comments = b"25308,\"1234567890abcdef1234567890abcdef12345678.\"\n";
        let alt = b"25308,1,\"aka\",\"YAN, Steven\",-0- \n999,2,\"aka\",\"NOBODY\",-0- \n";
        let out = parse_ofac_csv(
            OfacCsvInput {
                sdn,
                alt: Some(alt),
                add: None,
                comments: Some(comments),
            },
            OFAC_LIST,
        );
        assert_eq!(out.entities.len(), 2);
        let yan = &out.entities[0];
        assert_eq!(yan.birth_dates, vec![BirthDate::full(1977, 3, 25)]);
        assert_eq!(yan.countries, vec!["CN".to_string()]);
        assert_eq!(yan.gender, Some(Gender::Male));
        assert_eq!(yan.crypto_addresses.len(), 2);
        assert_eq!(
            yan.crypto_addresses[1].address,
            "0x1234567890abcdef1234567890abcdef12345678"
        );
        assert_eq!(yan.identifiers[0].value, "T14553558");
        assert!(yan
            .names
            .iter()
            .any(|n| n.name == "ZHOU, William" && n.strength == NameStrength::Weak));
        assert!(yan
            .names
            .iter()
            .any(|n| n.name == "YAN, Steven" && n.strength == NameStrength::Strong));
        let o = &out.entities[1];
        assert_eq!(o.programs, vec!["NPWMD".to_string(), "DPRK2".to_string()]);
        assert_eq!(o.birth_dates[0].year_from, 1929);
        assert_eq!(out.quarantined.len(), 2);
        assert_eq!(out.quarantined[0].line, 3);
        assert!(out.quarantined[0]
            .reason
            .contains("expected 12 columns, found 3"));
        assert_eq!(out.quarantined[1].file, "alt.csv");
    }

    #[test]
    fn crlf_rows_are_quarantined_at_their_own_line() {
        let out = parse_ofac_csv(
            OfacCsvInput {
                sdn: b"1,\"A\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\nbad\r\n\r\n2,\"B\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\nbad2\r\n",
                ..Default::default()
            },
            OFAC_LIST,
        );
        let lines: Vec<u64> = out.quarantined.iter().map(|q| q.line).collect();
        assert_eq!(lines, vec![2, 5]);
        assert_eq!(out.entities.len(), 2);
    }
}
