//! Map parts: `ProcessorConfig`, `ItemReader`, `ItemBatcher`, `ResultWriter` and the `Label` check.

use serde_json::Value;

use super::resources::s3_resource_is;
use super::wording::{at, field_list, python_unicode_escape, type_name};
use super::{Lang, MachineType, Validator};

/// What is wrong with a Map `Label`, in the words of AWS's label check.
pub(super) fn label_problem(label: &str) -> Option<String> {
    if label.is_empty() {
        return Some("Label cannot be empty".into());
    }
    if label.chars().count() > 40 {
        return Some("Label cannot exceed 40 characters".into());
    }
    let forbidden =
        " ?*<>{}[]:;,\\|^~$#%&`\"".chars().chain((0x00u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32));
    for c in forbidden {
        if label.contains(c) {
            return Some(format!("Label contains invalid character: '{}'", python_unicode_escape(c)));
        }
    }
    None
}

impl Validator {
    pub(super) fn processor_config(&mut self, value: &Value, loc: &str) {
        let Value::Object(cfg) = value else {
            return self.error(loc, type_name("OBJECT"));
        };
        for field in cfg.keys() {
            if field != "Mode" && field != "ExecutionType" {
                self.error(loc, format!("Field '{field}' is not supported"));
            }
        }
        let distributed = cfg.get("Mode").and_then(Value::as_str) == Some("DISTRIBUTED");
        if distributed && !cfg.contains_key("ExecutionType") {
            self.error(loc, "These fields are required: [ExecutionType]");
        }
        if !distributed && cfg.contains_key("ExecutionType") {
            self.error(loc, "Field 'ExecutionType' is not supported");
        }
        for (field, v) in cfg {
            let floc = at(loc, field);
            match field.as_str() {
                "Mode" => match v {
                    Value::String(s) if s == "INLINE" => {}
                    Value::String(s) if s == "DISTRIBUTED" => {
                        if self.machine_type == MachineType::Express {
                            self.error(&floc, "The field 'Mode' with value 'DISTRIBUTED' is not supported inside 'EXPRESS' state machines");
                        }
                    }
                    Value::String(_) => {
                        self.error(&floc, "Value should be one of the following: [INLINE, DISTRIBUTED]")
                    }
                    _ => self.error(&floc, type_name("STRING")),
                },
                "ExecutionType" => self.enum_value(v, &floc, &["STANDARD", "EXPRESS"]),
                _ => {}
            }
        }
    }

    pub(super) fn item_reader(&mut self, v: &Value, loc: &str, lang: Lang) {
        let Value::Object(r) = v else {
            return self.error(loc, type_name("OBJECT"));
        };
        if !r.contains_key("Resource") {
            self.error(loc, "These fields are required: [Resource]");
        }
        for k in r.keys() {
            if !matches!(k.as_str(), "Resource" | "ReaderConfig" | "Parameters" | "Arguments") {
                self.error(loc, format!("Field '{k}' is not supported"));
            } else {
                self.language_field(loc, k, lang);
            }
        }
        for (k, val) in r {
            let floc = at(loc, k);
            match k.as_str() {
                "Resource" => match val {
                    Value::String(s) if s3_resource_is(s, &["getObject", "listObjectsV2"]) => {}
                    Value::String(_) => {
                        self.error(&floc, "The field 'Resource' does not match any of the allowed values")
                    }
                    _ => self.error(&floc, type_name("STRING")),
                },
                "Parameters" => self.template(val, &floc, 0),
                "ReaderConfig" => self.reader_config(val, &floc, lang),
                _ => {}
            }
        }
    }

    fn reader_config(&mut self, v: &Value, loc: &str, lang: Lang) {
        let Value::Object(c) = v else {
            return self.error(loc, type_name("OBJECT"));
        };
        const FIELDS: &[&str] = &[
            "InputType",
            "CSVHeaderLocation",
            "CSVHeaders",
            "CSVDelimiter",
            "MaxItems",
            "MaxItemsPath",
            "ManifestType",
            "ItemsPointer",
            "Transformation",
        ];
        self.unsupported_fields(c, loc, FIELDS);
        let input_type = c.get("InputType").and_then(Value::as_str);
        if input_type == Some("CSV") && !c.contains_key("CSVHeaderLocation") {
            self.error(loc, "These fields are required: [CSVHeaderLocation]");
        }
        // "When set to LOAD_AND_FLATTEN, you must also set InputType" (the ItemReader page).
        if c.get("Transformation").and_then(Value::as_str) == Some("LOAD_AND_FLATTEN") && input_type.is_none() {
            self.error(loc, "These fields are required: [InputType]");
        }
        if c.get("CSVHeaderLocation").and_then(Value::as_str) == Some("GIVEN") && !c.contains_key("CSVHeaders") {
            self.error(loc, "These fields are required: [CSVHeaders]");
        }
        if c.contains_key("MaxItems") && c.contains_key("MaxItemsPath") {
            self.error(
                at(loc, "MaxItems"),
                format!(
                    "There should only be one of the following fields: {}",
                    field_list(&["MaxItems", "MaxItemsPath"])
                ),
            );
        }
        for (k, val) in c {
            let floc = at(loc, k);
            match k.as_str() {
                "InputType" => self.enum_value(val, &floc, &["CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"]),
                "CSVHeaderLocation" => self.enum_value(val, &floc, &["FIRST_ROW", "GIVEN"]),
                "Transformation" => self.enum_value(val, &floc, &["NONE", "LOAD_AND_FLATTEN"]),
                "ManifestType" => self.enum_value(val, &floc, &["ATHENA_DATA", "S3_INVENTORY"]),
                "CSVDelimiter" => self.enum_value(val, &floc, &["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"]),
                "CSVHeaders" => match val {
                    Value::Array(h) if h.iter().all(Value::is_string) => {}
                    _ => self.error(&floc, type_name("ARRAY")),
                },
                "MaxItems" => self.integer_in(val, &floc, 0, i64::MAX, lang == Lang::Jsonata),
                "MaxItemsPath" => self.path_field(val, &floc, false),
                _ => {}
            }
        }
    }

