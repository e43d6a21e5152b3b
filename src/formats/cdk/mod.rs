//! AWS CDK cloud assemblies (`cdk.out`): which templates a synthesis wrote, which construct made
//! each resource, and the line of code that created it.
//!
//! A cloud assembly is a directory with a `manifest.json` whose `artifacts` name each stack's
//! `templateFile`. The stack's metadata, keyed by construct path, is in the artifact's
//! `metadata` or (newer manifests) in the file its `additionalMetadataFile` names; its
//! `aws:cdk:logicalId` entries map construct paths to the template's logical ids, and carry the
//! creation stack as `trace` when the app was synthesized with `--debug`. `tree.json` holds each
//! construct's class. Nested stacks write `*.nested.template.json` files beside their parent's;
//! a CDK Stage writes a nested assembly (`assembly-*/manifest.json`), read like any other.
//! <https://github.com/aws/aws-cdk/tree/main/packages/%40aws-cdk/cloud-assembly-schema>

mod assembly;
mod asset;
mod provenance;
mod source_map;
mod trace;

pub use assembly::{Assembly, AssemblyFiles, MANIFEST, nesting_depth};
pub use asset::{AssetFiles, BODY_LOCATION};
pub use provenance::{TRACE_HELP, Template, annotate, display_construct_path};
