//! Maps keyed by the short ids of packs and cases (level ids, condition ids, categories, source
//! keys, JSON Pointers), in insertion order. Hashed with FxHash rather than std's SipHash: the keys
//! are a few bytes long and every estimate looks several of them up per visit, where SipHash's
//! setup was a tenth of the time; the maps are small and bounded (a pack object has at most 1,000
//! members), so collision-flooding is not a concern here.

pub type IdMap<K, V> = indexmap::IndexMap<K, V, rustc_hash::FxBuildHasher>;
