//! How deep and how aliased a tree may be: what every parser and the tree enforce.

/// Collections nested deeper than this are refused with a located error, counting the levels an
/// alias brings in as well (and an alias inside its own anchor is an error). Real gateway
/// definitions stay far below it; the cap keeps recursion in the views bounded.
pub const MAX_DEPTH: usize = 200;

/// How many alias dereferences one document may make before aliases resolve to nothing.
pub const ALIAS_BUDGET: u32 = 100_000;
