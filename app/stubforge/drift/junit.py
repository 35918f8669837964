"""The report as JUnit XML (the Ant/Jenkins/Surefire format CI systems read).

One ``<testsuite>`` per service, one ``<testcase>`` per route: breaking findings are a
``<failure>``, an unchecked route is ``<skipped>``, additive and behavioural findings go
to the test case's ``<system-out>``; answers no route matches form one more test case
(passing, listed in its output). Built with :mod:`xml.etree.ElementTree`, which escapes.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from stubforge.drift.findings import Category, DriftReport, Finding, RouteResult


def _lines(findings: list[Finding]) -> str:
    out = []
    for f in findings:
        out.append(f"{f.category.value}: {f.kind}: {f.message}")
        out.extend(f"    {e}" for e in f.evidence)
    return "\n".join(out)


def _case(suite: ET.Element, r: RouteResult) -> tuple[int, int]:
    case = ET.SubElement(
        suite,
        "testcase",
        {
            "classname": f"drift.{r.service}",
            "name": f"{r.route_id} {r.method} {r.path}",
            "time": "0",
        },
    )
    breaking = [f for f in r.findings if f.category is Category.BREAKING]
    unreachable = [f for f in r.findings if f.category is Category.UNREACHABLE]
    others = [f for f in r.findings if f.category in (Category.ADDITIVE, Category.BEHAVIOURAL)]
    if breaking:
        failure = ET.SubElement(
            case,
            "failure",
            {"type": "breaking", "message": "; ".join(f.message for f in breaking)[:500]},
        )
        failure.text = _lines(breaking)
    elif unreachable and not others:
        ET.SubElement(case, "skipped", {"message": "; ".join(f.message for f in unreachable)[:500]})
    if others or (unreachable and (breaking or others)):
        out = ET.SubElement(case, "system-out")
        out.text = _lines(others + (unreachable if breaking or others else []))
    return (1 if breaking else 0), (1 if unreachable and not breaking and not others else 0)


def render_junit(report: DriftReport, now: dt.datetime | None = None) -> str:
    """The report as a JUnit XML document (UTF-8 text with an XML declaration)."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%S")
    root = ET.Element("testsuites", {"name": "stubforge drift"})
    services = sorted({r.service for r in report.routes})
    total = failures = skipped = 0
    for n, service in enumerate(services):
        routes = [r for r in report.routes if r.service == service]
        suite = ET.SubElement(
            root,
            "testsuite",
            {"name": f"drift.{service}", "id": str(n), "timestamp": stamp, "time": "0"},
        )
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", {"name": "mode", "value": report.mode})
        ET.SubElement(props, "property", {"name": "source", "value": report.source})
        ET.SubElement(props, "property", {"name": "stubs", "value": report.stubs})
        fails = skips = 0
        for r in routes:
            f, s = _case(suite, r)
            fails, skips = fails + f, skips + s
        tests = len(routes)
        if n == 0 and report.unknown:
            case = ET.SubElement(
                suite, "testcase", {"classname": "drift", "name": "unmatched answers", "time": "0"}
            )
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(str(u) for u in report.unknown)
            tests += 1
        suite.set("tests", str(tests))
        suite.set("failures", str(fails))
        suite.set("errors", "0")
        suite.set("skipped", str(skips))
        total, failures, skipped = total + tests, failures + fails, skipped + skips
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
