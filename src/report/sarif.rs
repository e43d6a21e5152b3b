//! SARIF 2.1.0 (<https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>), the
//! format GitHub code scanning reads. Hand-written structs hold only what we emit; the output is
//! deterministic (no timestamps, no absolute paths we did not receive).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;

use serde::Serialize;

use super::{COVERAGE_ID, INPUT_ERROR_ID, Report, Tally, Writer, pretty};
use crate::diagnostic::{
    Applicability, Coverage, Finding, Fix, InputError, Label, Note, RuleMeta, Severity,
};
use crate::syntax::Loc;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/gatelint/gatelint";
/// The key of our fingerprint in `partialFingerprints`; bump the version if its input changes.
const FINGERPRINT_KEY: &str = "gatelint/v1";
/// Regions whose text is longer than this carry no snippet (a whole API resource would bloat
/// the log without helping anyone).
const MAX_SNIPPET_BYTES: usize = 4096;

/// A SARIF log whose tool describes `rules` (the rules of the run, in their order). Its
/// invocation, which lists input errors and notes, comes before the results.
pub struct Sarif {
    rules: Vec<&'static RuleMeta>,
    /// The log's object, its run's, and the array of runs, once the head is written.
    document: Option<(pretty::Object, pretty::Object, pretty::Array)>,
    /// Findings come first among the results, so they may be written (spooled) before the
    /// head.
    results: pretty::Array,
}

impl Sarif {
    pub fn new(rules: Vec<&'static RuleMeta>) -> Self {
        Sarif {
            rules,
            document: None,
            results: pretty::Array::new(3),
        }
    }
}

impl Writer for Sarif {
    fn head_reads_report(&self) -> bool {
        true
    }

    fn head(&mut self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        let mut log = pretty::Object::new(0);
        log.field(out, "$schema", &SCHEMA)?;
        log.field(out, "version", &"2.1.0")?;
        log.key(out, "runs")?;
        let mut runs = pretty::Array::new(1);
        runs.next(out)?;
        let mut run = pretty::Object::new(2);
        let tool = Tool {
            driver: Driver {
                name: "gatelint",
                version: env!("CARGO_PKG_VERSION"),
                semantic_version: env!("CARGO_PKG_VERSION"),
                information_uri: INFORMATION_URI,
                rules: self
                    .rules
                    .iter()
                    .copied()
                    .map(Descriptor::new)
                    .chain([Descriptor::coverage()])
                    .collect(),
            },
        };
        run.field(out, "tool", &tool)?;
        let notifications: Vec<Notification> = report
            .errors
            .iter()
            .map(Notification::input_error)
            .chain(report.notes.iter().map(Notification::note))
            .collect();
        let invocations = [Invocation {
            execution_successful: report.errors.is_empty(),
            tool_execution_notifications: notifications,
        }];
        run.field(out, "invocations", &invocations)?;
        run.key(out, "results")?;
        self.document = Some((log, run, runs));
        Ok(())
    }

    fn finding(&mut self, finding: &Finding, out: &mut dyn io::Write) -> io::Result<()> {
        self.results
            .item(out, &SarifResult::new(finding, &self.rules))
    }

