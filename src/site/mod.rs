//! The site renderer: reads the model and returns every file of the website (HTML pages in
//! parallel — content pages, and a page per unit of the units table with their index —,
//! stylesheets, static files, co-located assets, QR codes, sitemap, robots.txt, feed, 404, the
//! search page). Pictures the images renderer made are shown through its records (`pictures`),
//! and their originals are not copied. It writes nothing; `output` does.

mod assets;
pub mod campaign;
mod csp;
mod feeds;
pub mod phones;
mod pictures;
mod prepare;
pub mod theme;
pub mod views;

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use minijinja::{Environment, Value, context};
use rayon::prelude::*;

use crate::artifact::Artifacts;
use crate::content::{Kind, Model, PageId, SectionId, relative_url};
use crate::diag::Diagnostic;
use crate::output::OutFile;
use theme::{Theme, template_error};

/// One HTML file to render.
enum Job {
    Home,
    Section(SectionId),
    Page(PageId),
    NotFound,
    Downloads,
    /// The 公众号 preview page.
    Wechat,
    Search,
    /// The units index.
    Units,
    /// The page of the unit at this index of the units table.
    Unit(usize),
    /// The campaign calendar: phases and weekly themes.
    Calendar,
}

impl Job {
    /// What the job renders, as a name that stays with it when pages come and go (runs of jobs
    /// are cut by these names, see [`crate::cache::runs`]).
    fn name(&self, model: &Model) -> String {
        match self {
            Job::Page(id) => model.pages[*id].path.clone(),
            Job::Section(id) => model.sections[*id].path.clone(),
            Job::Unit(i) => format!("units/{}", model.units.list[*i].id),
            Job::Home => "index".into(),
            Job::NotFound => "404".into(),
            Job::Downloads => "downloads".into(),
            Job::Wechat => "wechat".into(),
            Job::Search => "search".into(),
            Job::Units => "units".into(),
            Job::Calendar => "calendar".into(),
        }
    }
}

/// Renders the whole site. Every problem found is returned, not only the first. Pages are kept in
/// `store` (the build cache) in runs, each under its pages' whole input, so the next build renders
/// again only the runs whose pages changed.
pub fn render(
    model: &Model,
    theme: &Theme,
    made: &Artifacts,
    store: &crate::cache::Cache,
) -> Result<Site, Vec<Diagnostic>> {
    let mut kept = Cache::default();
    let files = render_with(model, theme, made, &mut kept, Keep::Store(store))?;
    Ok(Site {
        files,
        rendered: kept.rendered,
        reused: kept.reused,
    })
}

/// The site's files, and how many of its HTML pages were rendered now and read from the build
/// cache.
pub struct Site {
    pub files: Vec<OutFile>,
    /// The HTML pages rendered now (their paths).
    pub rendered: Vec<String>,
    /// How many HTML pages were read from the build cache.
    pub reused: usize,
}

/// Where the pages one render made are kept for the next.
#[derive(Clone, Copy)]
enum Keep<'a> {
    /// In memory, each page with a fingerprint of its input ([`Cache`], `serve`).
    Memory,
    /// In the build cache, in runs of pages ([`render_stored`]).
    Store(&'a crate::cache::Cache),
}

/// What the last render made, kept between renders by `fanzha serve`: the templates, the
/// stylesheets, and every HTML file with a fingerprint of what its template was given. A page is
/// rendered again only when that input changed, so editing one page re-renders it and the pages
/// that list it (their cards changed), not the whole site.
#[derive(Default)]
pub struct Cache {
    env: Option<Environment<'static>>,
    css: Option<Vec<OutFile>>,
    pages: HashMap<String, (u64, OutFile)>,
    /// HTML files rendered (not reused) by the last render.
    pub rendered: Vec<String>,
    /// How many HTML files the last render reused.
    pub reused: usize,
}

