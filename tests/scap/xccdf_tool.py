#!/usr/bin/python3
"""Checks for boxaudit's XCCDF 1.2 / ARF 1.1 output, used by tests/report/scap.sh.

From the research behind docs/REPORTS.md (what OpenSCAP 1.3.7 demands, found by
experiment).

Subcommands (each exits 0 when the check holds, 1 when it does not, 2 on usage errors):
  whitespace FILE             every pair of adjacent sibling elements has text (whitespace) between
                              them: OpenSCAP 1.3.7 silently drops an element that directly follows
                              an empty one, e.g. the 2nd <select> of <select/><select/>, a <Profile>
                              right after <model/>, <check-content-ref> right after <check-import/>
  resolve-roundtrip FILE      `oscap xccdf resolve` (parse + re-export by libopenscap) keeps every
                              Profile selector and check-content-ref of FILE
  counts FILE                 print what the oscap HTML report must show for FILE's TestResult
  html FILE HTML              compare the markers of `oscap xccdf generate report` with FILE
  schematron FILE             run `oscap xccdf validate FILE`; accept only the known false error of
                              the XCCDF 1.2 schematron shipped with oscap 1.3.7 about <override>
  strip-overrides IN OUT      copy IN without <override> elements (result kept)
  arf-extract ARF OUT         rebuild Benchmark + TestResult (XCCDF) from an ARF file
  arf-rels ARF                check core:relationships (ARF's own schematron is XSLT 2, which
                              oscap/libxslt cannot run)
  rescore FILE WORKDIR        re-evaluate FILE's TestResult with oscap + SCE scripts that return
                              the recorded results, and compare oscap's scores with FILE's
  boxaudit-json REPORT.json FILE   compare boxaudit's JSON summary counts with FILE's TestResult
  html-json REPORT.json HTML       compare the rendered report's pass/fail/other with the JSON summary
"""
import collections
import copy
import json
import os
import re
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET

X = "http://checklists.nist.gov/xccdf/1.2"
NS = {"x": X,
      "arf": "http://scap.nist.gov/schema/asset-reporting-format/1.1",
      "core": "http://scap.nist.gov/schema/reporting-core/1.1",
      "ai": "http://scap.nist.gov/schema/asset-identification/1.1",
      "ds": "http://scap.nist.gov/schema/scap/source/1.2"}
ARFVOCAB = "http://scap.nist.gov/specifications/arf/vocabulary/relationships/1.0#"
for p, u in [("", X), ("dc", "http://purl.org/dc/elements/1.1/"), ("xhtml", "http://www.w3.org/1999/xhtml"),
             ("arf", NS["arf"]), ("core", NS["core"]), ("ai", NS["ai"]), ("ds", NS["ds"]),
             ("xlink", "http://www.w3.org/1999/xlink")]:
    ET.register_namespace(p, u)

OVERRIDE_ERR = ("Error: The value of the 'result' element must match the value of the 'new-result' "
                "element in an 'override' element when present.")
SCE = "http://open-scap.org/page/SCE"
SCE_CODE = {"pass": 101, "fail": 102, "error": 103, "unknown": 104, "notapplicable": 105,
            "notchecked": 106, "notselected": 107, "informational": 108, "fixed": 109}


def q(tag):
    return "{%s}%s" % (X, tag)


def fail(msg):
    print("FAIL: " + msg)
    return 1


def last_testresult(root):
    trs = list(root.iter(q("TestResult")))
    if not trs:
        return None
    return sorted(trs, key=lambda t: t.get("end-time", ""))[-1]


def results_of(tr):
    out = []
    for rr in tr.findall("x:rule-result", NS):
        out.append((rr.get("idref"), rr.findtext("x:result", namespaces=NS), rr.find("x:override", NS) is not None))
    return out


# ---------------------------------------------------------------- whitespace
def cmd_whitespace(path):
    bad = []
    for parent in ET.parse(path).iter():
        kids = list(parent)
        for a, b in zip(kids, kids[1:]):
            if not a.tail:  # None or "": no text node at all between the two elements
                bad.append("%s: <%s> directly followed by <%s>" % (
                    parent.tag.split("}")[-1], a.tag.split("}")[-1], b.tag.split("}")[-1]))
    for b in bad[:20]:
        print("  " + b)
    return fail("%d sibling pairs with nothing between them" % len(bad)) if bad else 0


