//! gatelint: finds API Gateway authentication mistakes in OpenAPI, CloudFormation, SAM,
//! Serverless Framework, Terraform and CDK.

pub mod cli;
pub mod collections;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod fix;
pub mod formats;
pub mod lint;
pub mod model;
pub mod paths;
pub mod report;
pub mod routes;
pub mod rules;
pub mod server;
pub mod suppress;
pub mod syntax;
pub mod text;