impl Cache {
    /// Templates changed: load them again and render every page.
    pub fn forget_templates(&mut self) {
        self.env = None;
        self.pages.clear();
    }

    /// Sass changed: compile the stylesheets again.
    pub fn forget_styles(&mut self) {
        self.css = None;
    }
}

/// Renders the whole site, reusing from `cache` what has not changed, and updates the cache.
pub fn render_cached(
    model: &Model,
    theme: &Theme,
    made: &Artifacts,
    cache: &mut Cache,
) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
    render_with(model, theme, made, cache, Keep::Memory)
}

/// Renders the site, keeping its pages as `keep` says. `serve` fingerprints every page and keeps
/// a copy of it in `cache` for the next render; a build keeps runs of pages in its build cache,
/// and with the build cache off (`--no-cache`) neither hashes nor keeps anything: hashing every
/// page's input costs about a tenth of a 10,000-page site's rendering.
fn render_with(
    model: &Model,
    theme: &Theme,
    made: &Artifacts,
    cache: &mut Cache,
    keep: Keep<'_>,
) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
    let remember = matches!(keep, Keep::Memory);
    let root = &model.root;
    let env = match cache.env.take() {
        Some(env) => env,
        None => {
            let mut env = theme.environment(root)?;
            let numbers = crate::channels::phone_numbers(&model.config);
            env.add_filter("phones", move |v: Value| phones_filter(&v, &numbers));
            env
        }
    };
    let site = val(views::site(
        model,
        made.has_downloads(),
        !model.calendar.is_empty(),
    ));
    let site_hash = remember.then(|| {
        let mut h = std::hash::DefaultHasher::new();
        site.hash(&mut h);
        h.finish()
    });

    let jobs = jobs(model, made);
    let pictures = pictures::Pictures::new(&made.images, &model.config.images.sizes);
    let renderer = Renderer {
        model,
        env: &env,
        theme,
        site: &site,
        made,
        pictures: &pictures,
    };
    let rendered = match keep {
        Keep::Memory => {
            let previous = std::mem::take(&mut cache.pages);
            renderer.render_remembered(&jobs, site_hash.unwrap_or_default(), &previous)
        }
        Keep::Store(store) => render_stored(&renderer, &jobs, store),
    };

    let (mut generated, mut errors) = cache.keep(rendered, remember);
    cache.env = Some(env);
    generated.extend(machine_files(model));
    match cache.css(root, theme) {
        Ok(css) => generated.extend(css),
        Err(ds) => errors.extend(ds),
    }
    generated.extend(
        model
            .assets
            .iter()
            .filter(|a| !pictures.contains(&a.path))
            .map(|a| OutFile::copy(a.path.clone(), a.source.clone())),
    );
    match with_static_files(model, theme, &pictures, generated, &made.images) {
        Ok(files) if errors.is_empty() => Ok(files),
        Ok(_) => Err(errors),
        Err(es) => {
            errors.extend(es);
            Err(errors)
        }
    }
}

/// Every HTML page of the site, in a fixed order: the home page and the site's own pages, the
/// sections, the content pages, the units.
fn jobs(model: &Model, made: &Artifacts) -> Vec<Job> {
    let mut jobs = vec![Job::Home, Job::NotFound, Job::Search];
    if made.has_downloads() {
        jobs.push(Job::Downloads);
    }
    if !model.calendar.is_empty() {
        jobs.push(Job::Calendar);
    }
    if !made.wechat.is_empty() {
        jobs.push(Job::Wechat);
    }
    jobs.extend(
        (1..model.sections.len())
            .filter(|&i| {
                let front = &model.sections[i].front;
                front.render && front.redirect_to.is_none()
            })
            .map(Job::Section),
    );
    jobs.extend((0..model.pages.len()).map(Job::Page));
    if !model.units.is_empty() {
        jobs.push(Job::Units);
        jobs.extend((0..model.units.list.len()).map(Job::Unit));
    }
    jobs
}

