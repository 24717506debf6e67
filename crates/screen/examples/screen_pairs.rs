//! Prints the quality query sets (OFAC DPRK aliases, generated Korean variants, unlisted
//! Korean-looking names) with the candidates our index proposes and our score for each,
//! as JSON lines, for `bench/nomenklatura_compare.py` to re-score with nomenklatura.
//!
//! `cargo run --release -p unmask-screen --example screen_pairs -- [--unlisted N] [--candidates N] > pairs.jsonl`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use serde_json::json;
use unmask_screen::{ListEntity, NameStrength, Options, Query, Schema};

fn entity_json(e: &ListEntity) -> serde_json::Value {
    let names = |s: NameStrength| {
        e.names
            .iter()
            .filter(|n| n.strength == s)
            .map(|n| n.name.clone())
            .collect::<Vec<_>>()
    };
    json!({
        "key": format!("{}:{}", e.list, e.id),
        "schema": e.schema.as_str(),
        "name": names(NameStrength::Primary),
        "alias": names(NameStrength::Strong),
        "weakAlias": names(NameStrength::Weak),
        "birthDate": e.birth_dates.iter().filter(|d| d.year_from == d.year_to).map(|d| d.to_string()).collect::<Vec<_>>(),
        "country": e.countries.iter().filter(|c| c.len() == 2).map(|c| c.to_ascii_lowercase()).collect::<Vec<_>>(),
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |flag: &str, default: usize| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let unlisted = arg("--unlisted", 1000);
    let candidates = arg("--candidates", 10);
    let index = common::index();
    let mut sets: Vec<(&str, String, Option<String>, Schema)> = Vec::new();
    for (q, list, id) in common::generate::alias_queries(&index) {
        let schema = index
            .entities()
            .iter()
            .find(|e| e.list == list && e.id == id)
            .map(|e| e.schema)
            .unwrap_or(Schema::LegalEntity);
        sets.push(("alias", q, Some(format!("{list}:{id}")), schema));
    }
    for (q, list, id) in common::generate::variant_queries(&index) {
        sets.push(("variant", q, Some(format!("{list}:{id}")), Schema::Person));
    }
    for q in common::generate::unlisted_korean_names(&index, unlisted).0 {
        sets.push(("unlisted", q, None, Schema::Person));
    }
    let options = Options {
        threshold: 0.0,
        limit: candidates,
        explain: false,
        ..Options::default()
    };
    let start = Instant::now();
    let mut results = Vec::with_capacity(sets.len());
    for (_, q, _, schema) in &sets {
        results.push(
            index
                .search(&Query::name(q.clone()).with_schema(*schema), &options)
                .expect("search"),
        );
    }
    let elapsed = start.elapsed();
    let pairs: usize = results.iter().map(Vec::len).sum();
    for ((set, q, expected, schema), hits) in sets.iter().zip(results.iter()) {
        let cands: Vec<serde_json::Value> = hits
            .iter()
            .map(|h| {
                let mut v = entity_json(index.entity(h.entity));
                v["ours"] = json!(h.score);
                v
            })
            .collect();
        println!(
            "{}",
            json!({"set": set, "query": q, "schema": schema.as_str(), "expected": expected, "candidates": cands})
        );
    }
    eprintln!(
        "unmask: {} queries ({pairs} candidate pairs) searched in {:.3} s on one thread: {:.0} queries/s, {:.0} pairs/s including candidate generation",
        sets.len(),
        elapsed.as_secs_f64(),
        sets.len() as f64 / elapsed.as_secs_f64(),
        pairs as f64 / elapsed.as_secs_f64()
    );
}
