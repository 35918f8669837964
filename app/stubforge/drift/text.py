"""The terminal report: grouped by route, a few lines of evidence each, a summary last."""

from __future__ import annotations

from stubforge.drift.findings import Category, DriftReport, RouteResult

_LABEL = {
    Category.BREAKING: "BREAKING",
    Category.ADDITIVE: "additive",
    Category.BEHAVIOURAL: "behaviour",
    Category.UNREACHABLE: "unreachable",
}
MAX_EVIDENCE = 6


def _route(r: RouteResult, lines: list[str]) -> None:
    lines.append(f"{r.route_id}  {r.method} {r.path}  ({r.answers} answers; {r.file}:{r.line})")
    for f in r.findings:
        lines.append(f"  {_LABEL[f.category]:<11} {f.kind:<22} {f.message}")
        lines.extend(f"      {e}" for e in f.evidence[:MAX_EVIDENCE])


def render_text(report: DriftReport) -> str:
    """The whole report as plain text (deterministic for a given report)."""
    lines = [
        f"stubforge drift ({report.mode}) {report.source} vs stubs {report.stubs}: "
        f"{len(report.routes)} route(s), {report.requests_sent} request(s) sent",
        "",
    ]
    drifted = [r for r in report.routes if r.drifted]
    for r in drifted:
        _route(r, lines)
        lines.append("")
    unreachable = [r for r in report.routes if not r.drifted and r.findings]
    if unreachable:
        lines.append("not checked:")
        for r in unreachable:
            reasons = "; ".join(f.message for f in r.findings)
            lines.append(f"  {r.route_id}  {r.method} {r.path}: {reasons}")
        lines.append("")
    clean = [r.route_id for r in report.routes if not r.findings]
    if clean:
        lines.append(f"no drift ({len(clean)}): {', '.join(clean)}")
        lines.append("")
    if report.unknown:
        lines.append("unknown (answers no stub route matches):")
        lines.extend(f"  {u}" for u in report.unknown[:20])
        if len(report.unknown) > 20:
            lines.append(f"  ... and {len(report.unknown) - 20} more")
        lines.append("")
    if drifted:
        lines.append(
            "re-compiling from fresh recordings would change: "
            + ", ".join(r.route_id for r in drifted)
        )
    if report.written:
        lines.append(
            f"answers written to {report.written}: stubforge compile {report.written} -o STUBS"
        )
    lines.extend(report.notes)
    s = report.summary()
    lines.append(
        f"summary: {s['breaking']} breaking, {s['additive']} additive, "
        f"{s['behavioural']} behavioural, {s['unreachable']} unreachable, "
        f"{s['unknown']} unknown -> exit {report.exit_code}"
    )
    return "\n".join(lines) + "\n"
