//! The shared behaviour of every generated string enum: conversions, display
//! and serde and [`crate::json::FromJson`] as the wire string. Generated code supplies `as_str` and
//! `From<&str>` (which keeps unknown values in `Unknown`).

/// Implements the string conversions and serde for a generated enum.
/// Crate-private: generated code calls it as `crate::string_enum!`.
macro_rules! string_enum {
    ($name:ident) => {
        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::from(value.as_str())
            }
        }
        impl From<&String> for $name {
            fn from(value: &String) -> Self {
                Self::from(value.as_str())
            }
        }
        impl From<&$name> for $name {
            fn from(value: &$name) -> Self {
                value.clone()
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(s))
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl $crate::json::FromJson for $name {
            fn from_json(r: &mut $crate::json::Reader<'_>) -> $crate::json::Result<Self> {
                r.string().map(|s| Self::from(&*s))
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s: ::std::borrow::Cow<'de, str> = $crate::de::cow_str(d)?;
                Ok(Self::from(&*s))
            }
        }
    };
}

pub(crate) use string_enum;
