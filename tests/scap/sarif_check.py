#!/usr/bin/python3
"""Validate a SARIF 2.1.0 log for boxaudit, used by tests/report/sarif.sh.

From the research behind docs/REPORTS.md (validate.sh there), adapted:
container and image findings may carry a logical location only.

  sarif_check.py schema SCHEMA.json LOG.sarif     JSON-schema validation with format checking
  sarif_check.py github LOG.sarif                 consistency + GitHub code scanning requirements
  sarif_check.py multitool-output OUT.sarif       fail on any error/warning the SARIF Multitool reported

Run it with Debian's /usr/bin/python3: python3-jsonschema 4.10 checks format "uri" only when the
rfc3987 module (python3-rfc3987) is importable, and silently skips the check otherwise; "date-time"
needs rfc3339-validator, which Debian 12 does not package, so a small checker is registered here.
"""
import datetime
import json
import re
import sys


def load(p):
    with open(p, encoding="utf-8") as f:
        return json.load(f)


def cmd_schema(schema_path, log_path):
    import jsonschema  # noqa: F401
    from jsonschema import validators
    try:
        import rfc3987  # noqa: F401
    except ImportError:
        print("FAIL: the rfc3987 module is missing (apt-get install python3-rfc3987): format 'uri' would not be checked")
        return 1
    schema, doc = load(schema_path), load(log_path)
    V = validators.validator_for(schema)
    V.check_schema(schema)
    fc = V.FORMAT_CHECKER

    @fc.checks("date-time", raises=ValueError)
    def _date_time(s):
        if not isinstance(s, str):
            return True
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", s):
            raise ValueError("not an RFC 3339 date-time: %r" % s)
        datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
        return True
    for needed in ("uri", "date-time"):
        if needed not in fc.checkers:
            print("FAIL: format %r is not checked by this jsonschema" % needed)
            return 1
    errs = sorted(V(schema, format_checker=fc).iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errs[:30]:
        print("  /%s: %s" % ("/".join(map(str, e.absolute_path)), e.message[:300]))
    print("  %s, formats checked: %s" % (V.__name__, ", ".join(sorted(fc.checkers))))
    if errs:
        print("FAIL: %d schema errors" % len(errs))
        return 1
    return 0


def cmd_github(log_path):
    log = load(log_path)
    errs, warns = [], []
    if log.get("version") != "2.1.0":
        errs.append("version must be 2.1.0")
    if not log.get("$schema"):
        errs.append("$schema is required by GitHub (e.g. https://json.schemastore.org/sarif-2.1.0.json)")
    runs = log.get("runs", [])
    if not 1 <= len(runs) <= 20:
        errs.append("runs: %d (GitHub accepts 1..20)" % len(runs))
    for ri, run in enumerate(runs):
        P = "runs[%d]" % ri
        drv = run.get("tool", {}).get("driver", {})
        if not drv.get("name"):
            errs.append(P + ".tool.driver.name is required")
        rules = drv.get("rules", [])
        if len(rules) > 25000:
            errs.append(P + ": more than 25000 rules")
        ids = [r.get("id") for r in rules]
        if len(set(ids)) != len(ids):
            errs.append(P + ": duplicate rule ids")
        for i, r in enumerate(rules):
            for k in ("shortDescription", "fullDescription", "help"):
                if not (r.get(k) or {}).get("text"):
                    errs.append("%s.rules[%d] (%s): %s.text is required by GitHub" % (P, i, r.get("id"), k))
            for k in ("shortDescription", "fullDescription"):
                if len((r.get(k) or {}).get("text", "")) > 1024:
                    errs.append("%s.rules[%d]: %s.text longer than 1024" % (P, i, k))
            if len(r.get("name", "")) > 255:
                errs.append("%s.rules[%d]: name longer than 255" % (P, i))
            props = r.get("properties", {})
            if len(props.get("tags", [])) > 20:
                errs.append("%s.rules[%d]: more than 20 tags" % (P, i))
            sev = props.get("security-severity")
            if sev is not None:
                try:
                    if not 0.0 < float(sev) <= 10.0:
                        raise ValueError
                except ValueError:
                    errs.append("%s.rules[%d]: security-severity %r is not a string number in (0, 10]" % (P, i, sev))
                if not isinstance(sev, str):
                    warns.append("%s.rules[%d]: security-severity should be a string" % (P, i))
        bases = run.get("originalUriBaseIds", {})
        for name, loc in bases.items():
            u = loc.get("uri", "")
            if not u.endswith("/"):
                errs.append("%s.originalUriBaseIds[%s].uri must end with '/'" % (P, name))
            if "uriBaseId" not in loc and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", u):
                errs.append("%s.originalUriBaseIds[%s].uri must be absolute (or have a uriBaseId)" % (P, name))
        arts = run.get("artifacts", [])
        results = run.get("results")
        if results is None:
            errs.append(P + ".results is required by GitHub (may be empty)")
            results = []
        if len(results) > 25000:
            errs.append(P + ": more than 25000 results")

        def check_artifact_location(al, where):
            uri = al.get("uri")
            if not uri:
                errs.append(where + ".uri is required")
                return
            if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", uri):
                warns.append(where + ": absolute URI %r; GitHub wants a path relative to the repository root" % uri)
            elif uri.startswith("/"):
                errs.append(where + ": %r starts with '/' (relative reference that cannot combine with a base)" % uri)
            b = al.get("uriBaseId")
            if b is not None and b not in bases and b != "%SRCROOT%":
                errs.append(where + ": uriBaseId %r is not in originalUriBaseIds" % b)
            if "index" in al:
                i = al["index"]
                if not 0 <= i < len(arts) or arts[i].get("location", {}).get("uri") != uri:
                    errs.append(where + ": artifact index %r does not point at an artifact with uri %r" % (i, uri))
        for i, a in enumerate(arts):
            check_artifact_location(a.get("location", {}), "%s.artifacts[%d].location" % (P, i))
        for i, res in enumerate(results):
            W = "%s.results[%d]" % (P, i)
            rid = res.get("ruleId") or (res.get("rule") or {}).get("id")
            if "ruleIndex" in res:
                ix = res["ruleIndex"]
                if not 0 <= ix < len(rules) or rules[ix].get("id") != rid:
                    errs.append("%s: ruleIndex %r does not point at rule %r" % (W, ix, rid))
            elif rid not in ids:
                errs.append("%s: ruleId %r is not in tool.driver.rules" % (W, rid))
            if not (res.get("message") or {}).get("text"):
                errs.append(W + ": message.text is required")
            locs = res.get("locations") or []
            if not locs:
                errs.append(W + ": no locations: GitHub cannot show the alert")
            if len(locs) > 1000:
                errs.append(W + ": more than 1000 locations")
            for li, loc in enumerate(locs[:1]):
                pl = loc.get("physicalLocation")
                # boxaudit: a container or image finding has no file that decides it; it carries a
                # logical location only (docs/REPORTS.md "SARIF"), so it is a note, not an error.
                logical = [ll.get("fullyQualifiedName", "") for ll in loc.get("logicalLocations", [])]
                if not pl and logical and all(re.match(r"^(container|image):", q) for q in logical):
                    warns.append("%s.locations[%d]: logical location only (%s)" % (W, li, logical[0]))
                    continue
                if not pl:
                    errs.append("%s.locations[%d]: no physicalLocation: GitHub needs a file and a line" % (W, li))
                    continue
                check_artifact_location(pl.get("artifactLocation", {}), "%s.locations[%d].physicalLocation.artifactLocation" % (W, li))
                reg = pl.get("region") or {}
                if not isinstance(reg.get("startLine"), int) or reg["startLine"] < 1:
                    errs.append("%s.locations[%d]: region.startLine >= 1 is required" % (W, li))
                if "endLine" in reg and reg["endLine"] < reg.get("startLine", 1):
                    errs.append("%s.locations[%d]: endLine < startLine" % (W, li))
                if reg.get("endLine", reg.get("startLine")) == reg.get("startLine") and "endColumn" in reg and reg["endColumn"] <= reg.get("startColumn", 1):
                    errs.append("%s.locations[%d]: endColumn must follow startColumn" % (W, li))
            fp = res.get("partialFingerprints")
            if not fp:
                warns.append(W + ": no partialFingerprints: API uploads then produce duplicate alerts")
            elif "primaryLocationLineHash" not in fp:
                warns.append(W + ": GitHub only uses partialFingerprints.primaryLocationLineHash")
            if res.get("suppressions"):
                warns.append(W + ": has suppressions: GitHub ingests it as an OPEN alert (drop it for code scanning)")
            if res.get("kind", "fail") != "fail":
                warns.append(W + ": kind %r: GitHub ignores kind and shows it as an alert" % res.get("kind"))
        for inv in run.get("invocations", []):
            for ni, n in enumerate(inv.get("toolExecutionNotifications", [])):
                ar = n.get("associatedRule")
                if ar and "index" in ar and (not 0 <= ar["index"] < len(rules) or rules[ar["index"]].get("id") != ar.get("id")):
                    errs.append("%s.invocations notification %d: associatedRule index/id mismatch" % (P, ni))
        aid = run.get("automationDetails", {}).get("id")
        if aid is not None and "/" not in aid:
            warns.append(P + ".automationDetails.id has no '/': GitHub takes it all as run id, no category")
    for w in warns:
        print("  note: " + w)
    for e in errs:
        print("  " + e)
    if errs:
        print("FAIL: %d SARIF consistency / GitHub errors" % len(errs))
        return 1
    return 0


def cmd_multitool_output(out_path):
    d = load(out_path)
    bad = []
    for run in d.get("runs", []):
        for r in run.get("results", []):
            if r.get("level", "warning") in ("error", "warning"):
                msg = r.get("message", {})
                bad.append("%s %s: %s" % (r.get("level", "warning"), r.get("ruleId"), msg.get("text") or msg.get("arguments")))
        for inv in run.get("invocations", []):
            for n in inv.get("toolExecutionNotifications", []) + inv.get("toolConfigurationNotifications", []):
                nid = (n.get("descriptor") or {}).get("id", "")
                if n.get("level") == "error" and not nid.startswith("WRN999"):
                    bad.append("tool notification %s: %s" % (nid, n.get("message", {}).get("text")))
    for b in bad[:30]:
        print("  " + str(b)[:300])
    if bad:
        print("FAIL: the SARIF Multitool reported %d problems" % len(bad))
        return 1
    return 0


if __name__ == "__main__":
    a = sys.argv
    if len(a) == 4 and a[1] == "schema":
        sys.exit(cmd_schema(a[2], a[3]))
    if len(a) == 3 and a[1] == "github":
        sys.exit(cmd_github(a[2]))
    if len(a) == 3 and a[1] == "multitool-output":
        sys.exit(cmd_multitool_output(a[2]))
    print(__doc__)
    sys.exit(2)
