//! The regular expressions of `test`, `match`, `replace` and `replaceAll`: a backtracking
//! matcher over JavaScript's syntax as Notion's formulas use it — literals, `.`, classes
//! (`[a-z]`, `[^…]`, `\d \w \s` and their negations), anchors (`^ $ \b \B`), groups
//! (capturing and `(?:…)`), alternation and the quantifiers `* + ? {n} {n,} {n,m}` (lazy
//! with a trailing `?`). Lookarounds and backreferences are refused when the pattern is
//! read. A match gives up after [`BUDGET`] steps (answering no match), so no pattern hangs.

/// How many steps one search may take before it answers no match.
const BUDGET: usize = 200_000;

/// How many matching frames may be open at once (a repeated group over a long text),
/// so that a match never runs out of stack.
const MAX_NESTING: usize = 1_000;

/// The most a bounded quantifier may repeat (`{n,m}`), as a guard against huge counts.
const MAX_REPEAT: usize = 1_000;

/// One piece of a pattern.
#[derive(Debug)]
enum Node {
    /// One character matching the set: `(from, to)` ranges, negated or not.
    Set(Vec<(char, char)>, bool),
    /// Any character but a line break (`.`).
    Any,
    /// `^`: the start of the text.
    Start,
    /// `$`: the end of the text.
    End,
    /// `\b` (true) or `\B` (false).
    Boundary(bool),
    /// A group: its nodes (a capturing group's end with [`Node::Close`]).
    Group(Option<usize>, Vec<Node>),
    /// Records where capture `n` ends.
    Close(usize),
    /// One of several sequences.
    Either(Vec<Vec<Node>>),
    /// A node repeated `least..=most` times, greedy or lazy.
    Repeat(Box<Node>, usize, usize, bool),
}

/// A parsed regular expression.
#[derive(Debug)]
pub(super) struct Pattern {
    nodes: Vec<Node>,
    groups: usize,
}

/// One match: the character span of the whole match and of each group.
pub(super) type Captures = Vec<Option<(usize, usize)>>;

struct Reader<'a> {
    chars: &'a [char],
    at: usize,
    groups: usize,
}

fn class_of(c: char) -> Option<(Vec<(char, char)>, bool)> {
    let digits = vec![('0', '9')];
    let word = vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')];
    let space = vec![
        (' ', ' '),
        ('\t', '\r'),
        ('\u{a0}', '\u{a0}'),
        ('\u{2000}', '\u{200a}'),
        ('\u{3000}', '\u{3000}'),
    ];
    Some(match c {
        'd' => (digits, false),
        'D' => (digits, true),
        'w' => (word, false),
        'W' => (word, true),
        's' => (space, false),
        'S' => (space, true),
        _ => return None,
    })
}

fn escaped(c: char) -> char {
    match c {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'f' => '\u{c}',
        'v' => '\u{b}',
        '0' => '\0',
        other => other,
    }
}

