// The 公众号 preview page in headless Chromium (run by tests/testsuite/outlets.rs).
// Usage: node wechat.mjs <site-url> <article-path> <site-page-path> <screenshot.png>
// At 375 CSS px: opens wechat/ (under the site's Content-Security-Policy), clicks the 「复制全文」
// button of the article, reads the clipboard back (text/html and text/plain), then renders the
// article itself, screenshots it, and reads the text of the article and of the site page it was
// made from. Prints one JSON object; a CSP violation or page error is reported in it.
import puppeteer from "puppeteer-core";

const [base, article, sitePage, shot] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
});
const origin = new URL(base).origin;
await browser.defaultBrowserContext().overridePermissions(origin,
  ["clipboard-read", "clipboard-write", "clipboard-sanitized-write"]);
const page = await browser.newPage();
await page.setViewport({ width: 375, height: 667, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
const errors = [];
page.on("pageerror", e => errors.push(String(e)));
// A missing file is reported by its address (the browser's own /favicon.ico request aside).
page.on("console", m => { if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text()); });
page.on("response", r => { if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) errors.push(r.status() + " " + r.url()); });
await page.evaluateOnNewDocument(() => {
  document.addEventListener("securitypolicyviolation", e => console.error("CSP " + e.violatedDirective + " " + e.blockedURI));
});
await page.goto(base + "wechat/", { waitUntil: "load" });
await page.bringToFront();
const button = `button[data-article$="${article}"]`;
await page.click(button);
await page.waitForFunction(b => {
  const s = document.querySelector(b).parentNode.querySelector(".copy-status");
  return s && s.textContent.length > 0;
}, { timeout: 10000 }, button);
const status = await page.$eval(button, b => b.parentNode.querySelector(".copy-status").textContent);
const clipboard = await page.evaluate(async () => {
  const out = {};
  for (const item of await navigator.clipboard.read()) {
    for (const type of item.types) out[type] = await (await item.getType(type)).text();
  }
  return out;
});
await page.goto(base + article, { waitUntil: "load" });
await page.screenshot({ path: shot, fullPage: false });
const article_text = await page.evaluate(() => document.body.innerText);
const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
await page.goto(base + sitePage, { waitUntil: "load" });
const site_text = await page.evaluate(() => document.querySelector("main").innerText);
await browser.close();
console.log(JSON.stringify({ status, clipboard, article_text, site_text, overflow, errors }));
