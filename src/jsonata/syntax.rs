//! The expression's text and syntax tree: Java's trim, a nesting estimate made before parsing,
//! and walks over `jsonata-core`'s tree for the names an expression reads, binds and calls.

use jsonata_core::ast::{AstNode, BinaryOp, Stage};

use super::functions::SURPLUS;

/// A cheap upper estimate of how deeply jsonata-core's parser will recurse: two units for each
/// open bracket and for each operator since the last `,` or `;` at each bracket level (a chain
/// `1+1+1` nests as deeply as brackets do), outside string literals, names and comments. One pass
/// with a running total: linear in the text's length, however deep the brackets go.
pub(super) fn nesting_estimate(text: &str) -> usize {
    // Operators counted at each open bracket level, and the units of all levels together.
    let mut levels: Vec<usize> = vec![0];
    let mut units = 2usize;
    let mut max = 0usize;
    let mut chars = text.chars().peekable();
    let mut word = String::new();
    while let Some(c) = chars.next() {
        let mut operator = false;
        if c.is_alphanumeric() || c == '_' || c == '$' {
            word.push(c);
            if chars.peek().is_some_and(|d| d.is_alphanumeric() || *d == '_' || *d == '$') {
                continue;
            }
            operator = matches!(word.as_str(), "and" | "or" | "in");
            word.clear();
        } else {
            match c {
                '"' | '\'' | '`' => {
                    skip_quoted(&mut chars, c);
                }
                '/' if chars.peek() == Some(&'*') => {
                    let mut last = ' ';
                    for d in chars.by_ref() {
                        if last == '*' && d == '/' {
                            break;
                        }
                        last = d;
                    }
                }
                '(' | '[' | '{' => {
                    levels.push(0);
                    units += 2;
                }
                ')' | ']' | '}' if levels.len() > 1 => {
                    let ops = levels.pop().unwrap_or(0);
                    units -= 2 + 2 * ops;
                }
                ',' | ';' => {
                    if let Some(ops) = levels.last_mut() {
                        units -= 2 * *ops;
                        *ops = 0;
                    }
                }
                '+' | '-' | '*' | '/' | '%' | '&' | '=' | '<' | '>' | '?' | ':' | '~' | '!' | '^' | '|' | '#' | '@' => {
                    operator = true
                }
                _ => {}
            }
        }
        if operator {
            if let Some(count) = levels.last_mut() {
                *count += 1;
                units += 2;
            }
        }
        max = max.max(units);
    }
    max
}

