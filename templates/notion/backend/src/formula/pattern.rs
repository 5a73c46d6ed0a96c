//! The regular expressions of `test`, `match`, `replace` and `replaceAll`: JavaScript's
//! syntax as Notion's formulas use it (no flags), translated to the `regex` crate's and run
//! there, in time linear in the text. The translation keeps JavaScript's meanings where the
//! two differ: `\d \w \s \b` and their negations are JavaScript's classes (`\d`, `\w` and
//! `\b` ASCII), `.` stops at every line terminator, `{` that opens no quantifier and a lone
//! `]` are literals, `[]` matches nothing and `[^]` anything. Lookarounds and backreferences,
//! which `regex` lacks, are refused by name when the pattern is read, as is a pattern whose
//! compiled form would pass [`SIZE_LIMIT`]. Compiled patterns are kept per thread (a formula
//! evaluated over every page of a query compiles its pattern once).

use std::fmt::Write as _;
use std::rc::Rc;

use regex::{Captures, Regex, RegexBuilder};

use super::cache::Memo;

/// The most memory, in bytes, a compiled pattern may take (its program and lazy DFA each),
/// so that no formula makes a query slow.
const SIZE_LIMIT: usize = 1 << 20;

/// How deeply groups and repetitions may nest.
const NEST_LIMIT: u32 = 64;

/// JavaScript's `\s`: its white space and line terminators.
const SPACE: &str = r"\t\n\v\f\r\x{20}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}";

/// JavaScript's `\w` (ASCII, as without the `u` and `i` flags).
const WORD: &str = "0-9A-Za-z_";

/// JavaScript's `\d`.
const DIGIT: &str = "0-9";

/// A compiled regular expression.
#[derive(Debug, Clone)]
pub(super) struct Pattern {
    regex: Rc<Regex>,
}

thread_local! {
    static COMPILED: Memo<Result<Pattern, String>> = Memo::new();
}

/// What the last piece written was, to tell whether a quantifier may follow it.
#[derive(PartialEq)]
enum Last {
    /// Nothing (the start, after `|` or `(`): a quantifier has nothing to repeat.
    Nothing,
    /// An atom a quantifier may repeat.
    Atom,
    /// An anchor, a boundary or a quantifier: JavaScript refuses to repeat them.
    Fixed,
}

/// Reads a JavaScript pattern and writes the `regex` crate's equivalent.
struct Translator<'a> {
    chars: &'a [char],
    at: usize,
    out: String,
    last: Last,
    open: usize,
}

/// `c` as a `regex` literal, inside or outside a class.
fn literal(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || !c.is_ascii() && !c.is_whitespace() {
        out.push(c);
    } else {
        let _ = write!(out, "\\x{{{:x}}}", u32::from(c));
    }
}

/// The class a letter escape stands for (`\d` …): its members and whether it is negated.
fn class_of(c: char) -> Option<(&'static str, bool)> {
    Some(match c {
        'd' => (DIGIT, false),
        'D' => (DIGIT, true),
        'w' => (WORD, false),
        'W' => (WORD, true),
        's' => (SPACE, false),
        'S' => (SPACE, true),
        _ => return None,
    })
}

fn class(members: &str, negated: bool) -> String {
    format!("[{}{members}]", if negated { "^" } else { "" })
}

