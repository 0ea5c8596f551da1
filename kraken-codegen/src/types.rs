//! The spec's small type language: `decimal`, `list<T>`, `map<T>`,
//! `with_last<T>`, `csv<T>` and named types.

use std::fmt;

/// A scalar the runtime reads leniently (string or number on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// `String`
    String,
    /// `i64`
    Int,
    /// `u64`
    U64,
    /// `bool`
    Bool,
    /// `Decimal`: money, never `f64`.
    Decimal,
    /// `Decimal` unix seconds, every digit kept.
    Time,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    Scalar(Scalar),
    /// A price or volume parameter (`Amount`): `&str` or `Decimal`.
    Amount,
    /// A secret string in a response, redacted in `Debug`.
    Secret,
    /// Untyped JSON kept as its exact text, for values Kraken documents only loosely.
    Json,
    /// A raw body (a zip file).
    Bytes,
    List(Box<Type>),
    Map(Box<Type>),
    /// A pair-keyed map with a sibling `last` cursor.
    WithLast(Box<Type>),
    /// A cursor page whose list Kraken does not name: `next_cursor` and one list.
    ListPage(Box<Type>),
    /// A comma-joined list sent as one parameter value.
    Csv(Box<Type>),
    /// One of two shapes, tried in order (OpenPositions: a map or a list).
    Either(Box<Type>, Box<Type>),
    Named(String),
}

impl Type {
    pub fn parse(text: &str) -> Result<Type, String> {
        let text = text.trim();
        if let Some(open) = text.find('<') {
            let inner = text
                .strip_suffix('>')
                .map(|t| &t[open + 1..])
                .ok_or_else(|| format!("`{text}`: missing `>`"))?;
            if &text[..open] == "either" {
                let (a, b) = split_top_level(inner)
                    .ok_or_else(|| format!("`{text}`: either<A, B> takes two types"))?;
                return Ok(Type::Either(
                    Box::new(Type::parse(a)?),
                    Box::new(Type::parse(b)?),
                ));
            }
            let inner = Box::new(Type::parse(inner)?);
            return match &text[..open] {
                "list" => Ok(Type::List(inner)),
                "map" => Ok(Type::Map(inner)),
                "with_last" => Ok(Type::WithLast(inner)),
                "list_page" => Ok(Type::ListPage(inner)),
                "csv" => Ok(Type::Csv(inner)),
                other => Err(format!(
                    "`{other}<…>` is not a type constructor (list, map, with_last, list_page, csv)"
                )),
            };
        }
        Ok(match text {
            "string" => Type::Scalar(Scalar::String),
            "int" => Type::Scalar(Scalar::Int),
            "u64" => Type::Scalar(Scalar::U64),
            "bool" => Type::Scalar(Scalar::Bool),
            "decimal" => Type::Scalar(Scalar::Decimal),
            "time" => Type::Scalar(Scalar::Time),
            "amount" => Type::Amount,
            "secret" => Type::Secret,
            "json" => Type::Json,
            "bytes" => Type::Bytes,
            "" => return Err("empty type".into()),
            name if name.chars().all(|c| c.is_ascii_alphanumeric())
                && name.starts_with(|c: char| c.is_ascii_uppercase()) =>
            {
                Type::Named(name.to_owned())
            }
            other => return Err(format!("`{other}` is not a type")),
        })
    }

    /// Whether decoding goes through the runtime's lenient reader: scalars,
    /// `either`, and lists/maps of them. Named types decode themselves.
    pub fn is_lenient(&self) -> bool {
        match self {
            Type::Scalar(_) | Type::Either(..) => true,
            Type::List(t) | Type::Map(t) => t.is_lenient(),
            _ => false,
        }
    }

    /// Every named type this refers to.
    pub fn names(&self) -> Vec<&str> {
        match self {
            Type::Named(n) => vec![n.as_str()],
            Type::List(t) | Type::Map(t) | Type::WithLast(t) | Type::ListPage(t) | Type::Csv(t) => {
                t.names()
            }
            Type::Either(a, b) => {
                let mut names = a.names();
                names.extend(b.names());
                names
            }
            _ => vec![],
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Scalar(s) => write!(f, "{}", format!("{s:?}").to_lowercase()),
            Type::Amount => f.write_str("amount"),
            Type::Secret => f.write_str("secret"),
            Type::Json => f.write_str("json"),
            Type::Bytes => f.write_str("bytes"),
            Type::List(t) => write!(f, "list<{t}>"),
            Type::Map(t) => write!(f, "map<{t}>"),
            Type::WithLast(t) => write!(f, "with_last<{t}>"),
            Type::ListPage(t) => write!(f, "list_page<{t}>"),
            Type::Csv(t) => write!(f, "csv<{t}>"),
            Type::Either(a, b) => write!(f, "either<{a}, {b}>"),
            Type::Named(n) => f.write_str(n),
        }
    }
}

/// Splits `A, B` at the one comma outside angle brackets.
fn split_top_level(text: &str) -> Option<(&str, &str)> {
    let mut depth = 0i32;
    let mut split = None;
    for (i, c) in text.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => {
                if split.is_some() {
                    return None;
                }
                split = Some(i);
            }
            _ => {}
        }
    }
    split.map(|i| (text[..i].trim(), text[i + 1..].trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_types() {
        assert_eq!(
            Type::parse("with_last<list<OhlcRow>>").unwrap(),
            Type::WithLast(Box::new(Type::List(Box::new(Type::Named(
                "OhlcRow".into()
            )))))
        );
        assert!(Type::parse("list<list<decimal>>").unwrap().is_lenient());
        assert!(!Type::parse("map<Order>").unwrap().is_lenient());
        assert!(Type::parse("float").is_err());
        assert!(Type::parse("list<decimal").is_err());
        assert!(Type::parse("set<int>").is_err());
        assert_eq!(
            Type::parse("either<map<Position>, list<decimal>>")
                .unwrap()
                .to_string(),
            "either<map<Position>, list<decimal>>"
        );
        assert!(Type::parse("either<int>").is_err());
    }
}
