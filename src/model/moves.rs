//! Which parts of a Pass state's input may move into its result instead of being copied: those
//! that nothing reads once the state has its result.
//!
//! A Pass state reads its raw input through `InputPath` and `Parameters`, then writes the result
//! into it (`ResultPath`) and selects its output (`OutputPath`). What the output takes from the raw
//! input is known from the paths alone when they are plain names; a `Parameters` field whose value
//! lies outside of it (and outside of `ResultPath`'s target) is read once and never again, so the
//! executor moves it. Everything here is decided when the definition loads.

use super::{PathField, PathFields, ResultPath, Template};

/// The parts of a Pass state's raw input that move into its result, as property names from the
/// raw input's root.
#[derive(Debug, Clone, PartialEq)]
pub enum Moves {
    /// No `Parameters`: the effective input is the result, moved out of the raw input.
    Input(Vec<String>),
    /// For each top-level field of `Parameters`, in order: what it moves, or `None` when it is
    /// evaluated as usual (before any field moves).
    Fields(Vec<Option<Vec<String>>>),
}

impl Moves {
    /// The raw-input paths of the parts that move.
    pub fn sources(&self) -> Vec<&[String]> {
        match self {
            Moves::Input(names) => vec![names.as_slice()],
            Moves::Fields(fields) => fields.iter().flatten().map(Vec::as_slice).collect(),
        }
    }

    /// Where the moved parts land in the state's output, as (raw-input path, output path), for
    /// the parts the output holds whole. A part is the same value there as in the input (moved,
    /// or copied when the usual data flow ran instead), so what was measured of it holds.
    pub fn landings(&self, p: &PathFields) -> Vec<(&[String], Vec<String>)> {
        let Some(result_at) = (match &p.result_path {
            ResultPath::Replace => Some(Vec::new()),
            ResultPath::Path(r) => r.names(),
            _ => None,
        }) else {
            return Vec::new();
        };
        let Some(output_at) = (match &p.output_path {
            PathField::Whole => Some(Vec::new()),
            PathField::Path(o) => o.names(),
            PathField::Null => None,
        }) else {
            return Vec::new();
        };
        // The output path of a part at `within` in the result, if the output holds it whole.
        let place = |within: &[&str]| {
            let full: Vec<&str> = result_at.iter().chain(within).copied().collect();
            full.strip_prefix(output_at.as_slice()).map(|rest| rest.iter().map(|n| n.to_string()).collect())
        };
        match self {
            Moves::Input(names) => place(&[]).map(|out| vec![(names.as_slice(), out)]).unwrap_or_default(),
            Moves::Fields(fields) => {
                let Some(Template::Object(template)) = &p.parameters else { return Vec::new() };
                template
                    .iter()
                    .zip(fields)
                    .filter_map(|((k, _), moved)| Some((moved.as_deref()?, place(&[k.as_str()])?)))
                    .collect()
            }
        }
    }
}

/// Whether one name list starts with the other (or they are equal).
fn overlap(a: &[impl AsRef<str>], b: &[impl AsRef<str>]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.as_ref() == y.as_ref())
}