impl Translator<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.at += usize::from(c.is_some());
        c
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        self.at += usize::from(found);
        found
    }

    fn hex(&mut self, digits: usize) -> Option<u32> {
        let text: String = self.chars.get(self.at..self.at + digits)?.iter().collect();
        let value = u32::from_str_radix(&text, 16).ok()?;
        self.at += digits;
        Some(value)
    }

    fn pattern(&mut self) -> Result<(), String> {
        while let Some(c) = self.next() {
            match c {
                '|' => self.piece("|", Last::Nothing),
                '(' => self.group()?,
                ')' => {
                    if self.open == 0 {
                        return Err("unmatched `)`".into());
                    }
                    self.open -= 1;
                    self.piece(")", Last::Atom);
                }
                '*' | '+' | '?' => self.quantifier(&c.to_string())?,
                '{' => match self.braces() {
                    Some(counts) => self.quantifier(&counts)?,
                    None => self.piece(r"\{", Last::Atom),
                },
                '.' => self.piece(r"[^\n\r\x{2028}\x{2029}]", Last::Atom),
                '^' => self.piece("^", Last::Fixed),
                '$' => self.piece("$", Last::Fixed),
                '[' => {
                    let set = self.set()?;
                    self.piece(&set, Last::Atom);
                }
                '\\' => self.escape()?,
                c => {
                    literal(&mut self.out, c);
                    self.last = Last::Atom;
                }
            }
        }
        if self.open > 0 {
            return Err("unterminated group".into());
        }
        Ok(())
    }

    fn piece(&mut self, text: &str, last: Last) {
        self.out.push_str(text);
        self.last = last;
    }

    /// `{n}`, `{n,}` or `{n,m}` at the reader (past the `{`) as `regex` writes it; `None`
    /// (and nothing read) when the braces open no quantifier, where JavaScript reads a `{`.
    fn braces(&mut self) -> Option<String> {
        let back = self.at;
        let number = |this: &mut Self| {
            let start = this.at;
            while this.peek().is_some_and(|c| c.is_ascii_digit()) {
                this.at += 1;
            }
            (this.at > start).then(|| this.chars[start..this.at].iter().collect::<String>())
        };
        let counts = number(self).and_then(|least| {
            let most = if self.eat(',') {
                Some(number(self).unwrap_or_default())
            } else {
                None
            };
            self.eat('}').then(|| match most {
                Some(most) => format!("{{{least},{most}}}"),
                None => format!("{{{least}}}"),
            })
        });
        if counts.is_none() {
            self.at = back;
        }
        counts
    }

    fn quantifier(&mut self, counts: &str) -> Result<(), String> {
        if self.last != Last::Atom {
            return Err("nothing to repeat".into());
        }
        if let Some((least, most)) = counts
            .trim_matches(['{', '}'])
            .split_once(',')
            .filter(|(_, most)| !most.is_empty())
            && least.parse::<u64>().ok() > most.parse::<u64>().ok()
        {
            return Err("numbers out of order in {} quantifier".into());
        }
        self.out.push_str(counts);
        if self.eat('?') {
            self.out.push('?');
        }
        self.last = Last::Fixed;
        Ok(())
    }

    fn group(&mut self) -> Result<(), String> {
        let open = if self.eat('?') {
            match self.next() {
                Some(':') => "(?:".to_owned(),
                Some('=' | '!') => return Err("lookarounds are not supported".into()),
                Some('<') if matches!(self.peek(), Some('=' | '!')) => {
                    return Err("lookarounds are not supported".into());
                }
                Some('<') => {
                    let start = self.at;
                    while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        self.at += 1;
                    }
                    let name: String = self.chars[start..self.at].iter().collect();
                    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                        return Err("invalid capture group name".into());
                    }
                    if !self.eat('>') {
                        return Err("invalid capture group name".into());
                    }
                    format!("(?P<{name}>")
                }
                _ => return Err("invalid group".into()),
            }
        } else {
            "(".to_owned()
        };
        self.open += 1;
        self.piece(&open, Last::Nothing);
        Ok(())
    }

    /// An escaped character (past the `\`), outside a class or in one: its class
    /// (`Err`) or the character it stands for (`Ok`).
    fn escaped(&mut self, in_class: bool) -> Result<Result<char, String>, String> {
        let c = self.next().ok_or("`\\` at end of pattern")?;
        if let Some((members, negated)) = class_of(c) {
            return Ok(Err(class(members, negated)));
        }
        Ok(Ok(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'f' => '\u{c}',
            'v' => '\u{b}',
            '0' => '\0',
            'b' if in_class => '\u{8}',
            'x' => self.hex(2).and_then(char::from_u32).unwrap_or('x'),
            'u' => match self.hex(4) {
                Some(unit) => self.unit(unit)?,
                None => 'u',
            },
            'c' => match self.peek().filter(char::is_ascii_alphabetic) {
                Some(letter) => {
                    self.at += 1;
                    char::from(letter as u8 % 32)
                }
                None => {
                    self.at -= 1;
                    '\\'
                }
            },
            other => other,
        }))
    }

    /// The character a `\uXXXX` stands for, joining a surrogate pair.
    fn unit(&mut self, unit: u32) -> Result<char, String> {
        if let Some(c) = char::from_u32(unit) {
            return Ok(c);
        }
        let back = self.at;
        if (0xd800..0xdc00).contains(&unit)
            && self.eat('\\')
            && self.eat('u')
            && let Some(low) = self.hex(4).filter(|low| (0xdc00..0xe000).contains(low))
        {
            let joined = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
            return char::from_u32(joined).ok_or_else(|| "invalid escape".into());
        }
        self.at = back;
        Err("lone surrogates are not supported".into())
    }

    fn escape(&mut self) -> Result<(), String> {
        match self.peek() {
            Some('b') | Some('B') => {
                let negated = self.next() == Some('B');
                self.piece(if negated { r"(?-u:\B)" } else { r"(?-u:\b)" }, Last::Fixed);
                return Ok(());
            }
            Some('1'..='9') => return Err("backreferences are not supported".into()),
            Some('k') if self.chars.get(self.at + 1) == Some(&'<') => {
                return Err("backreferences are not supported".into());
            }
            _ => {}
        }
        match self.escaped(false)? {
            Ok(c) => literal(&mut self.out, c),
            Err(set) => self.out.push_str(&set),
        }
        self.last = Last::Atom;
        Ok(())
    }

    /// A class (past its `[`) as `regex` writes it.
    fn set(&mut self) -> Result<String, String> {
        let negated = self.eat('^');
        if self.eat(']') {
            return Ok(if negated {
                r"[\x{0}-\x{10ffff}]"
            } else {
                r"[^\x{0}-\x{10ffff}]"
            }
            .to_owned());
        }
        let mut out = String::from(if negated { "[^" } else { "[" });
        loop {
            let c = self.next().ok_or("unterminated character class")?;
            if c == ']' {
                break;
            }
            let from = if c == '\\' {
                match self.escaped(true)? {
                    Ok(c) => c,
                    Err(set) => {
                        out.push_str(&set);
                        continue;
                    }
                }
            } else {
                c
            };
            let ranged =
                self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|c| *c != ']');
            if !ranged {
                literal(&mut out, from);
                continue;
            }
            let back = self.at;
            self.at += 1;
            let to = match self.next() {
                Some('\\') => self.escaped(true)?,
                Some(c) => Ok(c),
                None => return Err("unterminated character class".into()),
            };
            match to {
                Ok(to) if to < from => return Err("range out of order in character class".into()),
                Ok(to) => {
                    literal(&mut out, from);
                    out.push('-');
                    literal(&mut out, to);
                }
                // `[a-\d]`: JavaScript reads the `-` as itself.
                Err(_) => {
                    literal(&mut out, from);
                    self.at = back;
                }
            }
        }
        out.push(']');
        Ok(out)
    }
}

