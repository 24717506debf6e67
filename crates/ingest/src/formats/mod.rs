//! The registry of input formats: one file per format, one line each in [`all`].

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
mod shipments;
mod signin;
mod tagpack;
mod timestamp;

use crate::Format;

/// Every supported format, in the order `unmask formats` lists them.
pub fn all() -> Vec<&'static dyn Format> {
    vec![
        &employees::EmployeesCsv,
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
        &okta::OktaSystemLog,
        &entra::EntraSignIns,
        &google_workspace::GoogleWorkspaceReports,
        &osquery::OsqueryResults,
    ]
}