    fn tail(&mut self, report: &Report, _: &Tally, out: &mut dyn io::Write) -> io::Result<()> {
        let Some((log, mut run, runs)) = self.document.take() else {
            return Err(io::Error::other("the tail of a log without its head"));
        };
        let mut results = std::mem::replace(&mut self.results, pretty::Array::new(3));
        for coverage in &report.coverage {
            results.item(out, &SarifResult::coverage(coverage, &self.rules))?;
        }
        results.end(out)?;
        run.field(out, "columnKind", &"unicodeCodePoints")?;
        run.end(out)?;
        runs.end(out)?;
        log.end(out)?;
        writeln!(out)
    }
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

/// A rule as SARIF describes it (`reportingDescriptor`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

/// The web page of a rule's documentation (SARIF `helpUri`, the language server's
/// `codeDescription`).
pub fn rule_help_uri(id: &str) -> String {
    format!("{INFORMATION_URI}/blob/main/rules/{id}.md")
}

impl Descriptor {
    fn new(meta: &'static RuleMeta) -> Self {
        let body = doc_body(meta.doc);
        let full = full_description(body);
        Descriptor {
            id: meta.id,
            name: camel_case(meta.id),
            short_description: Text::new(meta.summary()),
            full_description: Text::new(if full.is_empty() {
                meta.summary()
            } else {
                &full
            }),
            help: Help {
                text: body.to_owned(),
                markdown: body.to_owned(),
            },
            help_uri: rule_help_uri(meta.id),
            default_configuration: Configuration {
                // Our severities are SARIF's level names.
                level: meta.severity.as_str(),
            },
            properties: RuleProperties {
                tags: ["security"],
                security_severity: security_severity(meta.severity),
            },
        }
    }
}

impl Descriptor {
    /// Coverage notes are results too (level `note`), under this descriptor after the rules.
    fn coverage() -> Self {
        let text = "gatelint could not see something a rule needs (routes whose definition is \
                    in S3, a file outside the template's directory), so it could not check it.";
        Descriptor {
            id: COVERAGE_ID,
            name: camel_case(COVERAGE_ID),
            short_description: Text::new("Part of an API is not visible to gatelint"),
            full_description: Text::new(text),
            help: Help {
                text: text.to_owned(),
                markdown: text.to_owned(),
            },
            help_uri: format!("{INFORMATION_URI}/blob/main/README.md"),
            default_configuration: Configuration { level: "note" },
            properties: RuleProperties {
                tags: ["security"],
                security_severity: "0.0",
            },
        }
    }
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: [&'static str; 1],
    /// GitHub code scanning ranks alerts by this CVSS-like score (a string, by its docs).
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    /// None for a note about the whole run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    descriptor: Option<DescriptorReference>,
}

impl Notification {
    fn input_error(error: &InputError) -> Self {
        Notification {
            level: "error",
            message: Text::new(&error.message),
            locations: vec![Location::new(&error.loc, None, "")],
            descriptor: Some(DescriptorReference { id: INPUT_ERROR_ID }),
        }
    }

    /// A skipped file: located at the file, without a region; a note about the run, nowhere.
    fn note(note: &Note) -> Self {
        Notification {
            level: "note",
            message: Text::new(&note.message),
            locations: note
                .path
                .iter()
                .map(|path| Location {
                    id: None,
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation::new(path),
                        region: None,
                    },
                    message: None,
                })
                .collect(),
            descriptor: None,
        }
    }
}

#[derive(Serialize)]
struct DescriptorReference {
    id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    properties: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

/// A finding's fix (`gatelint check --fix`), as SARIF's `fix`: its edits as replacements of
/// regions of the finding's file.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

impl SarifFix {
    fn new(fix: &Fix) -> Option<Self> {
        let file = fix.edits.first()?.range.file.path();
        let unsafe_note = match fix.applicability {
            Applicability::Safe => "",
            Applicability::Unsafe => {
                " (unsafe: review it; gatelint applies it only with --unsafe-fixes)"
            }
        };
        Some(SarifFix {
            description: Text::new(&format!("{}{unsafe_note}", fix.title)),
            artifact_changes: vec![ArtifactChange {
                artifact_location: ArtifactLocation::new(file),
                replacements: fix
                    .edits
                    .iter()
                    .map(|edit| {
                        let start = edit.range.start();
                        let end = edit.range.end();
                        Replacement {
                            deleted_region: Region {
                                start_line: start.line,
                                start_column: start.column,
                                end_line: end.line,
                                end_column: end.column,
                                snippet: None,
                            },
                            inserted_content: Text::new(&edit.replacement),
                        }
                    })
                    .collect(),
            }],
        })
    }
}

impl<'a> SarifResult<'a> {
    /// What gatelint could not see: a result of level `note` under its own id, whose
    /// descriptor follows the rules'.
    fn coverage(coverage: &'a Coverage, rules: &[&'static RuleMeta]) -> Self {
        SarifResult {
            rule_id: COVERAGE_ID,
            rule_index: Some(rules.len()),
            level: "note",
            message: Text::new(&coverage.message),
            locations: [Location::new(&coverage.loc, None, "")],
            related_locations: Vec::new(),
            partial_fingerprints: BTreeMap::from([(
                FINGERPRINT_KEY,
                hash_parts(&[COVERAGE_ID, coverage.loc.file.path(), &coverage.message]),
            )]),
            properties: BTreeMap::new(),
            fixes: Vec::new(),
        }
    }

