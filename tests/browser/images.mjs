// The pictures of one page as a phone downloads them (run by tests/testsuite/images.rs).
// Usage: node images.mjs <page-url>
// Opens the page in headless Chromium at 375 CSS px and device pixel ratio 2, notes which pictures
// loaded before any scrolling, scrolls to the bottom step by step so lazy pictures load, and
// prints one JSON object: every image response with the bytes it took on the wire (CDP's
// encodedDataLength), Resource Timing's transferSize total, and each <img>'s chosen source.
import puppeteer from "puppeteer-core";

const [url] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
});
const page = await browser.newPage();
await page.setViewport({ width: 375, height: 667, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
const cdp = await page.createCDPSession();
await cdp.send("Network.enable");
await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
const urls = new Map();
const done = [];
cdp.on("Network.responseReceived", e => { if (e.type === "Image") urls.set(e.requestId, e.response.url); });
cdp.on("Network.loadingFinished", e => {
  if (urls.has(e.requestId)) done.push({ url: urls.get(e.requestId), bytes: e.encodedDataLength });
});

await page.goto(url, { waitUntil: "load" });
await new Promise(r => setTimeout(r, 300));
const before_scroll = done.map(d => d.url);
const height = await page.evaluate(() => document.documentElement.scrollHeight);
for (let y = 0; y <= height; y += 300) {
  await page.evaluate(y => window.scrollTo(0, y), y);
  await new Promise(r => setTimeout(r, 60));
}
await page.waitForFunction(() => [...document.images].every(i => i.complete && i.naturalWidth > 0), { timeout: 20000 });
await page.waitForNetworkIdle({ idleTime: 300, timeout: 20000 });
const transfer_size = await page.evaluate(() => performance.getEntriesByType("resource")
  .filter(r => r.initiatorType === "img").reduce((n, r) => n + r.transferSize, 0));
const imgs = await page.$$eval("main img", is => is.map(i => ({ current: i.currentSrc, css_width: i.width, natural_width: i.naturalWidth })));
await browser.close();
console.log(JSON.stringify({ images: done, before_scroll, transfer_size, imgs }));
