//! The parsed `ItemReader`, `ItemBatcher` and `ResultWriter` of a Distributed Map state, in
//! either query language, and the refusals of what the simulator does not model (each names its
//! field, so a machine is never run as if the field were absent).

use serde_json::{Map, Value};

use crate::jsonata::Template as JTemplate;
use crate::jsonpath::JsonPath;
use crate::model::{parse_path, QueryLanguage, Template};

type Result<T> = std::result::Result<T, String>;

/// A payload: `Parameters` (JSONPath) or `Arguments` (JSONata).
#[derive(Debug, Clone)]
pub enum Payload {
    /// A JSONPath payload template.
    Path(Template),
    /// A JSONata template.
    Jsonata(JTemplate),
}

/// A count given literally, by a path (`...Path`) or by a JSONata expression.
#[derive(Debug, Clone)]
pub enum Count {
    /// The number itself.
    Literal(f64),
    /// `...Path`: where to read it in the effective input.
    Path(JsonPath),
    /// A JSONata field (`"{% ... %}"`).
    Jsonata(JTemplate),
}

/// What the reader reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// `InputType: JSON`: a JSON array (or the array at `ItemsPointer`).
    Json,
    /// `InputType: JSONL`: one JSON value a line.
    Jsonl,
    /// `InputType: CSV`.
    Csv {
        /// `CSVHeaders` when `CSVHeaderLocation` is `GIVEN`; `None` for `FIRST_ROW`.
        headers: Option<Vec<String>>,
        /// `CSVDelimiter`.
        delimiter: char,
    },
    /// `InputType: MANIFEST`: an S3 inventory `manifest.json` and its CSV data files.
    Manifest,
    /// `Resource: ...:s3:listObjectsV2`: the objects under `Prefix`.
    Listing,
    /// `s3:listObjectsV2` with `Transformation: LOAD_AND_FLATTEN`: the items of every object under
    /// `Prefix`, each read as this format (JSON, JSONL or CSV), in key order.
    Flatten(Box<Format>),
    /// `s3:getObject` of an Athena `UNLOAD` manifest (`ManifestType: ATHENA_DATA`): the items of
    /// every data file it lists, each read as this format (JSONL or CSV).
    Athena(Box<Format>),
}

impl Format {
    /// The format each object is read as: this one, or the one a listing or a manifest loads.
    pub fn data(&self) -> &Format {
        match self {
            Format::Flatten(f) | Format::Athena(f) => f,
            f => f,
        }
    }
}

/// `ItemReader`.
#[derive(Debug, Clone)]
pub struct ReaderSpec {
    /// `Resource`, as given.
    pub resource: String,
    /// What it reads and how.
    pub format: Format,
    /// `Parameters` / `Arguments`: `Bucket`, `Key` or `Prefix`.
    pub payload: Option<Payload>,
    /// `ReaderConfig.MaxItems` / `MaxItemsPath`.
    pub max_items: Option<Count>,
    /// `ReaderConfig.ItemsPointer`: a JSON Pointer to the array inside a JSON object.
    pub items_pointer: Option<String>,
}

/// `ItemBatcher`.
#[derive(Debug, Clone)]
pub struct BatcherSpec {
    /// `MaxItemsPerBatch` / `MaxItemsPerBatchPath`.
    pub max_items: Option<Count>,
    /// `MaxInputBytesPerBatch` / `MaxInputBytesPerBatchPath`.
    pub max_bytes: Option<Count>,
    /// `BatchInput`.
    pub batch_input: Option<Payload>,
}

/// `WriterConfig.Transformation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transformation {
    /// Each child execution's metadata with its input and output.
    None,
    /// Each child execution's output.
    Compact,
    /// The outputs, with arrays flattened into the list.
    Flatten,
}

/// `ResultWriter`.
#[derive(Debug, Clone)]
pub struct WriterSpec {
    /// `Parameters` / `Arguments` (`Bucket`, `Prefix`), when it exports to S3.
    pub payload: Option<Payload>,
    /// `WriterConfig.Transformation` (default: `NONE` when exporting, `COMPACT` otherwise).
    pub transformation: Transformation,
    /// `WriterConfig.OutputType` is `JSONL`.
    pub jsonl: bool,
}

/// A Map state's Distributed Map parts.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    /// `ItemReader`.
    pub reader: Option<ReaderSpec>,
    /// `ItemBatcher`.
    pub batcher: Option<BatcherSpec>,
    /// `ResultWriter`.
    pub writer: Option<WriterSpec>,
}

