//! `payroll.csv`: one row per payment to an employee.
//!
//! Each row becomes a Payment, and the payout account it went to becomes an entity
//! of its own (BankAccount, PaymentAccount for PayPal/Payoneer/Wise, or CryptoWallet),
//! keyed by the normalized account so that one account shared by several employees,
//! or a wallet that also shows up on chain or on a sanctions list, is one entity.

use unmask_model::{normalize, short_hash, EntityFragment, LinkFragment, Parsed};

use super::csv_table::{self, Row, TableSpec};
use super::employees::person_id;
use crate::{Format, Input, ReadError, Sample, Sink};

pub(crate) struct PayrollCsv;

const SPEC: TableSpec = TableSpec {
    format: "payroll-csv",
    identifying: &["employee_id", "pay_date", "amount"],
    known: &[
        "employee_id",
        "company_id",
        "pay_date",
        "amount",
        "currency",
        "method",
        "account",
        "account_country",
    ],
};

const METHODS: &[&str] = &["bank", "paypal", "payoneer", "wise", "crypto", "other"];

impl Format for PayrollCsv {
    fn name(&self) -> &'static str {
        SPEC.format
    }

    fn description(&self) -> &'static str {
        "HR export: payroll.csv (employee_id, pay_date, amount, currency, method, account, account_country)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        csv_table::sniff(&SPEC, sample)
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        csv_table::read(&SPEC, input, sink, parse)
    }
}

/// The entity for a payout account. Crypto wallets are keyed by address alone, so
/// the same wallet from payroll, a sanctions list or a trace is one entity.
pub(crate) fn account_entity(method: &str, raw: &str) -> Option<EntityFragment> {
    if method == "crypto" || normalize::wallet(raw).is_some() {
        let address = normalize::wallet(raw).unwrap_or_else(|| raw.trim().to_string());
        let mut wallet = EntityFragment::new(format!("wallet:{address}"), "CryptoWallet");
        wallet.prop("publicKey", &address);
        return Some(wallet);
    }
    let key = normalize::account(raw)?;
    let schema = if method == "bank" {
        "BankAccount"
    } else {
        "PaymentAccount"
    };
    let mut account = EntityFragment::new(format!("account:{method}:{key}"), schema);
    account.prop("number", &key).prop("provider", method);
    Some(account)
}

fn parse(row: &Row<'_>) -> Result<Parsed, String> {
    let employee_id = row.require("employee_id")?;
    let company = row.company()?;
    let pay_date = csv_table::date("pay_date", row.require("pay_date")?)?;
    let amount_text = row.require("amount")?;
    let amount: f64 = amount_text
        .replace(',', "")
        .parse()
        .map_err(|_| format!("amount {amount_text:?} is not a number"))?;
    if !amount.is_finite() {
        return Err(format!("amount {amount_text:?} is not a finite number"));
    }
    let method = row.get("method").unwrap_or("other").to_lowercase();
    if !METHODS.contains(&method.as_str()) {
        return Err(format!(
            "method {method:?} is not one of {}",
            METHODS.join(", ")
        ));
    }
    let person_id = person_id(company, employee_id);
    let mut parsed = Parsed::default();
    let payment_id = format!(
        "payment:{company}:{employee_id}:{pay_date}:{}",
        short_hash(&format!("{amount_text}|{:?}|{method}", row.get("account")))
    );
    let mut payment = EntityFragment::new(&payment_id, "Payment");
    payment
        .prop("date", &pay_date)
        .prop("amount", amount_text)
        .prop("method", &method)
        .prop("payer", format!("org:{company}"))
        .prop("beneficiary", &person_id)
        .prop("companyId", company)
        .prop("employeeId", employee_id);
    if let Some(currency) = row.get("currency") {
        payment.prop("currency", currency.to_uppercase());
    }
    for (column, value) in row.extras() {
        payment.prop(column, value);
    }
    parsed
        .links
        .push(LinkFragment::new(&payment_id, &person_id, "beneficiary"));
    if let Some(raw_account) = row.get("account") {
        let Some(mut account) = account_entity(&method, raw_account) else {
            return Err(format!("account {raw_account:?} is not a usable account"));
        };
        if let Some(country) = row.get("account_country") {
            account.prop("country", country.to_uppercase());
            payment.prop("accountCountry", country.to_uppercase());
        }
        payment.prop("account", &account.id);
        parsed
            .links
            .push(LinkFragment::new(&payment_id, &account.id, "paid_to"));
        parsed
            .links
            .push(LinkFragment::new(&person_id, &account.id, "payout_account"));
        parsed.entities.push(account);
    }
    let mut person = EntityFragment::new(&person_id, "Person");
    person
        .prop("employeeId", employee_id)
        .prop("companyId", company);
    parsed.entities.push(person);
    parsed.entities.push(payment);
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemorySink;

    #[test]
    fn shared_accounts_become_one_entity() {
        let text =
            "employee_id,company_id,pay_date,amount,currency,method,account,account_country\n\
                    E1,acme,2024-03-01,5000.00,USD,payoneer,Pay.Out@Gmail.com,US\n\
                    E9,globex,03/15/2024,4100,usd,payoneer,payout@gmail.com,US\n\
                    E2,acme,2024-03-01,100,USD,crypto,0xAbCdEf0123456789aBcDeF0123456789AbCdEf01,\n\
                    E3,acme,2024-03-01,lots,USD,bank,123,\n\
                    E4,acme,2024-03-01,10,USD,barter,123,\n";
        let mut sink = MemorySink::default();
        let mut reader = text.as_bytes();
        let mut input = Input {
            path: "payroll.csv",
            reader: &mut reader,
            org: None,
        };
        PayrollCsv.read(&mut input, &mut sink).unwrap();
        assert_eq!(sink.records.len(), 3);
        let accounts: Vec<&str> = sink
            .links()
            .filter(|l| l.kind == "payout_account")
            .map(|l| l.target.as_str())
            .collect();
        assert_eq!(
            accounts,
            [
                "account:payoneer:payout@gmail.com",
                "account:payoneer:payout@gmail.com",
                "wallet:0xabcdef0123456789abcdef0123456789abcdef01"
            ]
        );
        let second = sink.records[1]
            .parsed
            .entities
            .iter()
            .find(|e| e.schema == "Payment")
            .unwrap();
        assert_eq!(second.first("date"), Some("2024-03-15"));
        assert_eq!(second.first("currency"), Some("USD"));
        assert_eq!(sink.quarantined.len(), 2);
        assert!(sink.quarantined[0].1.contains("not a number"));
        assert!(sink.quarantined[1].1.contains("barter"));
    }
}
