//! A value's JSON text written with the texts of some of its parts copied from an earlier text
//! instead of written again: the history's text of a state's output, when the state moved those
//! parts whole from its input, whose text the previous state's exit event holds.

use std::ops::Range;

use serde_json::Value;

/// `serde_json::to_string(v)`, with the subtrees at the `known` paths (property names from the
/// root) written as the given texts, and the byte ranges of the subtrees at the `want` paths in
/// the result (`None` where the value has nothing). A known text must be what serde_json writes
/// for the subtree there. `capacity`: the text's length, when known (it is then written without
/// growing its buffer).
pub fn write_with(
    v: &Value,
    known: &[(&[String], &str)],
    want: &[&[String]],
    capacity: usize,
) -> (String, Vec<Option<Range<usize>>>) {
    let mut out = Vec::with_capacity(capacity);
    let mut found = vec![None; want.len()];
    let known: Vec<&(&[String], &str)> = known.iter().collect();
    let want: Vec<(usize, &[String])> = want.iter().copied().enumerate().collect();
    write_paths(v, &mut out, 0, &known, &want, &mut found);
    // Every piece is UTF-8: serde_json's text, or slices of earlier texts at value boundaries.
    let text = String::from_utf8(out).unwrap_or_else(|_| serde_json::to_string(v).unwrap_or_default());
    (text, found)
}

fn write_paths(
    v: &Value,
    out: &mut Vec<u8>,
    level: usize,
    known: &[&(&[String], &str)],
    want: &[(usize, &[String])],
    found: &mut [Option<Range<usize>>],
) {
    let start = out.len();
    let wanted_inside = want.iter().any(|(_, p)| p.len() > level);
    let here = known.iter().find(|(p, _)| p.len() == level).map(|(_, t)| *t);
    match (here, v) {
        (Some(text), _) if !wanted_inside => out.extend_from_slice(text.as_bytes()),
        (_, Value::Object(map)) if !map.is_empty() && (wanted_inside || known.len() > usize::from(here.is_some())) => {
            out.push(b'{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                plain(out, k);
                out.push(b':');
                let on = |p: &[String]| p.len() > level && p[level] == *k;
                let known: Vec<&(&[String], &str)> = known.iter().copied().filter(|(p, _)| on(p)).collect();
                let want: Vec<(usize, &[String])> = want.iter().copied().filter(|(_, p)| on(p)).collect();
                if known.is_empty() && want.is_empty() {
                    plain(out, item);
                } else {
                    write_paths(item, out, level + 1, &known, &want, found);
                }
            }
            out.push(b'}');
        }
        _ => plain(out, v),
    }
    for (i, p) in want {
        if p.len() == level {
            found[*i] = Some(start..out.len());
        }
    }
}

/// serde_json's compact text of `v` (it cannot fail for a `Value` or a `String`).
fn plain(out: &mut Vec<u8>, v: &impl serde::Serialize) {
    let _ = serde_json::to_writer(&mut *out, v);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::write_with;

    #[test]
    fn known_texts_are_copied_and_wanted_ranges_found() {
        let v = json!({"data": {"records": [{"id": 1, "s": "a\"b\n é"}], "meta": {"m": [1.5, null]}}, "n": 2, "e": {}});
        let text = serde_json::to_string(&v).unwrap();
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<String>>();
        let (records, meta, data, nothing) =
            (path(&["data", "records"]), path(&["data", "meta"]), path(&["data"]), path(&["data", "none"]));
        let want: Vec<&[String]> = vec![&records, &meta, &data, &nothing, &[]];
        let (written, found) = write_with(&v, &[], &want, 0);
        assert_eq!(written, text);
        let slice = |r: &Option<std::ops::Range<usize>>| r.clone().map(|r| written[r].to_string());
        let part = |v: &serde_json::Value| Some(serde_json::to_string(v).unwrap());
        assert_eq!(slice(&found[0]), part(&v["data"]["records"]));
        assert_eq!(slice(&found[1]), part(&v["data"]["meta"]));
        assert_eq!(slice(&found[2]), part(&v["data"]));
        assert_eq!(found[3], None);
        assert_eq!(slice(&found[4]), Some(text.clone()));
        // A known text is copied, not written (here a different one, to show it) ...
        let known = [(records.as_slice(), "[\"copied\"]")];
        let (written, found) = write_with(&v, &known, &[&meta], 0);
        assert_eq!(written, text.replace(&part(&v["data"]["records"]).unwrap(), "[\"copied\"]"));
        assert_eq!(found[0].clone().map(|r| written[r].to_string()), part(&v["data"]["meta"]));
        // ... unless something wanted lies inside it.
        let inside = path(&["data", "records", "x"]);
        assert_eq!(write_with(&v, &known, &[&inside], 0).0, text);
        // The whole value known.
        assert_eq!(write_with(&v, &[(&[], "7")], &[], 1).0, "7");
    }

    #[test]
    fn the_text_is_serde_jsons_for_many_shapes() {
        let values = [
            json!(null),
            json!([]),
            json!({}),
            json!({"a": []}),
            json!({"a": {"b": {}}, "c": [1, {"d": "\u{1}"}]}),
            json!({"": {"": 0}, "k\"": {"q": [true, false, 1e300, -0.5]}}),
        ];
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<String>>();
        let wants = [path(&["a"]), path(&["a", "b"]), path(&["c"]), path(&[""]), path(&["", ""]), path(&["k\"", "q"])];
        for v in values {
            let want: Vec<&[String]> = wants.iter().map(Vec::as_slice).collect();
            let (text, found) = write_with(&v, &[], &want, 0);
            assert_eq!(text, serde_json::to_string(&v).unwrap());
            // Each found range, given back as known, writes the same text again.
            let known: Vec<(&[String], &str)> =
                want.iter().zip(&found).filter_map(|(p, r)| Some((*p, &text[r.clone()?]))).collect();
            assert_eq!(write_with(&v, &known, &[], text.len()).0, text, "{v}");
        }
    }
}
