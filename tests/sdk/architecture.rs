//! The layout's rules, checked on the source: layers depend downward only (no import cycle
//! between modules, at any level), and no file in `src/` grows past about 400 lines.
//!
//! A module is a file, or a directory with its `mod.rs`. Edges are every `crate::`/`super::`
//! path in code (not comments, not `#[cfg(test)]` modules), each `{...}` group item by item,
//! resolved to the module that defines what it names: a name a module re-exports with
//! `pub use` leads to where the re-export points, not to the re-exporting module. An edge between two modules counts
//! at the level where their paths part: `engine::call -> auth::oauth` is `engine -> auth`,
//! `api::promotions::bulk -> api::promotions::revoke` is `bulk -> revoke` inside `api::promotions`. A directory's
//! `mod.rs` owns its children, so edges between a module and its own descendants are not
//! layering edges. Each level's graph must be acyclic.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 420;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/a/b.rs` -> `[a, b]`; `src/a/mod.rs` -> `[a]`; `src/lib.rs` -> `[]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

fn is_module(src: &Path, path: &[String]) -> bool {
    !path.is_empty() && file_of(src, path).is_some()
}

/// The code of a file without comments and without its test module.
fn code(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        out.push_str(line.split(" //").next().unwrap_or(""));
        out.push('\n');
    }
    out
}

/// The file holding module `path`: `src/a/b.rs`, `src/a/b/mod.rs`, or `src/lib.rs` for the root.
fn file_of(src: &Path, path: &[String]) -> Option<PathBuf> {
    if path.is_empty() {
        return Some(src.join("lib.rs"));
    }
    let joined: PathBuf = path.iter().collect();
    [
        src.join(&joined).with_extension("rs"),
        src.join(&joined).join("mod.rs"),
    ]
    .into_iter()
    .find(|f| f.is_file())
}

/// The identifier at the start of `text`.
fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The items of a `{...}` group at the start of `text`, split at its top-level commas.
fn group_items(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut from) = (0, 1);
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    items.push(&text[from..i]);
                    break;
                }
            }
            ',' if depth == 1 => {
                items.push(&text[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    items
        .into_iter()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect()
}

/// Resolves the path `rest` (what follows `crate::`, `super::` or a module's own path)
/// from module `base`: each segment that is a module is entered, a `{...}` group is
/// resolved item by item, and an item is traced through `pub use` re-exports to the module
/// that defines it.
fn walk(
    src: &Path,
    mut path: Vec<String>,
    mut rest: &str,
    depth: usize,
    found: &mut BTreeSet<Vec<String>>,
) {
    loop {
        rest = rest.trim_start();
        while let Some(after) = rest.strip_prefix("super::") {
            path.pop();
            rest = after.trim_start();
        }
        if rest.starts_with('{') {
            for item in group_items(rest) {
                walk(src, path.clone(), item, depth, found);
            }
            return;
        }
        let name = ident(rest);
        if name.is_empty() || name == "self" {
            found.insert(path);
            return;
        }
        let mut next = path.clone();
        next.push(name.to_string());
        if !is_module(src, &next) {
            found.insert(defining_module(src, path, name, depth));
            return;
        }
        path = next;
        match rest[name.len()..].trim_start().strip_prefix("::") {
            Some(after) => rest = after,
            None => {
                found.insert(path);
                return;
            }
        }
    }
}

/// Every `(path, exported name)` a `use` tree exports: `a::{B, c::D as E}` gives `a::B` as
/// `B` and `a::c::D` as `E`.
fn use_tree(prefix: &str, tree: &str, out: &mut Vec<(String, String)>) {
    let tree = tree.trim();
    if let Some(brace) = tree.find('{') {
        let head = format!("{prefix}{}", &tree[..brace]);
        for item in group_items(&tree[brace..]) {
            use_tree(&head, item, out);
        }
        return;
    }
    let (path, alias) = match tree.split_once(" as ") {
        Some((path, alias)) => (path.trim(), alias.trim()),
        None => (tree, tree.rsplit("::").next().unwrap_or(tree)),
    };
    out.push((format!("{prefix}{path}"), alias.to_string()));
}

/// The module that defines `name`, an item of `module`: `module` itself, unless `module`
/// re-exports `name` with a `pub use`, which is then followed to where it leads.
fn defining_module(src: &Path, module: Vec<String>, name: &str, depth: usize) -> Vec<String> {
    if depth > 8 {
        return module;
    }
    let Some(text) = file_of(src, &module).and_then(|f| std::fs::read_to_string(f).ok()) else {
        return module;
    };
    let text = code(&text).split_whitespace().collect::<Vec<_>>().join(" ");
    let mut exports = Vec::new();
    for start in ["pub use ", "pub(crate) use ", "pub(super) use "] {
        let mut at = 0;
        while let Some(i) = text[at..].find(start) {
            let from = at + i + start.len();
            let end = text[from..].find(';').map_or(text.len(), |e| from + e);
            use_tree("", &text[from..end], &mut exports);
            at = end;
        }
    }
    for (path, exported) in exports {
        // `pub use name;` re-exports a macro defined in this very file.
        if exported != name || !path.contains("::") {
            continue;
        }
        let (base, rest) = if let Some(rest) = path.strip_prefix("crate::") {
            (Vec::new(), rest)
        } else if let Some(rest) = path.strip_prefix("self::") {
            (module.clone(), rest)
        } else {
            (module.clone(), path.as_str())
        };
        let mut found = BTreeSet::new();
        walk(src, base, rest, depth + 1, &mut found);
        if let Some(target) = found.into_iter().next() {
            return target;
        }
    }
    module
}

/// Every `crate::...` and `super::...` path in `code`, resolved to the module that defines
/// what it names (through re-exports).
fn targets(src: &Path, from: &[String], code: &str) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::"] {
        let mut at = 0;
        while let Some(i) = code[at..].find(start) {
            let i = at + i;
            at = i + start.len();
            if i > 0
                && (bytes[i - 1].is_ascii_alphanumeric()
                    || bytes[i - 1] == b'_'
                    || bytes[i - 1] == b':')
            {
                continue;
            }
            // `super` of module `a::b` (file `a/b.rs` or `a/b/mod.rs` alike) is `a`.
            let base = if start == "crate::" {
                Vec::new()
            } else {
                from[..from.len().saturating_sub(1)].to_vec()
            };
            walk(src, base, &code[at..], 0, &mut found);
        }
    }
    found
}

