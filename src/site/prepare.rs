//! What each page's template is given: one function per kind of page, each returning the
//! page's output path, its template and its input.

use minijinja::{Value, context};

use super::{Job, Prepared, Renderer, base_path, campaign, gallery_events, kind_name, val, views};
use crate::content::{Kind, PageId, SectionId, relative_url};

/// What a page is given: its output path, its template name and its input.
type Given = (String, String, Value);

impl Renderer<'_> {
    /// Everything `job`'s template is given.
    pub(super) fn prepare(&self, job: &Job) -> Prepared {
        let (out_path, template, ctx) = match job {
            Job::Home => self.home(),
            Job::Wechat => self.wechat(),
            Job::Downloads => self.downloads(),
            Job::Calendar => self.calendar(),
            Job::NotFound => self.not_found(),
            Job::Search => self.search(),
            Job::Units => self.units(),
            Job::Unit(i) => self.unit(*i),
            Job::Section(id) => self.section(*id),
            Job::Page(id) => self.page(*id),
        };
        let model = self.model;
        let source = match job {
            Job::Page(id) => model.pages[*id].source.clone(),
            Job::Section(id) => model.sections[*id].source.clone(),
            Job::Units | Job::Unit(_) => model.units.table.clone().unwrap_or_default(),
            _ => model.home().source.clone(),
        };
        Prepared {
            out_path,
            template,
            ctx,
            source,
        }
    }

    /// What every page of the site's own (not made from content) is given besides its own
    /// values: the site, its place, the home page's share card and its meta tags.
    fn own_page(&self, path: &str, title: Option<&str>, description: &str) -> Value {
        context! {
            site => self.site.clone(),
            root => relative_url(path, ""),
            current_path => path,
            share => self.share(""),
            meta => val(views::meta(&self.model.config, title, description, path, self.share("").as_deref(), false)),
        }
    }

    /// The share card of the page at `path`, when the build makes share cards.
    fn share(&self, path: &str) -> Option<String> {
        self.made
            .share_cards
            .then(|| crate::artifact::paths::share_card(path))
    }

    /// The home page: the home section and the latest cases.
    fn home(&self) -> Given {
        let model = self.model;
        let site = self.site;
        let made = self.made;
        let pictures = self.pictures;
        let home = model.home();
        let mut cases: Vec<_> = model.pages_of(Kind::Case);
        cases.sort_by(|&a, &b| model.page_date(b).cmp(&model.page_date(a)).then(a.cmp(&b)));
        let latest: Vec<_> = cases
            .into_iter()
            .take(4)
            .map(|id| views::card(model, id))
            .collect();
        let name = home
            .front
            .template
            .clone()
            .unwrap_or_else(|| "index.html".into());
        let mut view = views::section(model, home);
        view.content = pictures.rewrite(&home.content, &home.path);
        let ctx = context! {
            site => site.clone(),
            section => val(view),
            latest_cases => val(latest),
            this_week => val(campaign::this_week(model, made.calendar.as_ref())),
            root => relative_url("", ""),
            current_path => "",
            share => self.share(""),
            meta => val(views::meta(&model.config, None, home.front.description.as_deref().unwrap_or(""), "", self.share("").as_deref(), false)),
        };
        ("index.html".to_string(), name, ctx)
    }

    /// The 公众号 preview page: every article to copy.
    fn wechat(&self) -> Given {
        let downloads = self.made;
        let path = views::WECHAT_PATH;
        let ctx = context! {
            articles => val(views::articles(&downloads.wechat)),
            ..self.own_page(path, Some("公众号文章"), "每个骗局、案例和指南都排成了公众号文章：复制全文，粘贴到公众号编辑器即可。")
        };
        (format!("{path}index.html"), "wechat.html".to_string(), ctx)
    }

    /// 下载中心: every kit's files.
    fn downloads(&self) -> Given {
        let model = self.model;
        let downloads = self.made;
        let (sms, scripts) = views::text_files(downloads);
        let ctx = context! {
            sms => val(sms),
            sms_count => downloads.sms.len(),
            scripts => val(scripts),
            script_minutes => model.config.broadcast.minutes.clone(),
            articles => downloads.wechat.len(),
            wechat => views::WECHAT_PATH,
            groups => val(views::download_groups(&downloads.print)),
            units => model.units.list.len(),
            screens => val(views::screen_groups(&downloads.screens, &downloads.screen_profiles)),
            reports => val(campaign::report_rows(&downloads.reports)),
            many_units => !model.units.is_empty(),
            // f64's Display writes 3.0 as "3" and 2.5 as "2.5".
            bleed_mm => model.config.print.bleed_mm.to_string(),
            ..self.own_page(views::DOWNLOADS_PATH, Some("下载中心"), "可直接交付印刷厂的海报、宣传单等材料，以及给电子屏播放的画面。")
        };
        (
            format!("{}index.html", views::DOWNLOADS_PATH),
            "downloads.html".to_string(),
            ctx,
        )
    }

    /// The campaign calendar: phases and weekly themes.
    fn calendar(&self) -> Given {
        let model = self.model;
        let made = self.made;
        let path = campaign::CALENDAR_PATH;
        let ctx = context! {
            calendar => val(campaign::calendar(model, made.calendar.as_ref(), &made.reports)),
            this_week => val(campaign::this_week(model, made.calendar.as_ref())),
            ..self.own_page(path, Some("活动日历"), "宣传活动的各个阶段和每周宣传主题，可导入手机日历。")
        };
        (
            format!("{path}index.html"),
            "calendar.html".to_string(),
            ctx,
        )
    }

    /// The 404 page.
    fn not_found(&self) -> Given {
        let model = self.model;
        let site = self.site;
        let ctx = context! {
            site => site.clone(),
            root => base_path(model),
            current_path => "404.html",
            share => self.share(""),
            meta => val(views::meta(&model.config, Some("页面不存在"), "", "404.html", self.share("").as_deref(), false)),
        };
        ("404.html".to_string(), "404.html".to_string(), ctx)
    }

    /// The search page.
    fn search(&self) -> Given {
        let ctx = context! {
            ..self.own_page(views::SEARCH_PATH, Some("搜索"), "输入几个字，查找骗局类型、典型案例和防骗指南。")
        };
        (
            format!("{}index.html", views::SEARCH_PATH),
            "search.html".to_string(),
            ctx,
        )
    }

    /// The units index.
    fn units(&self) -> Given {
        let model = self.model;
        let path = crate::units::UNITS_PATH;
        let ctx = context! {
            groups => val(views::unit_groups(model)),
            ..self.own_page(path, Some("单位"), "各学校、派出所、村（社区）、银行网点等单位的地址、联系电话和片区民警。")
        };
        (format!("{path}index.html"), "units.html".to_string(), ctx)
    }

    /// The page of the unit at index `i` of the units table.
    fn unit(&self, i: usize) -> Given {
        let model = self.model;
        let site = self.site;
        let made = self.made;
        let view = views::unit(model, i, made);
        let path = view.path.clone();
        let description = format!(
            "{}（{}）的地址、联系电话、片区民警和重点防范的骗局。",
            view.unit.name, view.unit.kind
        );
        let ctx = context! {
            site => site.clone(),
            meta => val(views::meta(&model.config, Some(&view.unit.name), &description, &path, self.share("").as_deref(), true)),
            root => relative_url(&path, ""),
            current_path => path.clone(),
            share => self.share(""),
            qr => model.config.base_url.as_ref().map(|_| format!("{path}qr.svg")),
            forms => val(campaign::unit_forms(&made.reports, &model.units.list[i].id)),
            unit => val(view),
        };
        (format!("{path}index.html"), "unit.html".to_string(), ctx)
    }

    /// A section's page (a gallery's with its events).
    fn section(&self, id: SectionId) -> Given {
        let model = self.model;
        let site = self.site;
        let pictures = self.pictures;
        let env = self.env;
        let s = &model.sections[id];
        let name = s.front.template.clone().unwrap_or_else(|| {
            let by_kind = s
                .front
                .kind
                .map(|k| format!("section-{}.html", kind_name(k)));
            by_kind
                .filter(|n| env.get_template(n).is_ok())
                .unwrap_or_else(|| "section.html".into())
        });
        let mut view = views::section(model, s);
        view.content = pictures.rewrite(&s.content, &s.path);
        let gallery = s
            .pages
            .iter()
            .any(|&id| model.is_gallery_page(&model.pages[id]));
        let name =
            if gallery && s.front.template.is_none() && env.get_template("gallery.html").is_ok() {
                "gallery.html".to_string()
            } else {
                name
            };
        let events = gallery.then(|| gallery_events(model, pictures, s));
        let ctx = context! {
            site => site.clone(),
            section => val(view),
            events => val(events),
            consent => gallery.then(|| model.config.gallery.consent.clone()),
            root => relative_url(&s.path, ""),
            current_path => s.path.clone(),
            share => self.share(&s.path),
            meta => val(views::meta(&model.config, Some(&s.title), s.front.description.as_deref().unwrap_or(""), &s.path, self.share(&s.path).as_deref(), false)),
        };
        (format!("{}index.html", s.path), name, ctx)
    }

    /// A content page.
    fn page(&self, id: PageId) -> Given {
        let model = self.model;
        let site = self.site;
        let pictures = self.pictures;
        let env = self.env;
        let downloads = self.made;
        let p = &model.pages[id];
        let section = &model.sections[p.section];
        let name = p
            .front
            .template
            .clone()
            .or_else(|| section.front.page_template.clone())
            .unwrap_or_else(|| {
                let by_kind = p.kind.kind().map(|k| format!("{}.html", kind_name(k)));
                let event = model.is_gallery_page(p).then(|| "event.html".to_string());
                by_kind
                    .or(event)
                    .filter(|n| env.get_template(n).is_ok())
                    .unwrap_or_else(|| "page.html".into())
            });
        let mut view = views::page(model, id, &downloads.print, &downloads.screens);
        view.content = pictures.rewrite(&p.content, &p.path);
        let card = self.share(crate::artifact::share_card_owner(model, id));
        let meta = views::meta(
            &model.config,
            Some(&p.title),
            &view.description,
            &p.path,
            card.as_deref(),
            true,
        );
        let event = model.is_gallery_page(p).then(|| {
            let e = campaign::event(model, p);
            let html: String = e
                .photos
                .iter()
                .map(|name| {
                    let alt = crate::templates::escape_html(&format!("{}：{name}", p.title));
                    format!("<figure><img src=\"{name}\" alt=\"{alt}\"></figure>")
                })
                .collect();
            (e, pictures.rewrite(&html, &p.path).into_owned())
        });
        let ctx = context! {
            site => site.clone(),
            meta => val(meta),
            page => val(view),
            event => event.as_ref().map(|(e, _)| val(e)),
            photos => event.map(|(_, html)| Value::from_safe_string(html)),
            consent => model.is_gallery_page(p).then(|| model.config.gallery.consent.clone()),
            root => relative_url(&p.path, ""),
            current_path => p.path.clone(),
            share => card,
            qr => model.config.base_url.as_ref().map(|_| format!("{}qr.svg", p.path)),
        };
        (format!("{}index.html", p.path), name, ctx)
    }
}
