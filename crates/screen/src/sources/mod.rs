//! List parsers, one file per format, plus format sniffing. Every parser is pure: bytes in,
//! [`ParseOutput`] (entities + quarantined records with file, line and reason) out; no I/O,
//! no panics. Adding a format = one new file here, one [`ListFormat`] variant, one test.

mod crypto_list;
mod eu_xml;
mod ftm;
mod ofac_csv;
mod ofac_xml;
mod un_xml;
pub(crate) mod xml;

pub use crypto_list::{chain_from_file_name, parse_crypto_list, CRYPTO_LIST};
pub use eu_xml::{parse_eu_xml, EU_LIST};
pub use ftm::{parse_ftm, FTM_LIST};
pub use ofac_csv::{parse_ofac_csv, OfacCsvInput, OFAC_LIST};
pub use ofac_xml::parse_ofac_xml;
pub use un_xml::{parse_un_xml, UN_LIST};

use crate::entity::ParseOutput;
use crate::error::Result;

/// The list formats we read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListFormat {
    /// OFAC legacy `sdn.csv`.
    OfacSdnCsv,
    /// OFAC legacy `alt.csv` (aliases; needs its `sdn.csv`).
    OfacAltCsv,
    /// OFAC legacy `add.csv` (addresses; needs its `sdn.csv`).
    OfacAddCsv,
    /// OFAC legacy `sdn_comments.csv` (remarks continued; needs its `sdn.csv`).
    OfacCommentsCsv,
    /// OFAC classic SDN XML (`sdnList`).
    OfacXml,
    /// UN consolidated list XML (`CONSOLIDATED_LIST`).
    UnXml,
    /// EU financial sanctions XML (`export` / `sanctionEntity`).
    EuXml,
    /// FollowTheMoney JSON lines.
    FtmJson,
    /// One crypto address per line; the chain when the file name tells it.
    CryptoAddresses {
        /// Ticker such as ETH or XBT.
        chain: Option<String>,
    },
}

impl ListFormat {
    /// A short name for messages.
    pub fn name(&self) -> &'static str {
        match self {
            ListFormat::OfacSdnCsv => "OFAC sdn.csv",
            ListFormat::OfacAltCsv => "OFAC alt.csv",
            ListFormat::OfacAddCsv => "OFAC add.csv",
            ListFormat::OfacCommentsCsv => "OFAC sdn_comments.csv",
            ListFormat::OfacXml => "OFAC SDN XML",
            ListFormat::UnXml => "UN consolidated list XML",
            ListFormat::EuXml => "EU financial sanctions XML",
            ListFormat::FtmJson => "FollowTheMoney JSON lines",
            ListFormat::CryptoAddresses { .. } => "crypto address list",
        }
    }
}

/// Guesses a list's format from its file name and its first bytes (a few KB are enough).
pub fn sniff(file_name: &str, head: &[u8]) -> Option<ListFormat> {
    let base = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .to_ascii_lowercase();
    let text = String::from_utf8_lossy(&head[..head.len().min(8192)]);
    if text.contains("<sdnList") {
        return Some(ListFormat::OfacXml);
    }
    if text.contains("<CONSOLIDATED_LIST") {
        return Some(ListFormat::UnXml);
    }
    if text.contains("<export") && text.contains("sanctionEntity")
        || text.contains("<sanctionEntity")
    {
        return Some(ListFormat::EuXml);
    }
    match base.as_str() {
        "sdn.csv" | "cons_prim.csv" => return Some(ListFormat::OfacSdnCsv),
        "alt.csv" | "cons_alt.csv" => return Some(ListFormat::OfacAltCsv),
        "add.csv" | "cons_add.csv" => return Some(ListFormat::OfacAddCsv),
        "sdn_comments.csv" | "cons_comments.csv" => return Some(ListFormat::OfacCommentsCsv),
        _ => {}
    }
    let first_line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if first_line.starts_with('{') && text.contains("\"schema\"") {
        return Some(ListFormat::FtmJson);
    }
    if base.ends_with(".csv") && first_line.contains("-0-") {
        let columns = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(first_line.as_bytes())
            .byte_records()
            .next()
            .and_then(|r| r.ok())
            .map(|r| r.len());
        match columns {
            Some(12) => return Some(ListFormat::OfacSdnCsv),
            Some(5) => return Some(ListFormat::OfacAltCsv),
            Some(6) => return Some(ListFormat::OfacAddCsv),
            _ => {}
        }
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(20)
        .collect();
    let complete = if head.len() > 8192 {
        lines.len().saturating_sub(1)
    } else {
        lines.len()
    };
    if complete > 0
        && lines[..complete]
            .iter()
            .all(|l| crate::crypto::looks_like_address(l))
    {
        return Some(ListFormat::CryptoAddresses {
            chain: chain_from_file_name(&base),
        });
    }
    None
}

/// Parses one single-file list. OFAC legacy CSV files need each other: use
/// [`parse_ofac_csv`] for them (the `OfacSdnCsv` format here parses `sdn.csv` alone).
pub fn parse(format: &ListFormat, data: &[u8], list: &str) -> Result<ParseOutput> {
    Ok(match format {
        ListFormat::OfacSdnCsv => parse_ofac_csv(
            OfacCsvInput {
                sdn: data,
                ..Default::default()
            },
            list,
        ),
        ListFormat::OfacAltCsv | ListFormat::OfacAddCsv | ListFormat::OfacCommentsCsv => {
            return Err(crate::ScreenError::Malformed {
                format: format.name(),
                message:
                    "this file only completes an sdn.csv: parse the release with parse_ofac_csv"
                        .into(),
            })
        }
        ListFormat::OfacXml => parse_ofac_xml(data, list)?,
        ListFormat::UnXml => parse_un_xml(data, list)?,
        ListFormat::EuXml => parse_eu_xml(data, list)?,
        ListFormat::FtmJson => parse_ftm(data, list),
        ListFormat::CryptoAddresses { chain } => {
            parse_crypto_list(data, chain.as_deref().unwrap_or("UNKNOWN"), list)
        }
    })
}

/// The default list name for a format.
pub fn default_list_name(format: &ListFormat) -> &'static str {
    match format {
        ListFormat::OfacSdnCsv
        | ListFormat::OfacAltCsv
        | ListFormat::OfacAddCsv
        | ListFormat::OfacCommentsCsv
        | ListFormat::OfacXml => OFAC_LIST,
        ListFormat::UnXml => UN_LIST,
        ListFormat::EuXml => EU_LIST,
        ListFormat::FtmJson => FTM_LIST,
        ListFormat::CryptoAddresses { .. } => CRYPTO_LIST,
    }
}

/// Convenience for callers that hold everything in memory.
pub fn parse_sniffed(file_name: &str, data: &[u8]) -> Option<Result<ParseOutput>> {
    let format = sniff(file_name, data)?;
    Some(parse(&format, data, default_list_name(&format)))
}
