//! The print renderer: every campaign material as a print-ready PDF through embedded Typst, with
//! a PNG preview of its first page, JPEGs of its pages to forward in WeChat, a manifest print shops can script against, and a zip per
//! material and size. It reads the model and returns files; it writes nothing.

pub mod data;
mod kit;
pub mod materials;
mod pdfbox;
mod units;

use crate::artifact::{FORWARD_MAX_BYTES, FORWARD_WIDTH};
use crate::config::Config;
use crate::content::Model;
use crate::diag::Diagnostic;
use crate::output::OutFile;
use crate::output::Sink;
use crate::typeset::{self, CompileError, Engine};
use materials::{Job, Pages};

/// Width of the first-page previews, in pixels: twice the 120 CSS pixels the site shows them at.
const PREVIEW_WIDTH_PX: f32 = 240.0;

/// Millimetres to PDF points.
pub const PT_PER_MM: f64 = 72.0 / 25.4;

pub struct PrintOptions {
    /// Crop marks in a slug outside the bleed, whatever the config says.
    pub crop_marks: bool,
}

/// The print kit: its files and the records of its PDFs and zips.
pub struct PrintKit {
    pub files: Vec<OutFile>,
    pub records: Vec<crate::artifact::PrintRecord>,
    pub zips: Vec<crate::artifact::ZipRecord>,
}

/// Renders every material. Previews and pictures go to `sink` as each material is made; the
/// campaign's PDFs and zips are returned as files, each unit's handed to `sink` unit by unit, so
/// a table of thousands of units never waits in memory. All problems are returned together.
pub fn render(
    model: &Model,
    engine: &Engine,
    options: &PrintOptions,
    sink: &dyn Sink,
) -> Result<PrintKit, Vec<Diagnostic>> {
    let cfg = &model.config.print;
    let crop_marks = options.crop_marks || cfg.crop_marks;
    let jobs = if model.shard.owns_campaign() {
        materials::jobs(model)?
    } else {
        Vec::new()
    };
    let unit_jobs = units::jobs(model)?;
    missing_templates(engine, jobs.iter().chain(unit_jobs.iter().flatten()))?;
    let made = make_all(model, engine, &jobs, crop_marks, sink)?;
    let mut kit = kit::assemble(made, cfg.bleed_mm);
    // One job per unit: its materials are made one after another on the job's thread.
    let per_unit: Vec<Result<PrintKit, Vec<Diagnostic>>> = crate::jobs::map(&unit_jobs, |jobs| {
        let made = make_all(model, engine, jobs, crop_marks, sink)?;
        let unit = kit::assemble(made, cfg.bleed_mm);
        for f in unit.files {
            let path = f.path.clone();
            sink.put(f)
                .map_err(|e| vec![Diagnostic::error(path, e.to_string())])?;
        }
        Ok(PrintKit {
            files: Vec::new(),
            ..unit
        })
    });
    for u in crate::diag::all_or_every_error(per_unit)? {
        kit.records.extend(u.records);
        kit.zips.extend(u.zips);
    }
    Ok(kit)
}

/// An error for each template the jobs need that the theme lacks.
fn missing_templates<'a>(
    engine: &Engine,
    jobs: impl Iterator<Item = &'a Job>,
) -> Result<(), Vec<Diagnostic>> {
    let missing: Vec<Diagnostic> = jobs
        .map(|j| j.material().template())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|t| !engine.has_template(t))
        .map(|t| Diagnostic::error(engine.template_path(&t), "找不到印刷模板"))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing)
    }
}

/// Makes `jobs` on every core, handing each one's preview and pictures to `sink` as it is done;
/// every error is returned.
fn make_all(
    model: &Model,
    engine: &Engine,
    jobs: &[Job],
    crop_marks: bool,
    sink: &dyn Sink,
) -> Result<Vec<kit::Handed>, Vec<Diagnostic>> {
    crate::diag::all_or_every_error(crate::jobs::map_heaviest_first(
        jobs,
        Job::expected_pages,
        |job| make(model, engine, job, crop_marks).and_then(|m| kit::hand_over(m, sink)),
    ))
}

/// One finished material.
pub struct Made {
    pub job: Job,
    pub pdf: Vec<u8>,
    pub preview: Vec<u8>,
    pub pages: usize,
    /// Its pages as forwardable JPEGs: one, or a few for a long booklet; none when it shows
    /// another job's ([`Job::pictures_of`]).
    pub jpegs: Vec<typeset::Jpeg>,
}

/// What `typeset_job` makes of a job.
struct Typeset {
    pdf: Vec<u8>,
    preview: Vec<u8>,
    pages: usize,
    jpegs: Vec<typeset::Jpeg>,
}

