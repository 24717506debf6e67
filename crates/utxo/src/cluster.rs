//! Multi-input clustering: the addresses spent together in one transaction are
//! taken to have one owner (common-input-ownership), except in CoinJoins.
//!
//! [`Clusters`] is incremental: transactions are added as blocks arrive and only the
//! union-find changes, never a full recomputation. Every union that joined two
//! clusters is logged with the transaction that caused it (12 bytes), so a cluster
//! can show how it was formed.

use crate::unionfind::{UnionFind, MAX_ELEMENTS};

/// One union that joined two clusters: transaction `tx` spent `a` and `b` together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub tx: u32,
    pub a: u32,
    pub b: u32,
}

/// Address clusters over address ids `0..len`.
#[derive(Debug, Clone, Default)]
pub struct Clusters {
    sets: UnionFind,
    merges: Vec<Merge>,
    /// Off for benchmarks that only want the partition.
    record_merges: bool,
}

impl Clusters {
    pub fn new() -> Self {
        Clusters {
            sets: UnionFind::default(),
            merges: Vec::new(),
            record_merges: true,
        }
    }

    /// Without the merge log (partition only).
    pub fn without_log(len: usize) -> Self {
        Clusters {
            sets: UnionFind::new(len),
            merges: Vec::new(),
            record_merges: false,
        }
    }

    /// From saved parts.
    pub fn from_parts(sets: UnionFind, merges: Vec<Merge>) -> Self {
        Clusters {
            sets,
            merges,
            record_merges: true,
        }
    }

    pub fn union_find(&self) -> &UnionFind {
        &self.sets
    }

    pub fn merges(&self) -> &[Merge] {
        &self.merges
    }

    /// Makes room for address ids below `len`.
    pub fn grow(&mut self, len: usize) {
        self.sets.grow(len);
    }

    pub fn len(&self) -> usize {
        self.sets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// Joins the input addresses of transaction `tx`; returns how many clusters
    /// were merged away. Ids at or above [`MAX_ELEMENTS`] are ignored.
    pub fn add_tx(&mut self, tx: u32, inputs: &[u32]) -> u32 {
        let Some((&first, rest)) = inputs.split_first() else {
            return 0;
        };
        let needed = inputs.iter().copied().max().map_or(0, |m| m as u64 + 1);
        if needed > MAX_ELEMENTS {
            return 0;
        }
        if needed as usize > self.sets.len() {
            self.sets.grow(needed as usize);
        }
        let mut merged = 0;
        for &other in rest {
            if self.sets.union(first, other).is_some() {
                merged += 1;
                if self.record_merges {
                    self.merges.push(Merge {
                        tx,
                        a: first,
                        b: other,
                    });
                }
            }
        }
        merged
    }

    /// The representative of `address`'s cluster.
    pub fn root(&mut self, address: u32) -> u32 {
        if address as usize >= self.sets.len() {
            return address;
        }
        self.sets.find(address)
    }

    /// Whether two addresses are in one cluster.
    pub fn same(&mut self, a: u32, b: u32) -> bool {
        self.root(a) == self.root(b)
    }

    pub fn size(&mut self, address: u32) -> u32 {
        if address as usize >= self.sets.len() {
            return 1;
        }
        self.sets.size(address)
    }

    /// Every address of `address`'s cluster, ascending (one pass over all ids).
    pub fn members(&mut self, address: u32) -> Vec<u32> {
        let root = self.root(address);
        if address as usize >= self.sets.len() {
            return vec![address];
        }
        (0..self.sets.len() as u32)
            .filter(|&x| self.sets.find(x) == root)
            .collect()
    }

    /// The unions that formed `address`'s cluster, in the order they happened.
    pub fn formed_by(&mut self, address: u32) -> Vec<Merge> {
        let root = self.root(address);
        let merges = std::mem::take(&mut self.merges);
        let mine = merges
            .iter()
            .filter(|m| self.sets.find(m.a) == root)
            .copied()
            .collect();
        self.merges = merges;
        mine
    }

    /// For every address, the smallest address id of its cluster.
    pub fn labels(&mut self) -> Vec<u32> {
        self.sets.min_labels()
    }
}

/// Clusters a whole batch in one go: `offsets` (one more than transactions) index
/// into `inputs`, the input address ids of each transaction. Returns each address's
/// smallest cluster member, the partition GraphSense's clusterer writes.
pub fn cluster_batch(max_address: u32, offsets: &[u64], inputs: &[u32]) -> Vec<u32> {
    let mut sets = UnionFind::new(max_address as usize + 1);
    for window in offsets.windows(2) {
        if let Some(group) = inputs.get(window[0] as usize..window[1] as usize) {
            sets.union_all(group);
        }
    }
    sets.min_labels()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_grow_incrementally_and_remember_their_merges() {
        let mut clusters = Clusters::new();
        assert_eq!(clusters.add_tx(10, &[1, 2]), 1);
        assert_eq!(clusters.add_tx(11, &[3]), 0);
        assert!(!clusters.same(1, 3));
        // A later block joins the two.
        assert_eq!(clusters.add_tx(12, &[3, 2, 1]), 1);
        assert!(clusters.same(1, 3));
        assert_eq!(clusters.size(3), 3);
        assert_eq!(clusters.members(2), [1, 2, 3]);
        let txs: Vec<u32> = clusters.formed_by(1).iter().map(|m| m.tx).collect();
        assert_eq!(txs, [10, 12]);
        assert_eq!(clusters.labels(), [0, 1, 1, 1]);
        assert_eq!(clusters.members(99), [99]);
    }

    #[test]
    fn batch_clustering_gives_minimum_labels() {
        let labels = cluster_batch(6, &[0, 2, 4, 6, 8], &[1, 2, 3, 4, 2, 3, 5, 6]);
        assert_eq!(labels, [0, 1, 1, 1, 1, 5, 5]);
    }
}
