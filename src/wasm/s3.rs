//! The account's S3 object store from JS: `putObject`, `getObject`, `listObjectsV2` and `listBuckets`, with the
//! AWS SDK's request and response names (`Bucket`, `Key`, `Body`, `ETag`, `LastModified` as a
//! `Date`). Errors are thrown with S3's code as their `name` (`NoSuchBucket`, `NoSuchKey`).

use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::{get, set, to_js};
use super::{js_error, validation, Simulator};
use crate::s3::S3Error;

fn text_field(input: &JsValue, key: &str, what: &str) -> Result<String, JsValue> {
    if !input.is_object() {
        return Err(validation(format!("{what} must be an object")));
    }
    get(input, key).and_then(|v| v.as_string()).ok_or_else(|| validation(format!("{what}: {key} must be a string")))
}

fn s3_error(e: S3Error) -> JsValue {
    let error = js_error(e.code, e.message);
    set(&error, "$fault", &"client".into());
    error.into()
}

/// A value with its `LastModified` fields (epoch ms) as `Date`s, at the top and in `Contents`.
fn dated(v: &Value) -> Result<JsValue, JsValue> {
    let js = to_js(v)?;
    let fix = |o: &JsValue| {
        if let Some(ms) = get(o, "LastModified").and_then(|m| m.as_f64()) {
            set(o, "LastModified", &js_sys::Date::new(&JsValue::from_f64(ms)).into());
        }
    };
    fix(&js);
    if let Some(contents) = get(&js, "Contents") {
        for item in js_sys::Array::from(&contents).iter() {
            fix(&item);
        }
    }
    Ok(js)
}

#[wasm_bindgen]
impl Simulator {
    /// `PutObject` into the account's S3 store (the bucket is created if needed): `Body` is text
    /// or bytes. Distributed Map readers and S3 tasks read it.
    #[wasm_bindgen(js_name = putObject, unchecked_return_type = "PutObjectOutput")]
    pub fn put_object(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PutObjectInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let bucket = text_field(&input, "Bucket", "PutObjectInput")?;
        let key = text_field(&input, "Key", "PutObjectInput")?;
        let body = match get(&input, "Body") {
            None => Vec::new(),
            Some(b) if b.is_undefined() => Vec::new(),
            Some(b) => match b.as_string() {
                Some(s) => s.into_bytes(),
                None => match b.dyn_ref::<js_sys::Uint8Array>() {
                    Some(bytes) => bytes.to_vec(),
                    None => return Err(validation("PutObjectInput: Body must be a string or a Uint8Array")),
                },
            },
        };
        let content_type = get(&input, "ContentType").and_then(|v| v.as_string());
        let mut st = self.shared.borrow()?;
        let now = st.account.now();
        let etag = st.account.s3.put(&bucket, &key, body, content_type, now).map_err(s3_error)?;
        to_js(&json!({ "ETag": etag }))
    }

    /// `GetObject` from the account's S3 store: the `Body` as text (as Distributed Map readers
    /// read it), with `ContentLength`, `ContentType`, `ETag` and `LastModified`.
    #[wasm_bindgen(js_name = getObject, unchecked_return_type = "GetObjectOutput")]
    pub fn get_object(
        &self,
        #[wasm_bindgen(unchecked_param_type = "GetObjectInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let bucket = text_field(&input, "Bucket", "GetObjectInput")?;
        let key = text_field(&input, "Key", "GetObjectInput")?;
        let st = self.shared.borrow()?;
        let o = st.account.s3.get(&bucket, &key).map_err(s3_error)?;
        dated(&json!({
            "Body": o.text(),
            "ContentLength": o.size(),
            "ContentType": o.content_type.as_deref().unwrap_or("binary/octet-stream"),
            "ETag": o.etag,
            "LastModified": o.last_modified,
        }))
    }

    /// `ListBuckets` of the account's S3 store: `{Buckets: [{Name}]}`, by name.
    #[wasm_bindgen(js_name = listBuckets, unchecked_return_type = "ListBucketsOutput")]
    pub fn list_buckets(&self) -> Result<JsValue, JsValue> {
        let st = self.shared.borrow()?;
        let names: Vec<Value> = st.account.s3.bucket_names().map(|n| json!({ "Name": n })).collect();
        to_js(&json!({ "Buckets": names }))
    }

    /// `ListObjectsV2` of the account's S3 store: every object whose key starts with `Prefix`, in
    /// key order, in one page.
    #[wasm_bindgen(js_name = listObjectsV2, unchecked_return_type = "ListObjectsV2Output")]
    pub fn list_objects_v2(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ListObjectsV2Input")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let bucket = text_field(&input, "Bucket", "ListObjectsV2Input")?;
        let prefix = get(&input, "Prefix").and_then(|v| v.as_string()).unwrap_or_default();
        let st = self.shared.borrow()?;
        let list = st.account.s3.list(&bucket, &prefix).map_err(s3_error)?;
        let contents: Vec<Value> = list
            .iter()
            .map(|(k, o)| {
                json!({"Key": k, "Size": o.size(), "ETag": o.etag, "LastModified": o.last_modified,
                       "StorageClass": "STANDARD"})
            })
            .collect();
        dated(&json!({"Name": bucket, "Prefix": prefix, "KeyCount": contents.len(), "IsTruncated": false,
                      "Contents": contents}))
    }
}
