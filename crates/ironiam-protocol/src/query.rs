//! AWS Query protocol decoding (in progress).
