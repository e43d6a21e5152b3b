//! Where in its document each finding is: the template resource's logical id, the key path, and
//! the CDK construct path a synthesized template writes into the resource's `Metadata`.

use std::sync::Arc;

use super::DocumentKind;
use crate::diagnostic::{Coverage, Finding, Provenance};
use crate::model::Api;
use crate::syntax::{Document, Loc, PathSegment, json_pointer};

/// The resource `Metadata` key where `cdk synth` writes the construct path.
pub const CDK_PATH_METADATA: &str = "aws:cdk:path";

/// Fill in each finding's logical id, property path and (from `aws:cdk:path`) construct path,
/// for findings whose primary location is in one of `documents`.
/// A finding in the definition file of an API of a template (a CDK asset) is on that API's
/// resource.
pub fn locate(findings: &mut [Finding], documents: &[(Document, DocumentKind)], apis: &[Api]) {
    for finding in findings {
        let loc = &finding.primary.loc;
        if let Some(found) = provenance_at(loc, documents) {
            finding.provenance = found;
        } else if let Some(api) = apis.iter().find(|api| {
            api.definition_file
                .as_ref()
                .is_some_and(|root| Arc::ptr_eq(&root.file, &loc.file))
        }) {
            finding.provenance.logical_id = Some(api.name.as_str().into());
        }
    }
}

/// Name the resource each coverage note is on, as [`locate`] does for findings.
pub fn locate_coverage(notes: &mut [Coverage], documents: &[(Document, DocumentKind)]) {
    for note in notes {
        if let Some(found) = provenance_at(&note.loc, documents) {
            note.provenance = found;
        }
    }
}

/// The resource and key path `loc` is at, if it is in one of `documents`.
fn provenance_at(loc: &Loc, documents: &[(Document, DocumentKind)]) -> Option<Provenance> {
    let (doc, kind) = documents.iter().find(|(doc, _)| {
        Arc::ptr_eq(&doc.file, &loc.file) && doc.root().full_span().contains(loc.span)
    })?;
    let path = doc.path_to(loc.span);
    let mut provenance = Provenance {
        property_path: Some(json_pointer(&path).into()),
        ..Provenance::default()
    };
    if *kind == DocumentKind::OpenApi {
        return Some(provenance);
    }
    if let [PathSegment::Key(section), PathSegment::Key(logical_id), ..] = path.as_slice()
        && section == "Resources"
    {
        provenance.logical_id = Some(logical_id.as_str().into());
        provenance.construct_path = doc
            .root()
            .get("Resources")
            .and_then(|resources| resources.get(logical_id))
            .and_then(|resource| resource.get("Metadata"))
            .and_then(|metadata| metadata.get(CDK_PATH_METADATA))
            .and_then(|path| path.as_str())
            .map(|path| format!("/{}", path.trim_start_matches('/')).into());
    }
    Some(provenance)
}
