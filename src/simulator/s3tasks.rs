//! S3 task calls answered by the account's object store ([`crate::s3`]) when no mock or handler
//! answers them: `arn:aws:states:::aws-sdk:s3:<action>` (`getObject`, `putObject`, `headObject`,
//! `deleteObject`, `listObjectsV2`, `createBucket`) and the `arn:aws:states:::s3:getObject` /
//! `putObject` forms, with the SDK integration's response shapes and `S3.<Code>Exception` errors.
//! Distributed Map readers and writers go to [`crate::dmap::fetch`] instead.

use serde_json::{json, Map, Value};

use crate::error::Failure;
use crate::s3::{S3Error, Store};
use crate::timefmt::iso_seconds;

/// The store's answer to an S3 task, or `None` when the resource is no S3 call it answers.
pub fn answer(store: &mut Store, resource: &str, input: &Value, now: i64) -> Option<Result<Value, Failure>> {
    let integration = crate::resource::integration(resource)?;
    let action = integration.strip_prefix("aws-sdk:s3:").or_else(|| integration.strip_prefix("s3:"))?;
    let text = |k: &str| input.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let (bucket, key) = (text("Bucket"), text("Key"));
    let result = match action {
        "getObject" => store.get(&bucket, &key).map(|o| {
            json!({
                "AcceptRanges": "bytes",
                "Body": o.text(),
                "ContentLength": o.size(),
                "ContentType": o.content_type.as_deref().unwrap_or("binary/octet-stream"),
                "ETag": o.etag,
                "LastModified": iso_seconds(o.last_modified),
                "Metadata": {},
            })
        }),
        "headObject" => store.get(&bucket, &key).map(|o| {
            json!({
                "AcceptRanges": "bytes",
                "ContentLength": o.size(),
                "ContentType": o.content_type.as_deref().unwrap_or("binary/octet-stream"),
                "ETag": o.etag,
                "LastModified": iso_seconds(o.last_modified),
                "Metadata": {},
            })
        }),
        "putObject" => {
            let body = match input.get("Body") {
                Some(Value::String(s)) => s.clone().into_bytes(),
                Some(other) => crate::history::json_text(other).into_bytes(),
                None => Vec::new(),
            };
            let content_type = input.get("ContentType").and_then(Value::as_str).map(str::to_string);
            store
                .put(&bucket, &key, body, content_type, now)
                .map(|etag| json!({"ETag": etag, "ServerSideEncryption": "AES256"}))
        }
        "deleteObject" => store.delete(&bucket, &key).map(|()| json!({})),
        "createBucket" => {
            store.create_bucket(&bucket);
            Ok(json!({"Location": format!("/{bucket}")}))
        }
        "listObjectsV2" => list(store, &bucket, input),
        _ => return None,
    };
    Some(result.map_err(|e| failure(&e)))
}

/// `ListObjectsV2`: `Prefix`, `StartAfter`, `MaxKeys` (default 1000) and `ContinuationToken` (the
/// last key of the page before).
fn list(store: &Store, bucket: &str, input: &Value) -> Result<Value, S3Error> {
    let prefix = input.get("Prefix").and_then(Value::as_str).unwrap_or("");
    let after = input.get("ContinuationToken").or_else(|| input.get("StartAfter")).and_then(Value::as_str);
    let max = input.get("MaxKeys").and_then(Value::as_u64).unwrap_or(1000).min(1000) as usize;
    let all = store.list(bucket, prefix)?;
    let rest: Vec<_> = all.into_iter().filter(|(k, _)| after.map_or(true, |a| *k > a)).collect();
    let truncated = rest.len() > max;
    let page = &rest[..rest.len().min(max)];
    let contents: Vec<Value> = page
        .iter()
        .map(|(k, o)| {
            json!({"ETag": o.etag, "Key": k, "LastModified": iso_seconds(o.last_modified), "Size": o.size(),
                   "StorageClass": "STANDARD"})
        })
        .collect();
    let mut out = Map::new();
    out.insert("Contents".into(), Value::Array(contents));
    out.insert("IsTruncated".into(), json!(truncated));
    out.insert("KeyCount".into(), json!(page.len()));
    out.insert("MaxKeys".into(), json!(max));
    out.insert("Name".into(), json!(bucket));
    if truncated {
        out.insert("NextContinuationToken".into(), json!(page.last().map(|(k, _)| *k)));
    }
    out.insert("Prefix".into(), json!(prefix));
    Ok(Value::Object(out))
}

/// The SDK integration's error: `S3.NoSuchKeyException` with S3's message.
fn failure(e: &S3Error) -> Failure {
    let status = match e.code {
        "NoSuchKey" | "NoSuchBucket" => 404,
        _ => 400,
    };
    Failure::custom(
        format!("S3.{}Exception", e.code),
        format!("{} (Service: S3, Status Code: {status}, Error Code: {})", e.message, e.code),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_calls_read_and_write_the_store() {
        let mut s = Store::default();
        let put = answer(
            &mut s,
            "arn:aws:states:::aws-sdk:s3:putObject",
            &json!({"Bucket": "b", "Key": "k", "Body": {"a": 1}}),
            0,
        );
        assert_eq!(put.unwrap().unwrap()["ETag"], s.get("b", "k").unwrap().etag);
        let got =
            answer(&mut s, "arn:aws:states:::s3:getObject", &json!({"Bucket": "b", "Key": "k"}), 0).unwrap().unwrap();
        assert_eq!(got["Body"], r#"{"a":1}"#);
        let missing = answer(&mut s, "arn:aws:states:::aws-sdk:s3:getObject", &json!({"Bucket": "b", "Key": "x"}), 0);
        let e = missing.unwrap().unwrap_err();
        assert_eq!(e.error.as_str(), "S3.NoSuchKeyException");
        assert_eq!(e.cause, "The specified key does not exist. (Service: S3, Status Code: 404, Error Code: NoSuchKey)");
        let listed =
            answer(&mut s, "arn:aws:states:::aws-sdk:s3:listObjectsV2", &json!({"Bucket": "b"}), 0).unwrap().unwrap();
        assert_eq!(listed["KeyCount"], 1);
        assert!(answer(&mut s, "arn:aws:states:::aws-sdk:s3:getBucketAcl", &json!({}), 0).is_none());
        assert!(answer(&mut s, "arn:aws:states:::lambda:invoke", &json!({}), 0).is_none());
    }
}