/// Lays out, exports and previews one job, or takes all three from the build cache when the same
/// template files, fonts and data made them before.
pub fn make(
    model: &Model,
    engine: &Engine,
    job: &Job,
    crop_marks: bool,
) -> Result<Made, Diagnostic> {
    let inputs = inputs(&model.config, engine, job, crop_marks);
    let key = CacheKey {
        inputs: &inputs,
        pages: format!("{:?}", job.pages),
        ident: &job.stem,
        pictures_of: job.pictures_of.as_deref(),
        preview_px: PREVIEW_WIDTH_PX,
        jpeg_px: FORWARD_WIDTH,
    };
    let material = job.material();
    let label = kit::place(job).file;
    let blobs = engine.cached(&label, &material.template(), &key, || {
        let t = typeset_job(model, engine, job, &inputs)?;
        // Numbers first: the page count, then each picture's height and quality.
        let mut numbers = vec![t.pages as u64];
        for j in &t.jpegs {
            numbers.extend([u64::from(j.height), u64::from(j.quality)]);
        }
        let numbers = numbers.iter().flat_map(|n| n.to_le_bytes()).collect();
        let mut blobs = vec![t.pdf, t.preview, numbers];
        blobs.extend(t.jpegs.into_iter().map(|j| j.bytes));
        Ok(blobs)
    })?;
    let damaged = || {
        Diagnostic::error(
            crate::config::CONFIG_FILE,
            "构建缓存里的印刷品条目不完整；请运行 fanzha clean",
        )
    };
    let mut blobs = blobs.into_iter();
    let (Some(pdf), Some(preview), Some(numbers)) = (blobs.next(), blobs.next(), blobs.next())
    else {
        return Err(damaged());
    };
    let numbers: Vec<u64> = numbers
        .chunks_exact(8)
        .map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default()))
        .collect();
    let (pages, sizes) = numbers.split_first().ok_or_else(damaged)?;
    let jpegs: Vec<typeset::Jpeg> = sizes
        .chunks_exact(2)
        .zip(blobs)
        .map(|(hq, bytes)| typeset::Jpeg {
            height: hq[0] as u32,
            quality: hq[1] as u8,
            bytes,
        })
        .collect();
    if jpegs.len() * 2 != sizes.len() || jpegs.is_empty() != job.pictures_of.is_some() {
        return Err(damaged());
    }
    Ok(Made {
        job: job.clone(),
        pdf,
        preview,
        pages: *pages as usize,
        jpegs,
    })
}

/// What the job's template reads.
fn inputs<'a>(
    cfg: &Config,
    engine: &'a Engine,
    job: &'a Job,
    crop_marks: bool,
) -> data::Inputs<'a> {
    let scale = f64::from(job.scale);
    data::Inputs {
        title: &job.title,
        issuer: crate::channels::issuer(cfg),
        fonts: &engine.families,
        page: data::Page {
            width_mm: job.size.width_mm / scale,
            height_mm: job.size.height_mm / scale,
            bleed_mm: cfg.print.bleed_mm / scale,
            crop_marks,
            scale: job.scale,
        },
        hotlines: crate::channels::hotlines(cfg),
        qr: job.qr_url.as_deref().map(crate::qr::encode),
        url: job.qr_url.as_deref(),
        data: &job.data,
    }
}

/// What a PDF and its preview depend on besides the engine's fingerprint and the template.
#[derive(serde::Serialize)]
struct CacheKey<'a> {
    inputs: &'a data::Inputs<'a>,
    pages: String,
    ident: &'a str,
    pictures_of: Option<&'a str>,
    preview_px: f32,
    jpeg_px: u32,
}

/// Text that cannot fit, as an error naming the content file it is in — the one the template's
/// mark names (the handbook's chapters come from many pages), else the job's page, else
/// config.toml — with the front-matter key and its line (`print_title` for a title, when the page
/// has one).
fn overflow_error(
    model: &Model,
    job: &Job,
    what: &str,
    field: String,
    source: Option<String>,
) -> Diagnostic {
    let file = source
        .map(std::path::PathBuf::from)
        .or_else(|| job.source.clone())
        .unwrap_or_else(|| crate::config::CONFIG_FILE.into());
    let page = model.pages.iter().find(|p| p.source == file);
    let field = match page {
        Some(p) if field == "title" => p.print_title_key().to_string(),
        _ => field,
    };
    let advice = match (page, field.as_str()) {
        (Some(_), "title") => {
            "标题分两行、缩到最小字号仍放不下；请精简标题，或加一行 print_title = \"…\"，给印刷品、屏幕和分享图用一个较短的标题"
        }
        (Some(_), "print_title") => "印刷标题分两行、缩到最小字号仍放不下；请精简 print_title",
        _ => "缩到最小字号仍放不下；请精简这段文字",
    };
    let d = Diagnostic::error(file, format!("{what}：文字太多，{advice}"));
    // A unit's material: the unit's row of the table.
    if let Some(unit) = job.unit.as_deref().and_then(|id| model.units.get(id)) {
        let part = match field.as_str() {
            "name" => "名称",
            "people" => "联系人和电话",
            _ => "内容",
        };
        return Diagnostic {
            message: format!(
                "{what}：第 {} 行（{}）的{part}太长，缩到最小字号仍放不下；请精简",
                unit.line, unit.id
            ),
            ..d
        }
        .at_line(unit.line)
        .field(field);
    }
    match page.and_then(|p| p.field_line(&field)) {
        Some(line) => d.at_line(line).field(field),
        None => d.field(field),
    }
}

