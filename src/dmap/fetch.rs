//! What a Distributed Map asks of the account's S3 store, and the store's answers: the objects an
//! `ItemReader` reads, and the objects a `ResultWriter` writes. The executor asks through a
//! [`crate::exec::TaskRequest`] whose [`crate::exec::TaskPurpose`] says which; the simulator
//! answers with these functions, so the executor itself never touches the store.

use serde_json::{json, Value};

use super::reader::{failed, MAX_READ_BYTES};
use crate::error::{ErrorName, Failure};
use crate::s3::{listing_entry, S3Error, Store};

/// What an `ItemReader` request reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadKind {
    /// One object (`s3:getObject`): answered `{"Body": text}`.
    Object,
    /// An S3 inventory manifest and its data files: `{"Body": manifest, "Files": [{"Key", "Body"}]}`.
    Manifest,
    /// `s3:listObjectsV2` with `Bucket` and `Prefix`: `{"Contents": [...]}`, every page.
    Listing,
    /// `s3:listObjectsV2` with `LOAD_AND_FLATTEN`: every listed object's text, in key order, as
    /// `{"Files": [{"Source", "Body"}]}` (folder markers, empty keys ending in `/`, left out).
    ListedObjects,
    /// An Athena `UNLOAD` manifest (one `s3://bucket/key` a line) and the data files it lists:
    /// `{"Files": [{"Source", "Body"}]}`.
    AthenaManifest,
}

fn text_param<'a>(params: &'a Value, key: &str) -> Option<&'a str> {
    params.get(key).and_then(Value::as_str)
}

/// AWS reads objects named `.gz` or `.zstd` decompressed (the ItemReader page: "Input files
/// support the following external compression types: GZIP, ZSTD"); the simulator does not
/// decompress, so it refuses them by name rather than read their bytes as text.
fn uncompressed(key: &str) -> Result<(), Failure> {
    let lower = key.to_ascii_lowercase();
    if [".gz", ".gzip", ".zst", ".zstd"].iter().any(|ext| lower.ends_with(ext)) {
        return Err(failed(format!(
            "The object '{key}' is compressed (GZIP or ZSTD); the simulator reads uncompressed objects only."
        )));
    }
    Ok(())
}

fn s3_cause(e: &S3Error) -> String {
    format!("{} (Service: S3, Status Code: 404, Error Code: {})", e.message, e.code)
}

