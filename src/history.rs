//! History events in the shape of AWS's `GetExecutionHistory`: the single record of a run.

use std::sync::Arc;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{json, Value};

/// One history event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event's number in the history, counting from 1.
    pub id: u64,
    /// `previousEventId`: the id of the event this one follows from (0 for `ExecutionStarted`).
    pub previous_event_id: u64,
    /// Epoch milliseconds on the execution's clock.
    pub timestamp: i64,
    /// AWS's event type, such as `PassStateEntered`.
    pub kind: &'static str,
    /// The `*EventDetails` member, kept compact: [`Event::details`] builds AWS's object.
    pub(crate) body: Body,
}

/// An event's details, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// No `*EventDetails` member.
    None,
    /// `stateEnteredEventDetails` (`entered`) or `stateExitedEventDetails`: the state's name and
    /// the JSON text of its input or output. The most frequent events, so the cheapest to record:
    /// a state's exit and the next state's entry share one text.
    State {
        /// `true` for `stateEnteredEventDetails`, `false` for `stateExitedEventDetails`.
        entered: bool,
        /// The state's name (shared with the machine's model).
        name: Arc<str>,
        /// The state's input (entered) or output (exited), as JSON text.
        payload: SharedText,
    },
    /// `mapIteration*EventDetails`: the Map state's name and the iteration's index.
    Iteration {
        /// The member's key, such as `mapIterationStartedEventDetails`.
        key: &'static str,
        /// The Map state's name.
        name: Arc<str>,
        /// The iteration's index: its item's position in the Map state's items.
        index: usize,
    },
    /// Any other details: the member's key and body.
    Json(&'static str, Value),
}

impl From<Option<(&'static str, Value)>> for Body {
    fn from(d: Option<(&'static str, Value)>) -> Body {
        match d {
            Some((key, v)) => Body::Json(key, v),
            None => Body::None,
        }
    }
}

impl Event {
    /// The `*EventDetails` member: its key (such as `stateEnteredEventDetails`) and body.
    pub fn details(&self) -> Option<(&'static str, Value)> {
        match &self.body {
            Body::None => None,
            Body::State { entered: true, name, payload } => Some((
                "stateEnteredEventDetails",
                json!({"name": name, "input": &**payload, "inputDetails": not_truncated()}),
            )),
            Body::State { entered: false, name, payload } => Some((
                "stateExitedEventDetails",
                json!({"name": name, "output": &**payload, "outputDetails": not_truncated()}),
            )),
            Body::Iteration { key, name, index } => Some((key, json!({"name": name, "index": index}))),
            Body::Json(key, v) => Some((key, v.clone())),
        }
    }

    /// The details body, or `null`.
    pub fn details_body(&self) -> Value {
        self.details().map(|(_, v)| v).unwrap_or(Value::Null)
    }

    /// About how many bytes the event holds: its fixed size, the state name and the details' text.
    /// A shared payload (see [`Body::State`]) is counted by `shared == false` events only.
    pub fn bytes(&self, shared: bool) -> usize {
        let body = match &self.body {
            Body::None => 0,
            Body::State { name, payload, .. } => name.len() + if shared { 0 } else { payload.len() },
            Body::Iteration { name, .. } => name.len(),
            Body::Json(_, v) => value_bytes(v),
        };
        std::mem::size_of::<Event>() + body
    }
}

/// About how many bytes a JSON value holds: its strings and keys plus a few bytes a node.
pub fn value_bytes(v: &Value) -> usize {
    match v {
        // Most values measured are scalars (an intrinsic's arguments): no stack for them.
        Value::String(s) => return std::mem::size_of::<Value>().saturating_add(s.len()),
        Value::Array(_) | Value::Object(_) => {}
        _ => return std::mem::size_of::<Value>(),
    }
    // An explicit stack: details are shallow, but a value from a task may be deep.
    let mut todo = vec![v];
    let mut n = 0usize;
    while let Some(v) = todo.pop() {
        n = n.saturating_add(std::mem::size_of::<Value>());
        match v {
            Value::String(s) => n = n.saturating_add(s.len()),
            Value::Array(a) => todo.extend(a.iter()),
            Value::Object(o) => {
                for (k, x) in o {
                    n = n.saturating_add(k.len());
                    todo.push(x);
                }
            }
            _ => {}
        }
    }
    n
}

/// Times as AWS writes them (kept here under their old names for the crate's callers).
pub use crate::timefmt::{iso_context, iso_millis};

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("timestamp", &iso_millis(self.timestamp))?;
        m.serialize_entry("type", &self.kind)?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("previousEventId", &self.previous_event_id)?;
        if let Some((key, body)) = self.details() {
            m.serialize_entry(key, &body)?;
        }
        m.end()
    }
}

