//! Which share of a campaign one build makes (`--shard K/N`): each unit belongs to one shard by a
//! stable hash of its id, and the campaign-wide files (the site's other pages, the print and
//! screen kits, share cards) to the first. `fanzha merge` puts the shards back together.

use std::fmt;
use std::str::FromStr;

/// The share `index` (from 1) of `count`; `1/1` is the whole campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Default for Shard {
    fn default() -> Self {
        Shard::WHOLE
    }
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    pub fn is_whole(&self) -> bool {
        self.count == 1
    }

    /// Whether this shard makes the files that belong to no unit.
    pub fn owns_campaign(&self) -> bool {
        self.index == 1
    }

    /// Whether this shard makes the unit `id`'s page and materials.
    pub fn owns_unit(&self, id: &str) -> bool {
        self.count <= 1 || (stable_hash(id) % u64::from(self.count)) as u32 + 1 == self.index
    }

    /// Whether this shard makes the output file at `path`.
    pub fn owns_path(&self, path: &str) -> bool {
        match crate::artifact::paths::unit_of(path) {
            Some(id) => self.owns_unit(id),
            None => self.owns_campaign(),
        }
    }
}

/// FNV-1a over the id's bytes (also what cuts the cache's runs, [`crate::cache::runs`]): the same
/// on every machine, in every version of Rust (the standard library's hasher promises neither).
pub(crate) fn stable_hash(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("分片 `{s}` 无法识别；请写成 K/N，例如 2/4（共 4 片中的第 2 片）");
        let (k, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index == 0 || index > count {
            return Err(format!(
                "分片 `{s}` 超出范围：K 应在 1 到 N 之间，N 至少为 1"
            ));
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_has_exactly_one_shard_and_the_split_is_stable() {
        let ids: Vec<String> = (0..1000).map(|i| format!("unit-{i}")).collect();
        for count in 1..=5 {
            let mut sizes = vec![0; count as usize];
            for id in &ids {
                let owners: Vec<u32> = (1..=count)
                    .filter(|&index| Shard { index, count }.owns_unit(id))
                    .collect();
                assert_eq!(owners.len(), 1, "{id} in {count} shards");
                sizes[owners[0] as usize - 1] += 1;
            }
            // Roughly even: no shard gets less than half its share.
            assert!(
                sizes.iter().all(|&n| n * 2 * count as usize >= ids.len()),
                "{sizes:?}"
            );
        }
        // The hash is fixed: these must never change, or shards built by two versions mix.
        assert_eq!(stable_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn shards_parse_from_k_of_n() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(Shard { index: 2, count: 4 }.to_string(), "2/4");
        for bad in ["0/4", "5/4", "1/0", "2", "a/b", "-1/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