impl Cache {
    /// The pages rendered, counted as rendered now or reused, and kept with their fingerprints
    /// when `remember` (`serve`); the errors apart.
    fn keep(&mut self, rendered: Vec<Rendered>, remember: bool) -> (Vec<OutFile>, Vec<Diagnostic>) {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        self.rendered.clear();
        self.reused = 0;
        for r in rendered {
            match r {
                Ok((fingerprint, f, fresh)) => {
                    if fresh {
                        self.rendered.push(f.path.clone());
                    } else {
                        self.reused += 1;
                    }
                    if remember {
                        self.pages.insert(f.path.clone(), (fingerprint, f.clone()));
                    }
                    files.push(f);
                }
                Err(d) => errors.push(d),
            }
        }
        (files, errors)
    }

    /// The stylesheets, compiled unless kept from the last render.
    fn css(
        &mut self,
        root: &std::path::Path,
        theme: &Theme,
    ) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
        let css = match self.css.take() {
            Some(css) => css,
            None => assets::compile_sass(root, &theme.sass_dirs(root))?,
        };
        self.css = Some(css.clone());
        Ok(css)
    }
}

/// The files made for machines and old links: aliases, section redirects, QR codes, the
/// sitemap, robots.txt and the feed.
fn machine_files(model: &Model) -> Vec<OutFile> {
    let mut files = aliases(model);
    files.extend(section_redirects(model));
    files.extend(qr_codes(model));
    files.push(OutFile::bytes("sitemap.xml", feeds::sitemap(model)));
    files.push(OutFile::bytes("robots.txt", feeds::robots(model)));
    files.push(OutFile::bytes("atom.xml", feeds::atom(model)));
    files
}

/// The theme's and the campaign's static files with `generated` over them (a static file of the
/// same path is an error, as is a missing logo or a file where a picture's width goes); pictures'
/// originals are left out.
fn with_static_files(
    model: &Model,
    theme: &Theme,
    pictures: &pictures::Pictures<'_>,
    generated: Vec<OutFile>,
    images: &[crate::artifact::ImageRecord],
) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
    let root = &model.root;
    let mut errors = Vec::new();
    let mut files = assets::static_files(&theme.static_dirs(root));
    if let Some(logo) = &model.config.issuer.logo
        && !files.contains_key(logo.trim_start_matches('/'))
    {
        errors.push(
            Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!("找不到标志图片 static/{logo}"),
            )
            .field("issuer.logo"),
        );
    }
    // A picture's original (with its EXIF) is replaced by what the images renderer made.
    files.retain(|path, _| !pictures.contains(path));
    for f in generated {
        if let Some(old) = files.insert(f.path.clone(), f) {
            errors.push(Diagnostic::error(
                "static",
                format!("静态文件 {} 与生成的文件同名；请改名", old.path),
            ));
        }
    }
    errors.extend(picture_clashes(images, &files));
    if errors.is_empty() {
        Ok(files.into_values().collect())
    } else {
        Err(errors)
    }
}

/// Loads the theme's templates only, reporting their syntax errors (used when content errors
/// prevent a full render).
pub fn check_templates(
    root: &std::path::Path,
    config: &crate::config::Config,
) -> Result<(), Vec<Diagnostic>> {
    let theme = Theme::find(root, &config.theme).map_err(|d| vec![d])?;
    theme.environment(root).map(|_| ())
}

/// One HTML file with everything its template is given.
struct Prepared {
    out_path: String,
    template: String,
    ctx: Value,
    source: std::path::PathBuf,
}

impl Prepared {
    /// A hash of the template name and its whole input: equal fingerprints give equal HTML.
    /// The `site` value every page gets is hashed once, by the caller (`site_hash`).
    fn fingerprint(&self, site_hash: u64) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        site_hash.hash(&mut h);
        self.feed(&mut h);
        h.finish()
    }

    /// Hashes the template name and the input, less the `site` value every page gets.
    fn feed(&self, h: &mut impl Hasher) {
        self.template.hash(h);
        if let Ok(keys) = self.ctx.try_iter() {
            for key in keys {
                if key.as_str() != Some("site") {
                    key.hash(h);
                    self.ctx.get_item(&key).unwrap_or_default().hash(h);
                }
            }
        }
    }
}