impl Reader<'_> {
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

    fn alternatives(&mut self, depth: usize) -> Result<Vec<Node>, String> {
        if depth > 32 {
            return Err("groups nested too deeply".into());
        }
        let mut branches = vec![self.sequence(depth)?];
        while self.eat('|') {
            branches.push(self.sequence(depth)?);
        }
        Ok(if branches.len() == 1 {
            branches.remove(0)
        } else {
            vec![Node::Either(branches)]
        })
    }

    fn sequence(&mut self, depth: usize) -> Result<Vec<Node>, String> {
        let mut nodes = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom(depth)?;
            nodes.push(self.quantified(atom)?);
        }
        Ok(nodes)
    }

    fn number(&mut self) -> Option<usize> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        self.chars[start..self.at]
            .iter()
            .collect::<String>()
            .parse()
            .ok()
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let (least, most) = match self.peek() {
            Some('*') => (0, usize::MAX),
            Some('+') => (1, usize::MAX),
            Some('?') => (0, 1),
            Some('{') => {
                let back = self.at;
                self.at += 1;
                let Some(least) = self.number() else {
                    self.at = back;
                    return Ok(atom);
                };
                let most = if self.eat(',') {
                    self.number().unwrap_or(usize::MAX)
                } else {
                    least
                };
                if self.peek() != Some('}') {
                    self.at = back;
                    return Ok(atom);
                }
                if least > most || (most != usize::MAX && most > MAX_REPEAT) {
                    return Err("numbers out of order or too large in {} quantifier".into());
                }
                (least, most)
            }
            _ => return Ok(atom),
        };
        self.at += 1;
        if matches!(
            atom,
            Node::Start | Node::End | Node::Boundary(_) | Node::Repeat(..)
        ) {
            return Err("nothing to repeat".into());
        }
        let greedy = !self.eat('?');
        Ok(Node::Repeat(Box::new(atom), least, most, greedy))
    }

    fn atom(&mut self, depth: usize) -> Result<Node, String> {
        let c = self.next().ok_or("unexpected end")?;
        Ok(match c {
            '.' => Node::Any,
            '^' => Node::Start,
            '$' => Node::End,
            '[' => self.set()?,
            '(' => {
                let index = if self.eat('?') {
                    if !self.eat(':') {
                        return Err("lookarounds and named groups are not supported".into());
                    }
                    None
                } else {
                    self.groups += 1;
                    Some(self.groups)
                };
                let mut inner = self.alternatives(depth + 1)?;
                if !self.eat(')') {
                    return Err("unterminated group".into());
                }
                inner.extend(index.map(Node::Close));
                Node::Group(index, inner)
            }
            ')' => return Err("unmatched `)`".into()),
            '*' | '+' | '?' => return Err("nothing to repeat".into()),
            '\\' => {
                let c = self.next().ok_or("`\\` at end of pattern")?;
                if c.is_ascii_digit() && c != '0' {
                    return Err("backreferences are not supported".into());
                }
                match c {
                    'b' => Node::Boundary(true),
                    'B' => Node::Boundary(false),
                    _ => match class_of(c) {
                        Some((ranges, negated)) => Node::Set(ranges, negated),
                        None => {
                            let c = escaped(c);
                            Node::Set(vec![(c, c)], false)
                        }
                    },
                }
            }
            c => Node::Set(vec![(c, c)], false),
        })
    }

    fn set(&mut self) -> Result<Node, String> {
        let negated = self.eat('^');
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.next().ok_or("unterminated character class")?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let from = if c == '\\' {
                let c = self.next().ok_or("unterminated character class")?;
                if let Some((more, false)) = class_of(c) {
                    ranges.extend(more);
                    continue;
                }
                escaped(c)
            } else if c == ']' {
                break;
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|c| *c != ']') {
                self.at += 1;
                let mut to = self.next().ok_or("unterminated character class")?;
                if to == '\\' {
                    to = escaped(self.next().ok_or("unterminated character class")?);
                }
                if to < from {
                    return Err("range out of order in character class".into());
                }
                ranges.push((from, to));
            } else {
                ranges.push((from, from));
            }
        }
        Ok(Node::Set(ranges, negated))
    }
}

/// What is left to match after a node: more nodes, or another round of a repeat.
enum Next<'a> {
    Nodes(&'a [Node], Option<&'a Next<'a>>),
    Again(&'a Node, usize, usize, Option<&'a Next<'a>>),
}

struct Matcher<'a> {
    text: &'a [char],
    caps: Captures,
    steps: usize,
    depth: usize,
}

