//! gatelint: finds API Gateway authentication mistakes in OpenAPI, CloudFormation and SAM.

pub mod model;
pub mod report;
pub mod rules;
pub mod syntax;
