//! Output: pretty JSON, or a table for people.

use super::CliError;
use serde_json::{Map, Value};
use std::io::Write;

/// Writes `value` as JSON or as a table.
pub(super) fn write_value(
    out: &mut (dyn Write + Send),
    value: &Value,
    json: bool,
) -> Result<(), CliError> {
    let text = if json {
        serde_json::to_string_pretty(value).unwrap_or_default()
    } else {
        table(value)
    };
    writeln!(out, "{}", text.trim_end())
        .map_err(|e| CliError::usage(format!("cannot write output: {e}")))
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.iter().all(|x| !x.is_object() && !x.is_array()) => {
            items.iter().map(cell).collect::<Vec<_>>().join(" ")
        }
        other => other.to_string(),
    }
}

/// Rows of objects become columns; anything else is key/value lines.
fn table(value: &Value) -> String {
    // A result wrapped in one key (`{"open": {...}}`): the table of its value.
    if let Value::Object(map) = value
        && map.len() == 1
        && let Some((key, inner @ (Value::Object(_) | Value::Array(_)))) = map.iter().next()
    {
        return format!("{key}:\n{}", table(inner));
    }
    match value {
        Value::Object(map) if map.is_empty() => return "(none)".into(),
        Value::Array(items) if items.is_empty() => return "(none)".into(),
        Value::Array(items) if items.iter().all(|x| !x.is_object() && !x.is_array()) => {
            return items.iter().map(|x| cell(x) + "\n").collect();
        }
        _ => {}
    }
    let rows: Vec<(Option<String>, &Value)> = match value {
        Value::Array(items) => items.iter().map(|v| (None, v)).collect(),
        Value::Object(map) if !map.is_empty() && map.values().all(Value::is_object) => {
            map.iter().map(|(k, v)| (Some(k.clone()), v)).collect()
        }
        Value::Object(map) => return key_values(map),
        other => return cell(other),
    };
    if rows.is_empty() {
        return "(none)".into();
    }
    if !rows.iter().all(|(_, v)| v.is_object()) {
        let map: Map<String, Value> = rows
            .iter()
            .enumerate()
            .map(|(i, (k, v))| (k.clone().unwrap_or_else(|| i.to_string()), (*v).clone()))
            .collect();
        return key_values(&map);
    }
    let keyed = rows.iter().any(|(k, _)| k.is_some());
    let mut columns: Vec<String> = Vec::new();
    if keyed {
        columns.push("id".into());
    }
    for (_, v) in &rows {
        for k in v.as_object().into_iter().flat_map(|m| m.keys()) {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
    }
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|(k, v)| {
            let obj = v.as_object();
            columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if keyed && i == 0 {
                        k.clone().unwrap_or_default()
                    } else {
                        obj.and_then(|o| o.get(c)).map(cell).unwrap_or_default()
                    }
                })
                .collect()
        })
        .collect();
    render(&columns, &lines)
}

fn key_values(map: &Map<String, Value>) -> String {
    let width = map.keys().map(|k| k.chars().count()).max().unwrap_or(0);
    map.iter()
        .map(|(k, v)| format!("{k:width$}  {}\n", cell(v)))
        .collect()
}

fn render(columns: &[String], lines: &[Vec<String>]) -> String {
    const MAX: usize = 40;
    let clip = |s: &str| -> String {
        if s.chars().count() > MAX {
            let mut t: String = s.chars().take(MAX - 1).collect();
            t.push('…');
            t
        } else {
            s.to_owned()
        }
    };
    let widths: Vec<usize> = (0..columns.len())
        .map(|i| {
            lines
                .iter()
                .map(|l| clip(&l[i]).chars().count())
                .chain([columns[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let row = |cells: Vec<String>| -> String {
        let mut s = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:w$}"))
            .collect::<Vec<_>>()
            .join("  ");
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    };
    let mut text = row(columns.iter().map(|c| c.to_uppercase()).collect());
    for l in lines {
        text.push_str(&row(l.iter().map(|c| clip(c)).collect()));
    }
    text
}
