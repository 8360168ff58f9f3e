//! Official documents (placeholder; being written).
