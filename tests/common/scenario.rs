//! Scenario files with recorded transcripts, after etcd raft's `testdata/`
//! (the `datadriven` format): each directive is a command line, `----`,
//! then the output it gave when recorded, up to a blank line.
//!
//! ```text
//! # A comment.
//! propose data=x
//! ----
//! index 2 at leader 1
//! ```
//!
//! A run compares every output with the recorded one and fails with a diff
//! at the first file that differs. `QUORUMKIT_REWRITE=1` records the
//! outputs instead (review the change with `git diff`). Outputs never hold
//! a blank line; a command that has nothing to say prints `ok`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// One command of a scenario file.
#[derive(Debug, Clone)]
pub struct Directive {
    /// The file and line it stands on, for messages.
    pub pos: String,
    /// The command (the first word).
    pub cmd: String,
    /// Its `key=value` arguments (a bare `key` has the value `""`).
    pub args: Vec<(String, String)>,
}

impl Directive {
    /// Argument `key`, parsed; panics naming the directive if it is missing
    /// or malformed.
    pub fn arg<T: FromStr>(&self, key: &str) -> T {
        self.opt(key)
            .unwrap_or_else(|| panic!("{}: {} needs {key}=", self.pos, self.cmd))
    }

    /// Argument `key`, parsed, if present.
    pub fn opt<T: FromStr>(&self, key: &str) -> Option<T> {
        let (_, v) = self.args.iter().find(|(k, _)| k == key)?;
        Some(
            v.parse()
                .unwrap_or_else(|_| panic!("{}: {key}={v} does not parse", self.pos)),
        )
    }

    /// Whether the bare flag or argument `key` is present.
    pub fn has(&self, key: &str) -> bool {
        self.args.iter().any(|(k, _)| k == key)
    }

    /// A list argument `key=1,2,3`.
    pub fn list<T: FromStr>(&self, key: &str) -> Vec<T> {
        let v: String = self.arg(key);
        v.split(',')
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .unwrap_or_else(|_| panic!("{}: {key}={v} does not parse", self.pos))
            })
            .collect()
    }
}

/// A directive and the output recorded for it.
struct Block {
    /// The lines before `----` (comments and blank lines included).
    head: Vec<String>,
    directive: Option<Directive>,
    expected: Vec<String>,
}

fn parse(path: &Path, text: &str) -> Vec<Block> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    let mut head = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            head.push(line.to_string());
            i += 1;
            continue;
        }
        let pos = format!("{name}:{}", i + 1);
        let mut words = trimmed.split_whitespace();
        let cmd = words.next().unwrap().to_string();
        let args = words
            .map(|w| match w.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (w.to_string(), String::new()),
            })
            .collect();
        head.push(line.to_string());
        i += 1;
        assert!(
            lines.get(i).map(|l| l.trim()) == Some("----"),
            "{pos}: expected ---- after the command"
        );
        i += 1;
        let mut expected = Vec::new();
        while i < lines.len() && !lines[i].trim().is_empty() {
            expected.push(lines[i].to_string());
            i += 1;
        }
        blocks.push(Block {
            head: core::mem::take(&mut head),
            directive: Some(Directive { pos, cmd, args }),
            expected,
        });
    }
    if !head.is_empty() {
        blocks.push(Block {
            head,
            directive: None,
            expected: Vec::new(),
        });
    }
    blocks
}

/// A line diff of `expected` against `actual` (`-` expected only, `+`
/// actual only), from their longest common subsequence.
pub fn diff(expected: &[String], actual: &[String]) -> String {
    let (n, m) = (expected.len(), actual.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if expected[i] == actual[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < n || j < m {
        if i < n && j < m && expected[i] == actual[j] {
            let _ = writeln!(out, "  {}", expected[i]);
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            let _ = writeln!(out, "- {}", expected[i]);
            i += 1;
        } else {
            let _ = writeln!(out, "+ {}", actual[j]);
            j += 1;
        }
    }
    out
}

/// Whether this run records transcripts instead of checking them.
pub fn rewriting() -> bool {
    std::env::var("QUORUMKIT_REWRITE").is_ok_and(|v| v == "1")
}

/// The scenario files in `tests/testdata/<dir>`, by name.
pub fn files(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/testdata")
        .join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no scenario files in {}", root.display());
    out
}

/// Runs the scenario file at `path`: `run` gives each directive's output.
/// Fails with a diff for every directive whose output differs from the
/// recorded one; with `QUORUMKIT_REWRITE=1`, records the outputs instead.
pub fn run_file(path: &Path, run: impl FnMut(&Directive) -> String) {
    run_file_as(path, rewriting(), run);
}

/// [`run_file`], recording (`rewrite`) or checking.
pub fn run_file_as(path: &Path, rewrite: bool, mut run: impl FnMut(&Directive) -> String) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let blocks = parse(path, &text);
    let mut rewritten = String::new();
    let mut failures = String::new();
    for b in &blocks {
        for l in &b.head {
            rewritten.push_str(l);
            rewritten.push('\n');
        }
        let Some(d) = &b.directive else {
            continue;
        };
        let out = run(d);
        let actual: Vec<String> = if out.trim().is_empty() {
            vec!["ok".to_string()]
        } else {
            out.lines().map(|l| l.trim_end().to_string()).collect()
        };
        assert!(
            actual.iter().all(|l| !l.trim().is_empty()),
            "{}: output with a blank line cannot be recorded",
            d.pos
        );
        rewritten.push_str("----\n");
        for l in &actual {
            rewritten.push_str(l);
            rewritten.push('\n');
        }
        if actual != b.expected {
            let _ = write!(
                failures,
                "\n{} `{}`: output differs (- recorded, + now):\n{}",
                d.pos,
                b.head.last().map_or("", |h| h.trim()),
                diff(&b.expected, &actual)
            );
        }
    }
    if rewrite {
        if rewritten != text {
            std::fs::write(path, rewritten).unwrap();
        }
        return;
    }
    assert!(
        failures.is_empty(),
        "{}{failures}\nIf the change is intended, rerun with QUORUMKIT_REWRITE=1 and review the diff.",
        path.display()
    );
}