    fn new(finding: &'a Finding, rules: &[&'static RuleMeta]) -> Self {
        let message = match &finding.help {
            Some(help) => format!("{}\n\nhelp: {help}", finding.message),
            None => finding.message.clone(),
        };
        let related = finding
            .related
            .iter()
            .zip(1..)
            .map(|(label, id): (&Label, usize)| Location::new(&label.loc, Some(id), &label.text))
            .collect();
        SarifResult {
            rule_id: finding.rule,
            rule_index: rules.iter().position(|meta| meta.id == finding.rule),
            level: finding.severity.as_str(),
            message: Text { text: message },
            locations: [Location::new(
                &finding.primary.loc,
                None,
                &finding.primary.text,
            )],
            related_locations: related,
            partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint(finding))]),
            properties: provenance_properties(finding),
            fixes: finding
                .fix
                .as_deref()
                .and_then(SarifFix::new)
                .into_iter()
                .collect(),
        }
    }
}

/// The finding's resource, key path and CDK construct, in the result's property bag.
fn provenance_properties(finding: &Finding) -> BTreeMap<&'static str, &str> {
    let provenance = &finding.provenance;
    [
        ("logicalId", &provenance.logical_id),
        ("propertyPath", &provenance.property_path),
        ("constructPath", &provenance.construct_path),
        ("constructType", &provenance.construct_type),
    ]
    .into_iter()
    .filter_map(|(key, value)| Some((key, value.as_deref()?)))
    .collect()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

impl Location {
    fn new(loc: &Loc, id: Option<usize>, label: &str) -> Self {
        let start = loc.start();
        let end = loc.end();
        let text = loc.text();
        let snippet =
            (!text.is_empty() && text.len() <= MAX_SNIPPET_BYTES).then(|| Text::new(text));
        Location {
            id,
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation::new(loc.file.path()),
                region: Some(Region {
                    start_line: start.line,
                    start_column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                    snippet,
                }),
            },
            message: (!label.is_empty()).then(|| Text::new(label)),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

impl ArtifactLocation {
    /// A relative path becomes a URI relative to `%SRCROOT%` (the checkout, for code
    /// scanning); an absolute one, which the user gave us, a `file:` URI.
    fn new(path: &str) -> Self {
        let path = path.replace('\\', "/");
        let mut relative = path.as_str();
        while let Some(rest) = relative.strip_prefix("./") {
            relative = rest;
        }
        let drive = relative
            .get(..3)
            .filter(|d| d.as_bytes().first().is_some_and(u8::is_ascii_alphabetic))
            .filter(|d| d.get(1..) == Some(":/"));
        if let Some(drive) = drive {
            let rest = relative.get(3..).unwrap_or("");
            return ArtifactLocation {
                uri: format!("file:///{drive}{}", percent_encode(rest)),
                uri_base_id: None,
            };
        }
        if relative.starts_with('/') {
            return ArtifactLocation {
                uri: format!("file://{}", percent_encode(relative)),
                uri_base_id: None,
            };
        }
        ArtifactLocation {
            uri: percent_encode(relative),
            uri_base_id: Some("%SRCROOT%"),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

impl Text {
    fn new(text: &str) -> Self {
        Text {
            text: text.to_owned(),
        }
    }
}

fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Note => "2.0",
    }
}

/// `unauthenticated-route` → `UnauthenticatedRoute`.
fn camel_case(id: &str) -> String {
    id.split('-')
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

/// The rule doc without its `# id` title.
fn doc_body(doc: &str) -> &str {
    let doc = doc.trim_start();
    let body = if doc.starts_with('#') {
        doc.split_once('\n').map_or("", |(_, rest)| rest)
    } else {
        doc
    };
    body.trim()
}

/// The doc's introduction and its "Why ..." section: what the rule finds and why it matters,
/// without the examples.
fn full_description(body: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let mut keep = true;
    for line in body.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            keep = heading.trim().to_ascii_lowercase().starts_with("why");
            continue;
        }
        if keep {
            kept.push(line);
        }
    }
    let mut text = String::new();
    for paragraph in kept.join("\n").split("\n\n") {
        let paragraph = paragraph.trim();
        if !paragraph.is_empty() {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(paragraph);
        }
    }
    text
}

/// Identifies a finding across runs while the lines around it move: rule, file and subject
/// (or the message, for a finding without a subject), hashed with 64-bit FNV-1a.
pub fn fingerprint(finding: &Finding) -> String {
    let what = finding.identity();
    hash_parts(&[finding.rule, finding.primary.loc.file.path(), what])
}

/// FNV-1a over the parts, each ended by a NUL.
pub(super) fn hash_parts(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &byte in part.as_bytes().iter().chain(&[0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Percent-encodes everything but unreserved characters and `/` (RFC 3986), so any path
/// becomes a valid URI reference.
fn percent_encode(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(char::from(byte));
        } else {
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    uri
}
