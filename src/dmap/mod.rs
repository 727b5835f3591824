//! Distributed Map: the parts a Distributed Map state has beyond an inline Map, as pure
//! functions the executor and the simulator share.
//!
//! [`spec`] parses `ItemReader`, `ItemBatcher` and `ResultWriter` (and refuses what is not
//! modelled, naming the field); [`fetch`] is what the account's S3 store answers to a reader or a
//! writer; [`reader`] decodes the fetched objects into items ([`csv`] for delimited text);
//! [`batch`] groups items for `ItemBatcher`; [`writer`] builds the Map Run's result files.

pub mod batch;
pub mod csv;
pub mod fetch;
pub mod reader;
pub mod spec;
pub mod writer;

pub use fetch::ReadKind;
pub use spec::{BatcherSpec, Count, Format, Payload, ReaderSpec, Spec, Transformation, WriterSpec};
pub use writer::ChildRecord;

impl ReaderSpec {
    /// What the store is asked for.
    pub fn read_kind(&self) -> ReadKind {
        match self.format {
            Format::Listing => ReadKind::Listing,
            Format::Manifest => ReadKind::Manifest,
            Format::Flatten(_) => ReadKind::ListedObjects,
            Format::Athena(_) => ReadKind::AthenaManifest,
            _ => ReadKind::Object,
        }
    }
}
