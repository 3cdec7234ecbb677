//! The units table: the same units from xlsx, UTF-8 CSV with a byte-order mark and GB18030 CSV;
//! every bad row an error naming file, row and column; a page per unit with its contacts as
//! `tel:` links and a QR code that decodes to the page's address; the units index.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use crate::support::{Campaign, REPO, copy_tree};

pub const BASE_URL: &str = "https://example.gov.cn/fanzha/";
const FIXTURE: &str = "tests/fixtures/units";

/// The `valid` fixture with the units fixture's `file` as its table and its rosters.
pub fn campaign_with(file: &str) -> Campaign {
    let c = Campaign::fixture("valid");
    let dir = Path::new(REPO).join(FIXTURE);
    copy_tree(&dir.join(file), &c.path(file));
    copy_tree(&dir.join("rosters"), &c.path("rosters"));
    c
}

/// The fixture's UTF-8 CSV (with its byte-order mark) re-encoded in GB18030, as Excel on a
/// Chinese Windows saves 「CSV（逗号分隔）」.
fn gb18030_campaign() -> Campaign {
    let c = Campaign::fixture("valid");
    let dir = Path::new(REPO).join(FIXTURE);
    let bytes = std::fs::read(dir.join("units.csv")).unwrap();
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a BOM")).unwrap();
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&gb).is_err(),
        "the fixture must not be ASCII"
    );
    std::fs::write(c.path("units.csv"), &gb).unwrap();
    copy_tree(&dir.join("rosters"), &c.path("rosters"));
    c
}

const QUICK: &[&str] = &[
    "build",
    "--base-url",
    BASE_URL,
    "--skip=print,screens,share",
];

/// The built site of the UTF-8 CSV campaign (with its search index), shared by the tests here.
fn site() -> &'static BTreeMap<String, Vec<u8>> {
    static SITE: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    SITE.get_or_init(|| {
        let c = campaign_with("units.csv");
        c.fanzha(QUICK).ok();
        c.snapshot("public")
    })
}

fn page(path: &str) -> String {
    String::from_utf8(site()[path].clone()).unwrap()
}

/// `public/units/` of a campaign built without the search index.
fn unit_pages(c: &Campaign) -> BTreeMap<String, Vec<u8>> {
    let mut args = QUICK.to_vec();
    args.extend(["--skip", "search"]);
    c.fanzha(&args).ok().says("6 个栏目，5 个单位，共");
    c.snapshot("public/units")
}

#[test]
fn xlsx_utf8_csv_with_bom_and_gb18030_csv_give_the_same_units() {
    let from_csv: BTreeMap<String, Vec<u8>> = site()
        .iter()
        .filter_map(|(p, b)| Some((p.strip_prefix("units/")?.to_string(), b.clone())))
        .collect();
    let pages: Vec<&String> = from_csv.keys().filter(|p| p.ends_with(".html")).collect();
    assert_eq!(
        pages,
        [
            "bank-city/index.html",
            "index.html",
            "jws-dongjie/index.html",
            "pcs-chengguan/index.html",
            "school-1/index.html",
            "village-hexi/index.html",
        ]
    );
    let from_xlsx = unit_pages(&campaign_with("units.xlsx"));
    let from_gb18030 = unit_pages(&gb18030_campaign());
    for (name, other) in [("xlsx", &from_xlsx), ("GB18030", &from_gb18030)] {
        assert_eq!(
            other.keys().collect::<Vec<_>>(),
            from_csv.keys().collect::<Vec<_>>(),
            "{name}"
        );
        for (path, bytes) in other {
            assert!(bytes == &from_csv[path], "{name}: units/{path} differs");
        }
    }
}