def cmd_resolve_roundtrip(path, workdir):
    src = open(path, encoding="utf-8").read()
    src = re.sub(r'(<Benchmark\b[^>]*?)\sresolved="(1|true)"', r'\1 resolved="0"', src, count=1)
    inp, out = os.path.join(workdir, "rt-in.xml"), os.path.join(workdir, "rt-out.xml")
    open(inp, "w", encoding="utf-8").write(src)
    r = subprocess.run(["oscap", "xccdf", "resolve", "-o", out, inp], capture_output=True, text=True)
    if r.returncode != 0:
        return fail("oscap xccdf resolve: " + (r.stdout + r.stderr).strip()[:500])

    def count(p):
        c = collections.Counter()
        for prof in ET.parse(p).getroot().iter(q("Profile")):
            for k in prof:
                c["Profile/" + k.tag.split("}")[-1]] += 1
        for rule in ET.parse(p).getroot().iter(q("Rule")):
            for chk in rule.findall("x:check", NS):
                for k in chk:
                    c["Rule/check/" + k.tag.split("}")[-1]] += 1
        return c
    a, b = count(inp), count(out)
    diffs = [(k, a[k], b[k]) for k in sorted(set(a) | set(b)) if a[k] != b[k]]
    for k, x, y in diffs:
        print("  %s: %d in the file, %d after oscap's parser" % (k, x, y))
    return fail("libopenscap dropped elements") if diffs else 0


# ---------------------------------------------------------------- HTML report
def expected_counts(path):
    tr = last_testresult(ET.parse(path).getroot())
    rs = results_of(tr)
    c = collections.Counter(r for _, r, _ in rs)
    total = len(rs)
    ignored = c["notselected"] + c["notapplicable"]
    passed = c["pass"] + c["fixed"]
    failed = c["fail"]
    return {"total": total, "ignored": ignored, "passed": passed, "failed": failed,
            "uncertain": c["error"] + c["unknown"],
            "other": total - ignored - passed - failed,
            "rows": {k: v for k, v in c.items() if k != "notselected"},
            "waived": sum(1 for _, r, o in rs if o and r != "notselected"),
            "scores": [(s.get("system"), s.text.strip(), s.get("maximum")) for s in tr.findall("x:score", NS)]}


def cmd_counts(path):
    print(json.dumps(expected_counts(path), indent=1, sort_keys=True))
    return 0


def cmd_html(path, html_path):
    e = expected_counts(path)
    h = open(html_path, encoding="utf-8").read()
    errs = []

    def one(pattern, want, what):
        got = re.findall(pattern, h)
        if want is None:
            if got:
                errs.append("%s: found %r, expected none" % (what, got))
        elif len(got) != 1 or int(got[0]) != want:
            errs.append("%s: found %r, expected %d" % (what, got, want))
    if e["total"] - e["ignored"] > 0:
        one(r">\s*(\d+) passed\s*<", e["passed"], "progress bar 'N passed'")
        one(r">\s*(\d+) failed\s*<", e["failed"], "progress bar 'N failed'")
        # the severity bar of failed rules also prints 'N other': take the first occurrence
        got = re.findall(r">\s*(\d+) other\s*<", h)
        if not got or int(got[0]) != e["other"]:
            errs.append("progress bar 'N other': found %r, expected %d first" % (got, e["other"]))
    if e["failed"] > 0:
        one(r"did not satisfy the conditions of (\d+) rules!", e["failed"], "alert")
    else:
        one(r"did not satisfy the conditions of (\d+) rules!", None, "alert")
    if e["uncertain"] > 0:
        one(r"the results of (\d+) rules were inconclusive", e["uncertain"], "inconclusive")
    rows = collections.Counter(re.findall(r'class="rule-overview-leaf rule-overview-leaf-([a-z]+)[" ]', h))
    if dict(rows) != e["rows"]:
        errs.append("rule rows by result: %s, expected %s" % (dict(rows), e["rows"]))
    waived = len(re.findall(r'<span class="label label-warning">waived</span>', h))
    if waived != e["waived"]:
        errs.append("'waived' labels: %d, expected %d" % (waived, e["waived"]))
    for system, value, maximum in e["scores"]:
        if not re.search(r"<td>%s</td>\s*<td[^>]*>%s</td>\s*<td[^>]*>%s</td>" % (
                re.escape(system), re.escape(value), re.escape(maximum or "")), h):
            errs.append("score row %s %s/%s not found" % (system, value, maximum))
    if "NaN%" in h:
        errs.append("NaN%% in the report (a <score> without @maximum?)")
    for x in errs:
        print("  " + x)
    return fail("HTML report disagrees with the XCCDF") if errs else 0


