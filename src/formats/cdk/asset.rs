//! CDK file assets behind an API's `BodyS3Location` (`SpecRestApi` with
//! `ApiDefinition.fromAsset`): the template names the S3 object `cdk deploy` uploads, and the
//! cloud assembly beside it holds the file (`asset.<hash>.yaml`). Three records say which file
//! an object is, each kept by some synthesizer version:
//! - the resource's `Metadata` (`aws:asset:path`, with `aws:asset:property: BodyS3Location`),
//!   written unless asset metadata is switched off;
//! - the stack's asset manifest (`<Stack>.assets.json`, modern synthesizers): each file's
//!   `source.path` and the `objectKey` of each of its destinations;
//! - the `aws:cdk:asset` entries of `manifest.json` (the legacy synthesizer): the file's `path`
//!   and the template parameter that receives its bucket (`s3BucketParameter`).
//!
//! <https://github.com/aws/aws-cdk/tree/main/packages/%40aws-cdk/cloud-assembly-schema>

use crate::collections::HashMap;
use crate::formats::files::FileLoader;
use crate::syntax::NodeRef;

/// The property of an API resource that names its definition's S3 object.
pub const BODY_LOCATION: &str = "BodyS3Location";
/// The resource metadata naming the asset file a property refers to, and that property.
const ASSET_PATH_METADATA: &str = "aws:asset:path";
const ASSET_PROPERTY_METADATA: &str = "aws:asset:property";
/// The legacy synthesizer's manifest entry for one asset.
const LEGACY_ASSET_ENTRY: &str = "aws:cdk:asset";
/// Asset manifests end so.
const ASSET_MANIFEST_SUFFIX: &str = ".assets.json";

/// The file assets of the cloud assembly a template is in, by how a template names them.
#[derive(Debug, Default)]
pub struct AssetFiles {
    /// S3 object key → file, relative to the assembly directory.
    by_object_key: HashMap<String, String>,
    /// The parameter that receives an asset's bucket (legacy synthesizer) → file.
    by_bucket_parameter: HashMap<String, String>,
}

impl AssetFiles {
    /// Read the asset manifests beside the template through `files`. Nothing when the
    /// template is not in a cloud assembly.
    pub fn read(files: &dyn FileLoader) -> Self {
        let mut assets = AssetFiles::default();
        let names = files.list_dir(".").unwrap_or_default();
        for name in names.iter().filter(|n| n.ends_with(ASSET_MANIFEST_SUFFIX)) {
            let Some(doc) = files.peek(name).ok().and_then(|d| d.into_iter().next()) else {
                continue;
            };
            let entries = doc.root().get("files");
            for (_, asset) in entries.into_iter().flat_map(NodeRef::entries) {
                let Some(path) = file_path(asset.get("source")) else {
                    continue;
                };
                let destinations = asset.get("destinations");
                for (_, destination) in destinations.into_iter().flat_map(NodeRef::entries) {
                    if let Some(key) = destination.get("objectKey").and_then(NodeRef::as_str) {
                        assets.by_object_key.insert(key.to_owned(), path.clone());
                    }
                }
            }
        }
        if names.iter().any(|n| n == super::assembly::MANIFEST)
            && let Some(doc) = files
                .peek(super::assembly::MANIFEST)
                .ok()
                .and_then(|d| d.into_iter().next())
        {
            assets.read_legacy(doc.root());
        }
        assets
    }

    /// The `aws:cdk:asset` entries of every stack in `manifest.json`.
    fn read_legacy(&mut self, manifest: NodeRef<'_>) {
        let artifacts = manifest.get("artifacts");
        for (_, artifact) in artifacts.into_iter().flat_map(NodeRef::entries) {
            let metadata = artifact.get("metadata");
            for (_, entries) in metadata.into_iter().flat_map(NodeRef::entries) {
                for entry in entries.items() {
                    if entry.get("type").and_then(NodeRef::as_str) != Some(LEGACY_ASSET_ENTRY) {
                        continue;
                    }
                    let data = entry.get("data");
                    let parameter = data
                        .and_then(|d| d.get("s3BucketParameter"))
                        .and_then(NodeRef::as_str);
                    if let (Some(parameter), Some(path)) = (parameter, file_path(data)) {
                        self.by_bucket_parameter
                            .insert(parameter.to_owned(), path.clone());
                    }
                }
            }
        }
    }

    /// The asset file (relative to the assembly) that the `BodyS3Location` of `resource` names:
    /// `key` is its `Key` where known, `bucket_parameter` the parameter its `Bucket` refers to.
    pub fn body_file(
        &self,
        resource: NodeRef<'_>,
        key: Option<&str>,
        bucket_parameter: Option<&str>,
    ) -> Option<String> {
        let metadata = resource.get("Metadata");
        let property = metadata
            .and_then(|m| m.get(ASSET_PROPERTY_METADATA))
            .and_then(NodeRef::as_str);
        if property == Some(BODY_LOCATION)
            && let Some(path) = metadata
                .and_then(|m| m.get(ASSET_PATH_METADATA))
                .and_then(NodeRef::as_str)
        {
            return Some(path.to_owned());
        }
        key.and_then(|key| self.by_object_key.get(key))
            .or_else(|| self.by_bucket_parameter.get(bucket_parameter?))
            .cloned()
    }
}

/// The file of an asset `source` (or legacy entry) packaged as a single file.
fn file_path(source: Option<NodeRef<'_>>) -> Option<String> {
    let source = source?;
    let packaging = source.get("packaging").and_then(NodeRef::as_str);
    if packaging.is_some_and(|p| p != "file") {
        return None;
    }
    source
        .get("path")
        .and_then(NodeRef::as_str)
        .map(str::to_owned)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::syntax::{self, SourceFile};

    fn document(text: &str) -> syntax::Document {
        let file = SourceFile::new("t.json", text.to_owned());
        syntax::parse(&file).unwrap().into_iter().next().unwrap()
    }

    #[test]
    fn resource_metadata_names_the_asset_of_its_body_only() {
        let assets = AssetFiles::default();
        let body = document(
            r#"{"Metadata": {"aws:asset:path": "asset.abc.yaml", "aws:asset:property": "BodyS3Location"}}"#,
        );
        assert_eq!(
            assets.body_file(body.root(), None, None).as_deref(),
            Some("asset.abc.yaml")
        );
        let template = document(
            r#"{"Metadata": {"aws:asset:path": "x.nested.template.json", "aws:asset:property": "TemplateURL"}}"#,
        );
        assert_eq!(assets.body_file(template.root(), None, None), None);
    }

    #[test]
    fn manifests_name_files_by_object_key_and_bucket_parameter() {
        let mut assets = AssetFiles::default();
        assets.read_legacy(
            document(
                r#"{"artifacts": {"S": {"metadata": {"/S": [
                  {"type": "aws:cdk:asset", "data": {"path": "asset.h.yaml", "packaging": "file", "s3BucketParameter": "B"}},
                  {"type": "aws:cdk:asset", "data": {"path": "asset.z", "packaging": "zip", "s3BucketParameter": "Z"}}]}}}}"#,
            )
            .root(),
        );
        let none = document("{}");
        assert_eq!(
            assets.body_file(none.root(), None, Some("B")).as_deref(),
            Some("asset.h.yaml")
        );
        assert_eq!(assets.body_file(none.root(), None, Some("Z")), None);
        assert_eq!(assets.body_file(none.root(), Some("h.yaml"), None), None);
    }
}
