//! The hash maps and sets gatelint indexes templates and definitions with: std's, hashed with
//! foldhash instead of SipHash (which was 6 % of the time on a large template). Seeded per
//! process like std's; nothing depends on their iteration order, since all output is sorted.

pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;