# ---------------------------------------------------------------- schematron
def expected_override_errors(root):
    n = 0
    for tr in root.iter(q("TestResult")):
        rrs = tr.findall("x:rule-result", NS)
        if any(rr.find("x:override", NS) is not None for rr in rrs):
            for rr in rrs:
                news = [o.findtext("x:new-result", namespaces=NS) for o in rr.findall("x:override", NS)]
                if rr.findtext("x:result", namespaces=NS) not in news:
                    n += 1
    return n


def cmd_schematron(path):
    r = subprocess.run(["oscap", "xccdf", "validate", path], capture_output=True, text=True)
    lines = (r.stdout + "\n" + r.stderr).splitlines()
    errors = [l for l in lines if l.startswith("Error:") or "OpenSCAP Error" in l]
    known = [l for l in errors if l.startswith(OVERRIDE_ERR)]
    other = [l for l in errors if not l.startswith(OVERRIDE_ERR)
             and not l.startswith("OpenSCAP Error: Invalid XCCDF Checklist")]
    want = expected_override_errors(ET.parse(path).getroot())
    # a genuinely wrong override (result != new-result on the overridden rule-result) is counted in want too,
    # so compare with the number the schematron bug alone produces
    bug_only = 0
    for tr in ET.parse(path).getroot().iter(q("TestResult")):
        rrs = tr.findall("x:rule-result", NS)
        if any(rr.find("x:override", NS) is not None for rr in rrs):
            bug_only += sum(1 for rr in rrs if rr.find("x:override", NS) is None)
    for l in other:
        print("  " + l[:300])
    if other:
        return fail("oscap xccdf validate: errors other than the known <override> false positive")
    if len(known) != want or want != bug_only:
        return fail("override errors: %d reported, %d expected from rule-results without <override>, "
                    "%d from all mismatches (an <override> whose new-result differs from <result>?)"
                    % (len(known), bug_only, want))
    if r.returncode != 0 and not known:
        return fail("oscap xccdf validate exit %d: %s" % (r.returncode, "\n".join(lines)[:500]))
    print("  oscap xccdf validate: exit %d, %d known <override> false positives, no other error"
          % (r.returncode, len(known)))
    return 0


def cmd_strip_overrides(src, dst):
    tree = ET.parse(src)
    for rr in tree.getroot().iter(q("rule-result")):
        for o in rr.findall("x:override", NS):
            rr.remove(o)
    ET.indent(tree, "  ")
    tree.write(dst, encoding="UTF-8", xml_declaration=True)
    return 0


# ---------------------------------------------------------------- ARF
def cmd_arf_extract(arf, dst):
    root = ET.parse(arf).getroot()
    benches = list(root.iter(q("Benchmark")))
    trs = list(root.iter(q("TestResult")))
    if len(trs) != 1:
        return fail("expected 1 TestResult in the ARF, found %d" % len(trs))
    tr = trs[0]
    bid = tr.find("x:benchmark", NS)
    bid = bid.get("id") if bid is not None else None
    match = [b for b in benches if bid is None or b.get("id") == bid]
    if not match:
        return fail("no Benchmark with id %r in the ARF (TestResult/benchmark/@id)" % bid)
    b = copy.deepcopy(match[0])
    sig = b.find("x:signature", NS)
    if sig is not None:
        b.insert(list(b).index(sig), copy.deepcopy(tr))
    else:
        b.append(copy.deepcopy(tr))
    t = ET.ElementTree(b)
    ET.indent(t, "  ")
    t.write(dst, encoding="UTF-8", xml_declaration=True)
    return 0


def cmd_arf_rels(arf):
    root = ET.parse(arf).getroot()
    reports = {r.get("id") for r in root.findall("arf:reports/arf:report", NS)}
    requests = {r.get("id") for r in root.findall("arf:report-requests/arf:report-request", NS)}
    assets = {a.get("id") for a in root.findall("arf:assets/arf:asset", NS)}
    rels = root.findall("core:relationships/core:relationship", NS)
    errs = []
    if not rels:
        errs.append("no core:relationships (oscap info / rds-split refuse such a file)")
    if not requests:
        errs.append("no arf:report-requests (oscap info segfaults, rds-split fails, Foreman cannot find the Benchmark)")
    seen = collections.Counter()
    # the QName prefix in @type has to map to the ARF vocabulary namespace; ElementTree drops xmlns
    # declarations, so read them from the text
    text = open(arf, encoding="utf-8").read()
    prefixes = dict((p, u) for p, u in re.findall(r'xmlns:([A-Za-z0-9_.-]+)="([^"]+)"', text))
    for rel in rels:
        ty = rel.get("type", "")
        pfx, _, local = ty.rpartition(":")
        if prefixes.get(pfx) != ARFVOCAB:
            errs.append("relationship type %r: prefix does not map to %s" % (ty, ARFVOCAB))
        subj = rel.get("subject")
        refs = [r.text for r in rel.findall("core:ref", NS)]
        if subj not in reports:
            errs.append("%s: subject %r is not an arf:report id" % (local, subj))
        rng = {"isAbout": assets, "createdFor": requests, "hasMetadata": reports}.get(local, assets)
        for ref in refs:
            if ref not in rng:
                errs.append("%s: ref %r is not a valid target" % (local, ref))
        seen[(local, subj)] += 1
    for rep in reports:
        if not seen[("isAbout", rep)]:
            errs.append("report %r has no isAbout relationship to an asset" % rep)
        if requests and not seen[("createdFor", rep)]:
            errs.append("report %r has no createdFor relationship to a report-request" % rep)
    for x in errs:
        print("  " + x)
    return fail("ARF relationships") if errs else 0


