//! The toolchain versions agree: wasm-pack.toml names them once, and everything that must repeat
//! a version (Cargo.toml's `=` pin, Cargo.lock, package.json, package-lock.json) says the same.
//! A plain native test, run by `cargo test`.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::path::Path;

fn read(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `key = value` lines of a TOML file by `[table]` (the top level is ""), with string quotes
/// removed. Enough for wasm-pack.toml and Cargo.toml; no toml crate needed.
fn toml_tables(text: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut tables = BTreeMap::new();
    let mut table = String::new();
    for line in text.lines() {
        let line = line.split(" #").next().unwrap().trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            table = name.to_string();
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            let value = value.trim();
            let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
            let entry: &mut BTreeMap<String, String> = tables.entry(table.clone()).or_default();
            entry.insert(key.trim().to_string(), value.to_string());
        }
    }
    tables
}

fn wasm_pack_toml() -> BTreeMap<String, BTreeMap<String, String>> {
    toml_tables(&read("wasm-pack.toml"))
}

fn toolchain(key: &str) -> String {
    let tables = wasm_pack_toml();
    let value = tables.get("toolchain").and_then(|t| t.get(key));
    value.unwrap_or_else(|| panic!("wasm-pack.toml lacks toolchain.{key}")).clone()
}

/// Every version of `name` in Cargo.lock.
fn cargo_lock_versions(name: &str) -> Vec<String> {
    let lock = read("Cargo.lock");
    let mut versions = Vec::new();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{name}\"") {
            let version = lines.next().unwrap_or_default();
            let version = version.strip_prefix("version = \"").and_then(|v| v.strip_suffix('"'));
            versions.push(version.expect("a version line after the name").to_string());
        }
    }
    versions
}

fn json(file: &str) -> serde_json::Value {
    serde_json::from_str(&read(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn wasm_bindgen_cli_equals_the_crate_in_cargo_lock() {
    let cli = toolchain("wasm-bindgen-cli");
    assert_eq!(cargo_lock_versions("wasm-bindgen"), vec![cli], "Cargo.lock vs wasm-pack.toml");
}

#[test]
fn wasm_bindgen_is_pinned_with_equals_in_cargo_toml() {
    let cli = toolchain("wasm-bindgen-cli");
    let manifest = toml_tables(&read("Cargo.toml"));
    let pins: Vec<(&String, &String)> =
        manifest.iter().filter_map(|(table, entries)| entries.get("wasm-bindgen").map(|v| (table, v))).collect();
    assert!(!pins.is_empty(), "Cargo.toml does not depend on wasm-bindgen");
    for (table, pin) in pins {
        assert_eq!(pin, &format!("={cli}"), "[{table}] wasm-bindgen must be pinned to \"={cli}\"");
    }
}

#[test]
fn binaryen_equals_package_json_and_lock() {
    let binaryen = toolchain("binaryen");
    let package = json("package.json");
    assert_eq!(package["devDependencies"]["binaryen"], binaryen.as_str(), "package.json");
    let lock = json("package-lock.json");
    assert_eq!(lock["packages"]["node_modules/binaryen"]["version"], binaryen.as_str(), "package-lock.json");
}

#[test]
fn builds_cover_web_and_nodejs() {
    let tables = wasm_pack_toml();
    let mut targets = Vec::new();
    for (name, build) in tables.iter().filter(|(name, _)| name.starts_with("build.")) {
        for key in ["target", "out-dir", "profile", "wasm-opt"] {
            assert!(build.contains_key(key), "[{name}] lacks {key}");
        }
        targets.push(build["target"].clone());
    }
    // www/main.js imports ./pkg/asl_sim.js; the npm package's `asl-sim/lite` is www/pkg-lite.
    let web = &tables["build.web"];
    assert_eq!((web["target"].as_str(), web["out-dir"].as_str()), ("web", "www/pkg"));
    let lite = &tables["build.web-lite"];
    assert_eq!((lite["target"].as_str(), lite["out-dir"].as_str()), ("web", "www/pkg-lite"));
    targets.sort();
    assert_eq!(targets, ["nodejs", "web", "web"]);
}

#[test]
fn webdriver_json_runs_debian_chromium() {
    let webdriver = json("webdriver.json");
    assert_eq!(webdriver["goog:chromeOptions"]["binary"], toolchain("chromium").as_str());
}

#[test]
fn webdriver_json_runs_debian_firefox() {
    let webdriver = json("webdriver.json");
    assert_eq!(webdriver["moz:firefoxOptions"]["binary"], toolchain("firefox").as_str());
}