/// The plan of a Pass state without `Result` and `Assign`, or `None` when nothing can move.
pub(super) fn plan(p: &PathFields) -> Option<Moves> {
    if p.result.is_some() || p.assign.is_some() {
        return None;
    }
    let input: Vec<&str> = match &p.input_path {
        PathField::Whole => Vec::new(),
        PathField::Path(path) => path.names()?,
        PathField::Null => return None,
    };
    // What of the raw input the output keeps (`None`: nothing), and where the result goes.
    let (kept, target): (Option<Vec<&str>>, Option<Vec<&str>>) = match &p.result_path {
        ResultPath::Replace => (None, None),
        rp => {
            let target = match rp {
                ResultPath::Path(r) => Some(r.names()?),
                _ => None,
            };
            let output = match &p.output_path {
                PathField::Whole => Some(Vec::new()),
                PathField::Path(o) => Some(o.names()?),
                PathField::Null => None,
            };
            match (output, &target) {
                // The output lies inside the result: the raw input is not in it.
                (Some(o), Some(r)) if o.len() >= r.len() && o.starts_with(r) => (None, target),
                (output, _) => (output, target),
            }
        }
    };
    let free = |names: &[String]| {
        !kept.as_ref().is_some_and(|k| overlap(names, k)) && !target.as_ref().is_some_and(|t| overlap(names, t))
    };
    let absolute = |rest: &[&str]| input.iter().chain(rest).map(|n| n.to_string()).collect::<Vec<String>>();
    match &p.parameters {
        None => {
            let names = absolute(&[]);
            free(&names).then_some(Moves::Input(names))
        }
        Some(Template::Object(fields)) => {
            let mut moves: Vec<Option<Vec<String>>> = fields
                .iter()
                .map(|(_, t)| match t {
                    Template::Path(path) => path.names().map(|n| absolute(&n)).filter(|n| free(n)),
                    _ => None,
                })
                .collect();
            // Two fields reading overlapping parts both copy.
            let clashes: Vec<bool> = (0..moves.len())
                .map(|i| {
                    let mut others = moves.iter().enumerate().filter(|(j, _)| *j != i).filter_map(|(_, b)| b.as_ref());
                    moves[i].as_ref().is_some_and(|a| others.any(|b| overlap(a, b)))
                })
                .collect();
            for (m, clash) in moves.iter_mut().zip(clashes) {
                if clash {
                    *m = None;
                }
            }
            moves.iter().any(Option::is_some).then_some(Moves::Fields(moves))
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    /// Where the moved parts of the Pass state `P` land in its output.
    fn landings_of(pass: serde_json::Value) -> Vec<(Vec<String>, Vec<String>)> {
        let mut state = pass;
        state["Type"] = json!("Pass");
        state["End"] = json!(true);
        let machine = load(&json!({"StartAt": "P", "States": {"P": state}})).unwrap();
        let Flow::JsonPath(p) = &machine.states[0].flow else { return Vec::new() };
        let Some(moves) = &p.moves else { return Vec::new() };
        moves.landings(p).into_iter().map(|(from, to)| (from.to_vec(), to)).collect()
    }

    #[test]
    fn moved_parts_land_where_result_path_and_output_path_put_them() {
        let v = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<String>>();
        assert_eq!(landings_of(json!({})), vec![(v(&[]), v(&[]))]);
        assert_eq!(landings_of(json!({"InputPath": "$.a"})), vec![(v(&["a"]), v(&[]))]);
        assert_eq!(
            landings_of(json!({"InputPath": "$.data",
                "Parameters": {"records.$": "$.records", "meta.$": "$.meta", "firstId.$": "$.records[0].id", "step": 0},
                "ResultPath": "$.next.data", "OutputPath": "$.next"})),
            vec![(v(&["data", "records"]), v(&["data", "records"])), (v(&["data", "meta"]), v(&["data", "meta"]))]
        );
        // The output is elsewhere: the moved parts are not in it.
        assert_eq!(landings_of(json!({"InputPath": "$.a", "ResultPath": "$.r", "OutputPath": "$.b"})), vec![]);
        // The output is one field of the result.
        assert_eq!(
            landings_of(json!({"Parameters": {"x.$": "$.p", "y.$": "$.q"}, "OutputPath": "$.y"})),
            vec![(v(&["q"]), v(&[]))]
        );
        // The output lies inside a moved part: not a whole part.
        assert_eq!(landings_of(json!({"Parameters": {"x.$": "$.p"}, "OutputPath": "$.x.z"})), vec![]);
    }

    use serde_json::json;

    use super::*;
    use crate::model::{load, Flow};

    /// The plan of the Pass state `P` of a one-state machine.
    fn plan_of(pass: serde_json::Value) -> Option<Moves> {
        let mut state = pass;
        state["Type"] = json!("Pass");
        state["End"] = json!(true);
        let machine = load(&json!({"StartAt": "P", "States": {"P": state}})).unwrap();
        match &machine.states[0].flow {
            Flow::JsonPath(p) => p.moves.clone(),
            Flow::Jsonata(_) => None,
        }
    }

    fn names(n: &[&str]) -> Option<Vec<String>> {
        Some(n.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn a_plain_pass_moves_its_input() {
        assert_eq!(plan_of(json!({})), Some(Moves::Input(vec![])));
        assert_eq!(plan_of(json!({"InputPath": "$.a"})), Some(Moves::Input(vec!["a".into()])));
        // The result goes back into the input, which the output keeps.
        assert_eq!(plan_of(json!({"ResultPath": "$.r"})), None);
        assert_eq!(plan_of(json!({"ResultPath": null})), None);
        // ... unless the output is only the result or another part, and the result is written
        // outside of what moves (here the whole input would move, and the result goes into it).
        assert_eq!(plan_of(json!({"ResultPath": "$.r", "OutputPath": "$.r.x"})), None);
        assert_eq!(
            plan_of(json!({"InputPath": "$.a", "ResultPath": "$.r", "OutputPath": "$.b"})),
            Some(Moves::Input(vec!["a".into()]))
        );
        // A result written inside the moved part needs it in place.
        assert_eq!(plan_of(json!({"InputPath": "$.a", "ResultPath": "$.a.r", "OutputPath": "$.b"})), None);
        assert_eq!(plan_of(json!({"Result": 1})), None);
        assert_eq!(plan_of(json!({"Assign": {"x.$": "$.a"}})), None);
        assert_eq!(plan_of(json!({"InputPath": "$.a[0]"})), None);
    }

    #[test]
    fn parameters_move_the_fields_nothing_reads_later() {
        // The benchmark's shape: the output keeps `next` only, so `data`'s parts move.
        let p = plan_of(json!({"InputPath": "$.data",
            "Parameters": {"records.$": "$.records", "meta.$": "$.meta", "firstId.$": "$.records[0].id", "step": 0},
            "ResultPath": "$.next.data", "OutputPath": "$.next"}));
        assert_eq!(p, Some(Moves::Fields(vec![names(&["data", "records"]), names(&["data", "meta"]), None, None])));
        // Two fields of the same part both copy; a context path never moves.
        let p = plan_of(json!({"Parameters": {"a.$": "$.x", "b.$": "$.x.y", "c.$": "$.z", "d.$": "$$.Execution.Id"}}));
        assert_eq!(p, Some(Moves::Fields(vec![None, None, names(&["z"]), None])));
        // The output keeps the raw input: nothing moves.
        assert_eq!(plan_of(json!({"Parameters": {"a.$": "$.x"}, "ResultPath": "$.r"})), None);
        assert_eq!(plan_of(json!({"Parameters": {"a.$": "$.x"}, "ResultPath": "$.r", "OutputPath": "$.x"})), None);
        assert_eq!(
            plan_of(json!({"Parameters": {"a.$": "$.x"}, "ResultPath": "$.r", "OutputPath": "$.y"})),
            Some(Moves::Fields(vec![names(&["x"])]))
        );
    }
}