fn is_word(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

impl<'a> Matcher<'a> {
    /// The character at `at` if node `node` (one character's) takes it.
    fn takes(&self, node: &Node, at: usize) -> bool {
        let Some(&c) = self.text.get(at) else {
            return false;
        };
        match node {
            Node::Any => c != '\n' && c != '\r',
            Node::Set(ranges, negated) => {
                ranges.iter().any(|(from, to)| (*from..=*to).contains(&c)) != *negated
            }
            _ => false,
        }
    }

    fn then(&mut self, at: usize, next: Option<&Next<'_>>) -> Option<usize> {
        match next {
            None => Some(at),
            Some(Next::Nodes(nodes, after)) => self.run(nodes, at, *after),
            Some(Next::Again(node, count, from, after)) => {
                self.repeat(node, *count, *from, at, *after)
            }
        }
    }

    /// Matches `nodes` at `at`, then `next`: where the whole match ends. Gives up past
    /// [`BUDGET`] steps or [`MAX_NESTING`] frames.
    fn run(&mut self, nodes: &[Node], at: usize, next: Option<&Next<'_>>) -> Option<usize> {
        self.steps += 1;
        if self.steps > BUDGET || self.depth >= MAX_NESTING {
            return None;
        }
        self.depth += 1;
        let found = self.step(nodes, at, next);
        self.depth -= 1;
        found
    }

    fn step(&mut self, nodes: &[Node], at: usize, next: Option<&Next<'_>>) -> Option<usize> {
        let Some((node, rest)) = nodes.split_first() else {
            return self.then(at, next);
        };
        let after = Next::Nodes(rest, next);
        match node {
            Node::Any | Node::Set(..) => {
                if self.takes(node, at) {
                    self.run(rest, at + 1, next)
                } else {
                    None
                }
            }
            Node::Start => (at == 0).then(|| self.run(rest, at, next)).flatten(),
            Node::End => (at == self.text.len())
                .then(|| self.run(rest, at, next))
                .flatten(),
            Node::Boundary(wanted) => {
                let edge = is_word(at.checked_sub(1).and_then(|i| self.text.get(i)))
                    != is_word(self.text.get(at));
                (edge == *wanted)
                    .then(|| self.run(rest, at, next))
                    .flatten()
            }
            Node::Group(index, inner) => {
                let saved = index.map(|i| self.caps[i]);
                if let Some(i) = index {
                    self.caps[*i] = Some((at, at));
                }
                let found = self.run(inner, at, Some(&after));
                if found.is_none()
                    && let (Some(i), Some(saved)) = (index, saved)
                {
                    self.caps[*i] = saved;
                }
                found
            }
            Node::Close(i) => {
                let saved = self.caps[*i];
                let start = saved.map_or(at, |(start, _)| start);
                self.caps[*i] = Some((start, at));
                let found = self.run(rest, at, next);
                if found.is_none() {
                    self.caps[*i] = saved;
                }
                found
            }
            Node::Either(branches) => branches
                .iter()
                .find_map(|branch| self.run(branch, at, Some(&after))),
            Node::Repeat(inner, least, most, greedy) => {
                if matches!(**inner, Node::Any | Node::Set(..)) {
                    return self.simple_repeat(inner, (*least, *most, *greedy), at, &after);
                }
                self.repeat(node, 0, usize::MAX, at, Some(&after))
            }
        }
    }

    /// A repeated single character: how far it could go is counted, then the rest is
    /// tried from each length (longest first when greedy), without a frame per character.
    fn simple_repeat(
        &mut self,
        inner: &Node,
        (least, most, greedy): (usize, usize, bool),
        at: usize,
        after: &Next<'_>,
    ) -> Option<usize> {
        let mut far = 0;
        while far < most && self.takes(inner, at + far) {
            far += 1;
        }
        if far < least {
            return None;
        }
        let mut lengths: Box<dyn Iterator<Item = usize>> = if greedy {
            Box::new((least..=far).rev())
        } else {
            Box::new(least..=far)
        };
        lengths.find_map(|n| {
            self.steps += 1;
            if self.steps > BUDGET {
                return None;
            }
            self.then(at + n, Some(after))
        })
    }

    /// Round `count` of the repeat `node` at `at` (the previous round began at `from`).
    fn repeat(
        &mut self,
        node: &Node,
        count: usize,
        from: usize,
        at: usize,
        next: Option<&Next<'_>>,
    ) -> Option<usize> {
        let Node::Repeat(inner, least, most, greedy) = node else {
            return None;
        };
        if count > *least && at == from {
            // An empty round changes nothing: stop repeating.
            return None;
        }
        let more = |this: &mut Self| {
            if count >= *most {
                return None;
            }
            let again = Next::Again(node, count + 1, at, next);
            this.run(std::slice::from_ref(inner), at, Some(&again))
        };
        if count < *least {
            return more(self);
        }
        if *greedy {
            more(self).or_else(|| self.then(at, next))
        } else {
            self.then(at, next).or_else(|| more(self))
        }
    }
}

impl Pattern {
    /// Reads `source`.
    ///
    /// # Errors
    ///
    /// Why the pattern is not one this matcher takes.
    pub(super) fn new(source: &str) -> Result<Self, String> {
        let chars: Vec<char> = source.chars().collect();
        let mut reader = Reader {
            chars: &chars,
            at: 0,
            groups: 0,
        };
        let nodes = reader.alternatives(0)?;
        if reader.at < chars.len() {
            return Err("unmatched `)`".into());
        }
        Ok(Self {
            nodes,
            groups: reader.groups,
        })
    }

    /// The first match in `text` starting at or after character `from`.
    pub(super) fn find(&self, text: &[char], from: usize) -> Option<Captures> {
        let mut matcher = Matcher {
            text,
            caps: vec![None; self.groups + 1],
            steps: 0,
            depth: 0,
        };
        for start in from..=text.len() {
            matcher.caps.iter_mut().for_each(|c| *c = None);
            if let Some(end) = matcher.run(&self.nodes, start, None) {
                matcher.caps[0] = Some((start, end));
                return Some(matcher.caps);
            }
            if matcher.steps > BUDGET {
                return None;
            }
        }
        None
    }

    /// Every match in `text`, left to right, not overlapping.
    pub(super) fn find_all(&self, text: &[char]) -> Vec<Captures> {
        let mut found = Vec::new();
        let mut from = 0;
        while from <= text.len() {
            let Some(caps) = self.find(text, from) else {
                break;
            };
            let (start, end) = caps[0].unwrap_or((from, from));
            from = if end > start { end } else { end + 1 };
            found.push(caps);
        }
        found
    }
}

/// `replacement` with `$1`…`$99`, `$&` and `$$` filled in from `caps` of `text`, as
/// JavaScript's `String.prototype.replace` does.
pub(super) fn expand(replacement: &str, text: &[char], caps: &Captures) -> String {
    let span = |i: usize| -> String {
        caps.get(i)
            .copied()
            .flatten()
            .map(|(a, b)| text[a..b].iter().collect())
            .unwrap_or_default()
    };
    let mut out = String::new();
    let mut chars = replacement.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('$') => {
                chars.next();
                out.push('$');
            }
            Some('&') => {
                chars.next();
                out.push_str(&span(0));
            }
            Some(d) if d.is_ascii_digit() && d != '0' => {
                chars.next();
                let mut n = d as usize - '0' as usize;
                if let Some(e) = chars.peek().and_then(|e| e.to_digit(10))
                    && n * 10 + (e as usize) < caps.len()
                {
                    chars.next();
                    n = n * 10 + e as usize;
                }
                if n < caps.len() {
                    out.push_str(&span(n));
                } else {
                    out.push('$');
                    out.push(d);
                }
            }
            _ => out.push('$'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        Pattern::new(pattern)
            .unwrap()
            .find_all(&chars)
            .iter()
            .map(|caps| {
                let (a, b) = caps[0].unwrap();
                chars[a..b].iter().collect()
            })
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
        ] {
            assert_eq!(matches(pattern, text), expected, "{pattern} on {text}");
        }
    }

    #[test]
    fn replacements_fill_in_groups() {
        let text: Vec<char> = "John Smith".chars().collect();
        let pattern = Pattern::new(r"(\w+) (\w+)").unwrap();
        let caps = pattern.find(&text, 0).unwrap();
        assert_eq!(
            expand("$2, $1 ($&) $$3 $9", &text, &caps),
            "Smith, John (John Smith) $3 $9"
        );
    }

    #[test]
    fn unsupported_or_malformed_patterns_are_refused() {
        for (pattern, reason) in [
            ("(a", "unterminated group"),
            ("a)", "unmatched `)`"),
            ("[a", "unterminated character class"),
            ("*a", "nothing to repeat"),
            ("(?=a)", "lookarounds and named groups are not supported"),
            (r"(a)\1", "backreferences are not supported"),
            ("[z-a]", "range out of order in character class"),
        ] {
            assert_eq!(Pattern::new(pattern).unwrap_err(), reason, "{pattern}");
        }
    }

    #[test]
    fn a_catastrophic_pattern_gives_up_instead_of_hanging() {
        let text: Vec<char> = format!("{}!", "a".repeat(40)).chars().collect();
        assert!(Pattern::new("(a+)+$").unwrap().find(&text, 0).is_none());
    }
}
