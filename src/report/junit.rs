//! JUnit XML, the test report GitLab (`artifacts:reports:junit`), Jenkins and Azure DevOps
//! (`PublishTestResults`) read: one `<testsuite>` per file, one `<testcase>` per diagnostic. A
//! finding is a `<failure>`, an input error an `<error>`, something gatelint could not see a
//! `<skipped>` case. A run without any has one passing case, so the report is never empty.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;

use super::run::{COVERAGE_ID, INPUT_ERROR_ID, Report};
use crate::syntax::Loc;
use crate::text::plural;

/// What became of one test case.
enum Outcome {
    Failure,
    Error,
    Skipped,
}

struct Case<'a> {
    outcome: Outcome,
    id: &'a str,
    severity: &'a str,
    loc: &'a Loc,
    message: String,
}

impl Case<'_> {
    fn write(&self, out: &mut String) {
        let at = self.loc.start();
        let path = self.loc.file.path();
        let _ = writeln!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\">",
            xml(&format!("{} at {}:{}", self.id, at.line, at.column)),
            xml(path),
            xml(path),
            at.line
        );
        let text = format!(
            "{path}:{}:{}: {}[{}] {}",
            at.line, at.column, self.severity, self.id, self.message
        );
        let first_line = self.message.lines().next().unwrap_or_default();
        let element = match self.outcome {
            Outcome::Failure => "failure",
            Outcome::Error => "error",
            Outcome::Skipped => "skipped",
        };
        let _ = writeln!(
            out,
            "      <{element} type=\"{}\" message=\"{}\">{}</{element}>",
            xml(self.id),
            xml(first_line),
            cdata(&text)
        );
        out.push_str("    </testcase>\n");
    }
}

pub fn render(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut files: BTreeMap<&str, Vec<Case<'_>>> = BTreeMap::new();
    for error in &report.errors {
        files.entry(error.loc.file.path()).or_default().push(Case {
            outcome: Outcome::Error,
            id: INPUT_ERROR_ID,
            severity: "error",
            loc: &error.loc,
            message: error.message.clone(),
        });
    }
    for finding in &report.findings {
        let message = match &finding.help {
            Some(help) => format!("{}\nhelp: {help}", finding.message),
            None => finding.message.clone(),
        };
        files
            .entry(finding.primary.loc.file.path())
            .or_default()
            .push(Case {
                outcome: Outcome::Failure,
                id: finding.rule,
                severity: finding.severity.as_str(),
                loc: &finding.primary.loc,
                message,
            });
    }
    for coverage in &report.coverage {
        files
            .entry(coverage.loc.file.path())
            .or_default()
            .push(Case {
                outcome: Outcome::Skipped,
                id: COVERAGE_ID,
                severity: "note",
                loc: &coverage.loc,
                message: coverage.message.clone(),
            });
    }

    let count = |cases: &[Case<'_>], wanted: fn(&Outcome) -> bool| {
        cases.iter().filter(|c| wanted(&c.outcome)).count()
    };
    let failures = |o: &Outcome| matches!(o, Outcome::Failure);
    let errors = |o: &Outcome| matches!(o, Outcome::Error);
    let skipped = |o: &Outcome| matches!(o, Outcome::Skipped);
    let all: Vec<&Case<'_>> = files.values().flatten().collect();
    let total = |wanted: fn(&Outcome) -> bool| all.iter().filter(|c| wanted(&c.outcome)).count();

    let mut text = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let tests = all.len().max(1);
    let _ = writeln!(
        text,
        "<testsuites name=\"gatelint\" tests=\"{tests}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        total(failures),
        total(errors),
        total(skipped)
    );
    if files.is_empty() {
        let _ = writeln!(
            text,
            "  <testsuite name=\"gatelint\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    \
             <testcase name=\"{}\" classname=\"gatelint\"/>\n  </testsuite>",
            xml(&format!(
                "no problems found in {}",
                plural(report.files_checked, "file", "files")
            ))
        );
    }
    for (path, cases) in &files {
        let _ = writeln!(
            text,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            xml(path),
            cases.len(),
            count(cases, failures),
            count(cases, errors),
            count(cases, skipped)
        );
        for case in cases {
            case.write(&mut text);
        }
        text.push_str("  </testsuite>\n");
    }
    text.push_str("</testsuites>\n");
    out.write_all(text.as_bytes())
}

/// Text for an XML attribute or element: the five special characters as entities, and the
/// characters XML 1.0 cannot hold at all (most control characters, which input-derived text may
/// contain) written out as `\u{..}`.
fn xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if c < ' ' || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                escaped.extend(c.escape_unicode());
            }
            c => escaped.push(c),
        }
    }
    escaped
}

/// Element text as CDATA, which keeps `<`, `&` and quotes as they are for every reader; `]]>`
/// is split across two sections, and what XML cannot hold is written out as in [`xml`].
fn cdata(text: &str) -> String {
    let mut safe = String::with_capacity(text.len() + 12);
    for c in text.chars() {
        if (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}') {
            safe.extend(c.escape_unicode());
        } else {
            safe.push(c);
        }
    }
    format!("<![CDATA[{}]]>", safe.replace("]]>", "]]]]><![CDATA[>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_specials_and_writes_out_what_xml_cannot_hold() {
        assert_eq!(xml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(xml("\x1b[7m\u{0}x\ty"), "\\u{1b}[7m\\u{0}x\ty");
        assert_eq!(xml("]]>"), "]]&gt;");
        assert_eq!(cdata("a]]>b\x1b"), "<![CDATA[a]]]]><![CDATA[>b\\u{1b}]]>");
    }
}
