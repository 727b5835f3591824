//! AWS's request-parameter limits, with AWS's `ValidationException` texts: the service model's
//! `min` and `max` lengths (botocore `stepfunctions/2016-11-23/service-2.json`), which AWS checks
//! before anything else. A length is a Java string's: UTF-16 code units. A value the model marks
//! `sensitive` (definitions, payloads) is left out of the message, as AWS leaves it out.
//!
//! ```
//! use asl_sim::simulator::limits::{check_length, MAX_DEFINITION};
//! let e = check_length("definition", &"x".repeat(MAX_DEFINITION + 1), 1, MAX_DEFINITION, true).unwrap_err();
//! assert_eq!(e.message, "1 validation error detected: Value at 'definition' failed to satisfy constraint: \
//!     Member must have length less than or equal to 1048576");
//! ```

use super::ApiError;

/// The longest definition: 1,048,576 characters (the model's `Definition`, AWS's 1 MB quota).
pub const MAX_DEFINITION: usize = 1_048_576;

/// The longest payload (`input`, `output`, TestState's `variables` and `context`): 262,144
/// characters (`SensitiveData`, AWS's 256 KiB quota).
pub const MAX_DATA: usize = 262_144;

/// The longest state machine or execution name: 80 characters (the model's `Name`).
pub const MAX_NAME: usize = 80;

/// The longest error name of a failure: 256 characters (`SensitiveError`).
pub const MAX_ERROR: usize = 256;

/// The longest cause of a failure: 32,768 characters (`SensitiveCause`).
pub const MAX_CAUSE: usize = 32_768;

/// `ValidationException` when `value` (the request's `field`) is shorter than `min` or longer than
/// `max` characters.
pub fn check_length(field: &str, value: &str, min: usize, max: usize, sensitive: bool) -> Result<(), ApiError> {
    // Most values are short: count UTF-16 units only when the bytes could be too many or few.
    let n = if value.len() <= max && value.len() >= min * 4 { value.len() } else { value.encode_utf16().count() };
    let constraint = if n < min {
        format!("Member must have length greater than or equal to {min}")
    } else if n > max {
        format!("Member must have length less than or equal to {max}")
    } else {
        return Ok(());
    };
    let value = if sensitive { String::new() } else { format!(" '{value}'") };
    Err(ApiError::validation(format!(
        "1 validation error detected: Value{value} at '{field}' failed to satisfy constraint: {constraint}"
    )))
}

/// A state machine or execution name: 1 to 80 characters (`ValidationException`), then AWS's
/// naming rule (`InvalidName`, [`super::check_name`]).
pub fn check_name_request(name: &str) -> Result<(), ApiError> {
    check_length("name", name, 1, MAX_NAME, false)?;
    super::check_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulator::ApiErrorKind;

    #[test]
    fn lengths_are_java_lengths_and_sensitive_values_stay_out() {
        assert!(check_length("input", &"é".repeat(MAX_DATA), 0, MAX_DATA, true).is_ok());
        let e = check_length("input", &"😀".repeat(MAX_DATA / 2 + 1), 0, MAX_DATA, true).unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::ValidationException);
        assert_eq!(
            e.message,
            "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less \
             than or equal to 262144"
        );
        let e = check_name_request(&"n".repeat(81)).unwrap_err();
        assert_eq!(
            e.message,
            format!(
                "1 validation error detected: Value '{}' at 'name' failed to satisfy constraint: Member must have \
                 length less than or equal to 80",
                "n".repeat(81)
            )
        );
        let e = check_name_request("").unwrap_err();
        assert_eq!(
            e.message,
            "1 validation error detected: Value '' at 'name' failed to satisfy constraint: Member must have length \
             greater than or equal to 1"
        );
        assert_eq!(check_name_request("a b").unwrap_err().kind, ApiErrorKind::InvalidName);
        assert!(check_name_request(&"n".repeat(80)).is_ok());
    }
}
