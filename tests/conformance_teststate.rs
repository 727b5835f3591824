//! The `TestState` answers recorded on AWS (`../shared/conformance/teststate`, format in that
//! folder's README, section "TestState cases"), run through [`asl_sim::teststate`].
//!
//! Each case's request is turned back into AWS's shape (JSON-text fields), answered, and compared:
//! `json_text_paths` are parsed before comparing, `nondeterministic_paths` must only agree in JSON
//! type, `masked_paths` must only exist. Failures must be exactly those listed in
//! `tests/teststate_known_failures.txt` (`id # reason`), so the list can only shrink.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use asl_sim::teststate::{test_state, Request};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/teststate")
}

/// The request as AWS takes it: JSON-text fields as text (`<field>_text` when the case kept the
/// raw text because it was not JSON).
fn aws_request(req: &Value) -> Value {
    let mut out = req.clone();
    let as_text = |obj: &mut serde_json::Map<String, Value>, key: &str| {
        if let Some(v) = obj.remove(key) {
            obj.insert(key.into(), Value::String(v.to_string()));
        }
        if let Some(v) = obj.remove(&format!("{key}_text")) {
            obj.insert(key.into(), v);
        }
    };
    let obj = out.as_object_mut().expect("request object");
    for key in ["definition", "input", "variables", "context"] {
        as_text(obj, key);
    }
    if let Some(Value::Object(m)) = obj.get_mut("mock") {
        as_text(m, "result");
    }
    if let Some(Value::Object(c)) = obj.get_mut("stateConfiguration") {
        as_text(c, "mapItemReaderData");
    }
    out
}

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

fn parse_path(p: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    let b = p.strip_prefix('$').unwrap_or(p);
    let mut rest = b;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("['") {
            let end = r.find("']").unwrap_or(r.len());
            segs.push(Seg::Key(r[..end].to_string()));
            rest = r.get(end + 2..).unwrap_or("");
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').unwrap_or(r.len());
            segs.push(Seg::Index(r[..end].parse().unwrap_or(0)));
            rest = r.get(end + 1..).unwrap_or("");
        } else if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            segs.push(Seg::Key(r[..end].to_string()));
            rest = &r[end..];
        } else {
            break;
        }
    }
    segs
}

fn at_mut<'a>(v: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    let mut cur = v;
    for s in path {
        cur = match s {
            Seg::Key(k) => cur.as_object_mut()?.get_mut(k)?,
            Seg::Index(i) => cur.as_array_mut()?.get_mut(*i)?,
        };
    }
    Some(cur)
}

/// `Ok` when the answer matches the recording, else what differs.
fn check(case: &Value) -> Result<(), String> {
    let req = Request::from_json(&aws_request(&case["request"]));
    let expected = &case["expected"];
    let answer = req.and_then(|r| test_state(&r));
    if let Some(exc) = expected.get("exception") {
        return match answer {
            Err(e) if e.name() == *exc && e.message == expected["message"] => Ok(()),
            Err(e) => Err(format!("error {}: {}, want {}: {}", e.name(), e.message, exc, expected["message"])),
            Ok(r) => Err(format!("answered {r}, want {exc}: {}", expected["message"])),
        };
    }
    let mut actual = answer.map_err(|e| format!("error {}: {}", e.name(), e.message))?;
    let mut expected = expected.clone();
    let list = |k: &str| -> Vec<String> {
        case.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
            .unwrap_or_default()
    };
    for p in list("json_text_paths") {
        let segs = parse_path(&p);
        if let Some(v) = at_mut(&mut actual, &segs) {
            let parsed = v.as_str().and_then(|s| serde_json::from_str::<Value>(s).ok());
            match parsed {
                Some(x) => *v = x,
                None => return Err(format!("{p} is not JSON text: {v}")),
            }
        }
    }
    for p in list("nondeterministic_paths") {
        let segs = parse_path(&p);
        let want = at_mut(&mut expected, &segs).map(|v| std::mem::replace(v, Value::Null));
        let got = at_mut(&mut actual, &segs).map(|v| std::mem::replace(v, Value::Null));
        match (want, got) {
            (Some(w), Some(g)) if asl_sim::jsonata::type_name(&w) == asl_sim::jsonata::type_name(&g) => {}
            (w, g) => return Err(format!("{p}: got {g:?}, want the type of {w:?}")),
        }
    }
    for p in list("masked_paths") {
        let segs = parse_path(&p);
        if let Some(v) = at_mut(&mut expected, &segs) {
            *v = Value::Null;
        }
        match at_mut(&mut actual, &segs) {
            Some(v) => *v = Value::Null,
            None => return Err(format!("{p} is missing")),
        }
    }
    if actual == expected {
        Ok(())
    } else {
        Err(format!("got  {actual}\nwant {expected}"))
    }
}

fn known_failures() -> BTreeMap<String, String> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/teststate_known_failures.txt"))
            .unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(" # ") {
            Some((id, why)) => (id.trim().to_string(), why.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

#[test]
fn teststate_conformance() {
    let dir = cases_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("teststate conformance: no TestState cases at {}; skipped", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let known = known_failures();
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    let mut seen = BTreeSet::new();
    let verbose = std::env::var("TESTSTATE_VERBOSE").is_ok();
    for f in &files {
        let case: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        let id = case["id"].as_str().unwrap_or_default().to_string();
        let category = case["category"].as_str().unwrap_or("?").to_string();
        seen.insert(id.clone());
        let result = check(&case);
        let e = counts.entry(category).or_insert((0, 0));
        e.1 += 1;
        match (&result, known.contains_key(&id)) {
            (Ok(()), false) => e.0 += 1,
            (Ok(()), true) => {
                e.0 += 1;
                fixed.push(id.clone());
            }
            (Err(why), false) => unexpected.push(format!("{id}\n  {why}")),
            (Err(why), true) => {
                if verbose {
                    eprintln!("known failure {id}\n  {why}");
                }
            }
        }
    }
    let (pass, total) = counts.values().fold((0, 0), |a, c| (a.0 + c.0, a.1 + c.1));
    for (cat, (p, t)) in &counts {
        println!("teststate {cat:10} {p:4}/{t:4}");
    }
    println!("teststate total      {pass:4}/{total:4}");
    let stale: Vec<&String> = known.keys().filter(|k| !seen.contains(*k)).collect();
    assert!(unexpected.is_empty(), "{} unexpected failures:\n{}", unexpected.len(), unexpected.join("\n"));
    assert!(
        fixed.is_empty(),
        "these pass now; remove them from tests/teststate_known_failures.txt:\n{}",
        fixed.join("\n")
    );
    assert!(stale.is_empty(), "known failures that are no case: {stale:?}");
}