fn obj<'a>(v: &'a Value, key: &str, at: &str) -> Result<&'a Map<String, Value>> {
    v.as_object().ok_or_else(|| format!("{key} must be an object at {at}"))
}

fn payload(o: &Map<String, Value>, at: &str, lang: QueryLanguage) -> Result<Option<Payload>> {
    match lang {
        QueryLanguage::JsonPath => {
            o.get("Parameters").map(|p| Template::parse(p, &format!("{at}/Parameters")).map(Payload::Path)).transpose()
        }
        QueryLanguage::Jsonata => o
            .get("Arguments")
            .map(|p| JTemplate::parse(p).map(Payload::Jsonata).map_err(|e| format!("{e} at {at}/Arguments")))
            .transpose(),
    }
}

fn count(o: &Map<String, Value>, key: &str, at: &str, lang: QueryLanguage) -> Result<Option<Count>> {
    if let Some(v) = o.get(key) {
        if let Some(n) = v.as_f64() {
            return Ok(Some(Count::Literal(n)));
        }
        if lang == QueryLanguage::Jsonata {
            return JTemplate::parse(v).map(|t| Some(Count::Jsonata(t))).map_err(|e| format!("{e} at {at}/{key}"));
        }
        return Err(format!("{key} must be a number at {at}"));
    }
    match o.get(&format!("{key}Path")) {
        None => Ok(None),
        Some(Value::String(p)) => {
            parse_path(p).map(|p| Some(Count::Path(p))).map_err(|e| format!("invalid JSONPath '{p}' at {at}: {e}"))
        }
        Some(_) => Err(format!("{key}Path must be a string at {at}")),
    }
}

fn unsupported(field: &str, what: &str, at: &str) -> String {
    format!("{field} {what} is not supported by the simulator at {at}")
}

/// Loads the Distributed Map parts of a Map state; `distributed` is its `ProcessorConfig.Mode`.
pub fn load(s: &Map<String, Value>, at: &str, lang: QueryLanguage, distributed: bool) -> Result<Spec> {
    let mut spec = Spec::default();
    for key in ["ItemReader", "ItemBatcher", "ResultWriter"] {
        if s.contains_key(key) && !distributed {
            return Err(format!(
                "{key} is only supported in a Distributed Map (ProcessorConfig.Mode DISTRIBUTED) at {at}"
            ));
        }
    }
    if let Some(r) = s.get("ItemReader") {
        spec.reader = Some(load_reader(r, &format!("{at}/ItemReader"), lang)?);
    }
    if let Some(b) = s.get("ItemBatcher") {
        let bat = format!("{at}/ItemBatcher");
        let o = obj(b, "ItemBatcher", &bat)?;
        let batch_input = match lang {
            QueryLanguage::JsonPath => o
                .get("BatchInput")
                .map(|p| Template::parse(p, &format!("{bat}/BatchInput")).map(Payload::Path))
                .transpose()?,
            QueryLanguage::Jsonata => o
                .get("BatchInput")
                .map(|p| JTemplate::parse(p).map(Payload::Jsonata).map_err(|e| format!("{e} at {bat}/BatchInput")))
                .transpose()?,
        };
        spec.batcher = Some(BatcherSpec {
            max_items: count(o, "MaxItemsPerBatch", &bat, lang)?,
            max_bytes: count(o, "MaxInputBytesPerBatch", &bat, lang)?,
            batch_input,
        });
    }
    if let Some(w) = s.get("ResultWriter") {
        let wat = format!("{at}/ResultWriter");
        let o = obj(w, "ResultWriter", &wat)?;
        let payload = if o.contains_key("Resource") { payload(o, &wat, lang)? } else { None };
        let cfg = o.get("WriterConfig").and_then(Value::as_object);
        let field = |k: &str| cfg.and_then(|c| c.get(k)).and_then(Value::as_str);
        let transformation = match field("Transformation") {
            Some("NONE") => Transformation::None,
            Some("FLATTEN") => Transformation::Flatten,
            Some("COMPACT") => Transformation::Compact,
            Some(other) => return Err(unsupported("WriterConfig.Transformation", other, &wat)),
            None if payload.is_some() => Transformation::None,
            None => Transformation::Compact,
        };
        spec.writer = Some(WriterSpec { payload, transformation, jsonl: field("OutputType") == Some("JSONL") });
    }
    Ok(spec)
}