# ---------------------------------------------------------------- rescoring with oscap + SCE
def cmd_rescore(path, workdir):
    workdir = os.path.abspath(workdir)
    tree = ET.parse(path)
    root = tree.getroot()
    if root.tag != q("Benchmark"):
        return fail("rescore needs a Benchmark document")
    tr = last_testresult(root)
    prof = tr.find("x:profile", NS)
    recorded = {i: r for i, r, _ in results_of(tr)}
    scores = {s.get("system"): (float(s.text), s.get("maximum")) for s in tr.findall("x:score", NS)}
    bench = copy.deepcopy(root)
    for t in bench.findall("x:TestResult", NS):
        bench.remove(t)
    models = {m.get("system") for m in bench.findall("x:model", NS)}
    kids = list(bench)
    at = next((i for i, k in enumerate(kids) if k.tag in (q("Profile"), q("Value"), q("Group"), q("Rule"))), len(kids))
    for system in sorted(s for s in scores if s.startswith("urn:xccdf:scoring:") and s not in models):
        bench.insert(at, ET.Element(q("model"), {"system": system}))
    os.makedirs(os.path.join(workdir, "sce"), exist_ok=True)
    for name, code in SCE_CODE.items():
        p = os.path.join(workdir, "sce", name + ".sh")
        open(p, "w").write("#!/bin/sh\nexit %d\n" % code)
        os.chmod(p, os.stat(p).st_mode | stat.S_IXUSR)
    for rule in bench.iter(q("Rule")):
        for c in rule.findall("x:check", NS) + rule.findall("x:complex-check", NS):
            rule.remove(c)
        res = recorded.get(rule.get("id"))
        if res and res != "notselected":
            chk = ET.Element(q("check"), {"system": SCE})
            ET.SubElement(chk, q("check-content-ref"), {"href": "sce/%s.sh" % res})
            sig = rule.find("x:signature", NS)
            if sig is not None:
                rule.insert(list(rule).index(sig), chk)
            else:
                rule.append(chk)
    t = ET.ElementTree(bench)
    ET.indent(t, "  ")  # whitespace between siblings: see `whitespace`
    src = os.path.join(workdir, "rescore-bench.xml")
    out = os.path.join(workdir, "rescore-results.xml")
    t.write(src, encoding="UTF-8", xml_declaration=True)
    cmd = ["oscap", "xccdf", "eval", "--results", out]
    if prof is not None:
        cmd += ["--profile", prof.get("idref")]
    r = subprocess.run(cmd + [src], capture_output=True, text=True, cwd=workdir)
    if r.returncode not in (0, 2):  # 2: some rule failed
        return fail("oscap xccdf eval exit %d: %s" % (r.returncode, (r.stdout + r.stderr)[-800:]))
    otr = last_testresult(ET.parse(out).getroot())
    errs = []
    got = {i: res for i, res, _ in results_of(otr)}
    for i, res in recorded.items():
        if got.get(i) != res:
            errs.append("rule %s: file says %s, oscap evaluates %s (rule @role? profile selection?)" % (i, res, got.get(i)))
    oscores = {s.get("system"): (float(s.text), s.get("maximum")) for s in otr.findall("x:score", NS)}
    for system, (val, mx) in scores.items():
        if system.startswith("urn:xccdf:scoring:"):
            if system not in oscores:
                errs.append("oscap computed no %s score" % system)
                continue
            ov, omx = oscores[system]
            if abs(ov - val) > 1e-3 or abs(float(omx) - float(mx or 100)) > 1e-3:
                errs.append("%s: file %s/%s, oscap %s/%s" % (system, val, mx, ov, omx))
            else:
                print("  %s: file %s/%s, oscap %s/%s" % (system, val, mx, ov, omx))
    if "urn:boxaudit:scoring:default" in scores:
        # boxaudit's default: passed / (passed + failed) over the checks it scored; a rule-result
        # weighing 0 is one --automated-only left out.
        weights = {rr.get("idref"): float(rr.get("weight", "1")) for rr in tr.findall("x:rule-result", NS)}
        c = collections.Counter(r for i, r in recorded.items() if weights.get(i, 1.0) != 0)
        want = 100.0 * c["pass"] / (c["pass"] + c["fail"]) if c["pass"] + c["fail"] else None
        val = scores["urn:boxaudit:scoring:default"][0]
        if want is None or abs(round(want, 1) - val) > 0.05:
            errs.append("urn:boxaudit:scoring:default: file %s, passed/(passed+failed) = %s" % (val, want))
        else:
            print("  urn:boxaudit:scoring:default: file %s, passed/(passed+failed)x100 = %.1f" % (val, want))
    for x in errs:
        print("  " + x)
    return fail("scores or results differ from oscap's evaluation") if errs else 0