/// The text with the characters outside ASCII taken out of each lambda's signature
/// (`function($x)<n:n>{...}`): jsonata-js skips a character it does not know there, while
/// jsonata-core's signature parser mixes byte and character positions and panics on one (found by
/// the `jsonata` fuzz target). Everything else is left as it is.
pub(super) fn ascii_signatures(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        return std::borrow::Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    // Where the signature being copied ends (its closing `>`), if inside one.
    let mut signature_end: Option<usize> = None;
    while i < chars.len() {
        let c = chars[i];
        if signature_end.is_some_and(|end| i <= end) {
            if c.is_ascii() {
                out.push(c);
            }
            i += 1;
            continue;
        }
        signature_end = None;
        if matches!(c, '"' | '\'' | '`') {
            // A string or a backquoted name: copied whole.
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += if chars[i] == '\\' && c != '`' { 2 } else { 1 };
            }
            i = (i + 1).min(chars.len());
            out.extend(&chars[start..i]);
            continue;
        }
        let word_before = i > 0 && (chars[i - 1].is_alphanumeric() || matches!(chars[i - 1], '_' | '$'));
        let keyword = !word_before && (chars[i..].starts_with(&['f', 'u', 'n', 'c', 't', 'i', 'o', 'n']) || c == 'λ');
        if keyword {
            signature_end = signature_after(&chars, i);
        }
        out.push(c);
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

/// The position of the `>` closing the signature of the lambda whose keyword starts at `at` (the
/// end of the text when none closes it: jsonata-core's parser reads a signature that far).
fn signature_after(chars: &[char], at: usize) -> Option<usize> {
    let mut i = at + if chars[at] == 'λ' { 1 } else { 8 };
    let skip_blanks = |i: &mut usize| {
        while chars.get(*i).is_some_and(|c| c.is_whitespace()) {
            *i += 1;
        }
    };
    skip_blanks(&mut i);
    if chars.get(i) != Some(&'(') {
        return None;
    }
    i += chars[i..].iter().position(|c| *c == ')')? + 1;
    skip_blanks(&mut i);
    if chars.get(i) != Some(&'<') {
        return None;
    }
    let mut depth = 0usize;
    for (j, c) in chars.iter().enumerate().skip(i) {
        match c {
            '<' => depth += 1,
            '>' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    Some(chars.len())
}

/// Skips a string literal (or a backquoted name) after its opening `quote`; `false` when the
/// text ends first.
fn skip_quoted(chars: &mut impl Iterator<Item = char>, quote: char) -> bool {
    while let Some(d) = chars.next() {
        if d == '\\' && quote != '`' {
            chars.next();
        } else if d == quote {
            return true;
        }
    }
    false
}

/// Whether a string literal or backquoted name runs to the end of the text.
pub(super) fn has_unterminated_quote(text: &str) -> bool {
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if matches!(c, '"' | '\'' | '`') && !skip_quoted(&mut chars, c) {
            return true;
        }
    }
    false
}

/// The direct sub-expressions of a node.
fn children(node: &AstNode) -> Vec<&AstNode> {
    let mut out: Vec<&AstNode> = Vec::new();
    match node {
        AstNode::Path { steps } => {
            for step in steps {
                out.push(&step.node);
                for stage in &step.stages {
                    if let Stage::Filter(e) = stage {
                        out.push(e);
                    }
                }
            }
        }
        AstNode::Binary { lhs, rhs, .. } => out.extend([&**lhs, &**rhs]),
        AstNode::Unary { operand, .. } => out.push(operand),
        AstNode::Function { args, .. } => out.extend(args),
        AstNode::Call { procedure, args } => {
            out.push(procedure);
            out.extend(args);
        }
        AstNode::Lambda { body, .. } => out.push(body),
        AstNode::Array(items) | AstNode::Block(items) | AstNode::ArrayGroup(items) => out.extend(items),
        AstNode::Object(pairs) => pairs.iter().for_each(|(k, v)| out.extend([k, v])),
        AstNode::ObjectTransform { input, pattern } => {
            out.push(input);
            pattern.iter().for_each(|(k, v)| out.extend([k, v]));
        }
        AstNode::Conditional { condition, then_branch, else_branch } => {
            out.extend([&**condition, &**then_branch]);
            out.extend(else_branch.as_deref());
        }
        AstNode::FunctionApplication(inner) => out.push(inner),
        AstNode::Sort { input, terms } => {
            out.push(input);
            out.extend(terms.iter().map(|(t, _)| t));
        }
        AstNode::Transform { location, update, delete } => {
            out.extend([&**location, &**update]);
            out.extend(delete.as_deref());
        }
        _ => {}
    }
    out
}

/// [`children`], mutably.
pub(super) fn children_mut(node: &mut AstNode) -> Vec<&mut AstNode> {
    let mut out: Vec<&mut AstNode> = Vec::new();
    match node {
        AstNode::Path { steps } => {
            for step in steps {
                out.push(&mut step.node);
                for stage in &mut step.stages {
                    if let Stage::Filter(e) = stage {
                        out.push(e);
                    }
                }
            }
        }
        AstNode::Binary { lhs, rhs, .. } => out.extend([&mut **lhs, &mut **rhs]),
        AstNode::Unary { operand, .. } => out.push(operand),
        AstNode::Function { args, .. } => out.extend(args),
        AstNode::Call { procedure, args } => {
            out.push(procedure);
            out.extend(args);
        }
        AstNode::Lambda { body, .. } => out.push(body),
        AstNode::Array(items) | AstNode::Block(items) | AstNode::ArrayGroup(items) => out.extend(items),
        AstNode::Object(pairs) => pairs.iter_mut().for_each(|(k, v)| out.extend([k, v])),
        AstNode::ObjectTransform { input, pattern } => {
            out.push(input);
            pattern.iter_mut().for_each(|(k, v)| out.extend([k, v]));
        }
        AstNode::Conditional { condition, then_branch, else_branch } => {
            out.extend([&mut **condition, &mut **then_branch]);
            out.extend(else_branch.as_deref_mut());
        }
        AstNode::FunctionApplication(inner) => out.push(inner),
        AstNode::Sort { input, terms } => {
            out.push(input);
            out.extend(terms.iter_mut().map(|(t, _)| t));
        }
        AstNode::Transform { location, update, delete } => {
            out.extend([&mut **location, &mut **update]);
            out.extend(delete.as_deref_mut());
        }
        _ => {}
    }
    out
}

/// Calls `f` on a node and on every node below it, parents first.
pub(super) fn visit(node: &AstNode, f: &mut dyn FnMut(&AstNode)) {
    f(node);
    for child in children(node) {
        visit(child, f);
    }
}

/// The first answer `test` gives, trying a node before the nodes below it.
pub(super) fn find_node(node: &AstNode, test: &dyn Fn(&AstNode) -> Option<&'static str>) -> Option<&'static str> {
    test(node).or_else(|| children(node).into_iter().find_map(|c| find_node(c, test)))
}

/// Variables read, names bound locally, and functions called (innermost first).
pub(super) fn collect_names(node: &AstNode, vars: &mut Vec<String>, locals: &mut Vec<String>, calls: &mut Vec<String>) {
    let add = |list: &mut Vec<String>, name: &str| {
        if !list.iter().any(|n| n == name) {
            list.push(name.to_string());
        }
    };
    match node {
        AstNode::Variable(name) if !name.is_empty() && name != "$" && name != "states" => add(vars, name),
        AstNode::Binary { op: BinaryOp::ColonEqual, lhs, .. } => {
            if let AstNode::Variable(name) = &**lhs {
                add(locals, name);
            }
        }
        AstNode::Lambda { params, .. } => params.iter().for_each(|p| add(locals, p)),
        AstNode::Path { steps } => {
            for step in steps {
                step.focus.iter().chain(step.index_var.iter()).for_each(|n| add(locals, n));
            }
        }
        _ => {}
    }
    for child in children(node) {
        collect_names(child, vars, locals, calls);
    }
    if let AstNode::Function { name, .. } = node {
        if name != SURPLUS {
            calls.push(name.trim_start_matches('$').to_string());
        }
    }
}

/// What reads the context item, which a Step Functions expression does not have: the first step
/// of a path, and anything outside a path. Later steps, predicates, sort terms and groupings read
/// the value before them; a lambda body keeps its definer's context.
pub(super) fn top_level_references(node: &AstNode, out: &mut Vec<String>) {
    let mut add = |m: String| {
        if !out.contains(&m) {
            out.push(m);
        }
    };
    match node {
        AstNode::Name(name) => add(format!("Reference to '{name}' at the top level is not supported.")),
        AstNode::Variable(name) if name.is_empty() => add("Reference to '$' at the top level is not supported.".into()),
        AstNode::Variable(name) if name == "$" => add("Reference to '$$' is not supported.".into()),
        AstNode::ParentVariable(_) => add("Reference to '$$' is not supported.".into()),
        AstNode::Path { steps } => {
            if let Some(first) = steps.first() {
                top_level_references(&first.node, out);
            }
        }
        AstNode::Sort { input, .. } | AstNode::ObjectTransform { input, .. } => top_level_references(input, out),
        AstNode::Transform { .. } | AstNode::Wildcard | AstNode::Descendant | AstNode::Parent(_) => {}
        _ => children(node).into_iter().for_each(|c| top_level_references(c, out)),
    }
}
