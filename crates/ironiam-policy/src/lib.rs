//! ironiam policy engine
