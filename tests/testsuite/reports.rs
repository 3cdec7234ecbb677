//! The calendar and the reporting kit, opened with programs other than fanzha: the `.ics` read by
//! Python's icalendar, the `.xlsx` and `.docx` converted by LibreOffice (cells and text checked
//! after conversion), the forms' and schedule's PDFs read by pdftotext. Phases that overlap and a
//! week without a theme fail with their config.toml line; the home page's theme of the week
//! follows the build date; the activity gallery shows its photos through the image pipeline, and
//! `check` asks for a consent note.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::support::{Campaign, REPO, copy_tree, small_png};

const BASE_URL: &str = "https://example.gov.cn/fanzha/";

/// Phases and a schedule the `valid` fixture's pages can fill (it has one scam type and two
/// audiences).
const CALENDAR: &str = r#"
[[campaign.phases]]
name = "动员部署"
start = 2026-01-01
end = 2026-02-28
description = "制定方案，建立反诈微信群。"

[[campaign.phases]]
name = "集中宣传"
start = 2026-03-01
end = 2026-10-31
description = "每周一个主题，进社区、进学校。"

[[campaign.weeks]]
week = 10
until = 11
scam = "@/scams/shuadan.md"
note = "开学季，进班级群讲刷单。"

[[campaign.weeks]]
week = 12
audience = "@/audiences/parents.md"
note = "家长会上发致家长的一封信。"
"#;

const GALLERY_EVENT: &str = "+++\ntitle = \"走进第一小学反诈课堂\"\ndate = 2026-03-18\n[extra]\nplace = \"示例县第一小学\"\n+++\n\n民警给三年级学生讲刷单返利诈骗。\n";

/// The fixture's config.toml (the repository's, without its weekly schedule) without its phases
/// either, with `calendar` in their place.
fn with_calendar(c: &Campaign, calendar: &str) -> String {
    let phases = regex::Regex::new(r"(?m)^\[\[campaign\.phases\]\]\n(?:[^\n\[]+\n)*").unwrap();
    let mut config = phases.replace_all(&c.read("config.toml"), "").into_owned();
    let at = config.find("\n[[channels]]").unwrap();
    config.insert_str(at, calendar);
    config
}

/// The `valid` fixture with the units table, the calendar above and a gallery of one event.
fn campaign(consent: bool) -> Campaign {
    let c = Campaign::fixture("valid");
    let dir = Path::new(REPO).join("tests/fixtures/units");
    copy_tree(&dir.join("units.csv"), &c.path("units.csv"));
    copy_tree(&dir.join("rosters"), &c.path("rosters"));
    let mut config = with_calendar(&c, CALENDAR);
    if consent {
        config.push_str("\n[gallery]\nconsent = \"照片已征得学生监护人同意，仅用于反诈宣传。\"\n");
    }
    c.write("config.toml", &config);
    c.write(
        "content/gallery/_index.md",
        "+++\ntitle = \"活动相册\"\n+++\n",
    );
    c.write("content/gallery/school-visit/index.md", GALLERY_EVENT);
    c.write_bytes("content/gallery/school-visit/a.png", &small_png());
    c.write_bytes("content/gallery/school-visit/b.png", &small_png());
    c
}

const QUICK: &[&str] = &[
    "build",
    "--base-url",
    BASE_URL,
    "--skip=print,screens,share,search",
];

/// The campaign built once on 2026-03-18 (week 12 of a campaign starting on a Thursday).
fn built() -> &'static Campaign {
    static BUILT: OnceLock<Campaign> = OnceLock::new();
    BUILT.get_or_init(|| {
        let c = campaign(true);
        let mut args = QUICK.to_vec();
        args.extend(["--date", "2026-03-18"]);
        c.fanzha(&args).ok();
        c
    })
}

fn public(rel: &str) -> PathBuf {
    built().path(&format!("public/{rel}"))
}

fn html(rel: &str) -> String {
    built().read(&format!("public/{rel}"))
}

