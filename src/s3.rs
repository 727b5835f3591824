//! An in-memory S3 object store: buckets of keys with bodies and metadata, as the account's
//! Distributed Map states, `s3:getObject`/`putObject` tasks and the drivers see it.
//!
//! Pure data, no I/O: the CLI fills it from a directory, the JS bindings from `putObject`
//! calls, and the simulator answers S3 task calls and `ItemReader`/`ResultWriter` from it. It is
//! bounded: past [`Store::max_bytes`] of bodies in all, a put fails (as a full disk would),
//! so no reader ever sees an object larger than that budget.
//!
//! ```
//! use asl_sim::s3::Store;
//! let mut s3 = Store::default();
//! s3.put("b", "data/a.json", b"[1,2]".to_vec(), None, 0).unwrap();
//! s3.put("b", "data/b.json", b"[3]".to_vec(), None, 0).unwrap();
//! assert_eq!(&s3.get("b", "data/a.json").unwrap().body[..], b"[1,2]");
//! let keys: Vec<&str> = s3.list("b", "data/").unwrap().iter().map(|o| o.0).collect();
//! assert_eq!(keys, ["data/a.json", "data/b.json"]);
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use md5::{Digest, Md5};
use serde_json::{json, Value};

/// The default budget of all bodies together: 256 MiB.
pub const DEFAULT_MAX_BYTES: usize = 256 * 1024 * 1024;

/// One object: its body and metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// The bytes.
    pub body: Arc<[u8]>,
    /// `ContentType` (`None`: S3's default, `binary/octet-stream`).
    pub content_type: Option<String>,
    /// The quoted MD5 hex digest of the body, as S3's `ETag` of a single-part upload.
    pub etag: String,
    /// When it was written (epoch ms).
    pub last_modified: i64,
}

impl Object {
    /// The body as text (bytes that are not UTF-8 become U+FFFD).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body's length in bytes.
    pub fn size(&self) -> usize {
        self.body.len()
    }
}

/// Why a store call failed, with S3's error code (`NoSuchBucket`, `NoSuchKey`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Error {
    /// S3's error code.
    pub code: &'static str,
    /// S3's message.
    pub message: String,
}

impl S3Error {
    fn no_bucket() -> S3Error {
        S3Error { code: "NoSuchBucket", message: "The specified bucket does not exist".into() }
    }
    fn no_key() -> S3Error {
        S3Error { code: "NoSuchKey", message: "The specified key does not exist.".into() }
    }
}

/// The buckets of an account. A bucket exists once created or once an object was put into it
/// (the simulator creates buckets on first put, so fixtures and tests need no `CreateBucket`).
#[derive(Debug, Clone)]
pub struct Store {
    buckets: BTreeMap<String, BTreeMap<String, Object>>,
    bytes: usize,
    /// The most bytes all bodies may hold together.
    pub max_bytes: usize,
}

impl Default for Store {
    fn default() -> Self {
        Store { buckets: BTreeMap::new(), bytes: 0, max_bytes: DEFAULT_MAX_BYTES }
    }
}

impl Store {
    /// Creates a bucket (nothing happens if it exists).
    pub fn create_bucket(&mut self, bucket: &str) {
        self.buckets.entry(bucket.to_string()).or_default();
    }

    /// Whether a bucket exists.
    pub fn has_bucket(&self, bucket: &str) -> bool {
        self.buckets.contains_key(bucket)
    }

    /// The bucket names, in order.
    pub fn bucket_names(&self) -> impl Iterator<Item = &str> {
        self.buckets.keys().map(String::as_str)
    }

    /// Writes an object (creating its bucket), replacing any object at the key; returns its ETag.
    /// Fails with `EntityTooLarge` when the store's budget would be exceeded.
    pub fn put(
        &mut self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        content_type: Option<String>,
        now: i64,
    ) -> Result<String, S3Error> {
        if key.is_empty() {
            return Err(S3Error { code: "InvalidArgument", message: "Key must not be empty.".into() });
        }
        let old = self.buckets.get(bucket).and_then(|b| b.get(key)).map_or(0, Object::size);
        let after = self.bytes - old + body.len();
        if after > self.max_bytes {
            return Err(S3Error {
                code: "EntityTooLarge",
                message: format!(
                    "The simulator's S3 store holds at most {} bytes of objects (max_bytes); this object would \
                     take it to {after}.",
                    self.max_bytes
                ),
            });
        }
        let etag = format!("\"{:x}\"", Md5::digest(&body));
        let object = Object { body: body.into(), content_type, etag: etag.clone(), last_modified: now };
        self.buckets.entry(bucket.to_string()).or_default().insert(key.to_string(), object);
        self.bytes = after;
        Ok(etag)
    }