# ---------------------------------------------------------------- boxaudit JSON
BOXAUDIT_TO_XCCDF = {"PASS": ["pass"], "FAIL": ["fail"], "ERROR": ["error"], "MANUAL": ["notchecked"],
                     "SKIP": ["notapplicable"], "WAIVED": ["informational+override"]}


def cmd_boxaudit_json(report, path):
    """The mapping proposed in NOTES.md: PASS->pass, FAIL->fail, ERROR->error, MANUAL->notchecked,
    SKIP->notapplicable, WAIVED->informational with an <override> (old-result fail)."""
    j = json.load(open(report))
    tr = last_testresult(ET.parse(path).getroot())
    c = collections.Counter()
    for _, r, o in results_of(tr):
        c[r + ("+override" if o else "")] += 1
    errs = []
    for status, keys in BOXAUDIT_TO_XCCDF.items():
        want = j["summary"].get(status, 0)
        got = sum(c[k] for k in keys)
        if want != got:
            errs.append("%s: JSON %d, XCCDF %s = %d" % (status, want, "+".join(keys), got))
    for x in errs:
        print("  " + x)
    return fail("boxaudit JSON and XCCDF disagree") if errs else 0


def cmd_html_json(report, html_path):
    """The rendered HTML report's pass/fail/other numbers against boxaudit's JSON summary directly."""
    j = json.load(open(report))["summary"]
    h = open(html_path, encoding="utf-8").read()
    want = {"passed": j["PASS"], "failed": j["FAIL"], "other": j["ERROR"] + j["MANUAL"] + j["WAIVED"]}
    errs = []
    if j["total"] - j["SKIP"] == 0:
        if "No rules were evaluated" not in h:
            errs.append("nothing evaluated, but no 'No rules were evaluated.'")
    else:
        for word, n in want.items():
            got = re.findall(r">\s*(\d+) %s\s*<" % word, h)
            if not got or int(got[0]) != n:
                errs.append("'N %s' in the HTML: %r, JSON says %d" % (word, got[:1], n))
    rows = collections.Counter(re.findall(r'class="rule-overview-leaf rule-overview-leaf-([a-z]+)[" ]', h))
    for status, result in (("PASS", "pass"), ("FAIL", "fail"), ("ERROR", "error"), ("MANUAL", "notchecked"),
                           ("SKIP", "notapplicable"), ("WAIVED", "informational")):
        if rows.get(result, 0) != j[status]:
            errs.append("%s rows in the HTML: %d, JSON %s: %d" % (result, rows.get(result, 0), status, j[status]))
    for x in errs:
        print("  " + x)
    if not errs:
        print("  HTML passed %(passed)d, failed %(failed)d, other %(other)d = boxaudit's JSON" % want)
    return fail("HTML report and boxaudit's JSON disagree") if errs else 0


def main(argv):
    cmds = {"whitespace": (cmd_whitespace, 1), "resolve-roundtrip": (cmd_resolve_roundtrip, 2),
            "counts": (cmd_counts, 1), "html": (cmd_html, 2), "schematron": (cmd_schematron, 1),
            "strip-overrides": (cmd_strip_overrides, 2), "arf-extract": (cmd_arf_extract, 2),
            "arf-rels": (cmd_arf_rels, 1), "rescore": (cmd_rescore, 2), "boxaudit-json": (cmd_boxaudit_json, 2),
            "html-json": (cmd_html_json, 2)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        print(__doc__)
        return 2
    return cmds[argv[1]][0](*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
