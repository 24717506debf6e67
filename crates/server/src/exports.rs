//! Exports of a case for other tools: a STIX 2.1 bundle of its indicators (IPs, e-mail
//! addresses, wallets, identities) for threat-intel sharing, and FollowTheMoney JSON
//! lines of its entities for Aleph and OpenSanctions tools.
//!
//! [`html_to_pdf`] prints the HTML report with headless Chromium.
//!
//! The case's entities are its subjects, the entities its evidence names, and the
//! subjects' direct neighbours in the link graph.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use unmask_report::CaseDetail;
use unmask_store::{Store, StoreError};

/// Most neighbours taken per subject, so that a hub (a payroll company) does not pull
/// in the whole store.
const NEIGHBOURS_PER_SUBJECT: usize = 50;

/// Ids of the case's entities, sorted.
pub fn case_entities(store: &Store, detail: &CaseDetail) -> Result<Vec<String>, StoreError> {
    let mut ids = BTreeSet::new();
    for subject in &detail.subjects {
        ids.insert(subject.id.clone());
        if let Ok(entity) = store.entity(&subject.id) {
            for (_, other, _) in entity.links.iter().take(NEIGHBOURS_PER_SUBJECT) {
                ids.insert(other.clone());
            }
        }
    }
    for finding in &detail.findings {
        for evidence in &finding.evidence {
            ids.insert(evidence.entity_id.clone());
        }
    }
    Ok(ids.into_iter().collect())
}

/// A STIX identifier, stable for the same object: a name-based (version 5 style) UUID.
fn stix_id(kind: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("unmask|{kind}|{key}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{kind}--{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// SHA-1 (FIPS 180-4), only for name-based UUIDs (RFC 4122 version 5), which STIX uses
/// for deterministic observable ids; never for anything secret.
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
    let mut message = data.to_vec();
    let bit_length = (data.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_length.to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, word) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A827999),
                20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                _ => (b ^ c ^ d, 0xCA62C1D6),
            };
            let next = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = next;
        }
        for (state, value) in h.iter_mut().zip([a, b, c, d, e]) {
            *state = state.wrapping_add(value);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// An RFC 4122 version 5 UUID of `name` in `namespace` (a UUID in its text form).
pub fn uuid_v5(namespace: &str, name: &str) -> String {
    let namespace: Vec<u8> = hex::decode(namespace.replace('-', "")).unwrap_or_default();
    let mut input = namespace;
    input.extend_from_slice(name.as_bytes());
    let digest = sha1(&input);
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The namespace of STIX 2.1's deterministic SCO ids (STIX 2.1 section 2.9).
pub const STIX_SCO_NAMESPACE: &str = "00abedb4-aa42-466c-9c01-fed23315a9b7";

/// The custom SCO for crypto wallets, which STIX 2.1 does not define.
pub const WALLET_SCO_TYPE: &str = "x-unmask-crypto-wallet";

/// The extension definition of [`WALLET_SCO_TYPE`]: a fixed id, so that every export
/// names the same definition.
pub const WALLET_EXTENSION_ID: &str = "extension-definition--0c1f7a8e-5b1d-5f0e-9b8a-6e2d4c3b2a19";

/// The identity that produces unmask's STIX objects (the extension definition's
/// `created_by_ref`).
fn unmask_identity() -> Value {
    json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": stix_id("identity", "unmask"),
        "created": "2026-11-25T00:00:00.000Z",
        "modified": "2026-11-25T00:00:00.000Z",
        "name": "unmask",
        "identity_class": "system",
        "description": "unmask, an open tool that finds North Korean IT-worker fraud and traces laundered crypto",
    })
}

/// The extension definition object of the wallet SCO (STIX 2.1 section 7.3).
fn wallet_extension_definition() -> Value {
    json!({
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": WALLET_EXTENSION_ID,
        "created_by_ref": stix_id("identity", "unmask"),
        "created": "2026-11-25T00:00:00.000Z",
        "modified": "2026-11-25T00:00:00.000Z",
        "name": "unmask crypto wallet",
        "description": "A cryptocurrency address (wallet) as a STIX Cyber-observable Object.",
        "schema": "A new SCO of type x-unmask-crypto-wallet. Common SCO properties (type, id, spec_version, extensions). address (string, required): the address as the chain writes it (0x… hex for Ethereum, base58 or bech32 for Bitcoin). chain (string, optional): ethereum, bitcoin… id_contributing_properties: address. Ids are UUIDv5 in the SCO namespace of the JSON {\"address\": …}.",
        "version": "1.0.0",
        "extension_types": ["new-sco"],
    })
}

