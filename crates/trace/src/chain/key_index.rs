//! The writer's dictionaries: which id an address or a transaction hash already
//! has. Ingest asks this twice or three times a row, so it is a flat
//! open-addressing table of 8-byte slots (32 bits of the key's hash, the id) that
//! keeps no keys: a candidate is confirmed against the dictionary itself (the
//! caller's `is_key`). A general hash map keeping a 32-byte key per entry took
//! four times the memory, and at a million new transactions per file the page
//! faults of that memory were a tenth of ingest's time.

/// Slot value: the hash's upper 32 bits, then id + 1 (0 is an empty slot).
const TAG: u64 = 0xffff_ffff_0000_0000;

pub(crate) struct KeyIndex {
    slots: Vec<u64>,
    len: usize,
}

/// A hash of a key of any length; its upper 32 bits are what the table uses.
#[inline]
pub(crate) fn hash_key(key: &[u8]) -> u64 {
    let mut h = key.len() as u64;
    for chunk in key.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = (h.rotate_left(23) ^ u64::from_le_bytes(word)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    h ^ (h >> 29).wrapping_mul(0xbf58_476d_1ce4_e5b9)
}

impl KeyIndex {
    pub fn with_capacity(entries: usize) -> KeyIndex {
        KeyIndex {
            slots: vec![0; (entries * 2).next_power_of_two().max(1024)],
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// The id of the key hashing to `hash` (confirmed by `is_key`), or the slot
    /// where it would go.
    #[inline]
    pub fn find(&self, hash: u64, mut is_key: impl FnMut(u32) -> bool) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let tag = hash & TAG;
        let mut position = (hash >> 32) as usize & mask;
        loop {
            let slot = self.slots[position];
            if slot == 0 {
                return Err(position);
            }
            if slot & TAG == tag {
                let id = (slot as u32).wrapping_sub(1);
                if is_key(id) {
                    return Ok(id);
                }
            }
            position = (position + 1) & mask;
        }
    }

    /// Reads the slot a hash starts at, so that a later [`KeyIndex::find`] finds
    /// it in cache (see [`crate::chain::ChainWriter::push_batch`]).
    #[inline]
    pub fn touch(&self, hash: u64) -> u64 {
        self.slots[(hash >> 32) as usize & (self.slots.len() - 1)]
    }

    /// Puts `id` at the slot [`KeyIndex::find`] returned (ids below `u32::MAX`).
    pub fn insert_at(&mut self, position: usize, hash: u64, id: u32) {
        self.slots[position] = (hash & TAG) | (id as u64 + 1);
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            self.grow();
        }
    }

    /// Inserts a key known to be new (loading a dictionary).
    pub fn insert_new(&mut self, hash: u64, id: u32) {
        if let Err(position) = self.find(hash, |_| false) {
            self.insert_at(position, hash, id);
        }
    }

    fn grow(&mut self) {
        let bigger = vec![0; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, bigger);
        let mask = self.slots.len() - 1;
        // The slot keeps the 32 hash bits its position comes from, so growing
        // needs no keys.
        for slot in old.into_iter().filter(|&s| s != 0) {
            let mut position = (slot >> 32) as usize & mask;
            while self.slots[position] != 0 {
                position = (position + 1) & mask;
            }
            self.slots[position] = slot;
        }
    }
}

/// The same table for addresses, with each key in its slot: an address lookup
/// almost always finds its address (a few accounts make most transfers), and a
/// slot that holds the key answers with one memory access instead of two.
pub(crate) struct InlineIndex<const N: usize> {
    /// (key, id + 1); id 0 is an empty slot.
    slots: Vec<([u8; N], u32)>,
    len: usize,
}

impl<const N: usize> InlineIndex<N> {
    pub fn with_capacity(entries: usize) -> InlineIndex<N> {
        InlineIndex {
            slots: vec![([0; N], 0); (entries * 2).next_power_of_two().max(1024)],
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// The key's id, or the slot where it would go.
    #[inline]
    pub fn find(&self, key: &[u8; N], hash: u64) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let mut position = (hash >> 32) as usize & mask;
        loop {
            let (slot_key, id) = &self.slots[position];
            if *id == 0 {
                return Err(position);
            }
            if slot_key == key {
                return Ok(id - 1);
            }
            position = (position + 1) & mask;
        }
    }

    /// Reads the slot a hash starts at (see [`KeyIndex::touch`]).
    #[inline]
    pub fn touch(&self, hash: u64) -> u32 {
        self.slots[(hash >> 32) as usize & (self.slots.len() - 1)].1
    }

    /// Puts `key` with `id` at the slot [`InlineIndex::find`] returned.
    pub fn insert_at(&mut self, position: usize, key: &[u8; N], id: u32) {
        self.slots[position] = (*key, id + 1);
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            let bigger = vec![([0; N], 0); self.slots.len() * 2];
            let old = std::mem::replace(&mut self.slots, bigger);
            let mask = self.slots.len() - 1;
            for (key, id) in old.into_iter().filter(|(_, id)| *id != 0) {
                let mut position = (hash_key(&key) >> 32) as usize & mask;
                while self.slots[position].1 != 0 {
                    position = (position + 1) & mask;
                }
                self.slots[position] = (key, id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_inserted_through_growth_and_collisions() {
        let keys: Vec<[u8; 20]> = (0..10_000u32)
            .map(|i| {
                let mut key = [0u8; 20];
                key[16..].copy_from_slice(&i.to_be_bytes());
                key
            })
            .collect();
        let mut index = KeyIndex::with_capacity(0);
        for (id, key) in keys.iter().enumerate() {
            let hash = hash_key(key);
            let slot = index
                .find(hash, |other| keys[other as usize] == *key)
                .unwrap_err();
            index.insert_at(slot, hash, id as u32);
        }
        assert_eq!(index.len(), 10_000);
        for (id, key) in keys.iter().enumerate() {
            let found = index.find(hash_key(key), |other| keys[other as usize] == *key);
            assert_eq!(found, Ok(id as u32));
        }
        // Every hash the same: still exact, by the confirmation.
        let mut same = KeyIndex::with_capacity(4);
        for id in 0..100u32 {
            let slot = same.find(42 << 32, |other| other == id).unwrap_err();
            same.insert_at(slot, 42 << 32, id);
        }
        assert_eq!(same.find(42 << 32, |other| other == 77), Ok(77));
        assert!(same.find(42 << 32, |other| other == 100).is_err());

        let mut inline = InlineIndex::<20>::with_capacity(0);
        for (id, key) in keys.iter().enumerate() {
            let slot = inline.find(key, hash_key(key)).unwrap_err();
            inline.insert_at(slot, key, id as u32);
        }
        assert_eq!(inline.len(), 10_000);
        for (id, key) in keys.iter().enumerate() {
            assert_eq!(inline.find(key, hash_key(key)), Ok(id as u32));
        }
        assert!(inline.find(&[7; 20], hash_key(&[7; 20])).is_err());
    }
}
