//! An independent real-data check: DPRK persons designated by both the UN and OFAC, paired
//! by identical full date of birth, are written by two different bodies in their own
//! romanizations. Each list's name must find the other list's entry.

mod common;

use unmask_screen::{ListEntity, Options, Query, Schema, ScreeningIndex};

fn full_dates(e: &ListEntity) -> Vec<(i32, u8, u8)> {
    e.birth_dates
        .iter()
        .filter_map(|d| Some((d.year_from, d.month?, d.day?)))
        .collect()
}

#[test]
fn un_and_ofac_spellings_of_the_same_dprk_persons_find_each_other() {
    let ofac: Vec<ListEntity> = common::ofac()
        .entities
        .into_iter()
        .filter(|e| e.schema == Schema::Person && common::is_dprk(e))
        .collect();
    let un: Vec<ListEntity> = common::un()
        .entities
        .into_iter()
        .filter(|e| e.id.starts_with("KPi"))
        .collect();
    let mut pairs = Vec::new();
    for u in &un {
        for o in &ofac {
            let (du, do_) = (full_dates(u), full_dates(o));
            if !du.is_empty() && du.iter().any(|d| do_.contains(d)) {
                pairs.push((u.clone(), o.clone()));
            }
        }
    }
    let ofac_index = ScreeningIndex::build(ofac.clone());
    let un_index = ScreeningIndex::build(un.clone());
    let options = Options {
        explain: false,
        ..Options::default()
    };
    let (mut found, mut total) = (0, 0);
    let mut misses = Vec::new();
    for (u, o) in &pairs {
        for (query, index, want) in [
            (&u.caption, &ofac_index, &o.id),
            (&o.caption, &un_index, &u.id),
        ] {
            total += 1;
            let hits = index
                .search(&Query::name(query.clone()), &options)
                .expect("search");
            if hits.iter().any(|h| &index.entity(h.entity).id == want) {
                found += 1;
            } else {
                misses.push(format!("{query} -> {want}"));
            }
        }
    }
    let recall = found as f64 / total.max(1) as f64;
    eprintln!("QUALITY cross_list_recall: {found}/{total} = {:.2}% over {} UN/OFAC pairs with the same full birth date; misses: {misses:?}", recall * 100.0, pairs.len());
    assert!(
        pairs.len() >= 20,
        "expected the DPRK persons both lists designate"
    );
    assert!(recall >= 0.97, "cross-list recall {recall}");
}
