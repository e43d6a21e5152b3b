//! What `check` reports, as LSP diagnostics: findings with their severity, related locations
//! and rule link; coverage notes as information; input errors as errors.

use std::str::FromStr;

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, Range, Uri,
};

use crate::diagnostic::{Coverage, Finding, InputError, Label, Severity};
use crate::report::{COVERAGE_ID, INPUT_ERROR_ID, sarif};
use crate::syntax::{Loc, SourceFile};

/// The `source` of every diagnostic.
pub const SOURCE: &str = "gatelint";

/// The LSP position of a byte offset of `file`.
pub fn position(file: &SourceFile, offset: usize) -> Position {
    let line = file.line_index(offset);
    let character = file.utf16_column(offset).saturating_sub(1);
    Position::new(
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(character).unwrap_or(u32::MAX),
    )
}

pub fn range(loc: &Loc) -> Range {
    Range::new(
        position(&loc.file, loc.span.start as usize),
        position(&loc.file, loc.span.end as usize),
    )
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Note => DiagnosticSeverity::INFORMATION,
    }
}

/// A finding as a diagnostic; `uri_of` names the file of a related location (`None`: it is left
/// out, as a file the editor cannot open).
pub fn finding(finding: &Finding, uri_of: &dyn Fn(&Loc) -> Option<Uri>) -> Diagnostic {
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|label| related(label, uri_of))
        .collect();
    Diagnostic {
        range: range(&finding.primary.loc),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.rule.to_owned())),
        code_description: Uri::from_str(&sarif::rule_help_uri(finding.rule))
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

fn related(
    label: &Label,
    uri_of: &dyn Fn(&Loc) -> Option<Uri>,
) -> Option<DiagnosticRelatedInformation> {
    Some(DiagnosticRelatedInformation {
        location: Location::new(uri_of(&label.loc)?, range(&label.loc)),
        message: if label.text.is_empty() {
            "related location".to_owned()
        } else {
            label.text.to_string()
        },
    })
}

/// What gatelint could not see, told where it is: information, not a finding.
pub fn coverage(coverage: &Coverage) -> Diagnostic {
    Diagnostic {
        range: range(&coverage.loc),
        severity: Some(DiagnosticSeverity::INFORMATION),
        code: Some(NumberOrString::String(COVERAGE_ID.to_owned())),
        source: Some(SOURCE.to_owned()),
        message: coverage.message.clone(),
        ..Diagnostic::default()
    }
}

/// Why (part of) the document could not be read.
pub fn input_error(error: &InputError) -> Diagnostic {
    Diagnostic {
        range: range(&error.loc),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(INPUT_ERROR_ID.to_owned())),
        source: Some(SOURCE.to_owned()),
        message: error.message.clone(),
        ..Diagnostic::default()
    }
}

/// A note about the whole document (skipped as too large), at its start.
pub fn note(message: &str) -> Diagnostic {
    Diagnostic {
        range: Range::default(),
        severity: Some(DiagnosticSeverity::INFORMATION),
        source: Some(SOURCE.to_owned()),
        message: message.to_owned(),
        ..Diagnostic::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_code_units() {
        // `😀` is two UTF-16 units and four bytes; `é` one unit and two bytes.
        let file = SourceFile::new("t", "a: \u{1f600}é x\r\nb\n".to_owned());
        assert_eq!(position(&file, 3), Position::new(0, 3));
        assert_eq!(position(&file, 7), Position::new(0, 5));
        assert_eq!(position(&file, 10), Position::new(0, 7));
        assert_eq!(position(&file, 13), Position::new(1, 0));
    }
}
