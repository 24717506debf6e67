//! A disjoint-set forest in 4 bytes an element.
//!
//! Each slot is one `u32`: a non-root holds its parent's index; a root has the top
//! bit set and keeps its set's size in the other 31 bits (saturating), so sizes cost
//! no second array and 1 billion addresses take 4 GB. Union by index (the smaller
//! index becomes the root) with path halving: the root of every set is its smallest
//! element, so the canonical cluster id (the one GraphSense's clusterer reports) is
//! `find` itself, with no relabelling pass. Elements are `0..len`; ids must stay
//! below 2^31.

/// Marks a root slot; the low bits are the size of its set.
const ROOT: u32 = 1 << 31;
/// The largest size a root records (sizes saturate there).
const MAX_SIZE: u32 = ROOT - 1;
/// Largest element count.
pub const MAX_ELEMENTS: u64 = ROOT as u64;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnionFind {
    slots: Vec<u32>,
}

impl UnionFind {
    pub fn new(len: usize) -> Self {
        UnionFind {
            slots: vec![ROOT | 1; len],
        }
    }

    /// Rebuilds a forest from slots written by [`UnionFind::slots`].
    pub fn from_slots(slots: Vec<u32>) -> Option<Self> {
        let len = slots.len() as u64;
        slots
            .iter()
            .all(|&slot| slot & ROOT != 0 || u64::from(slot) < len)
            .then_some(UnionFind { slots })
    }

    /// The raw slots, for saving.
    pub fn slots(&self) -> &[u32] {
        &self.slots
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Grows to `len` elements, each new one in a set of its own.
    pub fn grow(&mut self, len: usize) {
        if len > self.slots.len() {
            self.slots.resize(len, ROOT | 1);
        }
    }

    /// The root of `x`'s set, halving the path on the way.
    #[inline]
    pub fn find(&mut self, mut x: u32) -> u32 {
        loop {
            let parent = self.slots[x as usize];
            if parent & ROOT != 0 {
                return x;
            }
            let grandparent = self.slots[parent as usize];
            if grandparent & ROOT != 0 {
                return parent;
            }
            self.slots[x as usize] = grandparent;
            x = grandparent;
        }
    }

    /// The root of `x`'s set without changing the forest.
    pub fn find_readonly(&self, mut x: u32) -> u32 {
        while self.slots[x as usize] & ROOT == 0 {
            x = self.slots[x as usize];
        }
        x
    }

    /// Joins the sets of `a` and `b`; returns the new root if they were apart.
    #[inline]
    pub fn union(&mut self, a: u32, b: u32) -> Option<u32> {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return None;
        }
        let (size_a, size_b) = (
            self.slots[ra as usize] & MAX_SIZE,
            self.slots[rb as usize] & MAX_SIZE,
        );
        let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        let size = size_a.saturating_add(size_b).min(MAX_SIZE);
        self.slots[child as usize] = root;
        self.slots[root as usize] = ROOT | size;
        Some(root)
    }

    /// Joins every element of `group` into one set; returns how many sets were
    /// merged away. Keeps the running root instead of finding it again per element.
    #[inline]
    pub fn union_all(&mut self, group: &[u32]) -> u32 {
        let Some((&first, rest)) = group.split_first() else {
            return 0;
        };
        let mut root = self.find(first);
        let mut merged = 0;
        for &other in rest {
            let other_root = self.find(other);
            if other_root == root {
                continue;
            }
            let (new_root, child) = if root < other_root {
                (root, other_root)
            } else {
                (other_root, root)
            };
            let size = (self.slots[root as usize] & MAX_SIZE)
                .saturating_add(self.slots[other_root as usize] & MAX_SIZE)
                .min(MAX_SIZE);
            self.slots[child as usize] = new_root;
            self.slots[new_root as usize] = ROOT | size;
            root = new_root;
            merged += 1;
        }
        merged
    }

    /// The size of `x`'s set (saturating at 2^31 - 1).
    pub fn size(&mut self, x: u32) -> u32 {
        let root = self.find(x);
        self.slots[root as usize] & MAX_SIZE
    }

    /// For every element, the smallest element of its set (its root): a canonical
    /// cluster id, the one GraphSense's clusterer reports.
    pub fn min_labels(&mut self) -> Vec<u32> {
        (0..self.slots.len() as u32).map(|x| self.find(x)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_all_joins_a_group() {
        let mut sets = UnionFind::new(6);
        assert_eq!(sets.union_all(&[4, 2, 5]), 2);
        assert_eq!(sets.union_all(&[5, 4]), 0);
        assert_eq!(sets.union_all(&[]), 0);
        assert_eq!(sets.size(5), 3);
        assert_eq!(sets.min_labels(), [0, 1, 2, 3, 2, 2]);
    }

    #[test]
    fn unions_join_sets_and_count_sizes() {
        let mut sets = UnionFind::new(8);
        assert!(sets.union(1, 2).is_some());
        assert!(sets.union(3, 4).is_some());
        assert!(sets.union(2, 3).is_some());
        assert!(sets.union(1, 4).is_none());
        assert_eq!(sets.size(4), 4);
        assert_eq!(sets.size(0), 1);
        assert_eq!(sets.find(1), sets.find(4));
        assert_ne!(sets.find(0), sets.find(1));
        assert_eq!(sets.min_labels(), [0, 1, 1, 1, 1, 5, 6, 7]);
        sets.grow(10);
        assert_eq!(sets.size(9), 1);
        let copy = UnionFind::from_slots(sets.slots().to_vec()).unwrap();
        assert_eq!(copy.find_readonly(4), sets.find(4));
        assert!(UnionFind::from_slots(vec![5]).is_none());
    }

    proptest::proptest! {
        #[test]
        fn partition_matches_a_naive_one(pairs in proptest::collection::vec((0u32..40, 0u32..40), 0..80)) {
            let mut sets = UnionFind::new(40);
            let mut naive: Vec<u32> = (0..40).collect();
            for (a, b) in pairs {
                sets.union(a, b);
                let (la, lb) = (naive[a as usize], naive[b as usize]);
                for label in naive.iter_mut() {
                    if *label == lb {
                        *label = la;
                    }
                }
            }
            let labels = sets.min_labels();
            // Roots are the smallest members.
            for (x, &label) in labels.iter().enumerate() {
                proptest::prop_assert!(label as usize <= x);
            }
            for a in 0..40usize {
                for b in 0..40usize {
                    proptest::prop_assert_eq!(labels[a] == labels[b], naive[a] == naive[b]);
                }
            }
        }
    }
}
