/*
 * Open an HTML report in headless Chromium (playwright-core) and print TAP:
 * no console errors, no network requests, no payload runs, filters work,
 * print CSS hides the controls; save a screenshot.
 *
 * usage: node browser.js REPORT.html REPORT.json SCREENSHOT.png
 */
"use strict";
const fs = require("fs");
const path = require("path");
const { pathToFileURL } = require("url");
const { chromium } = require("playwright-core");

const [htmlPath, jsonPath, shotPath] = process.argv.slice(2);
const doc = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
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
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	const errors = [], requests = [], dialogs = [];
	page.on("console", m => { if (m.type() === "error" || m.type() === "warning") errors.push(m.text()); });
	page.on("pageerror", e => errors.push(String(e)));
	page.on("request", r => { if (r.url() !== url) requests.push(r.url()); });
	page.on("dialog", d => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
	await page.addInitScript(() => {
		window.__payloads = [];
		for (const f of ["alert", "confirm", "prompt"])
			window[f] = m => { window.__payloads.push(String(m)); };
	});
	await page.goto(url, { waitUntil: "load" });
	await page.waitForTimeout(300);	/* let an injected onerror fire, if any */

	const total = doc.checks.length;
	ok(errors.length === 0, "no console errors or warnings", errors.join(" | "));
	ok(requests.length === 0, "no network requests", requests.join(" "));
	const payloads = await page.evaluate(() => window.__payloads);
	ok(dialogs.length === 0 && payloads.length === 0, "no injected payload ran", dialogs.concat(payloads).join(" "));
	const dom = await page.evaluate(() => ({
		imgs: document.querySelectorAll("img").length,
		scripts: document.querySelectorAll("script").length,
		jsLinks: Array.from(document.querySelectorAll("a[href]")).filter(a => !/^https?:$/.test(a.protocol)).length,
		handlers: Array.from(document.querySelectorAll("*")).filter(e => Array.from(e.attributes).some(a => /^on/i.test(a.name))).length,
		text: document.body.innerText,
	}));
	ok(dom.imgs === 0 && dom.scripts === 1 && dom.handlers === 0, "no injected element or handler",
	   JSON.stringify({ imgs: dom.imgs, scripts: dom.scripts, handlers: dom.handlers }));
	ok(dom.jsLinks === 0, "every link is http(s)");
	const hostile = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)"];
	ok(hostile.every(h => dom.text.includes(h)), "hostile names are shown as text");

	const visible = () => page.$$eval("table.checks > tbody > tr.check", rs => rs.filter(r => !r.hidden).map(r => ({
		status: r.dataset.status, section: r.dataset.section, level: r.dataset.level, text: r.textContent })));
	const shown = () => page.textContent("#shown");
	ok((await visible()).length === total && (await shown()) === `${total} of ${total} checks shown`,
	   "all checks shown at first", await shown());

	await page.selectOption("select[name=status]", "FAIL");
	let v = await visible();
	const fails = doc.checks.filter(c => c.status === "FAIL").length;
	ok(v.length === fails && v.every(r => r.status === "FAIL"), `status filter: ${fails} FAIL`, `${v.length}`);
	const sec = doc.summary.sections[doc.summary.sections.length - 1];
	await page.selectOption("select[name=status]", "");
	await page.selectOption("select[name=section]", `${sec.benchmark}:${sec.section}`);
	v = await visible();
	ok(v.length === sec.summary.total && v.every(r => r.section === `${sec.benchmark}:${sec.section}`),
	   `section filter: section ${sec.section}`, `${v.length} vs ${sec.summary.total}`);
	await page.selectOption("select[name=section]", "");
	await page.selectOption("select[name=level]", "2");
	v = await visible();
	const l2 = doc.checks.filter(c => c.level === 2).length;
	ok(v.length === l2 && v.every(r => r.level === "2"), `level filter: ${l2} level 2`, `${v.length}`);
	await page.selectOption("select[name=level]", "");
	await page.fill("input[name=q]", "ONERROR=alert");
	v = await visible();
	const withPayload = doc.checks.filter(c => JSON.stringify(c).includes("onerror=alert")).length;
	ok(v.length > 0 && v.length <= withPayload && v.every(r => r.text.toLowerCase().includes("onerror=alert")),
	   "free-text filter, case-insensitive", `${v.length}`);
	await page.fill("input[name=q]", "no check has this text");
	ok((await visible()).length === 0 && (await shown()) === `0 of ${total} checks shown`, "a search with no match hides every row");
	await page.fill("input[name=q]", "");
	ok((await visible()).length === total, "clearing the filters shows every check again");

	const gauge = await page.textContent("#score");
	const want = doc.summary.score === null ? "n/a" : `${doc.summary.score.toFixed(1)}%`;
	ok(gauge === want, `the gauge shows the JSON score ${want}`, gauge);

	fs.mkdirSync(path.dirname(shotPath), { recursive: true });
	await page.screenshot({ path: shotPath, fullPage: false });
	ok(fs.statSync(shotPath).size > 1000, `screenshot saved: ${shotPath}`);

	await page.emulateMedia({ media: "print" });
	const printHidden = await page.$eval("#filters", f => getComputedStyle(f).display === "none");
	ok(printHidden, "print CSS hides the filters");
	ok(errors.length === 0 && requests.length === 0, "still no errors or requests after interaction",
	   errors.concat(requests).join(" | "));
	await browser.close();
	console.log(`1..${n}`);
	process.exit(failed ? 1 : 0);
})().catch(e => {
	console.log(`Bail out! ${String(e).split("\n")[0]}`);
	process.exit(1);
});
