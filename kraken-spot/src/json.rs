//! A borrowed JSON reader: one pass from a response body to the typed value.
//!
//! Generated decoders walk the body with it directly, key by key and element
//! by element, and read each scalar from its exact text (a decimal from its
//! digits, a string borrowed until it is stored). Nothing is parsed twice and
//! no intermediate value is built. The body's UTF-8 is checked once, up
//! front. Errors say what did not fit and where, as a path
//! (`result.XXBTZUSD.fees[2][1]`) and a byte offset; building that path costs
//! nothing until something fails.

use std::borrow::Cow;
use std::fmt;

/// The deepest nesting read, as serde_json's limit: a hostile body cannot
/// exhaust the stack.
const MAX_DEPTH: u32 = 128;

/// What did not fit, and where. Boxed, so that every `Result` on the hot
/// path stays small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError(Box<Failure>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Failure {
    message: String,
    /// Innermost first; reversed when shown.
    path: Vec<Segment>,
    offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// A reader result.
pub type Result<T> = std::result::Result<T, ReadError>;

impl ReadError {
    /// The path from the top of the text to the value that failed, such as
    /// `XXBTZUSD.fees[2][1]`; empty at the top.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for segment in self.0.path.iter().rev() {
            match segment {
                Segment::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    #[cold]
    fn in_key(mut self, key: &str) -> Self {
        self.0.path.push(Segment::Key(key.to_owned()));
        self
    }

    #[cold]
    fn at_index(mut self, index: usize) -> Self {
        self.0.path.push(Segment::Index(index));
        self
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path();
        if !path.is_empty() {
            write!(f, "{path}: ")?;
        }
        write!(f, "{} (at byte {})", self.0.message, self.0.offset)
    }
}

impl std::error::Error for ReadError {}

/// One scalar as it stands in the text.
#[derive(Debug)]
pub enum Scalar<'a> {
    /// A string's contents (borrowed unless it had escapes).
    Str(Cow<'a, str>),
    /// A number's exact text.
    Number(&'a str),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

impl Scalar<'_> {
    /// The kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Scalar::Str(_) => "a string",
            Scalar::Number(_) => "a number",
            Scalar::Bool(_) => "a boolean",
            Scalar::Null => "null",
        }
    }
}

/// Bytes that end the fast scan of a string.
static STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// The run of ASCII digits from `i`, appended to `acc`, and where it ends.
/// Wrapping: each caller bounds how many digits it takes.
#[inline(always)]
fn digit_run(b: &[u8], mut i: usize, mut acc: u64) -> (u64, usize) {
    while let Some(d @ b'0'..=b'9') = b.get(i).copied() {
        acc = acc.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
        i += 1;
    }
    (acc, i)
}

/// A position in one JSON text.
pub struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: u32,
}

/// A value that reads itself from a [`Reader`].
pub trait FromJson: Sized {
    /// The first byte of every JSON text this type reads, when it reads only
    /// one kind (`b'['` arrays, `b'{'` objects); `None` when it reads several.
    /// [`crate::Either`] uses it to pick the shape without guessing.
    const KIND: Option<u8> = None;

    /// Reads one value.
    fn from_json(r: &mut Reader<'_>) -> Result<Self>;
}

/// Reads a whole JSON text as `T`; anything after the value is an error.
pub fn from_str<T: FromJson>(text: &str) -> Result<T> {
    let mut r = Reader::new(text);
    let value = T::from_json(&mut r)?;
    r.end()?;
    Ok(value)
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Reader {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            depth: 0,
        }
    }

    /// Reads a `T` here.
    #[inline(always)]
    pub fn read<T: FromJson>(&mut self) -> Result<T> {
        T::from_json(self)
    }

    /// An error at the current position.
    #[cold]
    pub fn error(&self, message: impl Into<String>) -> ReadError {
        ReadError(Box::new(Failure {
            message: message.into(),
            path: Vec::new(),
            offset: self.pos,
        }))
    }

    /// The error for a required field that was absent.
    #[cold]
    pub fn missing(&self, field: &str) -> ReadError {
        self.error(format!("missing field `{field}`"))
    }

