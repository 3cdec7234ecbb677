// Manual check of `fanzha serve` in a real browser (not run by CI): opens a page in headless
// Chromium over the DevTools protocol, edits the page's source and waits for the tab to reload
// itself with the new text, then breaks the source, screenshots the error overlay and fixes it.
//
//   fanzha serve --root CAMPAIGN --port 0          # prints http://127.0.0.1:PORT/
//   node --experimental-websocket scripts/serve-in-chromium.mjs \
//     http://127.0.0.1:PORT/cases/shuadan-college-student/ \
//     CAMPAIGN/content/cases/shuadan-college-student.md overlay.png
//
// Needs Node 20+ and `chromium` on PATH. The source file is restored at the end.
import { spawn } from "node:child_process";
import fs from "node:fs";

const [url, src, shot] = process.argv.slice(2);
const chrome = spawn(
  "chromium",
  ["--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=9333", "--window-size=412,900", "about:blank"],
  { stdio: "ignore" },
);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let ws;
for (let i = 0; i < 50 && !ws; i++) {
  try {
    const list = await (await fetch("http://127.0.0.1:9333/json/list")).json();
    const page = list.find((t) => t.type === "page");
    if (page) {
      ws = new WebSocket(page.webSocketDebuggerUrl);
      await new Promise((r) => (ws.onopen = r));
    }
  } catch {}
  if (!ws) await sleep(200);
}
let id = 0;
const pending = new Map();
ws.onmessage = (m) => {
  const d = JSON.parse(m.data);
  if (d.id && pending.has(d.id)) {
    pending.get(d.id)(d.result);
    pending.delete(d.id);
  }
};
const send = (method, params = {}) =>
  new Promise((r) => {
    const i = ++id;
    pending.set(i, r);
    ws.send(JSON.stringify({ id: i, method, params }));
  });
const text = async () => {
  const r = await send("Runtime.evaluate", { expression: "document.body ? document.body.innerText : ''", returnByValue: true });
  return (r && r.result && r.result.value) || "";
};
const waitFor = async (test, ms) => {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (test(await text())) return Date.now() - t0;
    await sleep(20);
  }
  return -1;
};

await send("Page.enable");
await send("Page.navigate", { url });
await sleep(1500);
const orig = fs.readFileSync(src, "utf8");
const marker = "浏览器实测已刷新";
try {
  fs.writeFileSync(src, orig.replace("\n+++\n", `\n+++\n${marker}\n\n`));
  const ms = await waitFor((t) => t.includes(marker), 3000);
  console.log(ms >= 0 ? `reloaded with the edit after ${ms} ms` : "FAIL: no reload within 3 s");
  fs.writeFileSync(src, orig.replace("+++\n", "+++\ntitle = = \n"));
  const shown = await waitFor((t) => t.includes("生成失败"), 3000);
  const body = await text();
  console.log(shown >= 0 && body.includes(marker) ? "overlay over the last good page" : "FAIL: no overlay");
  const png = await send("Page.captureScreenshot", { format: "png" });
  fs.writeFileSync(shot, Buffer.from(png.data, "base64"));
} finally {
  fs.writeFileSync(src, orig);
}
const gone = await waitFor((t) => !t.includes("生成失败") && !t.includes(marker), 3000);
console.log(gone >= 0 ? "overlay gone after the fix" : "FAIL: overlay stays");
ws.close();
chrome.kill();
process.exit(0);
