//! Each unit's materials (poster, letter over its roster, notice card, counter card, slides) read
//! back with pdftotext, pdfinfo and a QR decoder; the manifests' unit records; one row edited
//! remakes that unit's files only; shards merged equal one build byte for byte; and the job
//! runner examples in deploy/ call the commands the README gives.

use std::path::Path;
use std::sync::OnceLock;

use crate::print::{boxes, tool};
use crate::support::{Campaign, REPO};
use crate::units::{BASE_URL, campaign_with};

/// A build with the print and screen kits, without share cards and the search index.
const BUILD: [&str; 4] = ["build", "--base-url", BASE_URL, "--skip=share,search"];

/// The units fixture built with its print and screen kits (no share cards, no search index),
/// shared by the tests here.
fn built() -> &'static Campaign {
    static BUILT: OnceLock<Campaign> = OnceLock::new();
    BUILT.get_or_init(|| {
        let c = campaign_with("units.csv");
        c.fanzha(&BUILD)
            .ok()
            .says("单位的页面和材料：5 个单位，每个单位");
        c
    })
}

fn pdf(rel: &str) -> String {
    built()
        .path(&format!("public/{rel}"))
        .to_string_lossy()
        .into_owned()
}

/// The text of a PDF with all white space removed, so lines broken by the layout still match.
fn text_of(rel: &str) -> String {
    tool("pdftotext", &[&pdf(rel), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[track_caller]
fn assert_has(text: &str, what: &[&str]) {
    for w in what {
        assert!(text.contains(w), "lacks {w}:\n{text}");
    }
}

/// The QR code on page 1 of a PDF, rendered at 150 dpi and decoded.
fn qr_of(rel: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let prefix = tmp.path().join("page");
    let prefix = prefix.to_string_lossy();
    tool(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-gray",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            &pdf(rel),
            &prefix,
        ],
    );
    let file = std::fs::read_dir(tmp.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let img = image::open(file).unwrap().to_luma8();
    let (w, h) = img.dimensions();
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
            img.get_pixel(x as u32, y as u32).0[0]
        });
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "{rel}: one QR code");
    grids[0].decode().unwrap().1
}

#[test]
fn every_material_of_a_unit_shows_its_name_and_people_and_a_qr_code_of_its_page() {
    let school = text_of("downloads/units/school-1/poster-a4.pdf");
    assert_has(
        &school,
        &[
            "示例县第一小学",
            "王老师",
            "13800138002",
            "0731-12345679",
            "张警官",
            "13800138003",
        ],
    );
    let village = text_of("downloads/units/village-hexi/notice-a4.pdf");
    assert_has(
        &village,
        &[
            "河西村",
            "赵警官",
            "13800138004",
            "村干部",
            "陈主任",
            "13900139001",
        ],
    );
    let bank = text_of("downloads/units/bank-city/counter-a6.pdf");
    assert_has(
        &bank,
        &["示例银行城关支行", "营业部", "0731-12345670", "96110"],
    );
    for (id, file) in [
        ("school-1", "poster-a4"),
        ("school-1", "letter-a4"),
        ("village-hexi", "notice-a4"),
        ("bank-city", "counter-a6"),
        ("jws-dongjie", "poster-a4"),
    ] {
        assert_eq!(
            qr_of(&format!("downloads/units/{id}/{file}.pdf")),
            format!("{BASE_URL}units/{id}/"),
            "{id}/{file}"
        );
    }
}

#[test]
fn a_school_letter_has_a_page_per_student_with_receipts_counted_within_the_school() {
    let rel = "downloads/units/school-1/letter-a4.pdf";
    let info = tool("pdfinfo", &[&pdf(rel)]);
    assert!(info.contains("Pages:           3"), "{info}");
    let text = text_of(rel);
    assert_has(
        &text,
        &[
            "示例县第一小学",
            "张小明",
            "李小红",
            "王小刚",
            "2026-0001",
            "2026-0003",
            "王老师",
            "张警官13800138003",
        ],
    );
    assert!(!text.contains("2026-0004"), "three students");
}

