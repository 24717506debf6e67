//! The screening index: entities, their analyzed names in compact form (interned tokens,
//! u32 ids), an inverted index from name keys to names, and exact maps for identifiers and
//! crypto addresses. A search looks up the query's keys, accumulates IDF-weighted votes,
//! scores the best few candidates in full, and never scans every entity.
//!
//! Keys per name: each token's phonetic key, the joined phonetic spelling of the whole
//! name, a 4-letter prefix of long tokens (typo tolerance), and for Korean readings the
//! given name as a syllable sequence plus each given syllable.

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};
use serde::{Deserialize, Serialize};

use crate::crypto::normalize_address;
use crate::entity::{ListEntity, NameStrength};
use crate::error::Result;
use crate::korean::Reading;
use crate::names::{analyze, idf_weight, AnalyzedName, TokenInfo};
use crate::query::{normalize_identifier, Options, PreparedQuery, Query};
use crate::score::{compare_names, is_person, name_feature, qualify, Feature, NameView};

/// Position of an entity in its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EntityId(pub u32);

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// The entity; resolve with [`ScreeningIndex::entity`].
    pub entity: EntityId,
    /// Final score in [0, 1].
    pub score: f32,
    /// The list name (primary or alias) that matched best, or the identifier/address.
    pub matched_name: String,
    /// Why: one line per feature that contributed.
    pub features: Vec<Feature>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Token = 1,
    Prefix = 2,
    Given = 3,
    Syllable = 4,
    Loose = 5,
}

impl KeyKind {
    fn weight(self) -> f32 {
        match self {
            KeyKind::Token => 1.0,
            KeyKind::Prefix => 0.3,
            KeyKind::Given => 2.0,
            KeyKind::Syllable => 0.5,
            KeyKind::Loose => 1.5,
        }
    }
}

fn key_hash(kind: KeyKind, parts: &[&[u8]]) -> u64 {
    let mut h = FxHasher::default();
    (kind as u8).hash(&mut h);
    for p in parts {
        h.write(p);
    }
    h.finish()
}

fn name_keys(tokens: &[&TokenInfo], readings: &[Reading], out: &mut Vec<(u64, KeyKind)>) {
    for t in tokens {
        if t.phonetic.is_empty() {
            continue;
        }
        out.push((
            key_hash(KeyKind::Token, &[t.phonetic.as_bytes()]),
            KeyKind::Token,
        ));
        if t.phonetic.len() >= 6 {
            out.push((
                key_hash(KeyKind::Prefix, &[&t.phonetic.as_bytes()[..4]]),
                KeyKind::Prefix,
            ));
        }
    }
    if tokens.len() > 1 {
        let joined: Vec<&[u8]> = tokens.iter().map(|t| t.phonetic.as_bytes()).collect();
        out.push((key_hash(KeyKind::Token, &joined), KeyKind::Token));
    }
    for r in readings {
        let codes: Vec<u8> = r
            .given
            .iter()
            .flat_map(|s| s.code().to_le_bytes())
            .collect();
        out.push((key_hash(KeyKind::Given, &[&codes]), KeyKind::Given));
        out.push((
            key_hash(KeyKind::Loose, &[&r.loose.to_le_bytes()]),
            KeyKind::Loose,
        ));
        for s in r.given.iter() {
            out.push((
                key_hash(KeyKind::Syllable, &[&s.code().to_le_bytes()]),
                KeyKind::Syllable,
            ));
        }
    }
    out.sort_unstable_by_key(|k| k.0);
    out.dedup_by_key(|k| k.0);
}

#[derive(Debug)]
struct IndexedName {
    entity: u32,
    name_index: u16,
    strength: NameStrength,
    tokens: Box<[u32]>,
    readings: Box<[Reading]>,
}

/// Sizes of an index, for logs and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexStats {
    /// Entities.
    pub entities: usize,
    /// Analyzed names (aliases and romanization variants included).
    pub names: usize,
    /// Distinct tokens.
    pub tokens: usize,
    /// Distinct keys in the inverted index.
    pub keys: usize,
    /// Postings (name ids) in the inverted index.
    pub postings: usize,
}