/// A wallet as the custom SCO, with the extension that defines it and a deterministic id.
fn wallet_sco(address: &str, chain: Option<&str>) -> Value {
    let contributing = json!({ "address": address }).to_string();
    let mut sco = json!({
        "type": WALLET_SCO_TYPE,
        "spec_version": "2.1",
        "id": format!("{WALLET_SCO_TYPE}--{}", uuid_v5(STIX_SCO_NAMESPACE, &contributing)),
        "address": address,
        "extensions": { WALLET_EXTENSION_ID: { "extension_type": "new-sco" } },
    });
    if let Some(chain) = chain {
        sco["chain"] = Value::String(chain.to_string());
    }
    sco
}

/// A STIX pattern string literal: backslashes and quotes escaped.
fn stix_literal(value: &str) -> String {
    value.replace('\\', "\\\\").replace('\'', "\\'")
}

/// The STIX 2.1 bundle of a case: an identity per person or organisation, an indicator
/// per IP address, e-mail address and wallet, and a report that refers to all of them.
pub fn stix_bundle(store: &Store, detail: &CaseDetail) -> Result<String, StoreError> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut objects = Vec::new();
    let mut refs = Vec::new();
    let mut wallets = Vec::new();
    for id in case_entities(store, detail)? {
        let (prefix, value) = id.split_once(':').unwrap_or(("", id.as_str()));
        let entity = store.entity(&id).ok();
        let caption = entity
            .as_ref()
            .map_or(value.to_string(), |e| e.caption().to_string());
        let object = match prefix {
            "person" | "org" => json!({
                "type": "identity",
                "spec_version": "2.1",
                "id": stix_id("identity", &id),
                "created": now,
                "modified": now,
                "name": caption,
                "identity_class": if prefix == "person" { "individual" } else { "organization" },
                "external_references": [{"source_name": "unmask", "external_id": id}],
            }),
            "ip" | "email" | "wallet" => {
                let pattern = match prefix {
                    "ip" if value.contains(':') => {
                        format!("[ipv6-addr:value = '{}']", stix_literal(value))
                    }
                    "ip" => format!("[ipv4-addr:value = '{}']", stix_literal(value)),
                    "email" => format!("[email-addr:value = '{}']", stix_literal(value)),
                    _ => {
                        let address = value.rsplit(':').next().unwrap_or(value);
                        let chain = entity.as_ref().and_then(|e| e.first("chain"));
                        wallets.push(wallet_sco(address, chain));
                        format!("[{WALLET_SCO_TYPE}:address = '{}']", stix_literal(address))
                    }
                };
                json!({
                    "type": "indicator",
                    "spec_version": "2.1",
                    "id": stix_id("indicator", &id),
                    "created": now,
                    "modified": now,
                    "name": format!("{prefix} {value}"),
                    "indicator_types": ["malicious-activity"],
                    "pattern": pattern,
                    "pattern_type": "stix",
                    "valid_from": now,
                    "external_references": [{"source_name": "unmask", "external_id": id}],
                })
            }
            _ => continue,
        };
        refs.push(object["id"].clone());
        objects.push(object);
    }
    if !wallets.is_empty() {
        // The custom SCO is valid only with the definition it names (STIX 2.1 §7.3),
        // and the definition needs its producer.
        objects.push(unmask_identity());
        objects.push(wallet_extension_definition());
        for wallet in wallets {
            refs.push(wallet["id"].clone());
            objects.push(wallet);
        }
    }
    let description = detail
        .findings
        .iter()
        .filter(|f| !f.dismissed)
        .map(|f| f.reason.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let report = json!({
        "type": "report",
        "spec_version": "2.1",
        "id": stix_id("report", &detail.key),
        "created": now,
        "modified": now,
        "name": detail.title,
        "description": description,
        "report_types": ["threat-actor"],
        "published": now,
        "object_refs": if refs.is_empty() { vec![Value::String(stix_id("identity", "unmask"))] } else { refs },
        "external_references": [{"source_name": "unmask", "external_id": detail.key}],
    });
    objects.push(report);
    let bundle = json!({
        "type": "bundle",
        "id": stix_id("bundle", &format!("{}|{now}", detail.key)),
        "objects": objects,
    });
    Ok(serde_json::to_string_pretty(&bundle).unwrap_or_default())
}