/// `source` (JavaScript's syntax) in the `regex` crate's.
fn translate(source: &str) -> Result<String, String> {
    let chars: Vec<char> = source.chars().collect();
    let mut translator = Translator {
        chars: &chars,
        at: 0,
        out: String::with_capacity(source.len() * 2),
        last: Last::Nothing,
        open: 0,
    };
    translator.pattern()?;
    Ok(translator.out)
}

fn compile(source: &str) -> Result<Pattern, String> {
    let translated = translate(source)?;
    let regex = RegexBuilder::new(&translated)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .nest_limit(NEST_LIMIT)
        .build()
        .map_err(|error| match error {
            regex::Error::CompiledTooBig(_) => "pattern too large".to_owned(),
            other => other.to_string(),
        })?;
    Ok(Pattern {
        regex: Rc::new(regex),
    })
}

impl Pattern {
    /// Reads `source` (compiled once per thread).
    ///
    /// # Errors
    ///
    /// Why the pattern is not one Notion's formulas take (or the clone cannot run).
    pub(super) fn new(source: &str) -> Result<Self, String> {
        COMPILED.with(|compiled| compiled.get(source, compile))
    }

    /// Whether `text` holds a match.
    pub(super) fn test(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }

    /// Every match in `text`, left to right, not overlapping.
    pub(super) fn matches<'t>(&self, text: &'t str) -> Vec<&'t str> {
        self.regex.find_iter(text).map(|m| m.as_str()).collect()
    }

    /// `text` with its first match (every match when `all`) replaced by `replacement`,
    /// whose `$1`…`$99`, `$<name>`, `$&`, `` $` ``, `$'` and `$$` are filled in as
    /// JavaScript's `String.prototype.replace` does.
    pub(super) fn replace(&self, text: &str, replacement: &str, all: bool) -> String {
        let mut out = String::with_capacity(text.len());
        let mut from = 0;
        let named = self.regex.capture_names().any(|name| name.is_some());
        for caps in self
            .regex
            .captures_iter(text)
            .take(if all { usize::MAX } else { 1 })
        {
            let whole = caps.get(0).map_or(from..from, |m| m.range());
            out.push_str(&text[from..whole.start]);
            expand(replacement, text, &caps, named, &mut out);
            from = whole.end;
        }
        out.push_str(&text[from..]);
        out
    }
}

