//! Arrays serialized as their items are made (JSON and SARIF output).

/// A JSON array whose items are made one at a time as they are written, so that a renderer
/// never holds the rendered form of every finding at once. It writes the same bytes as the
/// `Vec` of the same items.
pub(crate) struct Streamed<F>(pub F);

impl<F, I> serde::Serialize for Streamed<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: serde::Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}
