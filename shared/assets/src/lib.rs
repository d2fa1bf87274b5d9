//! The typed asset model every check item is written against, and the
//! adapters that fill it from what users have.
//!
//! Rules never read a source's raw shape: an adapter normalises the quirks of
//! its source (see [`openapi`]) into these types once. A value the source did
//! not provide stays `None` — a rule reports it as not checkable rather than
//! guessing.

pub mod iac;
pub mod joins;
pub mod load;
pub mod model;
pub mod openapi;
pub mod schema;

pub use model::*;