/// The format of one object of `InputType` `t`: JSON, JSONL, or CSV with its header and delimiter.
fn data_format(t: &str, cfg: &Map<String, Value>, cat: &str) -> Result<Format> {
    let text = |k: &str| cfg.get(k).and_then(Value::as_str);
    Ok(match t {
        "JSON" => Format::Json,
        "JSONL" => Format::Jsonl,
        "CSV" => {
            let headers = match text("CSVHeaderLocation") {
                Some("GIVEN") => Some(
                    cfg.get("CSVHeaders")
                        .and_then(Value::as_array)
                        .ok_or_else(|| format!("CSVHeaders is required at {cat}"))?
                        .iter()
                        .map(|h| {
                            h.as_str()
                                .map(str::to_string)
                                .ok_or_else(|| format!("CSVHeaders must hold strings at {cat}"))
                        })
                        .collect::<Result<Vec<_>>>()?,
                ),
                _ => None,
            };
            let delimiter = match text("CSVDelimiter") {
                None | Some("COMMA") => ',',
                Some("PIPE") => '|',
                Some("SEMICOLON") => ';',
                Some("SPACE") => ' ',
                Some("TAB") => '\t',
                Some(other) => return Err(unsupported("ReaderConfig.CSVDelimiter", other, cat)),
            };
            Format::Csv { headers, delimiter }
        }
        other => return Err(unsupported("ReaderConfig.InputType", other, cat)),
    })
}

fn load_reader(r: &Value, at: &str, lang: QueryLanguage) -> Result<ReaderSpec> {
    let o = obj(r, "ItemReader", at)?;
    let resource = o.get("Resource").and_then(Value::as_str).ok_or_else(|| format!("Resource is required at {at}"))?;
    let action = resource.rsplit(':').next().unwrap_or("");
    let empty = Map::new();
    let cfg = match o.get("ReaderConfig") {
        Some(c) => obj(c, "ReaderConfig", at)?,
        None => &empty,
    };
    let cat = format!("{at}/ReaderConfig");
    let text = |k: &str| cfg.get(k).and_then(Value::as_str);
    for k in cfg.keys() {
        if !matches!(
            k.as_str(),
            "InputType"
                | "CSVHeaderLocation"
                | "CSVHeaders"
                | "CSVDelimiter"
                | "MaxItems"
                | "MaxItemsPath"
                | "ItemsPointer"
                | "ManifestType"
                | "Transformation"
        ) {
            return Err(format!("ReaderConfig.{k} is not supported by the simulator at {cat}"));
        }
    }
    let input = text("InputType");
    let load = match text("Transformation") {
        None | Some("NONE") => false,
        Some("LOAD_AND_FLATTEN") => true,
        Some(other) => return Err(unsupported("ReaderConfig.Transformation", other, &cat)),
    };
    let format = match (action, input, text("ManifestType")) {
        ("listObjectsV2", None, None) if !load => Format::Listing,
        ("listObjectsV2", None, None) => {
            return Err(format!("ReaderConfig.InputType is required with Transformation LOAD_AND_FLATTEN at {cat}"))
        }
        ("listObjectsV2", Some(t), None) if load => Format::Flatten(Box::new(data_format(t, cfg, &cat)?)),
        ("getObject", Some("MANIFEST"), None | Some("S3_INVENTORY")) | ("getObject", None, Some("S3_INVENTORY"))
            if !load =>
        {
            Format::Manifest
        }
        ("getObject", Some(t @ ("CSV" | "JSONL")), Some("ATHENA_DATA")) if !load => {
            Format::Athena(Box::new(data_format(t, cfg, &cat)?))
        }
        ("getObject", Some(t), None) if !load => data_format(t, cfg, &cat)?,
        ("getObject", None, None) => {
            return Err(format!("ReaderConfig.InputType is required with s3:getObject at {cat}"))
        }
        (_, _, Some(m)) => {
            return Err(unsupported(
                "ReaderConfig.ManifestType",
                &format!("{m} with InputType {}", input.unwrap_or("(none)")),
                &cat,
            ))
        }
        ("getObject", _, None) => {
            return Err(unsupported("ReaderConfig.Transformation", "LOAD_AND_FLATTEN with s3:getObject", &cat))
        }
        (_, Some(t), None) => return Err(unsupported("ReaderConfig.InputType", &format!("{t} with {resource}"), &cat)),
        _ => return Err(unsupported("ItemReader.Resource", resource, at)),
    };
    if cfg.contains_key("ItemsPointer") && *format.data() != Format::Json {
        return Err(unsupported("ReaderConfig.ItemsPointer", "outside InputType JSON", &cat));
    }
    Ok(ReaderSpec {
        resource: resource.to_string(),
        format,
        payload: payload(o, at, lang)?,
        max_items: count(cfg, "MaxItems", &cat, lang)?,
        items_pointer: text("ItemsPointer").map(str::to_string),
    })
}
