//! Check items written as declared expectations over schema fields (see
//! `cspm_assets::schema` and [`crate::expect`]), one module per product group.

pub(crate) mod compute;
pub(crate) mod database;
pub(crate) mod network;
pub(crate) mod storage;