/// A file of the site at the path of a picture's smaller width or WebP, which would replace it.
fn picture_clashes(
    images: &[crate::artifact::ImageRecord],
    files: &BTreeMap<String, OutFile>,
) -> Vec<Diagnostic> {
    images
        .iter()
        .flat_map(|r| {
            r.variants
                .iter()
                .flat_map(|v| std::iter::once(&v.file).chain(&v.webp))
                .filter(|path| **path != r.path && files.contains_key(path.as_str()))
                .map(move |path| {
                    Diagnostic::error(
                        &r.source,
                        format!(
                            "网站里已有文件 {path}，与这张图片缩小后的文件同名；请给其中一个改名"
                        ),
                    )
                })
        })
        .collect()
}

/// What rendering a page takes besides the page itself.
struct Renderer<'a> {
    model: &'a Model,
    env: &'a Environment<'a>,
    theme: &'a Theme,
    site: &'a Value,
    made: &'a Artifacts,
    pictures: &'a pictures::Pictures<'a>,
}

/// A page rendered: its fingerprint (`serve` only), the file, and whether it was rendered now
/// rather than reused.
type Rendered = Result<(u64, OutFile, bool), Diagnostic>;

impl Renderer<'_> {
    fn render(&self, job: &Prepared) -> Result<OutFile, Diagnostic> {
        let tmpl = self.env.get_template(&job.template).map_err(|e| {
            Diagnostic::error(
                &job.source,
                format!("找不到模板 `{}`（{}）", job.template, e.kind()),
            )
            .field("template")
        })?;
        let html = tmpl.render(&job.ctx).map_err(|e| {
            let name = e.name().unwrap_or(&job.template).to_string();
            template_error(&self.theme.template_path(&self.model.root, &name), &e)
        })?;
        Ok(OutFile::bytes(job.out_path.clone(), csp::apply(html)))
    }

    /// Every page, each reused from `previous` when its fingerprint is the same (`serve`).
    fn render_remembered(
        &self,
        jobs: &[Job],
        site_hash: u64,
        previous: &HashMap<String, (u64, OutFile)>,
    ) -> Vec<Rendered> {
        jobs.par_iter()
            .map(|job| {
                let prepared = self.prepare(job);
                let fingerprint = prepared.fingerprint(site_hash);
                match previous.get(&prepared.out_path) {
                    Some((f, file)) if *f == fingerprint => Ok((fingerprint, file.clone(), false)),
                    _ => self.render(&prepared).map(|f| (fingerprint, f, true)),
                }
            })
            .collect()
    }

    /// What every page's key shares: fanzha itself, the templates, the hotline numbers the
    /// `phones` filter links, and the `site` value every template gets.
    fn base_key(&self) -> crate::cache::Key {
        let id = crate::cache::program_id();
        let mut templates: Vec<(String, String)> = self
            .env
            .templates()
            .map(|(name, t)| (name.to_string(), t.source().to_string()))
            .collect();
        templates.sort_unstable();
        let numbers = crate::channels::phone_numbers(&self.model.config);
        let base = crate::cache::Key::of_iter(
            [id.as_slice(), b"site-pages".as_slice()]
                .into_iter()
                .chain(
                    templates
                        .iter()
                        .flat_map(|(n, s)| [n.as_bytes(), s.as_bytes()]),
                )
                .chain(numbers.iter().map(|n| n.as_bytes())),
        );
        let mut h = crate::cache::KeyHasher::from(&base);
        self.site.hash(&mut h);
        h.key()
    }

    /// A run of pages, from `store` when a build before rendered the same pages from the same
    /// input; else rendered now (and stored when every page of it rendered).
    fn render_run(
        &self,
        jobs: &[Job],
        base: &crate::cache::Key,
        store: &crate::cache::Cache,
    ) -> Vec<Rendered> {
        let prepared: Vec<Prepared> = jobs.par_iter().map(|j| self.prepare(j)).collect();
        let mut h = crate::cache::KeyHasher::from(base);
        for p in &prepared {
            p.out_path.hash(&mut h);
            p.feed(&mut h);
        }
        let mut made = None;
        let stored = store.part(&h.key(), || {
            let files: Vec<Result<OutFile, Diagnostic>> =
                prepared.par_iter().map(|p| self.render(p)).collect();
            let blobs = files
                .iter()
                .map(|f| match f {
                    Ok(OutFile {
                        content: crate::output::Content::Bytes(b),
                        ..
                    }) => Ok(b.clone()),
                    _ => Err(()),
                })
                .collect::<Result<Vec<_>, ()>>();
            made = Some(files);
            blobs
        });
        let fresh = |files: Vec<Result<OutFile, Diagnostic>>| -> Vec<Rendered> {
            files.into_iter().map(|f| f.map(|f| (0, f, true))).collect()
        };
        if let Some(files) = made {
            return fresh(files);
        }
        match stored {
            Ok(blobs) if blobs.len() == prepared.len() => prepared
                .into_iter()
                .zip(blobs)
                .map(|(p, html)| Ok((0, OutFile::bytes(p.out_path, html), false)))
                .collect(),
            // An entry that does not hold the run's pages: rendered again.
            _ => fresh(prepared.par_iter().map(|p| self.render(p)).collect()),
        }
    }
}

