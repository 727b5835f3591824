//! `ResultPath` writes: [`JsonPath::assign`] puts a value at a reference path.

use serde_json::{Map, Value};

use super::{JsonPath, Step};

impl JsonPath {
    /// Writes `value` at this reference path inside `root`, as `ResultPath` does: `$` replaces the
    /// root; missing objects on the way are created; an existing key keeps its position and a new
    /// one is appended. `Err` (nothing written) when the path is not a reference path, crosses a
    /// value that is not an object (for a name) or not an array (for an index), or names an index
    /// past the end of an array.
    pub fn assign(&self, root: &mut Value, value: Value) -> Result<(), String> {
        if !self.is_reference() {
            return Err(format!("'{}' is not a reference path", self.text));
        }
        let steps = &self.path.steps;
        self.check_assign(root)?;
        let mut current = root;
        for (i, step) in steps.iter().enumerate() {
            let last = i + 1 == steps.len();
            match step {
                Step::Name(name) => {
                    let Value::Object(map) = current else {
                        return Err(self.assign_error(i, "an object"));
                    };
                    if last {
                        map.insert(name.clone(), value);
                        return Ok(());
                    }
                    current = map.entry(name.clone()).or_insert_with(|| Value::Object(Map::new()));
                }
                Step::Index(index) => {
                    let Value::Array(items) = current else {
                        return Err(self.assign_error(i, "an array"));
                    };
                    let slot = usize::try_from(*index).ok().and_then(|k| items.get_mut(k));
                    let Some(slot) = slot else {
                        return Err(self.assign_error(i, "an existing index"));
                    };
                    if last {
                        *slot = value;
                        return Ok(());
                    }
                    current = slot;
                }
                _ => return Err(format!("'{}' is not a reference path", self.text)),
            }
        }
        *current = value;
        Ok(())
    }

    /// Checks, without writing, that [`JsonPath::assign`] can succeed, so a failure leaves `root` intact.
    fn check_assign(&self, root: &Value) -> Result<(), String> {
        let steps = &self.path.steps;
        let mut current = root;
        for (i, step) in steps.iter().enumerate() {
            let last = i + 1 == steps.len();
            match step {
                Step::Name(name) => {
                    let map = current.as_object().ok_or_else(|| self.assign_error(i, "an object"))?;
                    match map.get(name) {
                        Some(next) if !last => current = next,
                        Some(_) => return Ok(()),
                        // Everything below is created fresh, which only works for names.
                        None => {
                            return match steps[i + 1..].iter().position(|s| !matches!(s, Step::Name(_))) {
                                None => Ok(()),
                                Some(k) => Err(self.assign_error(i + 1 + k, "an array")),
                            }
                        }
                    }
                }
                Step::Index(index) => {
                    let items = current.as_array().ok_or_else(|| self.assign_error(i, "an array"))?;
                    let next = usize::try_from(*index).ok().and_then(|k| items.get(k));
                    current = next.ok_or_else(|| self.assign_error(i, "an existing index"))?;
                }
                _ => return Err(format!("'{}' is not a reference path", self.text)),
            }
        }
        Ok(())
    }

    fn assign_error(&self, step: usize, wanted: &str) -> String {
        format!("Unable to write at '{}': {} is not {wanted}", self.text, self.path.fragments('$', 0, step),)
    }
}
