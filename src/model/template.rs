//! Payload templates (`Parameters`, `ResultSelector`, `ItemSelector`, `Assign`): parsed once,
//! with each `.$` field's path or intrinsic call.

use serde_json::Value;

use super::{parse_path, Result};
use crate::intrinsics::Intrinsic;
use crate::jsonpath::JsonPath;

/// A payload template (`Parameters`, `ResultSelector`, `ItemSelector`, a Task's `Parameters`).
#[derive(Debug, Clone)]
pub enum Template {
    /// A value with no path or intrinsic in it.
    Literal(Value),
    /// An object with a dynamic field somewhere inside, in key order (`.$` stripped).
    Object(Vec<(String, Template)>),
    /// An array with a dynamic field somewhere inside.
    Array(Vec<Template>),
    /// `"key.$": "$.path"` (the path's `is_context` says which document it reads).
    Path(JsonPath),
    /// `"key.$": "States.Format(...)"`.
    Intrinsic(Box<Intrinsic>),
}

impl Template {
    /// Parses a payload template: keys ending in `.$` take a path or an intrinsic call.
    pub fn parse(v: &Value, at: &str) -> Result<Template> {
        match v {
            Value::Object(obj) => {
                let mut fields = Vec::with_capacity(obj.len());
                for (k, v) in obj {
                    if let Some(name) = k.strip_suffix(".$") {
                        let text = v
                            .as_str()
                            .ok_or_else(|| format!("The value for the field '{k}' must be a STRING at {at}"))?;
                        fields.push((name.to_string(), Template::dynamic(text, k, at)?));
                    } else {
                        fields.push((k.clone(), Template::parse(v, at)?));
                    }
                }
                if fields.iter().all(|(_, t)| matches!(t, Template::Literal(_))) {
                    return Ok(Template::Literal(v.clone()));
                }
                Ok(Template::Object(fields))
            }
            Value::Array(items) => {
                let items = items.iter().map(|i| Template::parse(i, at)).collect::<Result<Vec<_>>>()?;
                if items.iter().all(|t| matches!(t, Template::Literal(_))) {
                    return Ok(Template::Literal(v.clone()));
                }
                Ok(Template::Array(items))
            }
            other => Ok(Template::Literal(other.clone())),
        }
    }

    fn dynamic(text: &str, key: &str, at: &str) -> Result<Template> {
        if text.starts_with('$') {
            return Ok(Template::Path(parse_path(text).map_err(|_| invalid_dynamic(key, at))?));
        }
        let intrinsic = Intrinsic::parse(text).map_err(|_| invalid_dynamic(key, at))?;
        Ok(Template::Intrinsic(Box::new(intrinsic)))
    }

    /// True when evaluating this template may read the context object.
    pub fn uses_context(&self) -> bool {
        match self {
            Template::Literal(_) => false,
            Template::Object(f) => f.iter().any(|(_, t)| t.uses_context()),
            Template::Array(a) => a.iter().any(Template::uses_context),
            Template::Path(p) => p.is_context(),
            Template::Intrinsic(i) => i.uses_context(),
        }
    }
}

fn invalid_dynamic(key: &str, at: &str) -> String {
    format!("The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call at {at}")
}
