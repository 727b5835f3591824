//! `--lambda-endpoint`: Task states that call Lambda (a function ARN as `Resource`, or
//! `arn:aws:states:::lambda:invoke` with its `FunctionName` and `Payload`) are answered by
//! invoking the function at an HTTP endpoint with Lambda's `Invoke` API
//! (`POST /2015-03-31/functions/<name>/invocations`), as Step Functions Local's `LAMBDA_ENDPOINT`
//! does for `sam local start-lambda`.
//!
//! A function error (`X-Amz-Function-Error`) fails the task with the error's `errorType` and the
//! body as the cause, as Step Functions reports it; an HTTP error with `Lambda.<Code>`.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde_json::Value;

use crate::error::Failure;
use crate::simulator::HandlerCall;

/// Whether a resource is a Lambda call that the endpoint answers.
pub(super) fn handles(resource: &str) -> bool {
    crate::resource::integration(resource).is_some_and(|i| i.starts_with("lambda:invoke"))
        || (resource.starts_with("arn:aws:lambda:") && resource.contains(":function:"))
}

/// A Lambda endpoint: `http://host:port[/prefix]`.
#[derive(Debug, Clone)]
pub(super) struct Lambda {
    authority: String,
    prefix: String,
}

impl Lambda {
    /// Reads `http://host:port[/prefix]` (plain HTTP: local endpoints).
    pub(super) fn new(endpoint: &str) -> Result<Lambda, String> {
        let rest = endpoint.strip_prefix("http://").ok_or_else(|| {
            format!("--lambda-endpoint must be an http:// URL (such as http://127.0.0.1:3001), not {endpoint}")
        })?;
        let (authority, prefix) = match rest.split_once('/') {
            Some((a, p)) => (a, format!("/{}", p.trim_end_matches('/'))),
            None => (rest, String::new()),
        };
        let prefix = if prefix == "/" { String::new() } else { prefix };
        if authority.is_empty() {
            return Err(format!("--lambda-endpoint has no host: {endpoint}"));
        }
        let authority = if authority.contains(':') { authority.to_string() } else { format!("{authority}:80") };
        Ok(Lambda { authority, prefix })
    }

    /// Invokes the function a task names with its payload.
    pub(super) async fn invoke(&self, call: &HandlerCall) -> Result<Value, Failure> {
        let req = &call.request;
        let (function, payload) =
            if crate::resource::integration(&req.resource).is_some_and(|i| i.starts_with("lambda:invoke")) {
                let name = req.input.get("FunctionName").and_then(Value::as_str).unwrap_or_default().to_string();
                (name, req.input.get("Payload").cloned().unwrap_or(Value::Object(Default::default())))
            } else {
                (req.resource.clone(), req.input.clone())
            };
        let (name, qualifier) = function_name(&function);
        let mut path = format!("{}/2015-03-31/functions/{name}/invocations", self.prefix);
        if let Some(q) = qualifier {
            path.push_str(&format!("?Qualifier={q}"));
        }
        let body = serde_json::to_vec(&payload).unwrap_or_default();
        let (status, function_error, bytes) = self.post(&path, body).await.map_err(|e| {
            Failure::custom("Lambda.SdkClientException", format!("Unable to execute HTTP request: {e}"))
        })?;
        let text = String::from_utf8_lossy(&bytes).to_string();
        let parsed: Value = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text.clone()))
        };
        if status != 200 {
            let code = parsed
                .get("Type")
                .or_else(|| parsed.get("__type"))
                .and_then(Value::as_str)
                .unwrap_or("ServiceException");
            let code = code.rsplit('#').next().unwrap_or(code);
            let message =
                parsed.get("message").or_else(|| parsed.get("Message")).and_then(Value::as_str).unwrap_or(&text);
            return Err(Failure::custom(
                format!("Lambda.{code}"),
                format!("{message} (Service: AWSLambda; Status Code: {status}; Error Code: {code})"),
            ));
        }
        if function_error {
            let error = parsed.get("errorType").and_then(Value::as_str).unwrap_or("Lambda.Unknown").to_string();
            return Err(Failure::custom(error, text));
        }
        Ok(parsed)
    }

    async fn post(&self, path: &str, body: Vec<u8>) -> Result<(u16, bool, Bytes), String> {
        let stream = tokio::net::TcpStream::connect(&self.authority).await.map_err(|e| e.to_string())?;
        let (mut sender, conn) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| e.to_string())?;
        tokio::spawn(conn);
        let request = hyper::Request::post(path)
            .header("Host", &self.authority)
            .header("Content-Type", "application/json")
            .header("X-Amz-Invocation-Type", "RequestResponse")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| e.to_string())?;
        let response = sender.send_request(request).await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let function_error = response.headers().contains_key("x-amz-function-error");
        let bytes = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok((status, function_error, bytes))
    }
}

/// The function's name and qualifier in a name, a partial ARN or a full ARN.
fn function_name(function: &str) -> (String, Option<String>) {
    let parts: Vec<&str> = function.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "lambda", _, _, "function", name] => (name.to_string(), None),
        ["arn", _, "lambda", _, _, "function", name, q] => (name.to_string(), Some(q.to_string())),
        [_, "function", name] => (name.to_string(), None),
        [_, "function", name, q] => (name.to_string(), Some(q.to_string())),
        [name, q] => (name.to_string(), Some(q.to_string())),
        _ => (function.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_come_from_names_and_arns() {
        assert_eq!(function_name("arn:aws:lambda:us-east-1:1:function:f"), ("f".into(), None));
        assert_eq!(function_name("arn:aws:lambda:us-east-1:1:function:f:prod"), ("f".into(), Some("prod".into())));
        assert_eq!(function_name("f"), ("f".into(), None));
        assert!(handles("arn:aws:states:::lambda:invoke.waitForTaskToken"));
        assert!(!handles("arn:aws:states:::sqs:sendMessage"));
        assert!(Lambda::new("https://x").is_err());
        assert_eq!(Lambda::new("http://127.0.0.1:3001/").unwrap().authority, "127.0.0.1:3001");
    }
}
