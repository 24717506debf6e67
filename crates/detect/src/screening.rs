//! The screening index of the list entries in the store: every `sanction:{list}:{id}`
//! entity (written by the sanctions-list ingest formats) read back into an
//! `unmask_screen::ScreeningIndex`. Shared by the screening detector, `unmask screen`
//! and `unmask serve`.
//!
//! Built on every call, not cached: reading the OFAC 2021 + UN lists back from the store
//! and indexing them takes a few hundred milliseconds (docs/BENCHMARKS.md), less than a
//! serialized index would save.

use unmask_screen::{props, ListEntity, Schema, ScreeningIndex};
use unmask_store::{Store, StoreError};

/// The store id of a list entry.
pub fn store_id(entity: &ListEntity) -> String {
    format!("sanction:{}:{}", entity.list, entity.id)
}

/// (list, list id) of a `sanction:` store id.
fn split_id(id: &str) -> Option<(&str, &str)> {
    id.strip_prefix("sanction:")?.split_once(':')
}

/// A stored entity being read: id, schema, (property, value) pairs.
type Pending = (String, String, Vec<(String, String)>);

/// Every list entry in the store, in id order.
pub fn list_entities(store: &Store) -> Result<Vec<ListEntity>, StoreError> {
    let mut statement = store.conn().prepare(
        "SELECT p.entity_id, e.schema, p.prop, p.value
         FROM entity_props p JOIN entities e ON e.id = p.entity_id
         WHERE p.entity_id >= 'sanction:' AND p.entity_id < 'sanction;'
         ORDER BY p.entity_id",
    )?;
    let mut rows = statement.query([])?;
    let mut entities = Vec::new();
    let mut current: Option<Pending> = None;
    let mut finish = |entry: Option<Pending>| {
        let Some((id, schema, values)) = entry else {
            return;
        };
        let (Some((list, list_id)), Some(schema)) = (split_id(&id), Schema::parse(&schema)) else {
            return;
        };
        let entity = props::from_props(
            list,
            list_id,
            schema,
            values.iter().map(|(p, v)| (p.as_str(), v.as_str())),
        );
        if !entity.names.is_empty() || !entity.crypto_addresses.is_empty() {
            entities.push(entity);
        }
    };
    while let Some(row) = rows.next()? {
        let id: String = row.get(0)?;
        if current.as_ref().is_none_or(|(seen, _, _)| *seen != id) {
            finish(current.take());
            current = Some((id, row.get(1)?, Vec::new()));
        }
        if let Some((_, _, values)) = current.as_mut() {
            values.push((row.get(2)?, row.get(3)?));
        }
    }
    finish(current.take());
    Ok(entities)
}

/// The index of every list entry in the store (empty when no list was ingested).
pub fn load_index(store: &Store) -> Result<ScreeningIndex, StoreError> {
    Ok(ScreeningIndex::build(list_entities(store)?))
}
