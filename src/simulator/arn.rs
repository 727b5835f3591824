//! Step Functions ARNs as the API reads them, with AWS's `InvalidArn` messages; and the page
//! tokens and `maxResults` of the `List*` operations.

use base64::Engine;

use super::{ApiError, ApiErrorKind};

/// The parts of `arn:<partition>:states:<region>:<account>:<type>:<name>[:<qualifier>...]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Arn<'a> {
    /// `stateMachine`, `execution`, `express`, `activity`, `mapRun`, ...
    pub kind: &'a str,
    /// What follows the type, split at `:`.
    pub rest: Vec<&'a str>,
}

/// `Invalid Arn: '<why>'`.
pub(crate) fn invalid(why: String) -> ApiError {
    ApiError::new(ApiErrorKind::InvalidArn, format!("Invalid Arn: '{why}'"))
}

/// Reads an ARN whose type is one of `kinds`; AWS's messages for one that is not an ARN, or of
/// another type ("Resource type not valid in this context: express").
pub(crate) fn parse<'a>(text: &'a str, kinds: &[&str]) -> Result<Arn<'a>, ApiError> {
    if !text.starts_with("arn:") {
        return Err(invalid(format!("Invalid ARN prefix: {text}")));
    }
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() < 7 || parts[2] != "states" || parts[6].is_empty() {
        return Err(invalid(format!("Resource type not valid in this context: {}", parts.get(5).unwrap_or(&""))));
    }
    if !kinds.contains(&parts[5]) {
        return Err(invalid(format!("Resource type not valid in this context: {}", parts[5])));
    }
    Ok(Arn { kind: parts[5], rest: parts[6..].to_vec() })
}

/// `maxResults` of a `List*` call: 0 or absent means the default (100 for Step Functions).
pub(crate) fn page_size(max_results: Option<i64>) -> usize {
    match max_results {
        Some(n) if n > 0 => n as usize,
        _ => 100,
    }
}

/// An opaque page token: where the next page starts, for one operation.
pub(crate) fn token(op: &str, position: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("asl-sim:{op}:{position}"))
}

/// The position in a token that [`token`] gave for `op`; AWS's `InvalidToken` otherwise.
pub(crate) fn read_token(op: &str, token: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(t) = token else { return Ok(None) };
    let text = base64::engine::general_purpose::STANDARD.decode(t).ok().and_then(|b| String::from_utf8(b).ok());
    text.and_then(|s| s.strip_prefix(&format!("asl-sim:{op}:")).map(String::from))
        .map(Some)
        .ok_or_else(|| ApiError::new(ApiErrorKind::InvalidToken, "Invalid Token: 'Invalid token'"))
}

/// One page of `items` (already in the operation's order) after the position in `token`:
/// `key` names each item's position; returns the page and the next token, if more remain.
pub(crate) fn page<T>(
    op: &str,
    items: Vec<T>,
    key: impl Fn(&T) -> String,
    after: Option<String>,
    size: usize,
) -> (Vec<T>, Option<String>) {
    let mut it = items.into_iter().peekable();
    if let Some(a) = &after {
        // Skip through the item the last page ended with (items are in a stable order).
        let mut found = false;
        for x in it.by_ref() {
            if &key(&x) == a {
                found = true;
                break;
            }
        }
        if !found {
            return (Vec::new(), None);
        }
    }
    let page: Vec<T> = it.by_ref().take(size).collect();
    let next = match (it.peek(), page.last()) {
        (Some(_), Some(last)) => Some(token(op, &key(last))),
        _ => None,
    };
    (page, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_name_what_is_wrong() {
        assert_eq!(parse("nope", &["execution"]).unwrap_err().message, "Invalid Arn: 'Invalid ARN prefix: nope'");
        let express = "arn:aws:states:us-east-1:1:express:M:n:u";
        assert_eq!(
            parse(express, &["execution"]).unwrap_err().message,
            "Invalid Arn: 'Resource type not valid in this context: express'"
        );
        assert_eq!(parse("arn:aws:states:us-east-1:1:execution:M:n", &["execution"]).unwrap().rest, vec!["M", "n"]);
    }

    #[test]
    fn pages_follow_their_tokens() {
        let items: Vec<u32> = (0..5).collect();
        let (first, next) = page("Op", items.clone(), |x| x.to_string(), None, 2);
        assert_eq!(first, vec![0, 1]);
        let after = read_token("Op", next.as_deref()).unwrap();
        let (second, next) = page("Op", items.clone(), |x| x.to_string(), after, 2);
        assert_eq!(second, vec![2, 3]);
        let (last, next) = page("Op", items, |x| x.to_string(), read_token("Op", next.as_deref()).unwrap(), 2);
        assert_eq!((last, next), (vec![4], None));
        assert_eq!(read_token("Other", Some(&token("Op", "1"))).unwrap_err().kind, ApiErrorKind::InvalidToken);
        assert_eq!(read_token("Op", Some("%%%")).unwrap_err().message, "Invalid Token: 'Invalid token'");
    }
}