/// An in-memory, immutable screening index. Build once, search from many threads.
#[derive(Debug)]
pub struct ScreeningIndex {
    entities: Vec<ListEntity>,
    names: Vec<IndexedName>,
    tokens: Vec<TokenInfo>,
    keys: FxHashMap<u64, (u32, u32)>,
    postings: Vec<u32>,
    identifiers: FxHashMap<Box<str>, Vec<u32>>,
    crypto: FxHashMap<Box<str>, Vec<u32>>,
    /// Phonetic token -> number of names containing it.
    document_frequency: FxHashMap<Box<str>, u32>,
}

/// Postings longer than this are only intersected with the candidates found so far.
const BROAD_KEY: usize = 50_000;
/// Above this many accumulated candidates, further keys only re-rank them.
const MAX_ACCUMULATED: usize = 60_000;

impl ScreeningIndex {
    /// Builds the index. Entities keep their order: `EntityId(i)` is `entities[i]`.
    pub fn build(entities: Vec<ListEntity>) -> ScreeningIndex {
        let mut token_ids: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut tokens: Vec<TokenInfo> = Vec::new();
        let mut names: Vec<IndexedName> = Vec::with_capacity(entities.len() * 2);
        let mut key_lists: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
        let mut identifiers: FxHashMap<Box<str>, Vec<u32>> = FxHashMap::default();
        let mut crypto: FxHashMap<Box<str>, Vec<u32>> = FxHashMap::default();
        let mut keys = Vec::new();
        for (e, entity) in entities.iter().enumerate() {
            let e = e as u32;
            for (ni, name) in entity.names.iter().enumerate().take(u16::MAX as usize) {
                for analyzed in analyze(&name.name) {
                    let AnalyzedName {
                        tokens: toks,
                        readings,
                    } = analyzed;
                    let ids: Box<[u32]> = toks
                        .into_iter()
                        .map(|t| {
                            *token_ids.entry(t.folded.clone()).or_insert_with(|| {
                                tokens.push(t);
                                (tokens.len() - 1) as u32
                            })
                        })
                        .collect();
                    let id = names.len() as u32;
                    let view: Vec<&TokenInfo> = ids.iter().map(|&i| &tokens[i as usize]).collect();
                    keys.clear();
                    name_keys(&view, &readings, &mut keys);
                    for (k, _) in &keys {
                        key_lists.entry(*k).or_default().push(id);
                    }
                    names.push(IndexedName {
                        entity: e,
                        name_index: ni as u16,
                        strength: name.strength,
                        tokens: ids,
                        readings: readings.into_boxed_slice(),
                    });
                }
            }
            for idn in &entity.identifiers {
                let norm = normalize_identifier(&idn.value);
                if norm.len() >= 4 {
                    let list = identifiers.entry(norm.into_boxed_str()).or_default();
                    if list.last() != Some(&e) {
                        list.push(e);
                    }
                }
            }
            for address in &entity.crypto_addresses {
                let list = crypto
                    .entry(normalize_address(&address.address).into_boxed_str())
                    .or_default();
                if list.last() != Some(&e) {
                    list.push(e);
                }
            }
        }
        let mut document_frequency: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut seen = Vec::new();
        for name in &names {
            seen.clear();
            for &t in name.tokens.iter() {
                let phonetic = &tokens[t as usize].phonetic;
                if !seen.contains(&phonetic) {
                    seen.push(phonetic);
                    *document_frequency.entry(phonetic.clone()).or_insert(0) += 1;
                }
            }
        }
        for t in tokens.iter_mut() {
            let df = document_frequency.get(&t.phonetic).copied().unwrap_or(0);
            t.idf = idf_weight(df, names.len());
        }
        // Flatten the posting lists into one array (CSR layout): far less memory than a Vec each.
        let total: usize = key_lists.values().map(Vec::len).sum();
        let mut postings = Vec::with_capacity(total);
        let mut key_map = FxHashMap::with_capacity_and_hasher(key_lists.len(), Default::default());
        for (k, list) in key_lists {
            key_map.insert(k, (postings.len() as u32, list.len() as u32));
            postings.extend_from_slice(&list);
        }
        tokens.shrink_to_fit();
        names.shrink_to_fit();
        ScreeningIndex {
            entities,
            names,
            tokens,
            keys: key_map,
            postings,
            identifiers,
            crypto,
            document_frequency,
        }
    }

