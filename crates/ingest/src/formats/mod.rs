//! The registry of input formats: one file per format, one line each in [`all`].

mod applicants;
mod btc_etl_jsonl;
mod btc_getblock;
mod btc_shared;
mod csv_table;
mod devices;
mod employees;
mod entra;
mod eth_jsonl;
mod eth_token_transfers_csv;
mod eth_traces_csv;
mod eth_transactions_csv;
mod ethereum_etl;
mod google_workspace;
mod json_records;
mod ofac_addresses;
mod okta;
mod osquery;
mod payroll;
mod sanctions_crypto;
mod sanctions_eu_xml;
mod sanctions_ftm;
mod sanctions_list;
mod sanctions_ofac_csv;
mod sanctions_ofac_xml;
mod sanctions_un_xml;
mod shipments;
mod signin;
mod tagpack;
mod timestamp;

use crate::Format;

/// Every supported format, in the order `unmask formats` lists them.
pub fn all() -> Vec<&'static dyn Format> {
    vec![
        &employees::EmployeesCsv,
        &applicants::ApplicantsCsv,
        &payroll::PayrollCsv,
        &shipments::ShipmentsCsv,
        &devices::DevicesCsv,
        &eth_transactions_csv::EthTransactionsCsv,
        &eth_token_transfers_csv::EthTokenTransfersCsv,
        &eth_traces_csv::EthTracesCsv,
        &eth_jsonl::EthJsonLines,
        &btc_etl_jsonl::BitcoinEtlJsonLines,
        &btc_getblock::BitcoinCoreGetBlock,
        &tagpack::TagPack,
        &ofac_addresses::OfacAddresses,
        &sanctions_ofac_csv::OfacSdnCsv,
        &sanctions_ofac_csv::OfacSdnCsvPart,
        &sanctions_ofac_xml::OfacSdnXml,
        &sanctions_un_xml::UnConsolidatedXml,
        &sanctions_eu_xml::EuSanctionsXml,
        &sanctions_ftm::FtmJsonLines,
        &sanctions_crypto::CryptoAddressList,
        &okta::OktaSystemLog,
        &entra::EntraSignIns,
        &google_workspace::GoogleWorkspaceReports,
        &osquery::OsqueryResults,
    ]
}
