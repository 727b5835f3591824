//! `regex` as `regex-lite`: the API jsonata-core uses (`Regex`, `RegexBuilder`, `Captures`,
//! `escape`), without Unicode classes. Like JavaScript's regular expressions without the `u` flag,
//! which JSONata's regexes are, `\w`, `\d` and `\b` are ASCII.
#![forbid(unsafe_code)]

pub use regex_lite::*;