/// JSON text of a value, as AWS puts payloads into event details.
pub fn json_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_string())
}

/// A payload text as events hold it, shared (a state's exit and the next state's entry hold one)
/// and made without copying a large text once more: a state's output text can be 256 KiB.
#[derive(Debug, Clone, Default)]
pub struct SharedText(Shared);

#[derive(Debug, Clone, Default)]
enum Shared {
    /// No text (an event whose payload nobody reads): nothing allocated.
    #[default]
    Empty,
    /// Short texts, in one exact block (the writer's buffer goes back to the allocator at once).
    Short(Arc<str>),
    /// Long texts, in the buffer they were written in.
    Long(Arc<String>),
}

/// Texts from this length on are kept in the buffer they were written in.
const LONG_TEXT: usize = 4096;

impl From<String> for SharedText {
    fn from(mut text: String) -> SharedText {
        if text.is_empty() {
            SharedText(Shared::Empty)
        } else if text.len() < LONG_TEXT {
            SharedText(Shared::Short(text.into()))
        } else {
            // A buffer grown while writing may be up to twice the text; shrinking it in place does
            // not copy it.
            text.shrink_to_fit();
            SharedText(Shared::Long(Arc::new(text)))
        }
    }
}

impl std::ops::Deref for SharedText {
    type Target = str;
    fn deref(&self) -> &str {
        match &self.0 {
            Shared::Empty => "",
            Shared::Short(s) => s,
            Shared::Long(s) => s,
        }
    }
}

impl PartialEq for SharedText {
    fn eq(&self, other: &SharedText) -> bool {
        **self == **other
    }
}

/// `{"truncated": false}`.
pub fn not_truncated() -> Value {
    json!({"truncated": false})
}

/// Details of `*StateEntered`.
pub fn state_entered(name: &str, input: &Value) -> Body {
    Body::State { entered: true, name: name.into(), payload: json_text(input).into() }
}

/// Details of `*StateExited`.
pub fn state_exited(name: &str, output: &Value) -> Body {
    Body::State { entered: false, name: name.into(), payload: json_text(output).into() }
}

/// Event types whose details are `{error, cause}` under the given key, for failures.
pub fn failure_details(key: &'static str, error: &str, cause: &str) -> (&'static str, Value) {
    (key, json!({"error": error, "cause": cause}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_texts_read_back_as_written_whatever_their_length() {
        let long = format!("[{}1]", "1,".repeat(LONG_TEXT));
        for text in ["", "{}", "{\"a\":\"é\"}", long.as_str()] {
            let shared = SharedText::from(text.to_string());
            assert_eq!(&*shared, text);
            assert_eq!(shared.clone(), SharedText::from(text.to_string()));
        }
        assert!(matches!(SharedText::from(String::new()).0, Shared::Empty));
        assert!(matches!(SharedText::from(long.clone()).0, Shared::Long(_)));
        assert_eq!(SharedText::default(), SharedText::from(String::new()));
        assert_ne!(SharedText::from("1".to_string()), SharedText::from("2".to_string()));
    }
}