    /// Reads an object: `NoSuchBucket` or `NoSuchKey` when it is not there.
    pub fn get(&self, bucket: &str, key: &str) -> Result<&Object, S3Error> {
        self.buckets.get(bucket).ok_or_else(S3Error::no_bucket)?.get(key).ok_or_else(S3Error::no_key)
    }

    /// Deletes an object (S3 answers the same whether or not it existed).
    pub fn delete(&mut self, bucket: &str, key: &str) -> Result<(), S3Error> {
        let b = self.buckets.get_mut(bucket).ok_or_else(S3Error::no_bucket)?;
        if let Some(o) = b.remove(key) {
            self.bytes -= o.size();
        }
        Ok(())
    }

    /// The objects whose keys start with `prefix`, in key order (S3's `ListObjectsV2` order).
    pub fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<(&str, &Object)>, S3Error> {
        let b = self.buckets.get(bucket).ok_or_else(S3Error::no_bucket)?;
        Ok(b.range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, o)| (k.as_str(), o))
            .collect())
    }

    /// How many bytes the bodies hold together.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Every object, bucket by bucket in order: what a driver writes back (the CLI's `--s3-dir`).
    pub fn objects(&self) -> impl Iterator<Item = (&str, &str, &Object)> {
        self.buckets.iter().flat_map(|(b, objs)| objs.iter().map(move |(k, o)| (b.as_str(), k.as_str(), o)))
    }
}

/// One entry of a `ListObjectsV2` response's `Contents`, as the SDK integration and the
/// `ItemReader` give it: `{Etag, Key, LastModified, Size, StorageClass}` (the `ItemReader` page
/// of the developer guide shows `Etag` so spelt and `LastModified` in epoch seconds;
/// <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html>).
pub fn listing_entry(key: &str, o: &Object) -> Value {
    json!({
        "Etag": o.etag,
        "Key": key,
        "LastModified": o.last_modified.div_euclid(1000),
        "Size": o.size(),
        "StorageClass": "STANDARD",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_get_list_delete() {
        let mut s = Store::default();
        assert_eq!(s.get("b", "k").unwrap_err().code, "NoSuchBucket");
        let etag = s.put("b", "k", b"hello".to_vec(), None, 5_000).unwrap();
        assert_eq!(etag, "\"5d41402abc4b2a76b9719d911017c592\"");
        assert_eq!(s.get("b", "x").unwrap_err().code, "NoSuchKey");
        s.put("b", "k2", b"!".to_vec(), Some("text/plain".into()), 0).unwrap();
        s.put("b", "j", b"".to_vec(), None, 0).unwrap();
        assert_eq!(s.bytes(), 6);
        let keys: Vec<&str> = s.list("b", "k").unwrap().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["k", "k2"]);
        let entry = listing_entry("k", s.get("b", "k").unwrap());
        assert_eq!(entry, json!({"Etag": etag, "Key": "k", "LastModified": 5, "Size": 5, "StorageClass": "STANDARD"}));
        s.delete("b", "k").unwrap();
        assert_eq!(s.bytes(), 1);
        assert_eq!(s.objects().count(), 2);
    }

    #[test]
    fn the_budget_bounds_the_store() {
        let mut s = Store { max_bytes: 10, ..Store::default() };
        s.put("b", "a", vec![0; 8], None, 0).unwrap();
        assert_eq!(s.put("b", "c", vec![0; 3], None, 0).unwrap_err().code, "EntityTooLarge");
        // Replacing an object counts its new size only.
        s.put("b", "a", vec![0; 10], None, 0).unwrap();
        assert_eq!(s.bytes(), 10);
        assert_eq!(s.put("b", "", vec![], None, 0).unwrap_err().code, "InvalidArgument");
    }
}
