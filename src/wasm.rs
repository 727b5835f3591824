//! JavaScript bindings (wasm32 only). Converts at the edges; the core knows nothing of JS.
