//! Quality goals of the screening engine on the real OFAC 2021 and UN 2026 lists (copied
//! under testdata/). Each test prints its measured figure; docs/screening-quality.md records them.

mod common;

use common::generate;
use unmask_screen::{Options, Query, Schema, ScreeningIndex};

/// Rank-1 with ties: the entity is among the best-scored results.
fn first(index: &ScreeningIndex, hits: &[unmask_screen::Match], list: &str, id: &str) -> bool {
    let Some(top) = hits.first() else {
        return false;
    };
    hits.iter()
        .take_while(|h| (h.score - top.score).abs() < 1e-6)
        .any(|h| {
            let e = index.entity(h.entity);
            e.list == list && e.id == id
        })
}

fn found(index: &ScreeningIndex, hits: &[unmask_screen::Match], list: &str, id: &str) -> bool {
    hits.iter().any(|h| {
        let e = index.entity(h.entity);
        e.list == list && e.id == id
    })
}

#[test]
fn ofac_dprk_aliases_find_their_own_entity_first() {
    let index = common::index();
    let options = Options {
        explain: false,
        ..Options::default()
    };
    let queries = generate::alias_queries(&index);
    let mut misses = Vec::new();
    for (query, list, id) in &queries {
        let hits = index
            .search(&Query::name(query.clone()), &options)
            .expect("search");
        if !first(&index, &hits, list, id) {
            misses.push(format!("{query} ({id})"));
        }
    }
    let (total, ok) = (queries.len(), queries.len() - misses.len());
    let rate = ok as f64 / total as f64;
    eprintln!(
        "QUALITY ofac_dprk_aliases_first: {ok}/{total} = {:.2}%; misses: {misses:?}",
        rate * 100.0
    );
    assert!(
        total >= 300,
        "expected the 2021 file's ~322 DPRK aliases, got {total}"
    );
    assert!(rate >= 0.99, "alias self-retrieval {rate}");
}

#[test]
fn generated_korean_variants_of_dprk_persons_are_found() {
    let index = common::index();
    let options = Options {
        explain: false,
        ..Options::default()
    };
    let persons = generate::dprk_korean_persons(&index).len();
    let queries = generate::variant_queries(&index);
    let (mut hit, mut top) = (0, 0);
    let mut misses = Vec::new();
    for (query, list, id) in &queries {
        let hits = index
            .search(&Query::name(query.clone()), &options)
            .expect("search");
        if found(&index, &hits, list, id) {
            hit += 1;
            top += usize::from(first(&index, &hits, list, id));
        } else if misses.len() < 40 {
            misses.push(format!("{query} <- {id}"));
        }
    }
    let total = queries.len();
    let recall = hit as f64 / total as f64;
    eprintln!(
        "QUALITY korean_variant_recall: {hit}/{total} = {:.2}% ({persons} persons; ranked first {:.2}%); misses: {misses:?}",
        recall * 100.0,
        top as f64 / total as f64 * 100.0
    );
    assert!(
        persons >= 150,
        "expected the DPRK persons of both lists, got {persons}"
    );
    assert!(recall >= 0.97, "variant recall {recall}");
}

#[test]
fn korean_looking_names_on_no_list_rarely_hit() {
    let index = common::index();
    let options = Options {
        explain: false,
        ..Options::default()
    };
    let (names, excluded) = generate::unlisted_korean_names(&index, 3000);
    let mut examples = Vec::new();
    let mut false_hits = 0;
    for name in &names {
        let hits = index
            .search(
                &Query::name(name.clone()).with_schema(Schema::Person),
                &options,
            )
            .expect("search");
        if let Some(h) = hits.first() {
            false_hits += 1;
            if examples.len() < 30 {
                examples.push(format!("{name} -> {} {:.2}", h.matched_name, h.score));
            }
        }
    }
    let rate = false_hits as f64 / names.len() as f64;
    eprintln!(
        "QUALITY korean_false_positive_rate: {false_hits}/{} = {:.2}% ({excluded} generated names excluded as listed); {examples:?}",
        names.len(),
        rate * 100.0
    );
    assert!(rate <= 0.01, "false-positive rate {rate}");
}

#[test]
fn kim_jong_un_with_birth_date_ranks_the_listed_one_first() {
    let index = common::index();
    let query = Query::name("KIM Jong Un")
        .with_birth_date("1984-01-08")
        .expect("date");
    let hits = index.search(&query, &Options::default()).expect("search");
    let listed: Vec<String> = hits
        .iter()
        .map(|h| {
            format!(
                "{} {} {:.3}",
                index.entity(h.entity).id,
                h.matched_name,
                h.score
            )
        })
        .collect();
    eprintln!("QUALITY kim_jong_un: {listed:?}");
    // The UN list does not designate him; OFAC does (ent_num 20157).
    assert_eq!(index.entity(hits[0].entity).id, "20157");
    assert!(
        hits.len() <= 2,
        "at most one other entity above the threshold: {listed:?}"
    );
    let sik = index
        .search(&Query::name("KIM Jong Sik"), &Options::default())
        .expect("search");
    assert!(
        sik.iter().all(|h| index.entity(h.entity).id != "20157"),
        "Kim Jong Sik must not hit Kim Jong Un"
    );
}

#[test]
fn every_ofac_crypto_address_is_found_in_every_allowed_letter_case() {
    let index = common::index();
    let mut addresses: Vec<(String, String)> = Vec::new();
    for (name, data) in common::crypto_files() {
        let chain = unmask_screen::sources::chain_from_file_name(&name).expect("chain");
        for line in String::from_utf8_lossy(&data)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            addresses.push((chain.clone(), line.to_string()));
        }
    }
    let from_remarks: Vec<(String, String)> = common::ofac()
        .entities
        .iter()
        .flat_map(|e| {
            e.crypto_addresses
                .iter()
                .map(|c| (c.chain.clone(), c.address.clone()))
        })
        .collect();
    assert!(
        from_remarks.len() >= 90,
        "remarks addresses parsed: {}",
        from_remarks.len()
    );
    addresses.extend(from_remarks);
    let mut checked = 0;
    for (chain, address) in &addresses {
        let mut forms = vec![address.clone()];
        match unmask_screen::crypto::encoding(address) {
            unmask_screen::crypto::AddressEncoding::EvmHex => {
                forms.push(address.to_ascii_lowercase());
                forms.push(format!("0x{}", address[2..].to_ascii_uppercase()));
            }
            unmask_screen::crypto::AddressEncoding::Bech32 => {
                forms.push(address.to_ascii_lowercase());
                forms.push(address.to_ascii_uppercase());
            }
            unmask_screen::crypto::AddressEncoding::CaseSensitive => {}
        }
        for form in forms {
            let hits = index
                .search(&Query::address(form.clone()), &Options::default())
                .expect("search");
            let ok = hits.iter().any(|h| {
                index
                    .entity(h.entity)
                    .crypto_addresses
                    .iter()
                    .any(|c| c.address == *address)
                    && h.score >= 1.0
            });
            assert!(ok, "{chain} address {form} not found");
            checked += 1;
        }
    }
    eprintln!(
        "QUALITY crypto_addresses: {} addresses, {checked} letter-case forms, all found",
        addresses.len()
    );
}