/// Every page, in runs of jobs next to each other (see [`crate::cache::runs`]) each kept in
/// `store` under its pages' whole input (see [`Renderer::render_run`]): a build with one page
/// edited renders again the runs holding that page and the pages that list it, and reads the
/// rest. With the build cache off, every page is rendered and nothing is hashed.
fn render_stored(r: &Renderer<'_>, jobs: &[Job], store: &crate::cache::Cache) -> Vec<Rendered> {
    if !store.enabled() {
        return jobs
            .par_iter()
            .map(|job| r.render(&r.prepare(job)).map(|f| (0, f, true)))
            .collect();
    }
    let base = r.base_key();
    let names: Vec<String> = jobs.iter().map(|j| j.name(r.model)).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    crate::cache::runs(&names)
        .into_par_iter()
        .flat_map_iter(|range| r.render_run(&jobs[range], &base, store))
        .collect()
}

/// The `phones` filter: text (escaped first) or trusted HTML with every hotline number made a
/// `tel:` link.
fn phones_filter(v: &Value, numbers: &[String]) -> Value {
    let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
    let html = if v.is_safe() {
        text
    } else {
        crate::templates::escape_html(&text)
    };
    Value::from_safe_string(phones::link_phones(&html, numbers))
}

/// `qr.svg` beside every page and unit page, when the site's address is known (a QR code needs a full URL).
fn qr_codes(model: &Model) -> Vec<OutFile> {
    let Some(base) = &model.config.base_url else {
        return Vec::new();
    };
    let units = model
        .units
        .list
        .iter()
        .map(|u| crate::units::unit_path(&u.id));
    let paths: Vec<String> = model
        .pages
        .iter()
        .map(|p| p.path.clone())
        .chain(units)
        .collect();
    paths
        .par_iter()
        .map(|path| {
            OutFile::bytes(
                format!("{path}qr.svg"),
                crate::qr::svg(&format!("{base}{path}")),
            )
        })
        .collect()
}

