//! Checks of the exports shared by the server's and the CLI's tests: a STIX 2.1 bundle
//! keeps the spec's rules (ids, references, custom objects with their extension
//! definition), and FollowTheMoney lines use only FtM's own schemata and properties.
//! Included with `#[path]` by crates/server/tests/investigation.rs and
//! crates/cli/tests/accounts_cli.rs.

fn is_stix_id(id: &str, kind: &str) -> bool {
    let Some(uuid) = id.strip_prefix(&format!("{kind}--")) else {
        return false;
    };
    let groups: Vec<&str> = uuid.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && groups.iter().all(|g| {
            g.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        })
}

/// STIX 2.1 rules a bundle must keep: ids `type--UUID`; SDOs with created/modified; every
/// reference resolves inside the bundle; and custom objects (`x-…`, STIX 2.1 §7.3) name an
/// extension definition of the bundle whose `extension_types` has `new-sco`, the
/// definition carrying its required properties, and the SCO a deterministic UUIDv5 id of
/// its `address`.
pub fn check_stix(bundle: &serde_json::Value) {
    assert_eq!(bundle["type"], "bundle");
    assert!(is_stix_id(bundle["id"].as_str().unwrap(), "bundle"));
    let objects = bundle["objects"].as_array().unwrap();
    let ids: std::collections::BTreeSet<&str> =
        objects.iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), objects.len(), "duplicate ids");
    for object in objects {
        let kind = object["type"].as_str().unwrap();
        assert!(is_stix_id(object["id"].as_str().unwrap(), kind), "{object}");
        assert_eq!(object["spec_version"], "2.1", "{object}");
        if !kind.starts_with("x-") {
            for property in ["created", "modified"] {
                assert!(object[property].is_string(), "{kind} lacks {property}");
            }
        }
        for reference in object["object_refs"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(object.get("created_by_ref"))
        {
            assert!(
                ids.contains(reference.as_str().unwrap()),
                "{kind} refers outside the bundle: {reference}"
            );
        }
        if kind == "extension-definition" {
            for property in [
                "created_by_ref",
                "name",
                "schema",
                "version",
                "extension_types",
            ] {
                assert!(
                    !object[property].is_null(),
                    "extension-definition lacks {property}"
                );
            }
        }
        if let Some(custom) = kind.strip_prefix("x-") {
            assert!(!custom.is_empty());
            let extensions = object["extensions"]
                .as_object()
                .expect("a custom SCO's extensions");
            let (definition, use_) = extensions
                .iter()
                .find(|(key, _)| key.starts_with("extension-definition--"))
                .expect("an extension definition named");
            assert_eq!(use_["extension_type"], "new-sco");
            let definition = objects
                .iter()
                .find(|o| o["id"] == definition.as_str())
                .expect("the extension definition is in the bundle");
            assert!(definition["extension_types"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!("new-sco")));
            let address = object["address"].as_str().unwrap();
            let uuid = unmask_server::exports::uuid_v5(
                unmask_server::exports::STIX_SCO_NAMESPACE,
                &serde_json::json!({ "address": address }).to_string(),
            );
            assert_eq!(object["id"], format!("{kind}--{uuid}"));
        }
    }
}

/// FollowTheMoney schemata and the properties the export may use, with the required
/// ones marked `!`. Every name is taken from FtM's published schema
/// (`followthemoney` 4.11.2 on PyPI, `followthemoney/schema/*.yaml`, with the
/// properties a schema inherits through `extends`); a property not here would be one
/// FtM tools do not know.
const FTM_SCHEMA: &[(&str, &str)] = &[
    (
        "Person",
        "name! firstName lastName alias birthDate nationality idNumber passportNumber email phone address addressEntity country position gender",
    ),
    (
        "Organization",
        "name! alias country email phone address idNumber registrationNumber",
    ),
    (
        "Company",
        "name! alias country email phone address idNumber registrationNumber",
    ),
    (
        "LegalEntity",
        "name! alias country email phone address idNumber registrationNumber",
    ),
    ("Address", "name! full street city postalCode region state country"),
    ("BankAccount", "name! accountNumber iban bic bankName country currency"),
    (
        "CryptoWallet",
        "name! publicKey currency blockchain sourceUrl keywords country holder",
    ),
    (
        "Payment",
        "payer! beneficiary! amount currency date description beneficiaryAccount",
    ),
    ("Employment", "employee! employer! role startDate endDate"),
    ("Identification", "holder! number! type country"),
    ("Passport", "holder! number! type country"),
    ("Ownership", "owner! asset! role"),
    ("UnknownLink", "subject! object! role"),
];

/// FtM properties whose values are ids of other entities.
const FTM_ENTITY_REFS: &[&str] = &[
    "addressEntity",
    "holder",
    "payer",
    "beneficiary",
    "beneficiaryAccount",
    "employee",
    "employer",
    "owner",
    "asset",
    "subject",
    "object",
];

/// Every line is an FtM entity of a known schema, with only that schema's properties,
/// its required ones present, and references to entities of the same export.
pub fn check_ftm(text: &str) -> std::collections::BTreeSet<String> {
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let ids: std::collections::BTreeSet<&str> =
        lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), lines.len(), "duplicate ids");
    let mut schemata = std::collections::BTreeSet::new();
    for line in &lines {
        let schema = line["schema"].as_str().unwrap();
        let (_, allowed) = FTM_SCHEMA
            .iter()
            .find(|(name, _)| *name == schema)
            .unwrap_or_else(|| panic!("schema {schema} is not one of FtM's known here: {line}"));
        let allowed: Vec<&str> = allowed.split_whitespace().collect();
        let properties = line["properties"].as_object().unwrap();
        for (property, values) in properties {
            assert!(
                allowed.iter().any(|a| a.trim_end_matches('!') == property),
                "{schema} has no property {property}: {line}"
            );
            let values = values.as_array().unwrap();
            assert!(!values.is_empty());
            if FTM_ENTITY_REFS.contains(&property.as_str()) {
                for value in values {
                    assert!(
                        ids.contains(value.as_str().unwrap()),
                        "{schema}.{property} points outside the export: {line}"
                    );
                }
            }
        }
        for required in allowed.iter().filter_map(|a| a.strip_suffix('!')) {
            assert!(
                properties.contains_key(required),
                "{schema} lacks {required}: {line}"
            );
        }
        schemata.insert(schema.to_string());
    }
    // unmask's own property names stay out.
    for internal in ["employeeId", "companyId", "timezone", "hireDate", "method"] {
        assert!(
            !text.contains(&format!("\"{internal}\"")),
            "unmask's property {internal} in the FtM export"
        );
    }
    schemata
}
