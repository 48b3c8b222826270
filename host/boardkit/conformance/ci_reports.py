"""A test run in the forms CI systems read: JUnit XML, GitHub Actions annotations, a summary.

JUnit: one <testsuite> per target (name = the target, hostname-free), one <testcase> per
test with its file and line; fail -> <failure>, error -> <error>, unsupported -> <skipped>.
GitHub Actions: one `::error file=F,line=N,title=T::message` workflow command per failure or
error, which GitHub shows on the test file's line; a Markdown table for $GITHUB_STEP_SUMMARY.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from boardkit.conformance.runner import STATUSES, Report, Result

FAILED = ("fail", "error")
MESSAGE_CHARS = 200  # the message attribute: the first line of the detail, cut


def junit_xml(report: Report) -> str:
    """The report as a JUnit XML document (a <testsuites> root, one <testsuite> per target)."""
    root = ET.Element("testsuites", name="boardkit test")
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    total_time = 0.0
    for target in report.targets:
        results = [r for r in report.results if r.target == target.name]
        counts = report.counts(target.name)
        numbers = {
            "tests": len(results),
            "failures": counts["fail"],
            "errors": counts["error"],
            "skipped": counts["unsupported"],
        }
        attributes = {"name": target.name, "time": f"{target.seconds:.3f}"}
        attributes.update((key, str(value)) for key, value in numbers.items())
        suite = ET.SubElement(root, "testsuite", attributes)
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="implementation", value=target.description)
        for result in results:
            suite.append(_testcase(result))
        for key, value in numbers.items():
            totals[key] += value
        total_time += target.seconds
    root.set("time", f"{total_time:.3f}")
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _testcase(result: Result) -> ET.Element:
    name = result.test
    case = ET.Element("testcase", name=name, classname=f"{result.target}.{_classname(name)}")
    case.set("time", f"{result.seconds:.3f}")
    if result.file:
        case.set("file", result.file)
    if result.line is not None:
        case.set("line", str(result.line))
    tag = {"fail": "failure", "error": "error", "unsupported": "skipped"}.get(result.status)
    if tag is not None:
        child = ET.SubElement(case, tag, message=_first_line(result.detail))
        if tag != "skipped":
            child.set("type", result.status)
            child.text = result.detail
    return case


def _classname(name: str) -> str:
    # JUnit readers group by classname: the test's folder, dotted ("tests.unit").
    stem = name.removesuffix(".py")
    return stem.rsplit("/", 1)[0].replace("/", ".") if "/" in stem else "tests"


def _first_line(text: str) -> str:
    line = text.strip().split("\n", 1)[0] if text.strip() else ""
    return line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 3] + "..."


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(report: Report) -> list[str]:
    """One GitHub Actions `::error` command per failed or errored test, on its file and line."""
    lines = []
    for result in report.results:
        if result.status not in FAILED:
            continue
        where = []
        if result.file:
            where.append(f"file={_escape_property(result.file)}")
            where.append(f"line={result.line or 1}")
        title = f"{result.status} on {result.target}: {result.test}"
        where.append(f"title={_escape_property(title)}")
        lines.append(f"::error {','.join(where)}::{_escape_data(result.detail or result.status)}")
    return lines


def markdown_summary(report: Report) -> str:
    """A Markdown table of the counts per target, and the failures, for $GITHUB_STEP_SUMMARY."""
    rows = ["| target | implementation | " + " | ".join(STATUSES) + " | time |", "|---" * (len(STATUSES) + 3) + "|"]
    for target in report.targets:
        counts = report.counts(target.name)
        numbers = " | ".join(str(counts[s]) for s in STATUSES)
        rows.append(f"| {target.name} | {target.description} | {numbers} | {target.seconds:.1f} s |")
    bad = [r for r in report.results if r.status in FAILED]
    text = "## boardkit test\n\n" + "\n".join(rows) + "\n"
    if bad:
        text += "\n" + "\n".join(f"- **{r.status}** {r.target}: `{r.test}` — {_first_line(r.detail)}" for r in bad)
        text += "\n"
    return text
