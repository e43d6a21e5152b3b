//! serde_json's pretty layout (two spaces a level), written piece by piece, so that a document
//! whose findings arrive one at a time is written as they come, byte for byte as
//! `serde_json::to_writer_pretty` would write the whole document at once.

use std::io;

use serde::Serialize;

/// Write `value` pretty-printed as it appears `level` levels deep in a document: serde_json's
/// pretty layout with its indentation starting at `level` (a pretty JSON text has line breaks
/// only between tokens, so this is the text `to_vec_pretty` writes with every line after the
/// first indented `level` more), laid out in one buffer and written at once.
pub(crate) fn value(
    out: &mut dyn io::Write,
    value: &impl Serialize,
    level: usize,
) -> io::Result<()> {
    let mut text = Vec::with_capacity(1024);
    let mut serializer = serde_json::Serializer::with_formatter(&mut text, Nested::new(level));
    value.serialize(&mut serializer).map_err(io::Error::other)?;
    out.write_all(&text)
}

/// serde_json's `PrettyFormatter` (two spaces a level) starting `level` levels deep.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn new(level: usize) -> Self {
        Nested {
            level,
            has_value: false,
        }
    }

    fn open<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level = self.level.saturating_sub(1);
        if self.has_value {
            writer.write_all(b"\n")?;
            indent(writer, self.level)?;
        }
        writer.write_all(bracket)
    }

    fn next<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        indent(writer, self.level)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.next(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.next(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

fn indent<W: ?Sized + io::Write>(out: &mut W, level: usize) -> io::Result<()> {
    const SPACES: &[u8] = b"                                ";
    let mut left = level * 2;
    while left > 0 {
        let now = left.min(SPACES.len());
        out.write_all(SPACES.get(..now).unwrap_or_default())?;
        left -= now;
    }
    Ok(())
}

/// A JSON object `level` levels deep, written a field at a time.
pub(crate) struct Object {
    level: usize,
    fields: usize,
}

impl Object {
    pub(crate) fn new(level: usize) -> Self {
        Object { level, fields: 0 }
    }

    /// Start the next field: what is written next is its value, `level + 1` deep.
    pub(crate) fn key(&mut self, out: &mut dyn io::Write, name: &str) -> io::Result<()> {
        out.write_all(if self.fields == 0 { b"{\n" } else { b",\n" })?;
        indent(out, self.level + 1)?;
        serde_json::to_writer(&mut *out, name).map_err(io::Error::other)?;
        out.write_all(b": ")?;
        self.fields += 1;
        Ok(())
    }

    pub(crate) fn field(
        &mut self,
        out: &mut dyn io::Write,
        name: &str,
        field: &impl Serialize,
    ) -> io::Result<()> {
        self.key(out, name)?;
        value(out, field, self.level + 1)
    }

    pub(crate) fn end(self, out: &mut dyn io::Write) -> io::Result<()> {
        if self.fields == 0 {
            return out.write_all(b"{}");
        }
        out.write_all(b"\n")?;
        indent(out, self.level)?;
        out.write_all(b"}")
    }
}

/// A JSON array `level` levels deep, written an item at a time.
pub(crate) struct Array {
    level: usize,
    items: usize,
}

impl Array {
    pub(crate) fn new(level: usize) -> Self {
        Array { level, items: 0 }
    }

    /// Start the next item: what is written next is the item, `level + 1` deep.
    pub(crate) fn next(&mut self, out: &mut dyn io::Write) -> io::Result<()> {
        out.write_all(if self.items == 0 { b"[\n" } else { b",\n" })?;
        indent(out, self.level + 1)?;
        self.items += 1;
        Ok(())
    }

    pub(crate) fn item(
        &mut self,
        out: &mut dyn io::Write,
        item: &impl Serialize,
    ) -> io::Result<()> {
        self.next(out)?;
        value(out, item, self.level + 1)
    }

    /// An item written apart from the array, to be spliced in after its other items: it starts
    /// with a separator, whose first byte is dropped when it turns out to be the first item
    /// (after writing `[`); [`Array::add`] counts it in.
    pub(crate) fn separated_item(
        &self,
        out: &mut dyn io::Write,
        item: &impl Serialize,
    ) -> io::Result<()> {
        out.write_all(b",\n")?;
        indent(out, self.level + 1)?;
        value(out, item, self.level + 1)
    }

    pub(crate) fn add(&mut self, items: usize) {
        self.items += items;
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items == 0
    }

    pub(crate) fn end(self, out: &mut dyn io::Write) -> io::Result<()> {
        if self.items == 0 {
            return out.write_all(b"[]");
        }
        out.write_all(b"\n")?;
        indent(out, self.level)?;
        out.write_all(b"]")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[derive(Serialize)]
    struct Doc {
        a: u32,
        list: Vec<serde_json::Value>,
        empty: Vec<u32>,
        nested: serde_json::Value,
        none: serde_json::Map<String, serde_json::Value>,
    }

    #[test]
    fn piece_by_piece_is_what_serde_writes_at_once() {
        let items = vec![
            serde_json::json!({"x": [1, 2, {"y": "a\nb"}], "z": {}}),
            serde_json::json!("s"),
            serde_json::json!([]),
        ];
        let nested = serde_json::json!({"k": [{"deep": [true, null]}]});
        let doc = Doc {
            a: 1,
            list: items.clone(),
            empty: Vec::new(),
            nested: nested.clone(),
            none: serde_json::Map::new(),
        };
        let whole = serde_json::to_vec_pretty(&doc).unwrap();

        let mut out = Vec::new();
        let mut object = Object::new(0);
        object.field(&mut out, "a", &1).unwrap();
        object.key(&mut out, "list").unwrap();
        let mut list = Array::new(1);
        for item in &items {
            list.item(&mut out, item).unwrap();
        }
        list.end(&mut out).unwrap();
        object.key(&mut out, "empty").unwrap();
        Array::new(1).end(&mut out).unwrap();
        object.field(&mut out, "nested", &nested).unwrap();
        object.key(&mut out, "none").unwrap();
        Object::new(1).end(&mut out).unwrap();
        object.end(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            String::from_utf8(whole).unwrap()
        );
    }
}