#[test]
fn a_unit_page_shows_name_address_contacts_police_and_key_content() {
    let html = page("units/school-1/index.html");
    for want in [
        "<h1>示例县第一小学</h1>",
        "示例县城关镇学府路1号",
        "王老师",
        r#"<a class="call" href="tel:13800138002"><b>13800138002</b></a>"#,
        r#"<a class="call" href="tel:073112345679"><b>0731-12345679</b></a>"#,
        "<dt>片区民警</dt>",
        "张警官",
        r#"href="tel:13800138003""#,
        // An extra column, as written.
        "<dt>备注</dt><dd>周一至周五, 8:00-17:00</dd>",
        // The parent unit, named by its id in the table.
        r#"<a href="../../units/pcs-chengguan/">城关派出所</a>"#,
        // A school's key content: the scams of the students' and parents' pages.
        "重点防范的骗局",
        r#"href="../../scams/shuadan/""#,
        r#"href="../../audiences/students/""#,
        "data-pagefind-body",
        r#"src="../../units/school-1/qr.svg""#,
        r#"<link rel="canonical" href="https://example.gov.cn/fanzha/units/school-1/">"#,
    ] {
        assert!(html.contains(want), "school page lacks {want:?}:\n{html}");
    }
    // Rosters are for printed letters, never for the site.
    for (path, bytes) in site() {
        assert!(
            !String::from_utf8_lossy(bytes).contains("张小明"),
            "{path} shows a student's name"
        );
    }
    let village = page("units/village-hexi/index.html");
    assert!(
        village.contains("<dt>村干部</dt><dd>陈主任</dd>"),
        "{village}"
    );
    assert!(
        village.contains(r#"<dt>村干部电话</dt><dd><a class="call" href="tel:13900139001">"#),
        "{village}"
    );
    // A parent written by name in the table links like one written by id.
    assert!(village.contains(r#"<a href="../../units/pcs-chengguan/">城关派出所</a>"#));
    let station = page("units/pcs-chengguan/index.html");
    assert!(station.contains("下属单位"), "{station}");
    for child in ["jws-dongjie", "school-1", "village-hexi"] {
        assert!(station.contains(&format!("units/{child}/")), "{child}");
    }
}

/// The QR code the site wrote for `path`, rasterised and decoded.
fn decode_qr(svg: &[u8]) -> String {
    let tree = resvg::usvg::Tree::from_data(svg, &resvg::usvg::Options::default()).unwrap();
    let size = 400;
    let scale = size as f32 / tree.size().width();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size, size).unwrap();
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let grey = |x: usize, y: usize| pixmap.pixel(x as u32, y as u32).unwrap().red();
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(size as usize, size as usize, grey);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().unwrap().1
}

#[test]
fn each_unit_page_has_a_qr_code_of_its_own_address() {
    for id in ["school-1", "bank-city"] {
        let svg = &site()[&format!("units/{id}/qr.svg")];
        assert_eq!(decode_qr(svg), format!("{BASE_URL}units/{id}/"));
    }
}

#[test]
fn the_index_groups_units_by_type_and_parent_and_the_nav_links_it() {
    let html = page("units/index.html");
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("no {s:?}:\n{html}"));
    // Types in [[units.types]] order; under 警务室 the units of 城关派出所.
    assert!(at("<h2>学校（1）</h2>") < at("<h2>派出所（1）</h2>"));
    assert!(at("<h2>派出所（1）</h2>") < at("<h2>警务室（1）</h2>"));
    assert!(at("<h2>警务室（1）</h2>") < at("<h2>村社区（1）</h2>"));
    assert!(at("<h2>村社区（1）</h2>") < at("<h2>银行网点（1）</h2>"));
    assert!(html.contains(r#"<h3><a href="../units/pcs-chengguan/">城关派出所</a></h3>"#));
    assert!(html.contains(
        r#"<li data-name="东街警务室"><a href="../units/jws-dongjie/">东街警务室</a></li>"#
    ));
    assert!(
        html.contains(r#"id="unit-q" type="search""#),
        "the name filter"
    );
    let home = page("index.html");
    assert!(home.contains(r#"<a href="./units/">单位</a>"#), "nav");
    let sitemap = page("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.gov.cn/fanzha/units/school-1/</loc>"));
}

#[test]
fn unit_pages_are_in_the_search_index() {
    let fragments: Vec<String> = site()
        .iter()
        .filter(|(p, _)| p.starts_with("pagefind/fragment/"))
        .map(|(_, b)| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(&b[..])
                .read_to_string(&mut text)
                .unwrap();
            text
        })
        .collect();
    let school = fragments
        .iter()
        .find(|f| f.contains("units/school-1/"))
        .expect("the school's page is indexed");
    assert!(school.contains(r#""title":"示例县第一小学""#), "{school}");
    assert!(school.contains("13800138002"), "{school}");
    assert!(
        !fragments.iter().any(|f| f.contains("\"/units/\"")),
        "the index page itself is not a search result"
    );
}

#[test]
fn without_a_units_table_nothing_changes() {
    let c = Campaign::fixture("valid");
    c.fanzha(QUICK).ok().lacks("单位");
    assert!(!c.path("public/units").exists());
    assert!(!c.read("public/index.html").contains("单位"));
}

/// Runs `build` on the valid fixture with `units.csv` holding `rows` under the fixture's header.
fn build_with_rows(rows: &str) -> crate::support::Run {
    let c = Campaign::fixture("valid");
    let header = "编号,名称,类型,上级,地址,联系人,联系电话\n";
    c.write("units.csv", &format!("{header}{rows}"));
    c.fanzha(QUICK)
}

#[test]
fn each_kind_of_bad_row_is_an_error_naming_file_row_and_column() {
    let run = build_with_rows(
        "s-1,第一小学,学校,,学府路1号,王老师,13800138000\n\
         s-1,第二小学,学校,,,,\n\
         s-3,第三小学,学校,,,,1380013800\n\
         s-4,第四小学,小学,,,,\n\
         s-5,第五小学,学校,城西派出所,,,\n\
         s-6,,学校,,,,\n\
         S 7,第七小学,学校,,,,\n",
    );
    run.fails()
        .says("units.csv:3:1: 错误: 第 3 行第 A 列（编号）：编号「s-1」与第 2 行重复")
        .says("units.csv:4:7: 错误: 第 4 行第 G 列（联系电话）：「1380013800」不是电话号码")
        .says("units.csv:5:3: 错误: 第 5 行第 C 列（类型）：未知的单位类型「小学」")
        .says("units.csv:6:4: 错误: 第 6 行第 D 列（上级）：上级单位「城西派出所」不存在")
        .says("units.csv:7:2: 错误: 第 7 行第 B 列（名称）：名称不能为空")
        .says("units.csv:8:1: 错误: 第 8 行第 A 列（编号）：「S 7」不能作编号")
        .says("共 6 个错误");
}

#[test]
fn xlsx_errors_name_the_row_and_column_excel_shows() {
    let c = campaign_with("bad.xlsx");
    c.write(
        "config.toml",
        &format!("{}\n[units]\ntable = \"bad.xlsx\"\n", c.read("config.toml")),
    );
    let run = c.fanzha(&["check", "--skip", "print"]).fails();
    run.says("bad.xlsx:3:1: 错误: 第 3 行第 A 列（编号）：编号「a-1」与第 2 行重复")
        .says("bad.xlsx:3:4: 错误: 第 3 行第 D 列（联系电话）：「73112345678」不是电话号码")
        .says("Excel 会去掉开头的 0");
    // The roster of the fixture names a unit bad.xlsx does not have.
    run.says("rosters/school-1.csv: 错误: 单位表里没有编号为「school-1」的单位");
}

#[test]
fn roster_errors_name_the_file_row_and_column() {
    let c = campaign_with("units.csv");
    // A title row above the header, as rosters often have.
    c.write(
        "rosters/school-1.csv",
        "第一小学花名册\n班级,姓名\n一年级1班,张小明\n一年级1班,\n",
    );
    c.write("rosters/nowhere.csv", "班级,姓名\n");
    c.write("rosters/bank-city.csv", "年级,名字\n");
    c.fanzha(QUICK)
        .fails()
        .says("rosters/school-1.csv:4:2: 错误: 第 4 行第 B 列（姓名）：姓名不能为空")
        .says("rosters/nowhere.csv: 错误: 单位表里没有编号为「nowhere」的单位")
        .says("rosters/bank-city.csv:1: 错误: 第 1 行（表头）：花名册要有「班级」和「姓名」两列");
}

#[test]
fn a_missing_column_or_table_is_named() {
    let c = Campaign::fixture("valid");
    c.write("units.csv", "编号,名字,类型\na,甲,学校\n");
    c.fanzha(QUICK)
        .fails()
        .says("units.csv:1: 错误: 第 1 行（表头）：缺少「名称」列");
    let c = Campaign::fixture("valid");
    c.write(
        "config.toml",
        &format!(
            "{}\n[units]\ntable = \"单位.xlsx\"\n",
            c.read("config.toml")
        ),
    );
    c.fanzha(QUICK)
        .fails()
        .says("字段 `units.table`: 找不到单位表 单位.xlsx");
}

#[test]
fn configured_types_replace_the_defaults_and_choose_the_key_content() {
    let c = campaign_with("units.csv");
    let types = "\n[units]\n\
        [[units.types]]\nname = \"学校\"\nscams = [\"@/scams/shuadan.md\"]\n\
        [[units.types]]\nname = \"派出所\"\n\
        [[units.types]]\nname = \"警务室\"\n\
        [[units.types]]\nname = \"村社区\"\naudiences = [\"@/audiences/villagers.md\"]\n";
    c.write("config.toml", &format!("{}{types}", c.read("config.toml")));
    c.fanzha(QUICK)
        .fails()
        .says("units.csv:6:3: 错误: 第 6 行第 C 列（类型）：未知的单位类型「银行网点」；可用的类型：学校、派出所、警务室、村社区");
    c.edit("units.csv", "银行网点", "派出所");
    c.fanzha(QUICK)
        .fails()
        .says("config.toml: 错误: 字段 `units.types.audiences`: 单位类型「村社区」的 audiences 里的 `@/audiences/villagers.md` 不是人群页面");
    c.edit(
        "config.toml",
        "audiences = [\"@/audiences/villagers.md\"]",
        "max_scams = 0",
    );
    c.fanzha(QUICK).ok();
    let school = c.read("public/units/school-1/index.html");
    assert!(school.contains("scams/shuadan/") && !school.contains("audiences/students/"));
    let village = c.read("public/units/village-hexi/index.html");
    assert!(
        !village.contains("<h2>重点防范的骗局</h2>"),
        "max_scams = 0 shows none"
    );
}

#[test]
fn a_content_section_at_units_is_refused_when_there_is_a_table() {
    let c = campaign_with("units.csv");
    c.write("content/units/_index.md", "+++\ntitle = \"单位\"\n+++\n");
    c.fanzha(QUICK)
        .fails()
        .says("content/units/_index.md: 错误: 地址 units/ 与单位页面（units/）冲突");
}

/// The fixture's site written to a folder of its own, to serve and check.
fn site_on_disk() -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("units-site");
    let _ = std::fs::remove_dir_all(&dir);
    for (path, bytes) in site() {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, bytes).unwrap();
    }
    dir
}

#[test]
fn in_chromium_the_index_filters_by_name_and_unit_pages_are_valid_and_accessible() {
    let (tools, _one_at_a_time) = crate::browser::tools();
    let dir = site_on_disk();
    let vnu = std::process::Command::new("java")
        .arg("-jar")
        .arg(tools.join("node_modules/vnu-jar/build/dist/vnu.jar"))
        .args(["--errors-only", "--skip-non-html", "--format", "text"])
        .arg(dir.join("units"))
        .output()
        .expect("java (Java 17) runs the Nu HTML Checker");
    assert!(
        vnu.status.success(),
        "Nu HTML Checker errors:\n{}{}",
        String::from_utf8_lossy(&vnu.stdout),
        String::from_utf8_lossy(&vnu.stderr)
    );
    let base = crate::browser::serve(dir);
    let out = std::process::Command::new("node")
        .arg(tools.join("units.mjs"))
        .arg(&base)
        .env("CHROME_PATH", crate::browser::chromium())
        .output()
        .expect("node runs tests/browser/units.mjs");
    assert!(
        out.status.success(),
        "units.mjs failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["filter_shown"], true, "{report}");
    assert_eq!(report["visible_before"], 5, "{report}");
    assert_eq!(
        report["visible_after"], 1,
        "typing 河西 leaves 河西村: {report}"
    );
    assert_eq!(report["csp_violations"], serde_json::json!([]), "{report}");
    for page in ["units/", "units/school-1/"] {
        assert_eq!(
            report["axe"][page],
            serde_json::json!([]),
            "{page}: {report}"
        );
    }
}
