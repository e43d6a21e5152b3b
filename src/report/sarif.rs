use std::io;

use super::Report;

pub fn render(_report: &Report, _out: &mut dyn io::Write) -> io::Result<()> {
    Ok(())
}