    #[inline(always)]
    fn skip_whitespace(&mut self) {
        // Compact JSON has none; pretty-printed JSON has runs of it.
        if let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.pos) {
            self.skip_whitespace_run();
        }
    }

    fn skip_whitespace_run(&mut self) {
        loop {
            // Eight spaces at a time (indentation), then byte by byte.
            while let Some(chunk) = self.bytes.get(self.pos..self.pos + 8) {
                if chunk != b"        " {
                    break;
                }
                self.pos += 8;
            }
            match self.bytes.get(self.pos) {
                Some(b' ' | b'\n' | b'\r' | b'\t') => self.pos += 1,
                _ => return,
            }
        }
    }

    /// The next significant byte, not consumed.
    #[inline(always)]
    pub fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.bytes.get(self.pos).copied()
    }

    /// Whether the next value is exactly `""`.
    pub fn at_empty_string(&mut self) -> bool {
        self.peek() == Some(b'"') && self.bytes.get(self.pos + 1) == Some(&b'"')
    }

    /// How deep the reader is: 0 outside every object and array.
    pub(crate) fn depth(&self) -> u32 {
        self.depth
    }

    /// Bytes of text not read yet.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// Consumes `[]` if it is next (Kraken's usual `"error":[]`).
    #[inline]
    pub(crate) fn empty_array(&mut self) -> bool {
        let at = self.peek() == Some(b'[') && self.bytes.get(self.pos + 1) == Some(&b']');
        if at {
            self.pos += 2;
        }
        at
    }

    /// Where the reader stands (after whitespace), to come back to.
    pub fn mark(&mut self) -> usize {
        self.skip_whitespace();
        self.pos
    }

    /// Goes back to a [`Reader::mark`].
    pub fn reset(&mut self, mark: usize) {
        self.pos = mark;
    }

    /// Checks that only whitespace follows.
    pub fn end(&mut self) -> Result<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error("trailing characters after the value")),
        }
    }

    /// Consumes `null` if it is next.
    #[inline]
    pub fn null(&mut self) -> Result<bool> {
        if self.peek() != Some(b'n') {
            return Ok(false);
        }
        self.literal("null")?;
        Ok(true)
    }

    fn literal(&mut self, word: &str) -> Result<()> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error(format!("expected `{word}`")))
        }
    }

    #[cold]
    fn unexpected(&mut self, expected: &str) -> ReadError {
        let found = match self.peek() {
            None => "the end of the text",
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b'"') => "a string",
            Some(b'-' | b'0'..=b'9') => "a number",
            Some(b't' | b'f') => "a boolean",
            Some(b'n') => "null",
            Some(_) => "a character that starts no JSON value",
        };
        self.error(format!("expected {expected}, found {found}"))
    }

    /// Reads a string; borrowed unless it has escapes.
    #[inline]
    pub fn string(&mut self) -> Result<Cow<'a, str>> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a string"));
        }
        self.string_here()
    }

    /// The string that starts at the current position (its `"`).
    #[inline(always)]
    fn string_here(&mut self) -> Result<Cow<'a, str>> {
        let start = self.pos + 1;
        let mut i = start;
        // One table lookup per byte: the quote, a backslash or a control character stops the scan.
        while let Some(&b) = self.bytes.get(i) {
            if STOP[b as usize] {
                if b == b'"' {
                    self.pos = i + 1;
                    return Ok(Cow::Borrowed(&self.text[start..i]));
                }
                if b == b'\\' {
                    return self.escaped_string();
                }
                self.pos = i;
                return Err(self.error("control character in a string"));
            }
            i += 1;
        }
        self.pos = i;
        Err(self.error("unterminated string"))
    }

    /// The common form of Kraken's amounts, `-?digits(.digits)?` of at most
    /// 19 digits, quoted or not, read in the same pass that finds its end, as
    /// its mantissa, scale and sign. `None`, with nothing consumed, for
    /// anything else (an exponent, more digits, escapes, a malformed number):
    /// the caller then reads the value the general way, which also reports
    /// what is wrong.
    #[inline(always)]
    pub(crate) fn plain_decimal(&mut self) -> Option<(u64, u32, bool)> {
        let b = self.bytes;
        let quoted = self.peek()? == b'"';
        let mut i = self.pos + usize::from(quoted);
        let negative = b.get(i) == Some(&b'-');
        i += usize::from(negative);
        // Integer digits, then fraction digits: two tight loops.
        let first = i;
        let (mut mantissa, end) = digit_run(b, i, 0);
        i = end;
        let whole = i - first;
        let mut scale = 0;
        if whole > 0 && b.get(i) == Some(&b'.') {
            let point = i + 1;
            (mantissa, i) = digit_run(b, point, mantissa);
            scale = i - point;
            // A trailing `.` takes the general path.
            if scale == 0 {
                return None;
            }
        }
        match b.get(i).copied() {
            Some(b'"') if quoted => {}
            // JSON's number ends at any other byte; an exponent is left to the general path.
            Some(b'"' | b'e' | b'E' | b'+' | b'-' | b'.') => return None,
            _ if quoted => return None,
            _ => {}
        }
        // At most 19 digits always fit a u64. Nothing at all and `-0` (which
        // keeps its sign) take the general path, and so does a bare number
        // with a leading zero, which JSON forbids.
        if whole == 0
            || whole + scale > 19
            || (negative && mantissa == 0)
            || (!quoted && b[first] == b'0' && whole > 1)
        {
            return None;
        }
        self.pos = i + usize::from(quoted);
        Some((mantissa, scale as u32, negative))
    }

    /// A bare integer of at most 18 digits, as its sign and magnitude, read
    /// in the same pass that finds its end. `None`, with nothing consumed,
    /// for anything else (a string, a fraction or exponent, more digits,
    /// `-0`, a leading zero): the caller reads it the general way.
    #[inline(always)]
    pub(crate) fn plain_integer(&mut self) -> Option<(bool, u64)> {
        let b = self.bytes;
        self.skip_whitespace();
        let mut i = self.pos;
        let negative = b.get(i) == Some(&b'-');
        i += usize::from(negative);
        let first = i;
        let (magnitude, end) = digit_run(b, i, 0);
        i = end;
        let digits = i - first;
        // At most 18 digits: the magnitude is exact and fits every sign.
        if digits == 0
            || digits > 18
            || (b[first] == b'0' && digits > 1)
            || (negative && magnitude == 0)
            || matches!(b.get(i), Some(b'.' | b'e' | b'E'))
        {
            return None;
        }
        self.pos = i;
        Some((negative, magnitude))
    }

    /// A string with escapes: its extent is found, then decoded by serde_json.
    #[cold]
    fn escaped_string(&mut self) -> Result<Cow<'a, str>> {
        let start = self.pos;
        let end = self.string_end()?;
        let decoded: String = serde_json::from_str(&self.text[start..end])
            .map_err(|e| self.error(format!("invalid string: {e}")))?;
        Ok(Cow::Owned(decoded))
    }

    /// Checks the string at `self.pos` (escapes included) and moves past it;
    /// returns its end.
    fn string_end(&mut self) -> Result<usize> {
        let mut i = self.pos + 1;
        loop {
            match self.bytes.get(i) {
                None => {
                    self.pos = i;
                    return Err(self.error("unterminated string"));
                }
                Some(b'"') => break,
                Some(b'\\') => {
                    match self.bytes.get(i + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                        Some(b'u')
                            if self
                                .bytes
                                .get(i + 2..i + 6)
                                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) =>
                        {
                            i += 6
                        }
                        _ => {
                            self.pos = i;
                            return Err(self.error("invalid escape in a string"));
                        }
                    }
                    continue;
                }
                Some(0..=0x1f) => {
                    self.pos = i;
                    return Err(self.error("control character in a string"));
                }
                Some(_) => {}
            }
            i += 1;
        }
        self.pos = i + 1;
        Ok(self.pos)
    }

    /// Reads a number's exact text, checked against JSON's grammar.
    pub fn number(&mut self) -> Result<&'a str> {
        self.skip_whitespace();
        let start = self.pos;
        let b = self.bytes;
        let mut i = start;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => return Err(self.unexpected("a number")),
        }
        // A fraction and an exponent each need at least one digit.
        let mut digits_from = |mut i: usize, what: &str| {
            let first = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == first {
                self.pos = i;
                return Err(self.error(format!("a number needs digits {what}")));
            }
            Ok(i)
        };
        if b.get(i) == Some(&b'.') {
            i = digits_from(i + 1, "after `.`")?;
        }
        if let Some(b'e' | b'E') = b.get(i) {
            i += 1;
            if let Some(b'+' | b'-') = b.get(i) {
                i += 1;
            }
            i = digits_from(i, "in its exponent")?;
        }
        self.pos = i;
        Ok(&self.text[start..i])
    }

    /// Reads one scalar; an object or array here is an error naming `expected`.
    #[inline]
    pub fn scalar(&mut self, expected: &str) -> Result<Scalar<'a>> {
        match self.peek() {
            Some(b'"') => self.string().map(Scalar::Str),
            Some(b'-' | b'0'..=b'9') => self.number().map(Scalar::Number),
            Some(b't') => self.literal("true").map(|()| Scalar::Bool(true)),
            Some(b'f') => self.literal("false").map(|()| Scalar::Bool(false)),
            Some(b'n') => self.literal("null").map(|()| Scalar::Null),
            _ => Err(self.unexpected(expected)),
        }
    }

    fn enter(&mut self, open: u8, expected: &str) -> Result<()> {
        if self.peek() != Some(open) {
            return Err(self.unexpected(expected));
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.pos += 1;
        Ok(())
    }

    /// Reads an object, calling `each` with every key; `each` must read the
    /// key's value. An error inside is prefixed with the key.
    #[inline]
    pub fn object(&mut self, mut each: impl FnMut(&mut Self, &str) -> Result<()>) -> Result<()> {
        self.enter(b'{', "a JSON object")?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a key"));
            }
            let key = self.string_here()?;
            if self.peek() != Some(b':') {
                return Err(self.error("expected `:` after a key"));
            }
            self.pos += 1;
            each(self, &key).map_err(|e| e.in_key(&key))?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected `,` or `}` in an object")),
            }
        }
    }

    /// Reads an array, calling `each` with every index; `each` must read the
    /// element. An error inside is prefixed with the index.
    #[inline]
    pub fn array(&mut self, mut each: impl FnMut(&mut Self, usize) -> Result<()>) -> Result<()> {
        let mut row = self.row()?;
        while row.open {
            let index = row.index;
            each(row.r, index).map_err(|e| e.at_index(index))?;
            row.after_element()?;
        }
        Ok(())
    }

    /// Starts reading an array element by element (a positional row).
    #[inline]
    pub fn row(&mut self) -> Result<Row<'_, 'a>> {
        self.enter(b'[', "a JSON array")?;
        let open = if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            false
        } else {
            true
        };
        Ok(Row {
            r: self,
            index: 0,
            open,
        })
    }

    /// Checks the next value, whatever it is, and returns its exact text.
    pub fn skip(&mut self) -> Result<&'a str> {
        self.skip_whitespace();
        let start = self.pos;
        match self.peek() {
            Some(b'"') => {
                self.string_end()?;
            }
            Some(b'{') => self.object(|r, _| r.skip().map(drop))?,
            Some(b'[') => self.array(|r, _| r.skip().map(drop))?,
            _ => {
                self.scalar("a JSON value")?;
            }
        }
        Ok(&self.text[start..self.pos])
    }
}