/// Every layering edge of the tree under `src`, lifted to the level where the two module
/// paths part.
fn layering_graph(src: &Path) -> (BTreeMap<Vec<String>, BTreeSet<Vec<String>>>, usize) {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    let mut edges = 0;
    for file in &files {
        let from = module_of(src, file);
        if from.is_empty() {
            continue; // lib.rs: the crate's facade
        }
        let text = std::fs::read_to_string(file).unwrap();
        for to in targets(src, &from, &code(&text)) {
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if common == from.len() || common == to.len() {
                continue; // a module and its own descendants
            }
            let a = from[..=common].to_vec();
            let b = to[..=common].to_vec();
            graph.entry(a).or_default().insert(b);
            edges += 1;
        }
    }
    (graph, edges)
}

fn find_cycle(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<Vec<String>>> {
    fn visit(
        node: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        match state.get(node) {
            Some(2) => return None,
            Some(1) => {
                let from = stack.iter().position(|n| n == node).unwrap_or(0);
                let mut cycle = stack[from..].to_vec();
                cycle.push(node.clone());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(node.clone(), 1);
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, state, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        state.insert(node.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut state, &mut Vec::new()) {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (graph, edges) = layering_graph(&src);
    assert!(
        edges > 50,
        "the scan found too few edges to be reading the code: {edges}"
    );
    if let Some(cycle) = find_cycle(&graph) {
        let names: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
        panic!("import cycle: {}", names.join(" -> "));
    }
}

#[test]
fn the_scan_sees_through_re_exports_and_super() {
    // `x` reaches `y` directly through `super::`, `y` reaches `x` through the parent's
    // `pub use`, nested in a group: a circle either way.
    let src = std::env::temp_dir().join(format!("capillary-arch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(src.join("area")).unwrap();
    let files = [
        ("lib.rs", "mod area;\n"),
        (
            "area/mod.rs",
            "mod x;\nmod y;\npub use self::x::{Thing, Other as Renamed};\n",
        ),
        (
            "area/x.rs",
            "use super::y::helper;\npub struct Thing;\npub struct Other;\n",
        ),
        (
            "area/y.rs",
            "use super::{\n    Renamed,\n};\npub fn helper() {}\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(src.join(name), text).unwrap();
    }
    let (graph, _) = layering_graph(&src);
    let _ = std::fs::remove_dir_all(&src);
    let x = vec!["area".to_string(), "x".to_string()];
    let y = vec!["area".to_string(), "y".to_string()];
    assert_eq!(
        graph.get(&x),
        Some(&BTreeSet::from([y.clone()])),
        "{graph:?}"
    );
    assert_eq!(graph.get(&y), Some(&BTreeSet::from([x])), "{graph:?}");
    assert!(find_cycle(&graph).is_some());
}

#[test]
fn the_scan_finds_a_cycle_when_there_is_one() {
    let mut graph = BTreeMap::new();
    let a = vec!["a".to_string()];
    let b = vec!["b".to_string()];
    graph.insert(a.clone(), BTreeSet::from([b.clone()]));
    graph.insert(b.clone(), BTreeSet::from([a.clone()]));
    assert!(find_cycle(&graph).is_some());
    graph.insert(b, BTreeSet::new());
    assert!(find_cycle(&graph).is_none());
}

#[test]
fn no_source_file_is_over_about_400_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).unwrap().lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines})", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "files over {MAX_LINES} lines: {long:?}");
}
