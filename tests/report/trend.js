/*
 * Open a trend page in headless Chromium (playwright-core) and print TAP:
 * no console errors, no network requests, no script, no payload runs; the
 * chart has a dot per scored report and a line per section; the changes
 * table has the JSON's changes; save a screenshot.
 *
 * usage: node trend.js TREND.html TREND.json SCREENSHOT.png
 */
"use strict";
const fs = require("fs");
const path = require("path");
const { pathToFileURL } = require("url");
const { chromium } = require("playwright-core");

const [htmlPath, jsonPath, shotPath] = process.argv.slice(2);
const t = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
const url = pathToFileURL(path.resolve(htmlPath)).href;
let n = 0, failed = 0;
function ok(cond, what, detail) {
	n++;
	if (!cond)
		failed++;
	console.log(`${cond ? "ok" : "not ok"} ${n} - ${what}${!cond && detail ? ` (${detail})` : ""}`);
}

setTimeout(() => { console.log("Bail out! the browser test took longer than 50 s"); process.exit(1); }, 50000).unref();

(async () => {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
		headless: true,
		args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		       "--disable-background-networking", "--disable-component-update", "--disable-sync"],
	});
	const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
	const errors = [], requests = [], dialogs = [];
	page.on("console", m => { if (m.type() === "error" || m.type() === "warning") errors.push(m.text()); });
	page.on("pageerror", e => errors.push(String(e)));
	page.on("request", r => { if (r.url() !== url) requests.push(r.url()); });
	page.on("dialog", d => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
	await page.goto(url, { waitUntil: "load" });
	await page.waitForTimeout(300);

	ok(errors.length === 0, "no console errors or warnings (the CSP let our styles in)", errors.join(" | "));
	ok(requests.length === 0, "no network requests", requests.join(" "));
	ok(dialogs.length === 0, "no injected payload ran", dialogs.join(" "));
	const dom = await page.evaluate(() => ({
		scripts: document.querySelectorAll("script").length,
		imgs: document.querySelectorAll("img").length,
		handlers: Array.from(document.querySelectorAll("*")).filter(e => Array.from(e.attributes).some(a => /^on/i.test(a.name))).length,
		overallDots: document.querySelectorAll("g.overall circle").length,
		overallLines: document.querySelectorAll("g.overall polyline").length,
		sectionSeries: document.querySelectorAll("g.section").length,
		changeRows: document.querySelectorAll("table.changes tr.change").length,
		reportRows: document.querySelectorAll("table.reports tbody tr").length,
		text: document.body.innerText,
		styled: getComputedStyle(document.querySelector("header")).backgroundColor,
		csp: document.querySelector("meta[http-equiv=Content-Security-Policy]").content,
	}));
	ok(dom.scripts === 0 && dom.imgs === 0 && dom.handlers === 0, "no script, image or handler in the page",
	   JSON.stringify(dom).slice(0, 200));
	ok(/default-src 'none'/.test(dom.csp) && /script-src 'none'/.test(dom.csp), "CSP: default-src and script-src 'none'", dom.csp);
	ok(dom.styled !== "rgba(0, 0, 0, 0)", "the inline stylesheet applies under the CSP", dom.styled);
	const scored = t.points.filter(p => p.score !== null).length;
	ok(dom.overallDots === scored && dom.overallLines >= 1, `overall line: ${scored} dots`, `${dom.overallDots}`);
	ok(dom.sectionSeries === t.sections.length, `a line per section (${t.sections.length})`, `${dom.sectionSeries}`);
	ok(dom.reportRows === t.points.length, `a row per report (${t.points.length})`, `${dom.reportRows}`);
	ok(dom.changeRows === t.changes.length && t.changes.length > 0, `a row per change (${t.changes.length})`, `${dom.changeRows}`);
	ok(dom.text.includes("<script>alert(1)</script>"), "a hostile host name is shown as text");
	const tips = await page.$$eval("g.overall circle title", ts => ts.map(x => x.textContent));
	const want = t.points.filter(p => p.score !== null).map(p => `overall ${p.collected_at}: ${p.score.toFixed(1)}`);
	ok(JSON.stringify(tips) === JSON.stringify(want), "each dot's tooltip is the report's score", tips.join(" | "));
	fs.mkdirSync(path.dirname(shotPath), { recursive: true });
	await page.screenshot({ path: shotPath, fullPage: true });
	ok(fs.statSync(shotPath).size > 1000, `screenshot saved: ${shotPath}`);
	await browser.close();
	console.log(`1..${n}`);
	process.exit(failed ? 1 : 0);
})().catch(e => {
	console.log(`Bail out! ${String(e).split("\n")[0]}`);
	process.exit(1);
});