/// `replacement` filled in from the match `caps` of `text`, onto `out` (`$<name>` read
/// only when the pattern `named` a group, as JavaScript does).
fn expand(replacement: &str, text: &str, caps: &Captures<'_>, named: bool, out: &mut String) {
    let whole = caps.get(0).map_or(0..0, |m| m.range());
    let group = |i: usize| caps.get(i).map_or("", |m| m.as_str());
    let mut rest = replacement;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        let mut chars = rest.chars();
        let taken = match chars.next() {
            Some('$') => {
                out.push('$');
                1
            }
            Some('&') => {
                out.push_str(group(0));
                1
            }
            Some('`') => {
                out.push_str(&text[..whole.start]);
                1
            }
            Some('\'') => {
                out.push_str(&text[whole.end..]);
                1
            }
            Some(d @ '1'..='9') => {
                let one = d as usize - '0' as usize;
                let two = chars
                    .next()
                    .and_then(|e| e.to_digit(10))
                    .map(|e| one * 10 + e as usize)
                    .filter(|n| *n < caps.len());
                match two {
                    Some(n) => {
                        out.push_str(group(n));
                        2
                    }
                    None if one < caps.len() => {
                        out.push_str(group(one));
                        1
                    }
                    None => {
                        out.push('$');
                        0
                    }
                }
            }
            Some('<') if named => match rest.find('>') {
                Some(end) => {
                    out.push_str(caps.name(&rest[1..end]).map_or("", |m| m.as_str()));
                    end + 1
                }
                None => {
                    out.push('$');
                    0
                }
            },
            _ => {
                out.push('$');
                0
            }
        };
        rest = &rest[taken..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> Vec<String> {
        Pattern::new(pattern)
            .unwrap()
            .matches(text)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn patterns_match_as_javascript_does() {
        for (pattern, text, expected) in [
            (r"\d+", "Call 123-456-7890", vec!["123", "456", "7890"]),
            ("a.c", "abc a-c ac", vec!["abc", "a-c"]),
            ("^N", "Notion", vec!["N"]),
            ("n$", "Notion", vec!["n"]),
            (r"\bcat\b", "cat concat cat", vec!["cat", "cat"]),
            ("[A-Z][a-z]*", "Hello World", vec!["Hello", "World"]),
            ("[^aeiou ]+", "the cat", vec!["th", "c", "t"]),
            ("(ab)+", "ababab ab", vec!["ababab", "ab"]),
            ("colou?r", "color colour", vec!["color", "colour"]),
            ("a{2,3}", "a aa aaaa", vec!["aa", "aaa"]),
            ("a+?", "aaa", vec!["a", "a", "a"]),
            ("dog|cat", "cat dog", vec!["cat", "dog"]),
            ("(?:x|y)z", "xz yz zz", vec!["xz", "yz"]),
            (r"\s", "a b", vec![" "]),
            ("x*", "ab", vec!["", "", ""]),
            // ASCII classes and boundaries, as JavaScript's without the `u` flag.
            (r"\w+", "café au", vec!["caf", "au"]),
            (r"\d", "٣4", vec!["4"]),
            (r"\bé", "é", vec![]),
            // Literal braces and brackets where they open nothing.
            ("a{x}", "a{x}", vec!["a{x}"]),
            ("a]", "a]", vec!["a]"]),
            (r"[\]-]+", "a]-]", vec!["]-]"]),
            (r"[\d-x]+", "1-x", vec!["1-x"]),
            // `.` stops at every line terminator; `[^]` takes them.
            ("a.b", "a\nb a\u{2028}b a b", vec!["a b"]),
            ("a[^]b", "a\nb", vec!["a\nb"]),
            ("a[]", "a", vec![]),
            (r"\x41\u0042", "AB", vec!["AB"]),
            // Without the `u` flag, `\u{2}` is `u` twice.
            (r"\u{2}", "uuu", vec!["uu"]),
            (r"\uD83D\uDE00", "😀", vec!["😀"]),
            (r"\$\.\*", "$.*", vec!["$.*"]),
            ("(?<year>\\d{4})", "in 2025", vec!["2025"]),
        ] {
            assert_eq!(matches(pattern, text), expected, "{pattern} on {text}");
        }
    }

    #[test]
    fn replacements_fill_in_groups() {
        let pattern = Pattern::new(r"(\w+) (\w+)").unwrap();
        assert_eq!(
            pattern.replace("John Smith", "$2, $1 ($&) $$3 $9", false),
            "Smith, John (John Smith) $3 $9"
        );
        let pattern = Pattern::new("(?<first>b)").unwrap();
        assert_eq!(
            pattern.replace("abc", "[$`|$'|$<first>]", true),
            "a[a|c|b]c"
        );
        assert_eq!(Pattern::new("o").unwrap().replace("foo", "0", true), "f00");
        assert_eq!(Pattern::new("o").unwrap().replace("foo", "0", false), "f0o");
    }

    #[test]
    fn unsupported_or_malformed_patterns_are_refused() {
        for (pattern, reason) in [
            ("(a", "unterminated group"),
            ("a)", "unmatched `)`"),
            ("[a", "unterminated character class"),
            ("*a", "nothing to repeat"),
            ("a**", "nothing to repeat"),
            ("^*", "nothing to repeat"),
            ("(?=a)", "lookarounds are not supported"),
            ("(?<!a)b", "lookarounds are not supported"),
            (r"(a)\1", "backreferences are not supported"),
            (r"(?<x>a)\k<x>", "backreferences are not supported"),
            ("[z-a]", "range out of order in character class"),
            ("a{3,1}", "numbers out of order in {} quantifier"),
            ("(?i)a", "invalid group"),
            (r"\uD800", "lone surrogates are not supported"),
            (r"a\", "`\\` at end of pattern"),
            ("(?:a{1000}){1000}", "pattern too large"),
        ] {
            assert_eq!(Pattern::new(pattern).unwrap_err(), reason, "{pattern}");
        }
    }

    #[test]
    fn a_catastrophic_pattern_answers_at_once() {
        let text = format!("{}!", "a".repeat(100_000));
        let started = std::time::Instant::now();
        assert!(!Pattern::new("(a+)+$").unwrap().test(&text));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }
}