#[test]
fn the_counter_card_is_a6_and_the_poster_a4_each_with_its_bleed() {
    // A6 is 105 × 148 mm: 297.64 × 419.53 pt, inside 3 mm (8.5 pt) of bleed.
    let counter = boxes(&pdf("downloads/units/bank-city/counter-a6.pdf"));
    let trim = counter["TrimBox"];
    assert!(((trim[2] - trim[0]) - 297.64).abs() < 0.1, "{counter:?}");
    assert!(((trim[3] - trim[1]) - 419.53).abs() < 0.1, "{counter:?}");
    let poster = boxes(&pdf("downloads/units/school-1/poster-a4.pdf"));
    assert!(((poster["TrimBox"][2] - poster["TrimBox"][0]) - 595.28).abs() < 0.1);
    assert!((poster["BleedBox"][2] - poster["TrimBox"][2] - 8.504).abs() < 0.05);
    let fonts = tool(
        "pdffonts",
        &[&pdf("downloads/units/school-1/poster-a4.pdf")],
    );
    assert!(
        fonts.lines().skip(2).all(|l| l.contains(" yes ")),
        "{fonts}"
    );
}

#[test]
fn slides_are_made_for_the_types_that_have_screens() {
    let c = built();
    for id in ["pcs-chengguan", "bank-city"] {
        let png = std::fs::read(c.path(&format!(
            "public/downloads/units/{id}/slide-display-1920x1080.png"
        )))
        .unwrap();
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!((img.width(), img.height()), (1920, 1080), "{id}");
    }
    assert!(
        !c.path("public/downloads/units/school-1/slide-display-1920x1080.png")
            .exists()
    );
}

#[test]
fn manifests_record_the_unit_and_the_unit_page_lists_its_files_and_zip() {
    let c = built();
    let manifest: serde_json::Value =
        serde_json::from_str(&c.read("public/print/manifest.json")).unwrap();
    let letter = manifest["materials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["unit"] == "school-1" && m["material"] == "letter")
        .expect("the school's letter in the print manifest");
    assert_eq!(letter["file"], "downloads/units/school-1/letter-a4.pdf");
    assert_eq!(letter["pages"], 3);
    assert_eq!(letter["zip"], "downloads/units/school-1/school-1.zip");
    let all: serde_json::Value = serde_json::from_str(&c.read("public/manifest.json")).unwrap();
    assert_eq!(all["print"], manifest["materials"]);
    assert!(
        all["screens"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["unit"] == "bank-city")
    );

    // The zip holds the unit's PDFs, and the unit's page links them.
    let zip = std::fs::File::open(pdf("downloads/units/school-1/school-1.zip")).unwrap();
    let mut zip = zip::ZipArchive::new(zip).unwrap();
    let names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    assert_eq!(names, ["letter-a4.pdf", "poster-a4.pdf"]);
    let page = c.read("public/units/school-1/index.html");
    for link in [
        "poster-a4.pdf",
        "letter-a4.pdf",
        "school-1.zip",
        "poster-a4.jpg",
    ] {
        assert!(
            page.contains(&format!("../../downloads/units/school-1/{link}")),
            "{link}"
        );
    }
    // The 下载中心 lists the campaign's materials and points to the units for theirs.
    let downloads = c.read("public/downloads/index.html");
    assert!(
        !downloads.contains("downloads/units/"),
        "no unit files in the 下载中心"
    );
    assert!(downloads.contains("5 个单位各有"));
}

#[test]
fn editing_one_row_remakes_only_that_units_files() {
    let c = campaign_with("units.csv");
    let args = [&BUILD[..], &["--explain"]].concat();
    c.fanzha(&args).ok();
    c.edit("units.csv", "13900139001", "13900139002");
    let run = c.fanzha(&args).ok();
    let made: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("新生成: "))
        .collect();
    assert_eq!(
        made,
        [
            "downloads/units/village-hexi/notice-a4.pdf",
            "downloads/units/village-hexi/poster-a4.pdf"
        ],
        "{}",
        run.stderr
    );
    assert!(text_of_in(&c, "downloads/units/village-hexi/notice-a4.pdf").contains("13900139002"));
}

fn text_of_in(c: &Campaign, rel: &str) -> String {
    let path = c.path(&format!("public/{rel}"));
    tool("pdftotext", &[&path.to_string_lossy(), "-"])
}

/// Shards for tests of `merge`'s checks, which read no kit.
const QUICK_SHARD: &str = "--skip=print,screens,share";

