// Real-browser checks of the units pages of a built fanzha site served at BASE (run by
// tests/testsuite/units.rs). Usage: node units.mjs <base-url>
// Prints one JSON object: the units index's name filter (how many units show before and after
// typing a name, and which type headings stay), every Content-Security-Policy violation, and axe-core's serious/critical
// violations of the index and a unit page.
import puppeteer from "puppeteer-core";
import { seriousViolations } from "./axe.mjs";

const [base] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
});
const out = { filter_shown: false, visible_before: 0, visible_after: 0, groups_after: [], csp_violations: [], axe: {} };

async function open() {
  const page = await browser.newPage();
  await page.setViewport({ width: 375, height: 667 });
  page.on("console", m => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) out.csp_violations.push({ page: page.url(), text: m.text() });
  });
  return page;
}

const visible = page => page.$$eval(".unit-list li", items => items.filter(li => li.offsetParent !== null).length);

// The filter runs under the page's own policy: a script its hash does not allow would not run.
const index = await open();
await index.goto(base + "units/", { waitUntil: "load" });
out.filter_shown = await index.$eval("#unit-find", el => !el.hidden);
out.visible_before = await visible(index);
await index.type("#unit-q", "河西");
out.visible_after = await visible(index);
out.groups_after = await index.$$eval(".unit-group h2", hs => hs.filter(h => h.offsetParent !== null).map(h => h.textContent));
await index.close();

for (const p of ["units/", "units/school-1/"]) {
  const page = await open();
  await page.setBypassCSP(true);
  await page.goto(base + p, { waitUntil: "load" });
  out.axe[p] = await seriousViolations(page);
  await page.close();
}

await browser.close();
console.log(JSON.stringify(out));