    /// The entity behind a match.
    pub fn entity(&self, id: EntityId) -> &ListEntity {
        &self.entities[id.0 as usize]
    }

    /// All entities, in build order.
    pub fn entities(&self) -> &[ListEntity] {
        &self.entities
    }

    /// Sizes.
    pub fn stats(&self) -> IndexStats {
        IndexStats {
            entities: self.entities.len(),
            names: self.names.len(),
            tokens: self.tokens.len(),
            keys: self.keys.len(),
            postings: self.postings.len(),
        }
    }

    fn posting(&self, key: u64) -> &[u32] {
        match self.keys.get(&key) {
            Some(&(start, len)) => &self.postings[start as usize..(start + len) as usize],
            None => &[],
        }
    }

    fn view<'a>(&'a self, name: &'a IndexedName) -> NameView<'a> {
        NameView {
            tokens: name
                .tokens
                .iter()
                .map(|&t| &self.tokens[t as usize])
                .collect(),
            readings: &name.readings,
        }
    }

    /// Candidate names for the query's names, best votes first, at most `limit`.
    fn candidates(&self, query: &PreparedQuery, limit: usize) -> Vec<u32> {
        let mut keys = Vec::new();
        for name in &query.names {
            let view: Vec<&TokenInfo> = name.tokens.iter().collect();
            name_keys(&view, &name.readings, &mut keys);
        }
        keys.sort_unstable_by_key(|k| k.0);
        keys.dedup_by_key(|k| k.0);
        let mut lists: Vec<(&[u32], KeyKind)> = keys
            .iter()
            .map(|(k, kind)| (self.posting(*k), *kind))
            .filter(|(p, _)| !p.is_empty())
            .collect();
        lists.sort_by_key(|(p, _)| p.len());
        let total = self.names.len().max(1) as f32;
        let mut votes: FxHashMap<u32, f32> = FxHashMap::default();
        for (posting, kind) in lists {
            let weight = kind.weight() * (1.0 + total / posting.len() as f32).ln();
            if votes.is_empty() || (posting.len() <= BROAD_KEY && votes.len() < MAX_ACCUMULATED) {
                for &n in posting.iter().take(4 * BROAD_KEY) {
                    *votes.entry(n).or_insert(0.0) += weight;
                }
            } else {
                for (n, v) in votes.iter_mut() {
                    if posting.binary_search(n).is_ok() {
                        *v += weight;
                    }
                }
            }
        }
        let mut ranked: Vec<(u32, f32)> = votes.into_iter().collect();
        if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            ranked.truncate(limit);
        }
        ranked.into_iter().map(|(n, _)| n).collect()
    }

    /// Screens one query. Errors: [`crate::ScreenError::EmptyQuery`] when it has nothing to
    /// match on, [`crate::ScreenError::NameTooLong`] for names over [`crate::MAX_NAME_BYTES`].
    pub fn search(&self, query: &Query, options: &Options) -> Result<Vec<Match>> {
        let mut prepared = PreparedQuery::new(query)?;
        for name in &mut prepared.names {
            for t in &mut name.tokens {
                let df = self
                    .document_frequency
                    .get(&t.phonetic)
                    .copied()
                    .unwrap_or(0);
                t.idf = idf_weight(df, self.names.len());
            }
        }
        Ok(self.search_prepared(&prepared, options))
    }

    fn search_prepared(&self, query: &PreparedQuery, options: &Options) -> Vec<Match> {
        // entity -> (name score after alias factor, name id, query variant)
        let mut best: FxHashMap<u32, (f32, u32, usize)> = FxHashMap::default();
        if !query.names.is_empty() {
            let query_views: Vec<NameView<'_>> = query.names.iter().map(NameView::of).collect();
            for n in self.candidates(query, options.candidates.max(1)) {
                let name = &self.names[n as usize];
                let entity = &self.entities[name.entity as usize];
                let view = self.view(name);
                let person = is_person(entity.schema);
                for (qi, qv) in query_views.iter().enumerate() {
                    let mut score = compare_names(qv, &view, person, false).score;
                    if name.strength == NameStrength::Weak {
                        score *= crate::score::WEAK_ALIAS_FACTOR;
                    }
                    let slot = best.entry(name.entity).or_insert((-1.0, n, qi));
                    if score > slot.0 {
                        *slot = (score, n, qi);
                    }
                }
            }
        }
        let mut exact: FxHashMap<u32, Vec<Feature>> = FxHashMap::default();
        for id in &query.identifiers {
            for &e in self
                .identifiers
                .get(id.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[])
            {
                exact.entry(e).or_default().push(Feature {
                    feature: "identifier".into(),
                    weight: 1.0,
                    value: 1.0,
                    contribution: 1.0,
                    text: format!("identifier {id} is on the list entry"),
                });
            }
        }
        for address in &query.crypto_addresses {
            for &e in self
                .crypto
                .get(address.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[])
            {
                exact.entry(e).or_default().push(Feature {
                    feature: "crypto_address".into(),
                    weight: 1.0,
                    value: 1.0,
                    contribution: 1.0,
                    text: format!("crypto address {address} is on the list entry"),
                });
            }
        }
        let mut results: Vec<(f32, u32)> = Vec::new();
        for (&e, &(name_score, _, _)) in &best {
            let score = qualify(query, &self.entities[e as usize], name_score, None);
            let score = if exact.contains_key(&e) {
                score.max(1.0)
            } else {
                score
            };
            if score >= options.threshold {
                results.push((score, e));
            }
        }
        for &e in exact.keys() {
            if !best.contains_key(&e) {
                results.push((1.0, e));
            }
        }
        results.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        results.truncate(options.limit);
        results
            .into_iter()
            .map(|(score, e)| {
                let entity = &self.entities[e as usize];
                let mut features = Vec::new();
                let mut matched_name = String::new();
                if let Some(&(_, n, qi)) = best.get(&e) {
                    let name = &self.names[n as usize];
                    matched_name = entity
                        .names
                        .get(name.name_index as usize)
                        .map(|x| x.name.clone())
                        .unwrap_or_default();
                    if options.explain {
                        let cmp = compare_names(
                            &NameView::of(&query.names[qi]),
                            &self.view(name),
                            is_person(entity.schema),
                            true,
                        );
                        let (name_score, mut f) = name_feature(&cmp, name.strength, &matched_name);
                        qualify(query, entity, name_score, Some(&mut f));
                        features = f;
                    }
                }
                if let Some(extra) = exact.get(&e) {
                    if matched_name.is_empty() {
                        matched_name = extra.first().map(|f| f.text.clone()).unwrap_or_default();
                    }
                    if options.explain {
                        features.extend(extra.iter().cloned());
                    }
                }
                Match {
                    entity: EntityId(e),
                    score,
                    matched_name,
                    features,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::Schema;

    #[test]
    fn index_is_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<ScreeningIndex>();
    }

    #[test]
    fn a_wallet_in_the_name_field_is_looked_up_as_an_address() {
        let mut wallet = ListEntity::new("t", "w", Schema::CryptoWallet);
        wallet.add_crypto("ETH", "0x098B716B8Aaf21512996dC57EB0615e2383E2f96");
        wallet.add_name(
            "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
            NameStrength::Primary,
        );
        let index = ScreeningIndex::build(vec![wallet]);
        let hits = index
            .search(
                &Query::name("0x098b716b8aaf21512996dc57eb0615e2383e2f96"),
                &Options::default(),
            )
            .unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].score, 1.0);
    }
}
