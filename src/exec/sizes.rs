//! Measuring a state's output without writing it (no history needs the text), carrying the sizes
//! of the parts a Pass state moves from one state's output to the next: a chain of Pass states
//! over a large document walks the document once, not once a state.

use serde_json::Value;

use super::budget::MAX_DEPTH;
use super::PartSizes;
use crate::json_size::{measure, measure_with, Size};
use crate::model::{Flow, Kind, Machine, Moves, PathFields, State, Transition};

/// The output size from which the sizes of the parts the next state moves are kept (smaller
/// outputs are walked whole: cheaper than the bookkeeping).
const SIZES_WORTH_KEEPING: usize = 8 * 1024;

/// The length of the text of `st`'s output `out`, or `None` when it nests past [`MAX_DEPTH`];
/// with it, the sizes of the parts the next state will move (its index and the sizes by path in
/// `out`), when it is a Pass state with a plan of moves and `out` is large. `known`: the sizes of
/// the parts of `st`'s input that `st` moved, as the previous state found them.
pub(super) fn measure_output(
    machine: &Machine,
    st: &State,
    out: &Value,
    known: Option<PartSizes>,
) -> Option<(usize, Option<(usize, PartSizes)>)> {
    // Where the parts this state moved whole landed in its output, with their sizes.
    let landed: PartSizes = match (pass_moves(st), &known) {
        (Some((p, moves)), Some(sizes)) => moves
            .landings(p)
            .into_iter()
            .filter_map(|(from, to)| Some((to, sizes.iter().find(|(at, _)| at.as_slice() == from)?.1)))
            .collect(),
        _ => Vec::new(),
    };
    let next = match st.next {
        Transition::Next(n) => pass_moves(&machine.states[n]).map(|(_, m)| (n, m)),
        _ => None,
    };
    if landed.is_empty() {
        let len = measure(out, MAX_DEPTH)?;
        return match next {
            Some((n, moves)) if len >= SIZES_WORTH_KEEPING => {
                // Walked a second time, once, to find the parts the next states move on.
                let want = moves.sources();
                let (_, found) = measure_with(out, MAX_DEPTH, &[], &want).unwrap_or_default();
                Some((len, Some((n, by_path(&want, found)))))
            }
            _ => Some((len, None)),
        };
    }
    let landed: Vec<(&[String], Size)> = landed.iter().map(|(to, size)| (to.as_slice(), *size)).collect();
    let want = next.map(|(_, m)| m.sources()).unwrap_or_default();
    let (len, found) = measure_with(out, MAX_DEPTH, &landed, &want)?;
    Some((len, next.map(|(n, _)| (n, by_path(&want, found)))))
}

/// The sizes found at the wanted paths, by path.
fn by_path(want: &[&[String]], found: Vec<Option<Size>>) -> PartSizes {
    want.iter().zip(found).filter_map(|(p, s)| Some((p.to_vec(), s?))).collect()
}

/// A Pass state's data flow and its plan of moves, if it has one.
fn pass_moves(st: &State) -> Option<(&PathFields, &Moves)> {
    match (&st.kind, &st.flow) {
        (Kind::Pass, Flow::JsonPath(p)) if p.result.is_none() => Some((p, p.moves.as_ref()?)),
        _ => None,
    }
}
