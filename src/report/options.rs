//! How to render, besides the format: what the command line asks of every renderer.

/// How to render, besides the format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Colour, for `human` and `concise`.
    pub color: bool,
    /// `--quiet`: no summary line.
    pub quiet: bool,
    /// `--unsafe-fixes`: unsafe fixes count as applicable (`[*]`) too.
    pub unsafe_fixes: bool,
}
