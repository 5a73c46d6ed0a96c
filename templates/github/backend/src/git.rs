//! Git's object format: blobs, trees and commits serialised exactly as git does, so object
//! ids are git's real SHA-1s (a blob of `hello\n` is `ce01362…`, as `git hash-object` says).

use sha1::{Digest, Sha1};

/// The id of an object of `kind` (`blob`, `tree`, `commit`, `tag`) holding `data`.
pub(crate) fn hash(kind: &str, data: &[u8]) -> String {
    let mut hasher = Sha1::new();
    hasher.update(format!("{kind} {}\0", data.len()).as_bytes());
    hasher.update(data);
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 15)]));
    }
    out
}

/// Whether `name` is a valid full ref (`refs/heads/x`), as `git check-ref-format` says, of at
/// most 1,024 bytes.
pub(crate) fn valid_ref(name: &str) -> bool {
    // Git sets no bound; a name this long could not be indexed.
    name.len() <= 1024
        && name.starts_with("refs/")
        && name.matches('/').count() >= 2
        && !name.ends_with('/')
        && !name.ends_with(".lock")
        && !name.ends_with('.')
        && !name.contains("..")
        && !name.contains("//")
        && !name.contains("@{")
        && !name
            .chars()
            .any(|c| c.is_control() || " ~^:?*[\\".contains(c))
}

/// Whether `text` is a full lowercase 40-digit hex object id.
pub(crate) fn is_sha(text: &str) -> bool {
    text.len() == 40
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// One entry of a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// `100644`, `100755`, `040000`, `120000` or `160000`.
    pub(crate) mode: String,
    /// The file or directory name (no slash).
    pub(crate) name: String,
    /// The object it points at.
    pub(crate) sha: String,
}

impl Entry {
    /// `tree` for directories, `commit` for submodules, else `blob`.
    pub(crate) fn kind(&self) -> &'static str {
        match self.mode.as_str() {
            "040000" | "40000" => "tree",
            "160000" => "commit",
            _ => "blob",
        }
    }
}

/// Serialises a tree (entries sorted as git sorts them: directories as if named `name/`).
pub(crate) fn encode_tree(entries: &mut [Entry]) -> Vec<u8> {
    entries.sort_by_key(sort_key);
    let mut out = Vec::new();
    for entry in entries.iter() {
        let mode = entry.mode.trim_start_matches('0');
        out.extend_from_slice(mode.as_bytes());
        out.push(b' ');
        out.extend_from_slice(entry.name.as_bytes());
        out.push(0);
        out.extend(unhex(&entry.sha));
    }
    out
}

fn sort_key(entry: &Entry) -> Vec<u8> {
    let mut key = entry.name.as_bytes().to_vec();
    if entry.kind() == "tree" {
        key.push(b'/');
    }
    key
}

fn unhex(sha: &str) -> Vec<u8> {
    (0..sha.len() / 2)
        .filter_map(|i| u8::from_str_radix(sha.get(i * 2..i * 2 + 2)?, 16).ok())
        .collect()
}

/// Parses a serialised tree (entries with an unreadable shape are skipped).
pub(crate) fn parse_tree(mut data: &[u8]) -> Vec<Entry> {
    let mut entries = Vec::new();
    while let Some(space) = data.iter().position(|&b| b == b' ') {
        let Some(nul) = data.iter().position(|&b| b == 0) else {
            break;
        };
        if nul < space || data.len() < nul + 21 {
            break;
        }
        let mode = String::from_utf8_lossy(&data[..space]).into_owned();
        let mode = if mode == "40000" {
            "040000".to_owned()
        } else {
            mode
        };
        entries.push(Entry {
            mode,
            name: String::from_utf8_lossy(&data[space + 1..nul]).into_owned(),
            sha: hex(&data[nul + 1..nul + 21]),
        });
        data = &data[nul + 21..];
    }
    entries
}

/// An author or committer line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signature {
    /// Name.
    pub(crate) name: String,
    /// Email.
    pub(crate) email: String,
    /// Unix seconds.
    pub(crate) when: i64,
}

impl Signature {
    fn encode(&self) -> String {
        format!("{} <{}> {} +0000", self.name, self.email, self.when)
    }

    fn parse(line: &str) -> Option<Self> {
        let open = line.find('<')?;
        let close = line.rfind('>')?;
        let mut rest = line.get(close + 1..)?.split_whitespace();
        Some(Self {
            name: line[..open].trim().to_owned(),
            email: line.get(open + 1..close)?.to_owned(),
            when: rest.next()?.parse().ok()?,
        })
    }
}

/// A commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Commit {
    /// Its tree.
    pub(crate) tree: String,
    /// Its parents.
    pub(crate) parents: Vec<String>,
    /// Who wrote it.
    pub(crate) author: Signature,
    /// Who committed it.
    pub(crate) committer: Signature,
    /// The message.
    pub(crate) message: String,
}

impl Commit {
    /// Serialises it as git does.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = format!("tree {}\n", self.tree);
        for parent in &self.parents {
            out.push_str(&format!("parent {parent}\n"));
        }
        out.push_str(&format!("author {}\n", self.author.encode()));
        out.push_str(&format!("committer {}\n\n", self.committer.encode()));
        out.push_str(&self.message);
        out.into_bytes()
    }

    /// Parses a serialised commit.
    pub(crate) fn parse(data: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(data).ok()?;
        let (head, message) = text.split_once("\n\n").unwrap_or((text, ""));
        let (mut tree, mut parents, mut author, mut committer) = (None, Vec::new(), None, None);
        for line in head.lines() {
            let (key, value) = line.split_once(' ')?;
            match key {
                "tree" => tree = Some(value.to_owned()),
                "parent" => parents.push(value.to_owned()),
                "author" => author = Signature::parse(value),
                "committer" => committer = Signature::parse(value),
                _ => {}
            }
        }
        Some(Self {
            tree: tree?,
            parents,
            author: author?,
            committer: committer?,
            message: message.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_git() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            hash("blob", b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        // The empty tree every git knows.
        assert_eq!(
            hash("tree", &encode_tree(&mut [])),
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        );
    }

    #[test]
    fn trees_and_commits_round_trip() {
        let blob = hash("blob", b"hello\n");
        let mut entries = vec![
            Entry {
                mode: "100644".into(),
                name: "b.txt".into(),
                sha: blob.clone(),
            },
            Entry {
                mode: "040000".into(),
                name: "a".into(),
                sha: blob.clone(),
            },
        ];
        let data = encode_tree(&mut entries);
        assert_eq!(parse_tree(&data), entries);
        let signature = Signature {
            name: "Octo Cat".into(),
            email: "o@x.test".into(),
            when: 1_700_000_000,
        };
        let commit = Commit {
            tree: hash("tree", &data),
            parents: vec![blob],
            author: signature.clone(),
            committer: signature,
            message: "Initial commit\n".into(),
        };
        assert_eq!(Commit::parse(&commit.encode()), Some(commit));
        assert!(is_sha(&hash("blob", b"")) && !is_sha("main"));
    }
}
