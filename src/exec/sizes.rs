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

/// The length of the text of `st`'s output `out`, and the text itself when `text` asks for it
/// (`Some`, with the input's text, which holds the texts of the parts `st` moved, when known), or
/// `None` when `out` nests past [`MAX_DEPTH`]. `known`: the parts of `st`'s input that `st` moved.
pub(super) fn measure_output(
    machine: &Machine,
    st: &State,
    out: &Value,
    known: Option<Vec<Part>>,
    text: Option<Option<&str>>,
) -> Option<(usize, String, NextParts)> {
    let input = text.flatten();
    // Parts whose text is needed (when writing) and not at hand are walked.
    let landed: Vec<(Vec<String>, &Part)> = landed(st, known.as_deref())
        .into_iter()
        .filter(|(_, p)| text.is_none() || (input.is_some() && p.text.is_some()))
        .collect();
    let next = next_moves(machine, st);
    if landed.is_empty() {
        let (len, written) = match text {
            Some(_) if nested_deeper_than(out, MAX_DEPTH) => return None,
            Some(_) => {
                let written = json_text(out);
                (written.len(), written)
            }
            None => (measure(out, MAX_DEPTH)?, String::new()),
        };
        return match next {
            Some((n, moves)) if len >= WORTH_KEEPING => {
                // Walked (and written) a second time, once, to find the parts the next states move.
                let want = moves.sources();
                let (_, sizes) = measure_with(out, MAX_DEPTH, &[], &want).unwrap_or_default();
                let ranges = text.map(|_| write_with(out, &[], &want, len).1);
                Some((len, written, Some((n, parts(&want, sizes, ranges)))))
            }
            _ => Some((len, written, None)),
        };
    }
    let sizes: Vec<(&[String], Size)> = landed.iter().map(|(to, part)| (to.as_slice(), part.size)).collect();
    let want = next.map(|(_, m)| m.sources()).unwrap_or_default();
    let (len, found) = measure_with(out, MAX_DEPTH, &sizes, &want)?;
    let (len, written, ranges) = match (text, input) {
        (Some(_), Some(input)) => {
            let texts: Vec<(&[String], &str)> =
                landed.iter().filter_map(|(to, part)| Some((to.as_slice(), input.get(part.text.clone()?)?))).collect();
            let (written, ranges) = write_with(out, &texts, &want, len);
            (written.len(), written, Some(ranges))
        }
        _ => (len, String::new(), None),
    };
    Some((len, written, next.map(|(n, _)| (n, parts(&want, found, ranges)))))
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