/// `soffice --headless --convert-to <to>` of `file` into a new folder; the converted files.
fn libreoffice(file: &Path, to: &str) -> Vec<PathBuf> {
    let out = tempfile::tempdir().unwrap().keep();
    let profile = tempfile::tempdir().unwrap().keep();
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(&out)
        .arg(file)
        .output()
        .expect("LibreOffice (soffice) is needed: scripts/install-deps installs it");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "LibreOffice wrote nothing for {file:?}");
    files
}

/// The text of a PDF, without spaces: pdftotext puts one between Latin and Chinese letters
/// ("App 安装统计表").
fn pdftotext(file: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(file)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().replace(' ', "")
}

#[test]
fn the_ics_parses_with_an_independent_parser_with_the_right_events() {
    let script = r#"
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
out = []
for ev in cal.walk("VEVENT"):
    out.append({
        "summary": str(ev["SUMMARY"]),
        "start": ev.decoded("DTSTART").isoformat(),
        "end": ev.decoded("DTEND").isoformat(),
        "uid": str(ev["UID"]),
        "stamp": ev.decoded("DTSTAMP").isoformat(),
    })
print(json.dumps({"name": str(cal.get("X-WR-CALNAME")), "events": out}, ensure_ascii=False))
"#;
    let pythonpath = std::env::var("HOME").unwrap() + "/.cache/fanzha/python";
    let out = Command::new("python3")
        .env("PYTHONPATH", &pythonpath)
        .args(["-c", script])
        .arg(public("reports/calendar.ics"))
        .output()
        .expect("python3 is needed");
    assert!(
        out.status.success(),
        "Python's icalendar (scripts/install-deps) could not read the .ics:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let events = parsed["events"].as_array().unwrap();
    let summaries: Vec<&str> = events
        .iter()
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    assert_eq!(
        summaries,
        [
            "【动员部署】防范电信网络诈骗宣传",
            "【集中宣传】防范电信网络诈骗宣传",
            "第10周宣传主题：刷单返利诈骗",
            "第11周宣传主题：刷单返利诈骗",
            "第12周宣传主题：家长",
        ]
    );
    // All-day events: DTEND is the day after the last (RFC 5545); week 10 is 2 to 8 March.
    assert_eq!(events[0]["start"], "2026-01-01");
    assert_eq!(events[0]["end"], "2026-03-01");
    assert_eq!(events[2]["start"], "2026-03-02");
    assert_eq!(events[2]["end"], "2026-03-09");
    // DTSTAMP is the build date, never the clock; UIDs are unique.
    for e in events {
        assert_eq!(e["stamp"], "2026-03-18T00:00:00+00:00");
    }
    let mut uids: Vec<&str> = events.iter().map(|e| e["uid"].as_str().unwrap()).collect();
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), events.len());
}

#[test]
fn the_home_page_highlights_the_week_of_the_build_date() {
    let home = html("index.html");
    assert!(home.contains("本周宣传主题"), "{home}");
    assert!(home.contains("第12周"), "week 12 is 16 to 22 March");
    assert!(home.contains("家长会上发致家长的一封信。"));
    let calendar = html("calendar/index.html");
    assert!(calendar.contains("aria-current=\"date\""));
    assert!(calendar.contains("reports/calendar.ics"));
    // Another day, another theme; the same day, the same page.
    let c = campaign(true);
    let mut args = QUICK.to_vec();
    args.extend(["--skip", "reports", "--date", "2026-03-04"]);
    c.fanzha(&args).ok();
    let home = c.read("public/index.html");
    assert!(home.contains("第10周") && home.contains("开学季，进班级群讲刷单。"));
    // SOURCE_DATE_EPOCH (2026-11-28 in the tests) is after the schedule: no theme that week.
    let mut args = QUICK.to_vec();
    args.extend(["--skip", "reports"]);
    c.fanzha(&args).ok();
    let home = c.read("public/index.html");
    assert!(home.contains("本周没有安排专门主题"), "{home}");
}

