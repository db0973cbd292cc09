//! Query-protocol XML responses (in progress).
