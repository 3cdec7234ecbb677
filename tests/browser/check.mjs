// Real-browser checks of a built fanzha site served at BASE (run by tests/testsuite/browser.rs).
// Usage: node check.mjs <base-url> <page-path>...   (paths relative to the base, e.g. scams/shuadan/)
// Prints one JSON object: horizontal overflow per viewport, search results, 大字模式 across a
// navigation, the page with JavaScript off, axe-core's serious/critical violations, and every
// Content-Security-Policy violation (also on the pages of a running `fanzha serve` at SERVE_BASE).
import puppeteer from "puppeteer-core";
import { seriousViolations } from "./axe.mjs";

const [base, ...paths] = process.argv.slice(2);
const VIEWPORTS = [{ width: 375, height: 667 }, { width: 1280, height: 800 }];
const AXE_PAGES = (process.env.AXE_PAGES || "").split(",").filter(Boolean);

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
});
const out = { overflow: [], pages_checked: 0, outside_requests: [], search: {}, big: {}, nojs: {}, axe: {},
  csp_violations: [], csp: {} };
const origin = new URL(base).origin;

async function open(viewport, js = true) {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  await page.setJavaScriptEnabled(js);
  page.on("request", r => { if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) out.outside_requests.push(r.url()); });
  watchCsp(page);
  return page;
}

// Chromium reports each CSP violation as a console error ("Refused to …").
function watchCsp(page, into = out.csp_violations) {
  page.on("console", m => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) into.push({ page: page.url(), text: m.text() });
  });
}

// No page scrolls sideways, at either size.
for (const vp of VIEWPORTS) {
  const page = await open(vp);
  for (const p of paths) {
    await page.goto(base + p, { waitUntil: "load" });
    const w = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    if (w[0] > w[1]) out.overflow.push({ page: p, viewport: vp.width, scroll_width: w[0] });
    out.pages_checked++;
  }
  await page.close();
}

// Search: type a query as a visitor would and read the result links.
{
  const page = await open(VIEWPORTS[0]);
  for (const q of ["刷单", "公检法"]) {
    await page.goto(base + "search/", { waitUntil: "load" });
    await page.type("#q", q);
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => /找到|没有找到/.test(document.getElementById("status").textContent), { timeout: 15000 });
    out.search[q] = await page.$$eval("#results a", as => as.map(a => ({ href: a.getAttribute("href"), title: a.querySelector("strong").textContent })));
  }
  await page.close();
}

// 大字模式: switch it on at home, follow a link, and see it still on; font sizes before and after.
{
  const page = await open(VIEWPORTS[0]);
  await page.goto(base, { waitUntil: "load" });
  const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  out.big.before = await size();
  out.big.button_visible = await page.$eval("#big", b => !b.hidden);
  await page.click("#big");
  out.big.pressed = await page.$eval("#big", b => b.getAttribute("aria-pressed"));
  const link = await page.$eval("main .cards a", a => a.href);
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("main .cards a")]);
  out.big.after_navigation = await page.evaluate(() => document.documentElement.classList.contains("big"));
  out.big.size_after = await size();
  out.big.pressed_after = await page.$eval("#big", b => b.getAttribute("aria-pressed"));
  out.big.page = link;
  await page.click("#big");
  out.big.off_again = await page.evaluate(() => !document.documentElement.classList.contains("big"));
  await page.close();
}

// JavaScript off: a scam page still shows everything, the switch stays hidden, nothing overflows.
{
  const page = await open(VIEWPORTS[0], false);
  await page.goto(base + (paths.find(p => p.startsWith("scams/") && p !== "scams/") || ""), { waitUntil: "load" });
  out.nojs = await page.evaluate(() => ({
    h1: document.querySelector("h1")?.textContent,
    flags: document.querySelectorAll(".flags li").length,
    tel_links: document.querySelectorAll('a[href^="tel:"]').length,
    switch_hidden: document.getElementById("big").hidden,
    overflow: document.documentElement.scrollWidth > window.innerWidth,
  }));
  await page.close();
}

// The scam page printed from the browser, as an A4 PDF for pdfinfo and pdftotext.
if (process.env.PRINT_PAGE && process.env.PRINT_PDF) {
  const page = await open(VIEWPORTS[0]);
  await page.goto(base + process.env.PRINT_PAGE, { waitUntil: "load" });
  await page.pdf({ path: process.env.PRINT_PDF, format: "A4", preferCSSPageSize: true });
  await page.close();
}

// The policy is enforced: a script injected into the home page does not run, and is reported.
{
  const page = await browser.newPage();
  const seen = [];
  watchCsp(page, seen);
  await page.goto(base, { waitUntil: "load" });
  out.csp.injected_ran = await page.evaluate(() => {
    const s = document.createElement("script");
    s.textContent = "window.__injected = 1";
    document.body.append(s);
    return window.__injected === 1;
  });
  await new Promise(r => setTimeout(r, 200));
  out.csp.injected_reported = seen.length > 0;
  await page.close();
}

// `fanzha serve`: its live-reload script runs under the same policy and opens its event stream.
if (process.env.SERVE_BASE) {
  const page = await browser.newPage();
  let events = false;
  page.on("request", r => { if (r.url().includes("/__fanzha/events")) events = true; });
  watchCsp(page);
  for (const p of ["", "scams/shuadan/", "search/"]) {
    await page.goto(process.env.SERVE_BASE + p, { waitUntil: "load" });
  }
  await new Promise(r => setTimeout(r, 300));
  out.csp.serve_reload_connected = events;
  await page.close();
}

// axe-core on the pages asked for, at phone size (its script is injected inline, so the page's
// policy is bypassed for it alone).
for (const p of AXE_PAGES) {
  const page = await open(VIEWPORTS[0]);
  await page.setBypassCSP(true);
  await page.goto(base + p, { waitUntil: "load" });
  if (p.startsWith("search/")) {
    await page.type("#q", "刷单");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#results a", { timeout: 15000 });
  }
  out.axe[p] = await seriousViolations(page);
  await page.close();
}

await browser.close();
console.log(JSON.stringify(out));