/// How an entity of the store becomes a FollowTheMoney entity: its FtM schema and which
/// of its properties become which FtM properties. Every FtM name here is checked against
/// FtM's published schema (the `followthemoney` package's `schema/*.yaml`, 4.11) by a
/// test; properties without an FtM counterpart (employee ids, time zones, file hashes)
/// are left out, and store schemata without one (devices, sign-in addresses, phones and
/// e-mail addresses, whose values sit on the people) are not exported.
struct FtmMapping {
    store_schema: &'static str,
    ftm_schema: &'static str,
    properties: &'static [(&'static str, &'static str)],
}

const LEGAL_ENTITY_PROPERTIES: &[(&str, &str)] = &[
    ("name", "name"),
    ("alias", "alias"),
    ("country", "country"),
    ("email", "email"),
    ("phone", "phone"),
    ("address", "address"),
    ("idNumber", "idNumber"),
    ("registrationNumber", "registrationNumber"),
];

const FTM_MAPPINGS: &[FtmMapping] = &[
    FtmMapping {
        store_schema: "Person",
        ftm_schema: "Person",
        properties: &[
            ("name", "name"),
            ("firstName", "firstName"),
            ("lastName", "lastName"),
            ("alias", "alias"),
            ("birthDate", "birthDate"),
            ("nationality", "nationality"),
            ("idNumber", "idNumber"),
            ("passportNumber", "passportNumber"),
            ("email", "email"),
            ("phone", "phone"),
            ("address", "address"),
            ("country", "country"),
            ("position", "position"),
            ("gender", "gender"),
        ],
    },
    FtmMapping {
        store_schema: "Organization",
        ftm_schema: "Organization",
        properties: LEGAL_ENTITY_PROPERTIES,
    },
    FtmMapping {
        store_schema: "Company",
        ftm_schema: "Company",
        properties: LEGAL_ENTITY_PROPERTIES,
    },
    FtmMapping {
        store_schema: "LegalEntity",
        ftm_schema: "LegalEntity",
        properties: LEGAL_ENTITY_PROPERTIES,
    },
    FtmMapping {
        store_schema: "Address",
        ftm_schema: "Address",
        properties: &[
            ("full", "full"),
            ("street", "street"),
            ("city", "city"),
            ("postalCode", "postalCode"),
            ("region", "region"),
            ("state", "state"),
            ("country", "country"),
        ],
    },
    FtmMapping {
        store_schema: "BankAccount",
        ftm_schema: "BankAccount",
        properties: &[
            ("number", "accountNumber"),
            ("iban", "iban"),
            ("bic", "bic"),
            ("bankName", "bankName"),
            ("country", "country"),
            ("currency", "currency"),
        ],
    },
    // Payoneer, Wise and the like: e-money accounts; FtM has no closer schema.
    FtmMapping {
        store_schema: "PaymentAccount",
        ftm_schema: "BankAccount",
        properties: &[
            ("number", "accountNumber"),
            ("provider", "bankName"),
            ("country", "country"),
            ("currency", "currency"),
        ],
    },
    FtmMapping {
        store_schema: "CryptoWallet",
        ftm_schema: "CryptoWallet",
        properties: &[
            ("publicKey", "publicKey"),
            ("currency", "currency"),
            ("chain", "blockchain"),
            ("label", "name"),
            ("labelSourceUrl", "sourceUrl"),
            ("category", "keywords"),
            ("actor", "keywords"),
            ("country", "country"),
        ],
    },
    FtmMapping {
        store_schema: "Payment",
        ftm_schema: "Payment",
        properties: &[
            ("amount", "amount"),
            ("currency", "currency"),
            ("date", "date"),
            ("payer", "payer"),
            ("beneficiary", "beneficiary"),
            ("method", "description"),
        ],
    },
    FtmMapping {
        store_schema: "Employment",
        ftm_schema: "Employment",
        properties: &[
            ("employee", "employee"),
            ("employer", "employer"),
            ("role", "role"),
            ("startDate", "startDate"),
            ("endDate", "endDate"),
        ],
    },
    FtmMapping {
        store_schema: "Identification",
        ftm_schema: "Identification",
        properties: &[
            ("number", "number"),
            ("type", "type"),
            ("country", "country"),
        ],
    },
    FtmMapping {
        store_schema: "Passport",
        ftm_schema: "Passport",
        properties: &[
            ("number", "number"),
            ("type", "type"),
            ("country", "country"),
        ],
    },
];