/// Builds shards 1/3 to 3/3 of `c` into `shard-1` … `shard-3` with `extra` arguments; returns
/// their folders.
fn build_three_shards(c: &Campaign, extra: &[&str]) -> Vec<String> {
    (1..=3)
        .map(|k| {
            let (shard, out) = (format!("{k}/3"), format!("shard-{k}"));
            let args = [
                "build",
                "--base-url",
                BASE_URL,
                "--shard",
                &shard,
                "--output",
                &out,
            ];
            c.fanzha(&[&args[..], extra].concat()).ok();
            out
        })
        .collect()
}

#[test]
fn three_shards_merged_equal_one_build_byte_for_byte() {
    let c = campaign_with("units.csv");
    c.fanzha(&["build", "--base-url", BASE_URL]).ok();
    let shards = build_three_shards(&c, &[]);
    // Each unit's files are in exactly one shard.
    let unit_pages: Vec<usize> = shards
        .iter()
        .map(|s| {
            c.snapshot(&format!("{s}/units"))
                .keys()
                .filter(|p| p.ends_with("/index.html"))
                .count()
        })
        .collect();
    assert_eq!(unit_pages.iter().sum::<usize>(), 5, "{unit_pages:?}");
    let mut merge = vec!["merge", "merged"];
    merge.extend(shards.iter().rev().map(String::as_str));
    c.fanzha(&merge).ok().says("合并完成：3 个分片，5 个单位");
    let whole = c.snapshot("public");
    let merged = c.snapshot("merged");
    assert_eq!(
        whole.keys().collect::<Vec<_>>(),
        merged.keys().collect::<Vec<_>>()
    );
    let differ: Vec<&String> = whole
        .iter()
        .filter(|(p, b)| merged[*p] != **b)
        .map(|(p, _)| p)
        .collect();
    assert!(differ.is_empty(), "differ: {differ:?}");
    assert!(whole.keys().any(|p| p.starts_with("pagefind/")));
}

#[test]
fn merge_refuses_an_incomplete_or_mixed_set_of_shards() {
    let c = campaign_with("units.csv");
    build_three_shards(&c, &[QUICK_SHARD]);
    c.fanzha(&["merge", "m", "shard-1", "shard-3"])
        .fails()
        .says("缺少分片 2/3");
    c.fanzha(&["merge", "m", "shard-1", "shard-2", "shard-2", "shard-3"])
        .fails()
        .says("分片 2/3 给了两次");
    c.fanzha(&["merge", "m", "shard-1", "shard-2", "public"])
        .fails()
        .says("读不到分片记录");
    // A shard of another table does not belong.
    c.edit("units.csv", "bank-city,", "bank-town,");
    c.fanzha(&[
        "build",
        "--base-url",
        BASE_URL,
        "--shard",
        "3/3",
        "--output",
        "shard-3",
        QUICK_SHARD,
    ])
    .ok();
    c.fanzha(&["merge", "m", "shard-1", "shard-2", "shard-3"])
        .fails()
        .says("单位表与");
    assert!(!c.path("m").exists(), "nothing written");
    let run = c.fanzha(&["build", "--shard", "4/3"]);
    assert_ne!(run.code, 0);
    run.says("分片 `4/3` 超出范围");
}

#[test]
fn an_unknown_material_is_an_error_naming_the_config_line() {
    let c = campaign_with("units.csv");
    let config = c.read("config.toml");
    c.write(
        "config.toml",
        &format!("{config}\n[units]\n[[units.types]]\nname = \"学校\"\nmaterials = [\"poster\", \"flyer\"]\n"),
    );
    let run = c.fanzha(&["check"]).fails();
    let line = config.lines().count() + 5;
    run.says(&format!("config.toml:{line}:"));
    run.says("flyer");
}

/// The `fanzha` command lines of a README code block, or of a job's step.
fn fanzha_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("fanzha "))
        .map(str::to_string)
        .collect()
}

