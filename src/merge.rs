//! Sharded builds put back together: each `build --shard K/N` leaves a record of its share
//! (`.fanzha-shard.json`: which share, of which campaign, and the artifacts it made), and
//! `merge` checks that the shards are all there and belong together, copies their files into one
//! folder and makes what needs the whole — the manifests and the search index — exactly as one
//! unsharded build makes them, so the merged folder is byte for byte that build's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::artifact::Artifacts;
use crate::diag::{Diagnostic, display_path};
use crate::output::{OWNERSHIP_FILE, OutFile};
use crate::shard::Shard;

/// The record a shard leaves in its output folder; never part of a merged or unsharded build.
pub const SHARD_FILE: &str = ".fanzha-shard.json";

#[derive(Serialize, Deserialize)]
struct ShardRecord {
    /// fanzha's version: shards of two versions may split the units differently.
    version: String,
    /// `K/N`.
    shard: String,
    /// Every unit of the table, in order: shards of different tables do not belong together.
    units: Vec<String>,
    artifacts: Artifacts,
}

/// The record of this build's `shard`, with what it made.
pub fn shard_record(shard: Shard, units: &crate::units::Units, artifacts: &Artifacts) -> OutFile {
    let record = ShardRecord {
        version: env!("CARGO_PKG_VERSION").to_string(),
        shard: shard.to_string(),
        units: units.list.iter().map(|u| u.id.clone()).collect(),
        artifacts: artifacts.clone(),
    };
    let mut json = serde_json::to_string_pretty(&record).expect("shard record serializes");
    json.push('\n');
    OutFile::bytes(SHARD_FILE, json)
}

/// The shards' files together, and their artifacts in one build's order.
pub struct Merged {
    pub files: Vec<OutFile>,
    pub artifacts: Artifacts,
    pub shards: u32,
    pub units: usize,
}

/// Reads the shard folders `dirs` (in any order): every problem is reported together.
pub fn gather(dirs: &[PathBuf]) -> Result<Merged, Vec<Diagnostic>> {
    let records = read_records(dirs)?;
    check_complete(&records)?;
    let mut artifacts = Artifacts::default();
    let mut files: BTreeMap<String, OutFile> = BTreeMap::new();
    let mut errors = Vec::new();
    for (dir, record) in &records {
        artifacts.absorb(record.artifacts.clone());
        for f in shard_files(dir).map_err(|d| vec![d])? {
            if let Some(first) = files.get(&f.path) {
                errors.push(Diagnostic::error(
                    dir.join(&f.path),
                    format!("两个分片都有这个文件（另一个在 {}）", origin(first)),
                ));
                continue;
            }
            files.insert(f.path.clone(), f);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    artifacts.canonical();
    Ok(Merged {
        files: files.into_values().collect(),
        artifacts,
        shards: records.len() as u32,
        units: records.first().map_or(0, |(_, r)| r.units.len()),
    })
}

fn origin(f: &OutFile) -> String {
    match &f.content {
        crate::output::Content::Copy(p) => display_path(p),
        crate::output::Content::Bytes(_) => f.path.clone(),
    }
}

fn read_records(dirs: &[PathBuf]) -> Result<Vec<(PathBuf, ShardRecord)>, Vec<Diagnostic>> {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for dir in dirs {
        let path = dir.join(SHARD_FILE);
        let read = std::fs::read(&path)
            .map_err(|e| {
                format!("读不到分片记录（{e}）；这个文件夹应是 fanzha build --shard K/N 的输出")
            })
            .and_then(|b| {
                serde_json::from_slice::<ShardRecord>(&b)
                    .map_err(|e| format!("分片记录已损坏（{e}）；请重新构建这个分片"))
            });
        match read {
            Ok(r) => records.push((dir.clone(), r)),
            Err(m) => errors.push(Diagnostic::error(&path, m)),
        }
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

/// Every share of one N, each once, from one fanzha version and one units table.
fn check_complete(records: &[(PathBuf, ShardRecord)]) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let Some((first_dir, first)) = records.first() else {
        return Err(vec![Diagnostic::error("merge", "没有给出分片文件夹")]);
    };
    let mut seen: BTreeMap<u32, &Path> = BTreeMap::new();
    let mut count = None;
    for (dir, r) in records {
        let here = dir.join(SHARD_FILE);
        let shard: Shard = match r.shard.parse() {
            Ok(s) => s,
            Err(m) => {
                errors.push(Diagnostic::error(&here, m));
                continue;
            }
        };
        if *count.get_or_insert(shard.count) != shard.count {
            errors.push(Diagnostic::error(
                &here,
                format!("这是 {shard}，与其他分片的总数不同"),
            ));
        }
        if let Some(other) = seen.insert(shard.index, dir) {
            errors.push(Diagnostic::error(
                &here,
                format!("分片 {shard} 给了两次（另一个在 {}）", display_path(other)),
            ));
        }
        let same = |what: &str| {
            format!(
                "{what}与 {} 的不同；各分片须用同一版本的 fanzha、从同一份内容构建",
                display_path(first_dir)
            )
        };
        if r.version != first.version {
            errors.push(Diagnostic::error(
                &here,
                same(&format!("fanzha 版本 {}", r.version)),
            ));
        }
        if r.units != first.units {
            errors.push(Diagnostic::error(&here, same("单位表")));
        }
    }
    if let Some(n) = count {
        let missing: Vec<String> = (1..=n)
            .filter(|k| !seen.contains_key(k))
            .map(|k| format!("{k}/{n}"))
            .collect();
        if !missing.is_empty() {
            errors.push(Diagnostic::error(
                "merge",
                format!("缺少分片 {}；合并需要全部 {n} 个分片", missing.join("、")),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The files a shard built, by their paths in the output (its own records left out).
fn shard_files(dir: &Path) -> Result<Vec<OutFile>, Diagnostic> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name().min_depth(1) {
        let e = e.map_err(|e| Diagnostic::error(dir, format!("读取分片失败（{e}）")))?;
        if !e.file_type().is_file() {
            continue;
        }
        let rel = display_path(e.path().strip_prefix(dir).expect("inside the shard"));
        if rel == SHARD_FILE || rel == OWNERSHIP_FILE {
            continue;
        }
        out.push(OutFile::copy(rel, e.path()));
    }
    Ok(out)
}