/// An array being read element by element.
pub struct Row<'r, 'a> {
    r: &'r mut Reader<'a>,
    index: usize,
    open: bool,
}

impl Row<'_, '_> {
    /// After an element: a `,` (another follows) or the closing `]`.
    #[inline(always)]
    fn after_element(&mut self) -> Result<()> {
        self.index += 1;
        match self.r.peek() {
            Some(b',') => {
                self.r.pos += 1;
                Ok(())
            }
            Some(b']') => {
                self.r.pos += 1;
                self.r.depth -= 1;
                self.open = false;
                Ok(())
            }
            _ => Err(self.r.error("expected `,` or `]` in an array")),
        }
    }

    /// The next element, or `None` when the array has ended.
    #[inline(always)]
    pub fn next<T: FromJson>(&mut self) -> Result<Option<T>> {
        if !self.open {
            return Ok(None);
        }
        let index = self.index;
        let value = T::from_json(self.r).map_err(|e| e.at_index(index))?;
        self.after_element()?;
        Ok(Some(value))
    }

    /// The next element, which must be there.
    #[inline(always)]
    pub fn required<T: FromJson>(&mut self) -> Result<T> {
        if !self.open {
            return Err(self.missing());
        }
        let index = self.index;
        let value = T::from_json(self.r).map_err(|e| e.at_index(index))?;
        self.after_element()?;
        Ok(value)
    }