/// A command with its output and shard folders reduced to their last component, so
/// `--output /shards/shard-2` (a Kubernetes volume) matches `--output shard-2`.
fn normalised(cmd: &str) -> String {
    cmd.split_whitespace()
        .map(|w| {
            w.rsplit('/')
                .next()
                .filter(|_| w.starts_with('/'))
                .unwrap_or(w)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_job_runner_examples_call_the_commands_the_readme_gives() {
    let readme = std::fs::read_to_string(Path::new(REPO).join("README.md")).unwrap();
    let block = readme
        .split("```sh\n")
        .filter_map(|b| b.split("```").next())
        .find(|b| b.contains("fanzha merge"))
        .expect("the README's sharded build");
    let readme_cmds: Vec<String> = fanzha_lines(block);
    assert_eq!(readme_cmds.len(), 5, "{readme_cmds:?}");

    // GitHub Actions: the matrix expanded, as the runner does.
    let read = |rel: &str| std::fs::read_to_string(Path::new(REPO).join(rel)).unwrap();
    let gh: serde_yaml::Value =
        serde_yaml::from_str(&read("deploy/github-actions/shards.yml")).unwrap();
    let jobs = &gh["jobs"];
    let matrix: Vec<u64> = jobs["shard"]["strategy"]["matrix"]["shard"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(matrix, [1, 2, 3, 4]);
    let runs = |job: &str| -> Vec<String> {
        jobs[job]["steps"]
            .as_sequence()
            .unwrap()
            .iter()
            .filter_map(|s| s["run"].as_str())
            .flat_map(fanzha_lines)
            .collect()
    };
    let mut gh_cmds: Vec<String> = matrix
        .iter()
        .flat_map(|k| {
            runs("shard")
                .into_iter()
                .map(move |c| c.replace("${{ matrix.shard }}", &k.to_string()))
        })
        .collect();
    gh_cmds.extend(runs("merge"));
    assert_eq!(gh_cmds, readme_cmds);
    assert_eq!(jobs["merge"]["needs"], "shard");
    let upload = jobs["shard"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact"))
        })
        .unwrap();
    assert_eq!(
        upload["with"]["include-hidden-files"], true,
        "the shard record is hidden"
    );

    // Kubernetes: one pod per completion index, numbered from 0.
    let docs: Vec<serde_yaml::Value> =
        serde_yaml::Deserializer::from_str(&read("deploy/kubernetes/shards-job.yaml"))
            .map(|d| serde::Deserialize::deserialize(d).unwrap())
            .collect();
    let job = docs.iter().find(|d| d["kind"] == "Job").expect("a Job");
    assert_eq!(job["spec"]["completionMode"], "Indexed");
    assert_eq!(job["spec"]["completions"], 4);
    assert_eq!(job["spec"]["parallelism"], 4);
    let container = &job["spec"]["template"]["spec"]["containers"][0];
    let arg = container["args"][0].as_str().unwrap();
    let mut k8s_cmds: Vec<String> = (0..4)
        .map(|i| normalised(&arg.replace("$((JOB_COMPLETION_INDEX + 1))", &(i + 1).to_string())))
        .collect();
    let merge: serde_yaml::Value =
        serde_yaml::from_str(&read("deploy/kubernetes/merge-job.yaml")).unwrap();
    let merge_arg = merge["spec"]["template"]["spec"]["containers"][0]["args"][0]
        .as_str()
        .unwrap();
    k8s_cmds.push(merge_arg.to_string());
    assert_eq!(k8s_cmds, readme_cmds);
    // Both mount the same volume.
    let claim = |d: &serde_yaml::Value| {
        d["spec"]["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"].clone()
    };
    assert_eq!(claim(job), claim(&merge));
    assert!(readme.contains("kubectl apply -f deploy/kubernetes/shards-job.yaml"));
    assert!(readme.contains("deploy/github-actions/shards.yml"));
}

#[test]
fn a_unit_whose_name_cannot_fit_is_an_error_naming_its_row() {
    let c = campaign_with("units.csv");
    let long = "示例银行城关支行".repeat(30);
    c.edit("units.csv", "示例银行城关支行", &long);
    let run = c
        .fanzha(&[
            "build",
            "--base-url",
            BASE_URL,
            "--skip",
            "share",
            "--skip",
            "screens",
        ])
        .fails();
    run.says("units.csv:6: 错误: 字段 `name`: 印刷品「反诈联系海报」poster-a4");
    run.says("第 6 行（bank-city）的名称太长");
    assert!(c.path("units.csv").exists() && !c.path("public").exists());
}
