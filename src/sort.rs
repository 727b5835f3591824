//! One stable sort for the crate's lists, so that the `.wasm` holds a single copy of it.
//!
//! The standard library's `sort_by` (driftsort) is compiled anew for each element type and each
//! comparison closure: about 3.5 KB of wasm every time (nine copies were 30 KB of the web build,
//! docs/performance.md). The lists sorted here are short (log groups and streams, diagnostics,
//! executions, mock responses), so each sorts its positions with the one compiled copy below and
//! then moves its elements into that order, which is as stable as `sort_by`.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`, as `v.sort_by(cmp)` does.
pub fn sort_by<T>(v: &mut Vec<T>, mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_positions(&mut order, &mut |a, b| cmp(&v[a], &v[b]));
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    // `order` is a permutation: every slot is taken exactly once.
    v.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `v` stably by the key `key` gives each element, as `v.sort_by_key(key)` does.
pub fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts positions stably by `cmp`: the one compiled copy of the standard library's sort.
#[inline(never)]
pub fn sort_positions(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_sort_and_keeps_equal_elements_in_order() {
        let words = ["pear", "fig", "apple", "kiwi", "date", "plum", "lime", "", "banana", "fig"];
        for n in 0..=words.len() {
            let mut ours: Vec<(usize, &str)> = words[..n].iter().copied().enumerate().collect();
            let mut std = ours.clone();
            sort_by_key(&mut ours, |(_, w)| w.len());
            std.sort_by_key(|(_, w)| w.len());
            assert_eq!(ours, std);
            sort_by(&mut ours, |a, b| b.1.cmp(a.1));
            std.sort_by(|a, b| b.1.cmp(a.1));
            assert_eq!(ours, std);
        }
        let mut v: Vec<(usize, &str)> = words.iter().copied().enumerate().collect();
        sort_by_key(&mut v, |(_, w)| w.len());
        let by_len: Vec<usize> = v.iter().map(|(i, _)| *i).collect();
        assert_eq!(by_len, [7, 1, 9, 0, 3, 4, 5, 6, 2, 8]);
    }
}
