//! Sanctions screening for unmask: read sanctions lists, index them, and answer "is this
//! name, document number or wallet on a list?" with a score and an explanation.
//!
//! Three roles, one folder each:
//! - **sources** (`sources/`): pure parsers for OFAC legacy CSV and SDN XML, the UN
//!   consolidated list, the EU financial sanctions XML, FollowTheMoney JSON lines and plain
//!   crypto-address lists, plus [`sniff`] to detect a file's format. Bytes in,
//!   [`ParseOutput`] (normalized [`ListEntity`] values and quarantined records) out.
//! - **normalization** (`text`, `hangul`, `korean`, `names`, `data`): folds any script to
//!   ASCII, romanizes Hangul both ways, and reads Korean names as family name + given
//!   syllables so McCune-Reischauer, Revised Romanization and DPRK spellings agree.
//! - **matching** (`index`, `score`): [`ScreeningIndex`] with an inverted index over
//!   name keys and exact maps for identifiers and crypto addresses; [`ScreeningIndex::search`]
//!   returns [`Match`]es scored in [0, 1] with one [`Feature`] line per reason.
//! - **interchange** (`props`, `yente`): list entities as FollowTheMoney-style properties
//!   (how unmask's store keeps them) and yente's `/match` and `/search` shapes.
//!
//! ```
//! use unmask_screen::{ListEntity, NameStrength, Options, Query, Schema, ScreeningIndex};
//! let mut kim = ListEntity::new("us_ofac_sdn", "20157", Schema::Person);
//! kim.add_name("KIM, Jong Un", NameStrength::Primary);
//! let index = ScreeningIndex::build(vec![kim]);
//! let hits = index.search(&Query::name("Gim Jeong-eun"), &Options::default()).unwrap();
//! assert_eq!(index.entity(hits[0].entity).id, "20157");
//! ```

#![warn(missing_docs)]

pub mod countries;
pub mod crypto;
pub mod data;
mod entity;
mod error;
pub mod hangul;
mod index;
pub mod korean;
mod names;
pub mod props;
mod query;
mod score;
pub mod sources;
pub mod text;
pub mod yente;

pub use entity::{
    BirthDate, CryptoAddress, DateAgreement, EntityName, Gender, Identifier, ListEntity,
    NameStrength, ParseOutput, Quarantined, Schema,
};
pub use error::{Result, ScreenError};
pub use index::{EntityId, IndexStats, Match, ScreeningIndex};
pub use query::{normalize_identifier, Options, Query, DEFAULT_THRESHOLD, MAX_NAME_BYTES};
pub use score::Feature;
pub use sources::{sniff, ListFormat};