/// FtM schemata that extend `Thing`, the range of `UnknownLink`'s ends.
const FTM_THINGS: &[&str] = &[
    "Person",
    "Organization",
    "Company",
    "LegalEntity",
    "Address",
    "BankAccount",
    "CryptoWallet",
];

type FtmProperties = BTreeMap<String, BTreeSet<String>>;

/// One FollowTheMoney entity being built.
struct FtmEntity {
    schema: &'static str,
    properties: FtmProperties,
}

impl FtmEntity {
    fn add(&mut self, property: &str, value: &str) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        // FtM's country type is lower-case ISO 3166-1.
        let value = if matches!(property, "country" | "nationality") {
            value.to_lowercase()
        } else {
            value.to_string()
        };
        self.properties
            .entry(property.to_string())
            .or_default()
            .insert(value);
    }

    fn has(&self, property: &str) -> bool {
        self.properties.contains_key(property)
    }
}

/// A stable id for a relation unmask keeps as a link: the same link, the same id.
fn relation_id(kind: &str, source: &str, target: &str) -> String {
    let digest = Sha256::digest(format!("{kind}|{source}|{target}").as_bytes());
    format!("{}:{}", kind.to_lowercase(), &hex::encode(digest)[..24])
}

fn looks_like_iban(text: &str) -> bool {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    (15..=34).contains(&text.len())
        && text[..2].chars().all(|c| c.is_ascii_uppercase())
        && text[2..4].chars().all(|c| c.is_ascii_digit())
        && text[4..].chars().all(|c| c.is_ascii_alphanumeric())
}