/// Compiles a job (padding a booklet to a multiple of 4 pages), exports its PDF with the bleed
/// box and renders its first-page preview and its forwardable JPEG.
fn typeset_job(
    model: &Model,
    engine: &Engine,
    job: &Job,
    inputs: &data::Inputs<'_>,
) -> Result<Typeset, Diagnostic> {
    let cfg = &model.config;
    let scale = f64::from(job.scale);
    let where_ = || {
        job.source
            .clone()
            .unwrap_or_else(|| crate::config::CONFIG_FILE.into())
    };
    let material = job.material();
    let what = format!(
        "印刷品「{}」{}（{}×{} 毫米）",
        material.label(),
        job.stem,
        job.size.width_mm,
        job.size.height_mm
    );
    let compile = |inputs: &data::Inputs<'_>| {
        engine
            .compile(&material.template(), typeset::inputs(inputs))
            .map_err(|e| match e {
                CompileError::Overflow { field, source } => {
                    overflow_error(model, job, &what, field, source)
                }
                CompileError::Template(d) => Diagnostic {
                    message: format!("{what}: {}", d.message),
                    ..d
                },
            })
    };
    let mut doc = compile(inputs)?;
    let mut pages = doc.pages().len();
    match job.pages {
        Pages::Exactly(want) if pages != want => {
            return Err(Diagnostic::error(
                where_(),
                format!("{what}：内容排不下，应为 {want} 页，实际排成了 {pages} 页；请精简文字"),
            ));
        }
        Pages::MultipleOf4 if pages % 4 != 0 => {
            let mut padded = job.data.clone();
            let data::Data::Handbook(h) = &mut padded else {
                unreachable!("only the handbook is a booklet of Pages::MultipleOf4")
            };
            h.pad = 4 - pages % 4;
            doc = compile(&data::Inputs {
                data: &padded,
                ..inputs.clone()
            })?;
            pages = doc.pages().len();
            if pages % 4 != 0 {
                return Err(Diagnostic::error(
                    where_(),
                    format!("{what}：补空白页后仍有 {pages} 页，不是 4 的倍数"),
                ));
            }
        }
        _ => {}
    }
    let pdf = engine
        .pdf(&doc, &job.stem)
        .map_err(|m| Diagnostic::error(where_(), format!("{what}: PDF 导出失败: {m}")))?;
    let bleed_pt = (cfg.print.bleed_mm / scale * PT_PER_MM) as f32;
    let pdf = pdfbox::set_bleed_box(&pdf, bleed_pt)
        .map_err(|m| Diagnostic::error(where_(), format!("{what}: {m}")))?;
    let preview = engine.png(&doc.pages()[0], PREVIEW_WIDTH_PX);
    // A roster's letters are one page per student, not for forwarding: its first page shows it.
    // A job showing another's pictures makes none.
    let forwarded = match &job.data {
        _ if job.pictures_of.is_some() => &[],
        data::Data::Letter(l) if !l.students.is_empty() => &doc.pages()[..1],
        _ => doc.pages(),
    };
    let jpegs = typeset::jpeg_pages(forwarded, FORWARD_WIDTH, FORWARD_MAX_BYTES);
    Ok(Typeset {
        pdf,
        preview,
        pages,
        jpegs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channels::testing::default_campaign;

    /// Lays out a job as `make` does, without the cache, the page count check and the PDF.
    fn compile(
        model: &Model,
        engine: &Engine,
        job: &Job,
    ) -> Result<typst_layout::PagedDocument, CompileError> {
        let inputs = inputs(&model.config, engine, job, false);
        engine.compile(&job.material().template(), typeset::inputs(&inputs))
    }

    #[test]
    fn text_that_cannot_fit_is_an_overflow_naming_its_field() {
        let (model, engine) = default_campaign();
        let jobs = materials::jobs(&model).unwrap();
        let poster = jobs
            .iter()
            .find(|j| j.material() == materials::Material::Poster)
            .unwrap();
        assert!(compile(&model, &engine, poster).is_ok());
        // The rule is a fitted block, the headline one line or two.
        type Edit = fn(&mut data::Poster);
        let edits: [(&str, Edit); 2] = [
            ("rule", |p| {
                p.rule = "凡是陌生人要求转账就是诈骗！".repeat(100)
            }),
            ("title", |p| {
                p.title = "刷单返利诈骗".repeat(20);
                p.title_words = crate::zh::headline_words(&p.title);
            }),
        ];
        for (field, edit) in edits {
            let mut job = poster.clone();
            let data::Data::Poster(p) = &mut job.data else {
                unreachable!("a poster's data")
            };
            edit(p);
            match compile(&model, &engine, &job) {
                Err(CompileError::Overflow { field: f, .. }) => assert_eq!(f, field),
                Err(CompileError::Template(d)) => panic!("{field}: not an overflow: {d:?}"),
                Ok(_) => panic!("{field}: laid out although it cannot fit"),
            }
        }
    }
}
