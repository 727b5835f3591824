//! A state's output measured (and written, when the history keeps texts) with what is known of
//! the parts a Pass state moved whole from its input: their sizes, and their text in the input's
//! text, as the previous state found them in its output. A chain of Pass states over a large
//! document walks it (and writes it) once, not once a state.

use std::ops::Range;

use serde_json::Value;

use super::budget::{nested_deeper_than, MAX_DEPTH};
use crate::history::json_text;
use crate::json_size::{measure, measure_with, Size};
use crate::json_splice::write_with;
use crate::model::{Flow, Kind, Machine, Moves, PathFields, State, Transition};

/// The output size from which what is known of the parts the next state moves is kept (smaller
/// outputs are walked whole: cheaper than the bookkeeping).
const WORTH_KEEPING: usize = 8 * 1024;

/// A part of a value: where it is (property names from the root), its size, and where its text
/// lies in the value's text (when the history keeps texts).
#[derive(Debug, Clone)]
pub(super) struct Part {
    path: Vec<String>,
    size: Size,
    text: Option<Range<usize>>,
}

/// The parts the next state will move (its index, and the parts in this output), when it is a
/// Pass state with a plan of moves and this output is large.
pub(super) type NextParts = Option<(usize, Vec<Part>)>;

/// The length of the text of `st`'s output `out`, or `None` when it nests past [`MAX_DEPTH`],
/// for an execution that keeps no texts. `known`: the parts of `st`'s input that `st` moved.
pub(super) fn measure_output(
    machine: &Machine,
    st: &State,
    out: &Value,
    known: Option<Vec<Part>>,
) -> Option<(usize, NextParts)> {
    let landed: Vec<(Vec<String>, &Part)> = landed(st, known.as_deref());
    let next = next_moves(machine, st);
    if landed.is_empty() {
        let len = measure(out, MAX_DEPTH)?;
        return match next {
            Some((n, moves)) if len >= WORTH_KEEPING => {
                // Walked a second time, once, to find the parts the next states move on.
                let want = moves.sources();
                let (_, sizes) = measure_with(out, MAX_DEPTH, &[], &want).unwrap_or_default();
                Some((len, Some((n, parts(&want, sizes, None)))))
            }
            _ => Some((len, None)),
        };
    }
    let sizes: Vec<(&[String], Size)> = landed.iter().map(|(to, part)| (to.as_slice(), part.size)).collect();
    let want = next.map(|(_, m)| m.sources()).unwrap_or_default();
    let (len, found) = measure_with(out, MAX_DEPTH, &sizes, &want)?;
    Some((len, next.map(|(n, _)| (n, parts(&want, found, None)))))
}

/// The text of `st`'s output `out`, or `None` when it nests past [`MAX_DEPTH`]. `known`: the
/// parts of `st`'s input that `st` moved; `input`: the input's text, which holds their texts.
pub(super) fn write_output(
    machine: &Machine,
    st: &State,
    out: &Value,
    known: Option<Vec<Part>>,
    input: Option<&str>,
) -> Option<(String, NextParts)> {
    let landed: Vec<(Vec<String>, &Part)> = match input {
        Some(_) => landed(st, known.as_deref()).into_iter().filter(|(_, p)| p.text.is_some()).collect(),
        None => Vec::new(),
    };
    let next = next_moves(machine, st);
    if landed.is_empty() {
        if nested_deeper_than(out, MAX_DEPTH) {
            return None;
        }
        let text = json_text(out);
        return match next {
            Some((n, moves)) if text.len() >= WORTH_KEEPING => {
                // Walked and written a second time, once, to find the parts the next states move.
                let want = moves.sources();
                let (_, sizes) = measure_with(out, MAX_DEPTH, &[], &want).unwrap_or_default();
                let (_, ranges) = write_with(out, &[], &want);
                Some((text, Some((n, parts(&want, sizes, Some(ranges))))))
            }
            _ => Some((text, None)),
        };
    }
    let input = input.unwrap_or_default();
    let sizes: Vec<(&[String], Size)> = landed.iter().map(|(to, part)| (to.as_slice(), part.size)).collect();
    let texts: Vec<(&[String], &str)> =
        landed.iter().filter_map(|(to, part)| Some((to.as_slice(), input.get(part.text.clone()?)?))).collect();
    let want = next.map(|(_, m)| m.sources()).unwrap_or_default();
    let (_, found) = measure_with(out, MAX_DEPTH, &sizes, &want)?;
    let (text, ranges) = write_with(out, &texts, &want);
    Some((text, next.map(|(n, _)| (n, parts(&want, found, Some(ranges))))))
}

/// Where the parts `st` moved (of those `known`) landed whole in its output, with what is known
/// of them.
fn landed<'k>(st: &State, known: Option<&'k [Part]>) -> Vec<(Vec<String>, &'k Part)> {
    match (pass_moves(st), known) {
        (Some((p, moves)), Some(known)) => moves
            .landings(p)
            .into_iter()
            .filter_map(|(from, to)| Some((to, known.iter().find(|part| part.path.as_slice() == from)?)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The next state and its plan of moves, when it is a Pass state with one.
fn next_moves<'m>(machine: &'m Machine, st: &State) -> Option<(usize, &'m Moves)> {
    match st.next {
        Transition::Next(n) => pass_moves(&machine.states[n]).map(|(_, m)| (n, m)),
        _ => None,
    }
}

/// The parts found at the wanted paths.
fn parts(want: &[&[String]], sizes: Vec<Option<Size>>, ranges: Option<Vec<Option<Range<usize>>>>) -> Vec<Part> {
    let ranges = ranges.unwrap_or_else(|| vec![None; want.len()]);
    want.iter()
        .zip(sizes)
        .zip(ranges)
        .filter_map(|((path, size), text)| Some(Part { path: path.to_vec(), size: size?, text }))
        .collect()
}

/// A Pass state's data flow and its plan of moves, if it has one.
fn pass_moves(st: &State) -> Option<(&PathFields, &Moves)> {
    match (&st.kind, &st.flow) {
        (Kind::Pass, Flow::JsonPath(p)) if p.result.is_none() => Some((p, p.moves.as_ref()?)),
        _ => None,
    }
}