    #[cold]
    fn missing(&self) -> ReadError {
        self.r
            .error(format!("expected element {} of the row", self.index))
    }

    /// An optional trailing element: absent, `null` or `""` is `None`.
    #[inline(always)]
    pub fn optional<T: FromJson>(&mut self) -> Result<Option<T>> {
        Ok(self.next::<Option<T>>()?.flatten())
    }

    /// Skips elements Kraken added after the known ones, so a new column
    /// never breaks decoding, and closes the array.
    #[inline]
    pub fn end(mut self) -> Result<()> {
        while self.open {
            let index = self.index;
            self.r.skip().map_err(|e| e.at_index(index))?;
            self.after_element()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip_all(text: &str) -> Result<&str> {
        let mut r = Reader::new(text);
        let raw = r.skip()?;
        r.end()?;
        Ok(raw)
    }

    #[test]
    fn skips_what_serde_json_accepts_and_refuses_what_it_refuses() {
        let cases = [
            r#"{"a":[1,2.5,-0.1e-3,true,false,null,"x\"y\u00e9"],"b":{}}"#,
            r#"  [ ]  "#,
            r#""plain""#,
            "0",
            "-0",
            "1E+2",
            r#"{"a":1,}"#,
            "[1,]",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "tru",
            "nul",
            r#""\x""#,
            r#""\u12""#,
            "\"a\u{1}b\"",
            r#"{"a" 1}"#,
            r#"{1:2}"#,
            "[1 2]",
            "",
            "[",
            "{\"a\":",
            r#""unterminated"#,
            "1 2",
            "+1",
        ];
        for case in cases {
            let ours = skip_all(case).is_ok();
            let theirs = serde_json::from_str::<serde::de::IgnoredAny>(case).is_ok();
            assert_eq!(ours, theirs, "{case:?}");
        }
        assert_eq!(skip_all(" [1, {\"a\":2}] ").unwrap(), "[1, {\"a\":2}]");
    }

    #[test]
    fn refuses_nesting_deeper_than_the_limit() {
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(skip_all(&deep).unwrap_err().to_string().contains("deeply"));
        let fine = "[".repeat(100) + &"]".repeat(100);
        assert!(skip_all(&fine).is_ok());
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let mut r = Reader::new(r#""plain" "esc\"aped\n""#);
        assert!(matches!(r.string().unwrap(), Cow::Borrowed("plain")));
        assert_eq!(r.string().unwrap(), "esc\"aped\n");
    }

    #[test]
    fn errors_name_the_path_and_offset() {
        let mut r = Reader::new(r#"{"a":[1,{"b":x}]}"#);
        let err = r.skip().unwrap_err();
        assert_eq!(err.path(), "a[1].b");
        assert_eq!(
            err.to_string(),
            "a[1].b: expected a JSON value, found a character that starts no JSON value (at byte 13)"
        );
    }

    #[test]
    fn rows_read_known_elements_and_skip_new_ones() {
        let mut r = Reader::new(r#"[1, "2", [3], {"x": 4}]"#);
        let mut row = r.row().unwrap();
        assert_eq!(row.next::<crate::RawJson>().unwrap().unwrap().get(), "1");
        assert_eq!(
            row.next::<crate::RawJson>().unwrap().unwrap().get(),
            "\"2\""
        );
        row.end().unwrap();
        r.end().unwrap();
    }
}