#[test]
fn the_forms_pdf_has_the_three_forms_with_their_headings_and_rows() {
    let text = pdftotext(&public("downloads/units/school-1/forms.pdf"));
    for want in [
        "入户宣传登记表",
        "户主姓名",
        "已装反诈",
        "宣传活动记录表",
        "照片粘贴处",
        "App安装统计表",
        "应安装",
        "示例县第一小学",
        // The school's classes, from its roster, are the tally's rows.
        "一年级1班",
        "二年级2班",
        "合计",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    // The police station's tally lists the units under it.
    let text = pdftotext(&public("downloads/units/pcs-chengguan/forms.pdf"));
    assert!(
        text.contains("东街警务室") && text.contains("示例县第一小学"),
        "{text}"
    );
    let schedule = pdftotext(&public("reports/schedule.pdf"));
    for want in [
        "活动日程表",
        "动员部署",
        "集中宣传",
        "第10—11周",
        "第12周",
        "刷单返利诈骗",
        "家长",
    ] {
        assert!(schedule.contains(want), "{want} missing:\n{schedule}");
    }
}

#[test]
fn the_workbook_converts_in_libreoffice_with_headers_rows_and_sums() {
    // Filter options: UTF-8 (76), sheet -1 = every sheet into its own file.
    let files = libreoffice(
        &public("downloads/units/school-1/forms.xlsx"),
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
    );
    assert_eq!(files.len(), 3, "{files:?}");
    let sheets: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let all = sheets.join("\n");
    let visits = sheets
        .iter()
        .find(|s| s.contains("户主姓名"))
        .unwrap_or_else(|| panic!("{all}"));
    let first: Vec<&str> = visits.lines().collect();
    assert!(
        first[0].starts_with("示例县第一小学 入户宣传登记表"),
        "{}",
        first[0]
    );
    assert_eq!(
        first[2],
        "序号,户主姓名,住址,走访日期,发放资料,已装反诈App,宣传人员,户主签名"
    );
    assert!(first[3].starts_with("1,"));
    // 100 rows to fill, then the sum row counting the 是.
    assert!(
        first[103].starts_with("合计,") && first[103].contains(",0,"),
        "{}",
        first[103]
    );
    let tally = sheets.iter().find(|s| s.contains("应安装人数")).unwrap();
    let rows: Vec<&str> = tally.lines().collect();
    assert!(rows[3].starts_with("1,一年级1班,"), "{}", rows[3]);
    assert!(rows[4].starts_with("2,二年级2班,"), "{}", rows[4]);
    assert!(
        rows.iter().any(|r| r.starts_with("合计,,0,0,0,0")),
        "{tally}"
    );
    let activities = sheets.iter().find(|s| s.contains("活动名称")).unwrap();
    assert!(activities.contains("参加人数"));
}

#[test]
fn the_summary_draft_converts_in_libreoffice_with_counts_and_blanks() {
    let docx = public("reports/summary.docx");
    let files = libreoffice(&docx, "txt:Text (encoded):UTF8");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    for want in [
        "防范电信网络诈骗宣传工作总结",
        "一、总体情况",
        "示例县公安局反诈中心",
        "2026年1月1日至2026年12月31日",
        "动员部署（1月1日—2月28日）",
        "二、主要做法",
        "安排了3周主题宣传",
        "宣传网站页面",
        "覆盖单位",
        "5 个",
        "工作台账",
        "三、工作成效",
        "〔待填写：户〕",
        "四、典型案例",
        "五、存在问题和下一步打算",
        "〔待填写：单位名称（盖章）〕",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    // The same campaign on the same day gives the same bytes.
    let again = campaign(true);
    let mut args = QUICK.to_vec();
    args.extend(["--date", "2026-03-18"]);
    again.fanzha(&args).ok();
    for file in [
        "reports/summary.docx",
        "reports/calendar.ics",
        "downloads/units/school-1/forms.xlsx",
    ] {
        assert!(
            std::fs::read(again.path(&format!("public/{file}"))).unwrap()
                == std::fs::read(public(file)).unwrap(),
            "{file} differs between two builds"
        );
    }
}

#[test]
fn the_downloads_page_lists_the_reporting_kit_with_sizes() {
    let page = html("downloads/index.html");
    for want in [
        "工作台账和总结",
        "reports/summary.docx",
        "reports/calendar.ics",
        "reports/schedule.pdf",
        "各单位的工作台账",
    ] {
        assert!(page.contains(want), "{want} missing");
    }
    // Each unit's forms are on its page (a sharded build's 下载中心 has only its shard's).
    assert!(!page.contains("downloads/units/"), "no unit's files here");
    for format in ["ICS", "PDF", "Word"] {
        let sized = regex::Regex::new(&format!(r">{format} \d+(\.\d+)? KB</a>")).unwrap();
        assert!(sized.is_match(&page), "{format} without its size");
    }
}

#[test]
fn the_gallery_shows_each_event_with_its_photos_and_the_consent_note() {
    let section = html("gallery/index.html");
    assert!(section.contains("走进第一小学反诈课堂"));
    assert!(
        section.contains("2026年3月18日 · 示例县第一小学 · 2 张照片"),
        "{section}"
    );
    assert!(
        section.contains("<picture>"),
        "the cover goes through the image pipeline"
    );
    let event = html("gallery/school-visit/index.html");
    assert_eq!(event.matches("<picture>").count(), 2, "{event}");
    assert!(event.contains("照片已征得学生监护人同意"));
    assert!(event.contains("地点：示例县第一小学"));
}

#[test]
fn a_unit_page_links_its_own_forms() {
    let page = html("units/school-1/index.html");
    assert!(page.contains("本单位工作台账"), "{page}");
    assert!(
        page.contains("downloads/units/school-1/forms.pdf")
            && page.contains("downloads/units/school-1/forms.xlsx")
    );
}

#[test]
fn check_asks_for_a_consent_note_when_a_gallery_has_photos() {
    let c = campaign(false);
    c.fanzha(&[
        "check", "--skip", "print", "--skip", "screens", "--skip", "share",
    ])
    .ok()
    .says("config.toml: 警告: 字段 `gallery.consent`: 活动相册 content/gallery/_index.md 有照片");
}

#[test]
fn bad_phases_and_weeks_fail_naming_their_config_line() {
    let c = Campaign::fixture("valid");
    let line_of =
        |needle: &str, text: &str| text[..text.find(needle).unwrap()].matches('\n').count() + 1;
    let bad = CALENDAR
        .replace("end = 2026-02-28", "end = 2026-03-05")
        .replace("until = 11\n", "")
        .replace("audience = \"@/audiences/parents.md\"\n", "")
        .replace("end = 2026-10-31", "end = 2027-01-31");
    let config = with_calendar(&c, &bad);
    c.write("config.toml", &config);
    let second_phase = line_of("name = \"集中宣传\"", &config) - 1;
    let second_week = line_of("week = 12", &config) - 1;
    c.fanzha(&["check"])
        .fails()
        .says(&format!(
            "config.toml:{second_phase}:1: 错误: 字段 `campaign.phases`: 阶段「集中宣传」（2026-03-01 至 2027-01-31）与第 1 个阶段「动员部署」"
        ))
        .says(&format!(
            "config.toml:{second_phase}:1: 错误: 字段 `campaign.phases`: 阶段「集中宣传」（2026-03-01 至 2027-01-31）超出了活动时间"
        ))
        .says(&format!(
            "config.toml:{second_week}:1: 错误: 字段 `campaign.weeks`: 第 12 周没有主题"
        ))
        .says(&format!(
            "config.toml:{second_week}:1: 错误: 字段 `campaign.weeks`: 第 11 周没有主题"
        ));
}
