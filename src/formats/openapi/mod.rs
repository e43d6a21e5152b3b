//! The OpenAPI view: Swagger 2.0, OpenAPI 3.0 and 3.1, with the `x-amazon-apigateway-*`
//! extensions and local `$ref`s. It works on a subtree, so a CloudFormation `Body` or a SAM
//! `DefinitionBody` is read the same way as a standalone file, with spans in the template.

mod lower;
mod spec;
mod validate;

pub use lower::{lower_document, lower_into};
pub use spec::{Operation, RefError, Spec, TemplateView, Version};