/// Ids of the store's `Employment` entities whose employee is `person`.
fn employments_of(store: &Store, person: &str) -> Result<Vec<String>, StoreError> {
    let mut statement = store.conn().prepare_cached(
        "SELECT p.entity_id FROM entity_props p JOIN entities e ON e.id = p.entity_id
         WHERE p.prop = 'employee' AND p.value = ?1 AND e.schema = 'Employment'",
    )?;
    let rows = statement.query_map([person], |row| row.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// FollowTheMoney JSON lines of a case: its entities in FtM's own schemata and property
/// names (one table, `FTM_MAPPINGS`), and the relations between them as FtM entities:
/// `Employment` (employee, employer, role, startDate), `Ownership` (a person's payout
/// bank account: owner, asset, role), `Identification.holder`, `CryptoWallet.holder`,
/// `Person.addressEntity`, `Payment.beneficiaryAccount`, and `UnknownLink` (subject,
/// object, role) for any other link. Ids are the store's entity ids, and for relations
/// a hash of the link, so the same case exports the same ids every time. One line per
/// entity, sorted by id.
pub fn ftm_lines(store: &Store, detail: &CaseDetail) -> Result<String, StoreError> {
    let mut ids: BTreeSet<String> = case_entities(store, detail)?.into_iter().collect();
    // Bring in what the case's payments and people point at: the payer, the account,
    // the employment record.
    let mut views = BTreeMap::new();
    let mut pending: Vec<String> = ids.iter().cloned().collect();
    let mut rounds = 0;
    while !pending.is_empty() && rounds < 2 {
        rounds += 1;
        let mut more = Vec::new();
        for id in pending.drain(..) {
            let entity = match store.entity(&id) {
                Ok(entity) => entity,
                // Addresses seen only in transfers have no entity row; they are still
                // the case's wallets.
                Err(StoreError::NotFound { .. }) if id.starts_with("wallet:") => {
                    let key = id.rsplit(':').next().unwrap_or(&id).to_string();
                    unmask_store::EntityView {
                        id: id.clone(),
                        schema: "CryptoWallet".to_string(),
                        properties: BTreeMap::from([("publicKey".to_string(), vec![key])]),
                        links: Vec::new(),
                        record_ids: Vec::new(),
                    }
                }
                Err(StoreError::NotFound { .. }) => continue,
                Err(error) => return Err(error),
            };
            match entity.schema.as_str() {
                "Payment" => {
                    for prop in ["payer", "beneficiary", "account"] {
                        more.extend(entity.properties.get(prop).into_iter().flatten().cloned());
                    }
                }
                "Employment" => {
                    more.extend(
                        entity
                            .properties
                            .get("employer")
                            .into_iter()
                            .flatten()
                            .cloned(),
                    );
                }
                "Person" if detail.subjects.iter().any(|s| s.id == id) => {
                    more.extend(employments_of(store, &id)?);
                }
                _ => {}
            }
            views.insert(id, entity);
        }
        pending = more
            .into_iter()
            .filter(|id| ids.insert(id.clone()))
            .collect();
    }
    let mapping_of = |schema: &str| FTM_MAPPINGS.iter().find(|m| m.store_schema == schema);
    let mut entities: BTreeMap<String, FtmEntity> = BTreeMap::new();
    for (id, entity) in &views {
        let Some(mapping) = mapping_of(&entity.schema) else {
            continue;
        };
        let mut ftm = FtmEntity {
            schema: mapping.ftm_schema,
            properties: BTreeMap::new(),
        };
        for (from, to) in mapping.properties {
            for value in entity.properties.get(*from).into_iter().flatten() {
                ftm.add(to, value);
            }
        }
        // FtM requires a name on every Thing; give the one a reader would use.
        match mapping.ftm_schema {
            "Organization" | "Company" | "LegalEntity" if !ftm.has("name") => {
                let fallback = entity.first("companyId").unwrap_or(id.as_str()).to_string();
                ftm.add("name", &fallback);
            }
            "Address" if !ftm.has("name") => {
                let full = entity.first("full").unwrap_or(id.as_str()).to_string();
                ftm.add("name", &full);
            }
            "BankAccount" => {
                let number = entity.first("number").unwrap_or(id.as_str()).to_string();
                if looks_like_iban(&number) {
                    ftm.add("iban", &number.replace(' ', ""));
                }
                if !ftm.has("name") {
                    ftm.add("name", &number);
                }
            }
            "CryptoWallet" if !ftm.has("name") => {
                let key = entity.first("publicKey").unwrap_or(id.as_str()).to_string();
                ftm.add("name", &key);
            }
            "Person" if !ftm.has("name") => ftm.add("name", id),
            _ => {}
        }
        entities.insert(id.clone(), ftm);
    }
    let schema_of =
        |entities: &BTreeMap<String, FtmEntity>, id: &str| entities.get(id).map(|e| e.schema);
    // Payments: the account paid to, when FtM can hold it (a BankAccount).
    let payments: Vec<(String, Vec<String>)> = views
        .iter()
        .filter(|(_, e)| e.schema == "Payment")
        .map(|(id, e)| {
            (
                id.clone(),
                e.properties.get("account").cloned().unwrap_or_default(),
            )
        })
        .collect();
    for (payment, accounts) in payments {
        for account in accounts {
            if schema_of(&entities, &account) == Some("BankAccount") {
                if let Some(ftm) = entities.get_mut(&payment) {
                    ftm.add("beneficiaryAccount", &account);
                }
            }
        }
    }
    // Links between exported entities.
    let employed: BTreeSet<(String, String)> = entities
        .values()
        .filter(|e| e.schema == "Employment")
        .flat_map(|e| {
            let employees = e.properties.get("employee").cloned().unwrap_or_default();
            let employers = e.properties.get("employer").cloned().unwrap_or_default();
            employees
                .into_iter()
                .flat_map(move |p| employers.clone().into_iter().map(move |o| (p.clone(), o)))
        })
        .collect();
    let mut relations: Vec<(String, FtmEntity)> = Vec::new();
    let mut seen_links = BTreeSet::new();
    for (id, view) in &views {
        for (kind, other, direction) in &view.links {
            let (source, target) = if direction == "out" {
                (id.as_str(), other.as_str())
            } else {
                (other.as_str(), id.as_str())
            };
            if !seen_links.insert((source.to_string(), kind.clone(), target.to_string())) {
                continue;
            }
            let (Some(from), Some(to)) =
                (schema_of(&entities, source), schema_of(&entities, target))
            else {
                continue;
            };
            match (kind.as_str(), from, to) {
                // Values already on the person, or on the payment.
                ("email" | "phone", _, _) | (_, "Payment", _) | (_, _, "Payment") => {}
                ("home_address", "Person", "Address") => {
                    if let Some(person) = entities.get_mut(source) {
                        person.add("addressEntity", target);
                    }
                }
                ("national_id", _, "Identification" | "Passport") => {
                    if let Some(identification) = entities.get_mut(target) {
                        identification.add("holder", source);
                    }
                }
                ("payout_account", _, "CryptoWallet") => {
                    if let Some(wallet) = entities.get_mut(target) {
                        wallet.add("holder", source);
                    }
                }
                ("payout_account", _, "BankAccount") => {
                    let mut ownership = FtmEntity {
                        schema: "Ownership",
                        properties: BTreeMap::new(),
                    };
                    ownership.add("owner", source);
                    ownership.add("asset", target);
                    ownership.add("role", "payout account");
                    relations.push((relation_id("Ownership", source, target), ownership));
                }
                ("employed_by", "Person", "Organization" | "Company") => {
                    if employed.contains(&(source.to_string(), target.to_string())) {
                        continue;
                    }
                    let mut employment = FtmEntity {
                        schema: "Employment",
                        properties: BTreeMap::new(),
                    };
                    employment.add("employee", source);
                    employment.add("employer", target);
                    relations.push((relation_id("Employment", source, target), employment));
                }
                (_, from, to) if FTM_THINGS.contains(&from) && FTM_THINGS.contains(&to) => {
                    let mut link = FtmEntity {
                        schema: "UnknownLink",
                        properties: BTreeMap::new(),
                    };
                    link.add("subject", source);
                    link.add("object", target);
                    link.add("role", &kind.replace('_', " "));
                    relations.push((
                        relation_id(&format!("UnknownLink:{kind}"), source, target),
                        link,
                    ));
                }
                _ => {}
            }
        }
    }
    entities.extend(relations);
    let mut out = String::new();
    for (id, entity) in &entities {
        // FtM needs both ends of a relation and a holder on an identification.
        let complete = match entity.schema {
            "Payment" => entity.has("payer") && entity.has("beneficiary"),
            "Employment" => entity.has("employee") && entity.has("employer"),
            "Identification" | "Passport" => entity.has("holder") && entity.has("number"),
            _ => true,
        };
        if !complete {
            continue;
        }
        let line = json!({
            "id": id,
            "schema": entity.schema,
            "properties": entity.properties,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    Ok(out)
}

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("no chromium, chromium-browser or google-chrome on PATH")]
    NoChromium,
    #[error("pdf: {0}")]
    Io(#[from] std::io::Error),
    #[error("chromium did not print the page (exit {0:?})")]
    Failed(Option<i32>),
}

/// The Chromium binary on PATH, if any.
pub fn chromium() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .map(|name| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// Prints a self-contained HTML page to PDF with headless Chromium (no network: the
/// page has no external resources).
pub fn html_to_pdf(html: &str) -> Result<Vec<u8>, PdfError> {
    let binary = chromium().ok_or(PdfError::NoChromium)?;
    let dir = tempfile::tempdir()?;
    let page = dir.path().join("report.html");
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&page, html)?;
    let status = std::process::Command::new(binary)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-pdf-header-footer",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()?;
    if !status.success() || !pdf.exists() {
        return Err(PdfError::Failed(status.code()));
    }
    Ok(std::fs::read(&pdf)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stix_ids_are_stable_uuids() {
        let a = stix_id("indicator", "ip:1.2.3.4");
        assert_eq!(a, stix_id("indicator", "ip:1.2.3.4"));
        assert_ne!(a, stix_id("indicator", "ip:1.2.3.5"));
        let uuid = a.strip_prefix("indicator--").unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "5");
    }

    #[test]
    fn sha1_and_uuid_v5_match_published_vectors() {
        assert_eq!(
            hex::encode(sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex::encode(sha1(&[b'a'; 1_000])),
            "291e9a6c66994949b57ba5e650361e98fc36b1ba"
        );
        // Python's uuid.uuid5(uuid.NAMESPACE_DNS, "python.org").
        assert_eq!(
            uuid_v5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"),
            "886313e1-3b8a-5372-9b90-0c9aee199e5d"
        );
    }

    #[test]
    fn wallet_scos_name_their_extension_and_have_deterministic_ids() {
        let sco = wallet_sco("0xabc", Some("ethereum"));
        assert_eq!(sco["type"], WALLET_SCO_TYPE);
        assert_eq!(
            sco["extensions"][WALLET_EXTENSION_ID]["extension_type"],
            "new-sco"
        );
        let expected = uuid_v5(STIX_SCO_NAMESPACE, r#"{"address":"0xabc"}"#);
        assert_eq!(sco["id"], format!("{WALLET_SCO_TYPE}--{expected}"));
        assert_eq!(sco, wallet_sco("0xabc", Some("ethereum")));
        let definition = wallet_extension_definition();
        assert_eq!(definition["extension_types"], json!(["new-sco"]));
        assert_eq!(definition["created_by_ref"], unmask_identity()["id"]);
    }

    #[test]
    fn quotes_in_patterns_are_escaped() {
        assert_eq!(stix_literal("a'b\\c"), "a\\'b\\\\c");
    }
}
