//! The files a document refers to (a SAM `DefinitionUri`, an `AWS::Include`, a Terraform
//! module, a CDK asset manifest), read through the caller: the lowering never touches the file
//! system itself.

use std::sync::Arc;

use crate::diagnostic::InputError;
use crate::syntax::{Document, SourceFile};

/// Reads the local files a document refers to (a SAM `DefinitionUri`), so they are linted as
/// part of it. The lowering never touches the file system itself: the caller decides what may
/// be read, how much of it, and from where.
pub trait FileLoader {
    /// Read and parse `reference`, a path as the document writes it (relative to the
    /// document's directory).
    fn load(&self, reference: &str) -> Result<Vec<Document>, LoadError>;

    /// Read `reference` as text (a Terraform `file()`, a module's `.tf` file).
    fn read_source(&self, _reference: &str) -> Result<Arc<SourceFile>, LoadError> {
        Err(LoadError::NotAvailable)
    }

    /// The names of the files in directory `reference` (a Terraform module's), sorted.
    fn list_dir(&self, _reference: &str) -> Result<Vec<String>, LoadError> {
        Err(LoadError::NotAvailable)
    }

    /// Read and parse `reference` to learn about the document (a CDK asset manifest), not as
    /// part of it: unlike [`FileLoader::load`], the file is still linted on its own.
    fn peek(&self, _reference: &str) -> Result<Vec<Document>, LoadError> {
        Err(LoadError::NotAvailable)
    }
}

/// Why a referenced file was not loaded.
#[derive(Debug)]
pub enum LoadError {
    /// Reading files is off (standard input, or a caller that gives no directory).
    NotAvailable,
    /// The path leaves the directory that may be read (`..`, an absolute path, a symlink).
    Outside,
    /// The file cannot be read; the message says why.
    Unreadable(String),
    /// The file is not YAML or JSON; the error is located in that file.
    Syntax(InputError),
}

/// Loads nothing: for input that has no directory, and for callers that lint bytes alone.
pub struct NoFiles;

impl FileLoader for NoFiles {
    fn load(&self, _reference: &str) -> Result<Vec<Document>, LoadError> {
        Err(LoadError::NotAvailable)
    }
}