/// The reader's answer from the store, or `States.ItemReaderFailed` for a missing bucket or
/// object (with S3's message) or missing parameters.
pub fn read(store: &Store, kind: ReadKind, params: &Value) -> Result<Value, Failure> {
    let bucket = text_param(params, "Bucket").ok_or_else(|| failed("The ItemReader's parameters have no Bucket."))?;
    match kind {
        ReadKind::Listing => {
            let prefix = text_param(params, "Prefix").unwrap_or("");
            let list = store.list(bucket, prefix).map_err(|e| failed(s3_cause(&e)))?;
            Ok(json!({"Contents": list.into_iter().map(|(k, o)| listing_entry(k, o)).collect::<Vec<_>>()}))
        }
        ReadKind::ListedObjects => {
            let prefix = text_param(params, "Prefix").unwrap_or("");
            let list = store.list(bucket, prefix).map_err(|e| failed(s3_cause(&e)))?;
            let mut files = Files::default();
            for (key, o) in list {
                if !(key.ends_with('/') && o.size() == 0) {
                    uncompressed(key)?;
                    files.add(format!("s3://{bucket}/{key}"), o.text())?;
                }
            }
            Ok(files.into_json())
        }
        ReadKind::AthenaManifest => {
            let key = text_param(params, "Key").ok_or_else(|| failed("The ItemReader's parameters have no Key."))?;
            let manifest = store.get(bucket, key).map_err(|e| failed(s3_cause(&e)))?.text();
            let mut files = Files::default();
            for line in manifest.lines().map(str::trim).filter(|l| !l.is_empty()) {
                let (b, k) = line.strip_prefix("s3://").and_then(|rest| rest.split_once('/')).ok_or_else(|| {
                    failed(format!("The Athena manifest lists '{line}', which is not an s3://bucket/key URI."))
                })?;
                uncompressed(k)?;
                let o = store.get(b, k).map_err(|e| failed(s3_cause(&e)))?;
                files.add(line.to_string(), o.text())?;
            }
            Ok(files.into_json())
        }
        ReadKind::Object | ReadKind::Manifest => {
            let key = text_param(params, "Key").ok_or_else(|| failed("The ItemReader's parameters have no Key."))?;
            let body = store.get(bucket, key).map_err(|e| failed(s3_cause(&e)))?.text();
            if kind == ReadKind::Object {
                uncompressed(key)?;
                return Ok(json!({ "Body": body }));
            }
            let manifest: Value = serde_json::from_str(&body)
                .map_err(|e| failed(format!("Failed to parse the manifest as JSON: {e}")))?;
            // `destinationBucket` is an ARN (`arn:aws:s3:::name`); the data files are there.
            let dest = manifest.get("destinationBucket").and_then(Value::as_str).unwrap_or(bucket);
            let dest = dest.rsplit(':').next().unwrap_or(dest);
            let mut files = Vec::new();
            for f in manifest.get("files").and_then(Value::as_array).into_iter().flatten() {
                let Some(k) = f.get("key").and_then(Value::as_str) else { continue };
                if k.ends_with(".gz") {
                    return Err(failed(format!(
                        "Inventory data file '{k}' is gzip-compressed; the simulator reads uncompressed CSV data files only."
                    )));
                }
                let o = store.get(dest, k).map_err(|e| failed(s3_cause(&e)))?;
                files.push(json!({"Key": k, "Body": o.text()}));
            }
            Ok(json!({ "Body": body, "Files": files }))
        }
    }
}

/// The objects a listing or a manifest loads, at most [`MAX_READ_BYTES`] of text in all.
#[derive(Default)]
struct Files {
    list: Vec<Value>,
    bytes: usize,
}

impl Files {
    fn add(&mut self, source: String, body: String) -> Result<(), Failure> {
        self.bytes += body.len();
        if self.bytes > MAX_READ_BYTES {
            return Err(failed(format!(
                "The objects to read have more than {MAX_READ_BYTES} bytes, the most the simulator's item reader decodes."
            )));
        }
        self.list.push(json!({"Source": source, "Body": body}));
        Ok(())
    }

    fn into_json(self) -> Value {
        json!({ "Files": self.list })
    }
}

/// `$$.Map.Item.Source` of the items a reader reads: `s3://<bucket>/<key>` for an object (or a
/// manifest), `s3://<bucket>/<prefix>` for a listing.
pub fn source(kind: ReadKind, params: &Value) -> String {
    let bucket = text_param(params, "Bucket").unwrap_or("");
    let rest = match kind {
        ReadKind::Listing | ReadKind::ListedObjects => text_param(params, "Prefix").unwrap_or(""),
        _ => text_param(params, "Key").unwrap_or(""),
    };
    format!("s3://{bucket}/{rest}")
}

/// Writes a `ResultWriter` request's objects (`{"Bucket", "Key", "Objects": [{"Key", "Body"}]}`)
/// and answers `{"Bucket", "Key"}` (the manifest's); `States.ResultWriterFailed` when the store
/// refuses one.
pub fn write(store: &mut Store, request: &Value, now: i64) -> Result<Value, Failure> {
    let bucket = text_param(request, "Bucket").unwrap_or("");
    for o in request.get("Objects").and_then(Value::as_array).into_iter().flatten() {
        let key = text_param(o, "Key").unwrap_or("");
        let body = text_param(o, "Body").unwrap_or("").as_bytes().to_vec();
        store
            .put(bucket, key, body, Some("application/json".into()), now)
            .map_err(|e| Failure::new(ErrorName::ResultWriterFailed, format!("{} ({})", e.message, e.code)))?;
    }
    Ok(json!({"Bucket": bucket, "Key": request.get("Key").cloned().unwrap_or(Value::Null)}))
}