    pub(super) fn item_batcher(&mut self, v: &Value, loc: &str, lang: Lang) {
        let Value::Object(b) = v else {
            return self.error(loc, type_name("OBJECT"));
        };
        const FIELDS: &[&str] = &[
            "MaxItemsPerBatch",
            "MaxItemsPerBatchPath",
            "MaxInputBytesPerBatch",
            "MaxInputBytesPerBatchPath",
            "BatchInput",
        ];
        self.unsupported_fields(b, loc, FIELDS);
        for (a, p) in
            [("MaxItemsPerBatch", "MaxItemsPerBatchPath"), ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath")]
        {
            if b.contains_key(a) && b.contains_key(p) {
                self.error(
                    at(loc, a),
                    format!("There should only be one of the following fields: {}", field_list(&[a, p])),
                );
            }
        }
        for (k, val) in b {
            let floc = at(loc, k);
            match k.as_str() {
                "MaxItemsPerBatch" | "MaxInputBytesPerBatch" => {
                    self.integer_in(val, &floc, 0, i64::MAX, lang == Lang::Jsonata)
                }
                "MaxItemsPerBatchPath" | "MaxInputBytesPerBatchPath" => self.path_field(val, &floc, false),
                "BatchInput" => self.template(val, &floc, 0),
                _ => {}
            }
        }
    }

    pub(super) fn result_writer(&mut self, v: &Value, loc: &str, lang: Lang) {
        let Value::Object(w) = v else {
            return self.error(loc, type_name("OBJECT"));
        };
        let payload = if lang == Lang::Jsonata { "Arguments" } else { "Parameters" };
        if !w.contains_key("Resource") && !w.contains_key("WriterConfig") {
            self.error(loc, "These fields are required: [Resource]");
        }
        if w.contains_key("Resource") && !w.contains_key(payload) {
            self.error(loc, format!("These fields are required: [{payload}]"));
        }
        for k in w.keys() {
            if !matches!(k.as_str(), "Resource" | "Parameters" | "Arguments" | "WriterConfig") {
                self.error(loc, format!("Field '{k}' is not supported"));
            } else if (k == "Parameters" && lang == Lang::Jsonata) || (k == "Arguments" && lang == Lang::JsonPath) {
                self.language_field(&at(loc, k), k, lang);
            }
        }
        for (k, val) in w {
            let floc = at(loc, k);
            match k.as_str() {
                "Resource" => match val {
                    Value::String(s) if s3_resource_is(s, &["putObject"]) => {}
                    Value::String(_) => {
                        self.error(&floc, "The field 'Resource' does not match any of the allowed values")
                    }
                    _ => self.error(&floc, type_name("STRING")),
                },
                "Parameters" if lang == Lang::JsonPath => {
                    if let Value::Object(p) = val {
                        for (pk, pv) in p {
                            if (pk == "Bucket" || pk == "Prefix") && !pv.is_string() {
                                self.error(at(&floc, pk), type_name("STRING"));
                            }
                        }
                    }
                    self.template(val, &floc, 0);
                }
                "WriterConfig" => {
                    let Value::Object(c) = val else {
                        self.error(&floc, type_name("OBJECT"));
                        continue;
                    };
                    let missing: Vec<&str> =
                        ["Transformation", "OutputType"].into_iter().filter(|f| !c.contains_key(*f)).collect();
                    if !missing.is_empty() {
                        self.error(&floc, format!("These fields are required: {}", field_list(&missing)));
                    } else if !c.values().all(Value::is_string) {
                        self.error(&floc, type_name("STRING"));
                    } else {
                        for (ck, cv) in c {
                            match ck.as_str() {
                                "Transformation" => {
                                    self.enum_value(cv, &at(&floc, ck), &["NONE", "COMPACT", "FLATTEN"])
                                }
                                "OutputType" => self.enum_value(cv, &at(&floc, ck), &["JSON", "JSONL"]),
                                _ => self.error(&floc, format!("Field '{ck}' is not supported")),
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
