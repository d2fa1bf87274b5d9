//! Support for the fleet-level tests under `tests/`.