/// The events of a gallery section, newest first, each with its first photo as a cover.
fn gallery_events(
    model: &Model,
    pictures: &pictures::Pictures<'_>,
    s: &crate::content::Section,
) -> Vec<Value> {
    let mut ids: Vec<PageId> = s.pages.clone();
    ids.sort_by(|&a, &b| model.page_date(b).cmp(&model.page_date(a)).then(a.cmp(&b)));
    ids.into_iter()
        .map(|id| {
            let p = &model.pages[id];
            let e = campaign::event(model, p);
            let cover = e.photos.first().map(|name| {
                let src = relative_url(&s.path, &format!("{}{name}", p.path));
                let alt = crate::templates::escape_html(&p.title);
                pictures
                    .rewrite(&format!("<img src=\"{src}\" alt=\"{alt}\">"), &s.path)
                    .into_owned()
            });
            context! {
                title => p.title.clone(),
                path => p.path.clone(),
                date_zh => e.date_zh,
                place => e.place,
                count => e.photos.len(),
                cover => cover.map(Value::from_safe_string),
            }
        })
        .collect()
}

/// Any serializable view as a template value.
fn val<T: serde::Serialize>(t: T) -> Value {
    Value::from(minijinja::value::Serde(t))
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Scam => "scam",
        Kind::Case => "case",
        Kind::Audience => "audience",
        Kind::Guide => "guide",
        Kind::Slogans => "slogans",
    }
}

/// The path part of `base_url` (`/` or `/fanzha/`), for pages served at unknown depths (404).
fn base_path(model: &Model) -> String {
    let Some(base) = &model.config.base_url else {
        return "/".into();
    };
    let after_scheme = base
        .split_once("://")
        .map_or(base.as_str(), |(_, rest)| rest);
    after_scheme
        .find('/')
        .map_or("/".into(), |i| after_scheme[i..].to_string())
}

/// Redirect pages for the `aliases` of pages and sections.
fn aliases(model: &Model) -> Vec<OutFile> {
    let mut targets: BTreeMap<String, String> = BTreeMap::new();
    let pairs = model
        .pages
        .iter()
        .map(|p| (&p.front.aliases, &p.path))
        .chain(model.sections.iter().map(|s| (&s.front.aliases, &s.path)));
    for (list, path) in pairs {
        for alias in list {
            targets.insert(alias.trim_start_matches('/').to_string(), path.clone());
        }
    }
    targets
        .into_iter()
        .map(|(alias, target)| {
            let (dir, file) = if alias.is_empty() || alias.ends_with('/') || !alias.contains('.') {
                let dir = if alias.is_empty() || alias.ends_with('/') {
                    alias.clone()
                } else {
                    format!("{alias}/")
                };
                (dir.clone(), format!("{dir}index.html"))
            } else {
                (crate::content::parent_path(&alias), alias.clone())
            };
            OutFile::bytes(file, redirect_html(&relative_url(&dir, &target)))
        })
        .collect()
}

/// A page that sends the browser on to `url` at once.
fn redirect_html(url: &str) -> String {
    let url = url
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>页面已移动</title>\
         <meta http-equiv=\"refresh\" content=\"0; url={url}\"><link rel=\"canonical\" href=\"{url}\"></head>\
         <body><p>页面已移动到 <a href=\"{url}\">新地址</a>。</p></body></html>\n"
    )
}

/// Zola's `redirect_to` on a section: its page redirects to a full URL, to the page an `@/…md`
/// link names, or to a path of the site.
fn section_redirects(model: &Model) -> Vec<OutFile> {
    model
        .sections
        .iter()
        .filter_map(|s| {
            let to = s.front.redirect_to.as_deref()?;
            let url = if to.starts_with("http://") || to.starts_with("https://") {
                to.to_string()
            } else if let Some(id) = model.page_by_link(to) {
                relative_url(&s.path, &model.pages[id].path)
            } else {
                relative_url(&s.path, to.trim_start_matches('/'))
            };
            Some(OutFile::bytes(
                format!("{}index.html", s.path),
                redirect_html(&url),
            ))
        })
        .collect()
}
