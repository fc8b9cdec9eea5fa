//! A hash map swept a few entries at a time, so dropping what has expired never pauses an
//! operation for longer than a few lookups, however large the map.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// A `HashMap` with a round-robin sweep: [`sweep`](Self::sweep) visits a bounded number of
/// entries, going on where the last sweep stopped, and drops those no longer kept.
///
/// Every key in the map is queued exactly once, in the order the sweep visits them: a new key
/// joins the back; a visited key that is kept goes to the back again. Each sweep visits its
/// budget plus two entries for each one inserted since the last sweep, so a whole turn over
/// the map inserts at most half as many entries as it visits: the entries waiting to be
/// dropped stay fewer than the entries kept, whatever the pace of inserts.
#[derive(Debug)]
pub(crate) struct SweptMap<K, V> {
    map: HashMap<K, V>,
    queue: VecDeque<K>,
    /// Entries inserted since the last sweep.
    inserted: usize,
}

/// Visits a sweep owes for each entry inserted since the last.
const VISITS_PER_INSERT: usize = 2;

impl<K, V> Default for SweptMap<K, V> {
    fn default() -> Self {
        SweptMap {
            map: HashMap::new(),
            queue: VecDeque::new(),
            inserted: 0,
        }
    }
}

impl<K: Hash + Eq + Clone, V: Default> SweptMap<K, V> {
    /// The value under `key`, inserted (the default) when there is none.
    pub(crate) fn entry(&mut self, key: K) -> &mut V {
        match self.map.entry(key) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => {
                self.inserted = self.inserted.saturating_add(1);
                self.queue.push_back(entry.key().clone());
                entry.insert(V::default())
            }
        }
    }

    pub(crate) fn get(&self, key: &K) -> Option<&V> {
        self.map.get(key)
    }

    pub(crate) fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.map.get_mut(key)
    }

    /// Visits the next `budget` entries, plus two for each entry inserted since the last
    /// sweep (fewer when the map is smaller), drops those for which `keep` is false, and
    /// answers how many it visited.
    pub(crate) fn sweep(&mut self, budget: usize, mut keep: impl FnMut(&V) -> bool) -> usize {
        let owed = self.inserted.saturating_mul(VISITS_PER_INSERT);
        self.inserted = 0;
        let visits = budget.saturating_add(owed).min(self.queue.len());
        for _ in 0..visits {
            let Some(key) = self.queue.pop_front() else {
                break;
            };
            if self.map.get(&key).is_some_and(&mut keep) {
                self.queue.push_back(key);
            } else {
                self.map.remove(&key);
            }
        }
        visits
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::SweptMap;

    /// `n` entries, each followed by a sweep that keeps everything.
    fn filled(n: u32) -> SweptMap<u32, u32> {
        let mut map = SweptMap::default();
        for k in 0..n {
            *map.entry(k) = k;
            map.sweep(0, |_| true);
        }
        map
    }

    #[test]
    fn a_sweep_visits_its_budget_and_two_per_insert() {
        let mut map = filled(100);
        assert_eq!(map.sweep(2, |_| true), 2);
        *map.entry(500) = 1;
        *map.entry(500) = 2; // not a new entry
        assert_eq!(map.sweep(2, |_| true), 4);
        *map.entry(501) = 1;
        *map.entry(502) = 1;
        assert_eq!(map.sweep(0, |_| true), 4);
        assert_eq!(map.len(), 103);
        assert_eq!(filled(3).sweep(4, |_| false), 3);
        assert_eq!(SweptMap::<u32, u32>::default().sweep(4, |_| true), 0);
    }

    #[test]
    fn one_turn_drops_every_entry_not_kept_and_keeps_the_rest() {
        let mut map = filled(100);
        let mut visited = 0;
        for _ in 0..25 {
            visited += map.sweep(4, |v| v % 2 == 0);
        }
        assert_eq!(visited, 100);
        assert_eq!(map.len(), 50);
        assert!((0..100).all(|k| map.get(&k).is_some() == (k % 2 == 0)));
        // The kept ones are visited again, in the same order, and a new key joins the end.
        *map.entry(1000) = 1;
        assert_eq!(map.sweep(0, |v| *v != 1), 2);
        for _ in 0..12 {
            map.sweep(4, |v| *v != 1);
        }
        assert_eq!(map.get(&1000), Some(&1), "after the 50 before it");
        map.sweep(1, |v| *v != 1);
        assert_eq!(map.get(&1000), None);
        assert_eq!(map.len(), 50);
    }

    #[test]
    fn a_key_inserted_again_after_its_drop_is_queued_again() {
        let mut map = filled(1);
        map.sweep(1, |_| false);
        assert_eq!(map.len(), 0);
        *map.entry(0) = 7;
        assert_eq!(map.sweep(0, |_| false), 1);
        assert_eq!(map.get(&0), None);
        assert_eq!(map.get_mut(&0), None);
    }
}
