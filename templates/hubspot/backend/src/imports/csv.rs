//! The CSV files an import reads (RFC 4180: `,`-separated fields, `"`-quoted ones holding
//! commas, line breaks and doubled quotes; `\r\n` or `\n` line ends), each record with the
//! line of the file it starts on, as HubSpot's import errors number rows.

/// One record of a file: the line it starts on (from 1) and its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    /// The file's line the record starts on.
    pub(crate) line: usize,
    /// Its fields, unquoted.
    pub(crate) fields: Vec<String>,
}

/// The records of `text` (a byte-order mark first is skipped), blank lines left out.
///
/// # Errors
///
/// The line of a quoted field that is never closed.
pub(crate) fn parse(text: &str) -> Result<Vec<Record>, usize> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut start = 1;
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => fields.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                push(&mut records, start, std::mem::take(&mut fields));
                line += 1;
                start = line;
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(start);
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        push(&mut records, start, fields);
    }
    Ok(records)
}

/// Keeps a record unless it is a blank line.
fn push(records: &mut Vec<Record>, line: usize, fields: Vec<String>) {
    if fields.len() > 1 || fields.first().is_some_and(|f| !f.trim().is_empty()) {
        records.push(Record { line, fields });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<(usize, Vec<String>)> {
        parse(text)
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.line, r.fields))
            .collect()
    }

    fn row(line: usize, fields: &[&str]) -> (usize, Vec<String>) {
        (line, fields.iter().map(|f| (*f).to_owned()).collect())
    }

    #[test]
    fn quoted_fields_hold_commas_quotes_and_line_breaks() {
        let text = "\u{feff}a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\n\"two\nlines\",z\n3,";
        assert_eq!(
            fields(text),
            vec![
                row(1, &["a", "b"]),
                row(2, &["x, y", "say \"hi\""]),
                row(4, &["two\nlines", "z"]),
                row(6, &["3", ""]),
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_names_its_line() {
        assert_eq!(parse("a\n\"open,b\nc"), Err(2));
    }
}
