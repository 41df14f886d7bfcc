//! The paragraph scope of a licence-requirement row: what its "… applies to …" text says
//! about which paragraphs of the entry it covers.

use crate::ccl::is_eccn;

/// Parses the "… applies to …" text of a row into `Scope::Entire`, `Scope::Only(…)` or
/// `Scope::Except(…)`, or `Scope::Conditional` for anything not an exact paragraph list.
pub(crate) fn parse_scope(eccn: &str, control: &str) -> String {
    const CONDITIONAL: &str = "Scope::Conditional";
    let mut words = control.splitn(2, ' ');
    let _reason = words.next();
    let mut rest = words.next().unwrap_or_default().trim();
    for lead in ["industry sector sanctions ", "industry sector sanction "] {
        if let Some(r) = rest.strip_prefix(lead) {
            rest = r;
        }
    }
    let Some(r) = rest
        .strip_prefix("applies")
        .or_else(|| rest.strip_prefix("apply"))
    else {
        return CONDITIONAL.into();
    };
    let mut rest = r.trim();
    rest = rest.strip_prefix("to ").unwrap_or(rest).trim();
    let rest = rest.trim_end_matches('.').trim();
    let rest = rest.strip_suffix(" only").unwrap_or(rest);
    let rest = rest.strip_suffix(" of this entry").unwrap_or(rest);
    let rest = rest.strip_prefix("the ").unwrap_or(rest);

    if rest == "entire entry" {
        return "Scope::Entire".into();
    }
    if let Some(excepted) = rest.strip_prefix("entire entry") {
        let excepted = excepted.trim_start_matches(',').trim();
        let Some(list) = excepted.strip_prefix("except") else {
            return CONDITIONAL.into();
        };
        let list = list.trim_start_matches(':').trim();
        return match parse_list(eccn, list) {
            Some(paras) => format!("Scope::Except(&[{}])", paras.join(", ")),
            // "except: 9A610.b; parts and components … if …; and 9A610.y": the paragraphs
            // named outright are excepted for certain, the rest only as the text says.
            None => match parse_list_partial(eccn, list) {
                Some(paras) => format!("Scope::ExceptAndMore(&[{}])", paras.join(", ")),
                None => CONDITIONAL.into(),
            },
        };
    }
    let mut list = rest;
    for lead in [
        "items controlled by ",
        "items controlled in ",
        "“software” controlled by ",
        "paragraphs ",
        "paragraph ",
    ] {
        if let Some(l) = list.strip_prefix(lead) {
            list = l;
        }
    }
    match parse_list(eccn, list) {
        Some(paras) => format!("Scope::Only(&[{}])", paras.join(", ")),
        None => match parse_within(eccn, rest) {
            Some(paras) => format!("Scope::Within(&[{}])", paras.join(", ")),
            None => CONDITIONAL.into(),
        },
    }
}

/// For a row whose coverage is not an exact list: the paragraphs of `eccn` it is confined
/// to, when every clause of its text names one of them ("MMIC amplifiers in 3A001.b.2 and
/// discrete microwave transistors in 3A001.b.3, except … for civil telecommunications";
/// "3A001.a.1.a when usable in missiles; and to 3A001.a.5.a when …; and 3A001.z.2"). The
/// row's condition still decides inside them, but a line outside them is not covered.
///
/// `None` when a clause names no paragraph of the entry ("spin-forming machines …; and
/// flow-forming machines that meet the parameters of 2B009.a"), or the text speaks of the
/// whole entry. Every word that could be a paragraph reference (`b.3`, `.c`, a lone
/// letter) is taken into the set, so the set can only be too wide, never too narrow.
pub(crate) fn parse_within(eccn: &str, body: &str) -> Option<Vec<String>> {
    let lower = body.to_ascii_lowercase();
    if lower.contains("entire entry") || lower.contains("this entry") {
        return None;
    }
    let mentions = |clause: &str| {
        clause.match_indices(eccn).any(|(i, _)| {
            clause[i + eccn.len()..]
                .trim_start()
                .strip_prefix('.')
                .is_some_and(|rest| {
                    rest.trim_start()
                        .starts_with(|c: char| c.is_ascii_lowercase())
                })
        })
    };
    let clauses = split_words(body, &["; ", ". ", " AND ", " and to ", ", as well as "]);
    if !clauses.iter().all(|c| c.trim().is_empty() || mentions(c)) {
        return None;
    }
    let mut paths: Vec<String> = Vec::new();
    let mut add = |path: String| {
        if !paths.contains(&path) {
            paths.push(path);
        }
    };
    // "3A001.b.2" as one word, "3A001 .g" as two: join a code with a following paragraph.
    let text = body.replace(&format!("{eccn} ."), &format!("{eccn}."));
    // The last path seen, while the words after it may still continue its list.
    let mut previous: Option<(String, u8)> = None;
    for word in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')')) {
        let word = word.trim_end_matches('.');
        let bare = word.trim_start_matches('.');
        // A bare last component right after a path continues its list: ".16" after
        // "d.15 and" is "d.16"; ".b" after "a.1.a" may be "a.1.b" as well as "b". Both
        // readings are taken.
        let component = bare.len() == 1 && bare.bytes().all(|c| c.is_ascii_lowercase())
            || (1..=3).contains(&bare.len()) && bare.bytes().all(|c| c.is_ascii_digit());
        let sibling = previous.as_ref().filter(|_| component).and_then(|(p, _)| {
            let (parent, last) = p.rsplit_once('.')?;
            let digits = |t: &str| t.bytes().all(|c| c.is_ascii_digit());
            (digits(bare) == digits(last))
                .then(|| format!("{parent}.{}", bare.to_ascii_uppercase()))
        });
        if let Some(sibling) = sibling {
            add(sibling);
        }
        // Two-letter words ("in", "or", "to") are English, not paragraphs.
        let english = bare.len() == 2 && !bare.contains('.');
        match parse_path(eccn, word).filter(|_| !english) {
            Some(path) => {
                add(path.clone());
                previous = Some((path, 0));
            }
            // "and", "or" may stand between the items of a list; more words end it.
            None => {
                previous = previous
                    .filter(|(_, gap)| *gap < 1)
                    .map(|(p, gap)| (p, gap + 1));
            }
        }
    }
    let paras: Vec<String> = paths.iter().map(|p| format!("Para::At({p:?})")).collect();
    (!paras.is_empty()).then_some(paras)
}

/// Parses `0A505.a, .d, and .x`, `3B001.a.1 to a.3, b, e`, `.b (except .b.5), .c` into
/// `Para` expressions; `None` if any item is not a paragraph of `eccn`.
pub(crate) fn parse_list(eccn: &str, list: &str) -> Option<Vec<String>> {
    // Items are separated by commas, "and" and "or"; parenthesised exceptions stay with
    // their item.
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in list.chars() {
        match c {
            '(' => {
                depth += 1;
                current.push(c);
            }
            ')' => {
                depth = depth.checked_sub(1)?;
                current.push(c);
            }
            ',' | ';' if depth == 0 => items.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if depth != 0 {
        return None;
    }
    items.push(current);

    let mut paras = Vec::new();
    for item in items {
        for piece in split_words(&item, &[" and ", " or "]) {
            let mut piece = piece.trim();
            for lead in ["and ", "or ", "paragraphs ", "paragraph "] {
                piece = piece.strip_prefix(lead).unwrap_or(piece).trim();
            }
            if piece.is_empty() {
                continue;
            }
            paras.push(parse_item(eccn, piece)?);
        }
    }
    (!paras.is_empty()).then_some(paras)
}

/// The items of a list that are plain paragraphs of `eccn`, when some are and some are not
/// (the others are descriptions the code cannot read); `None` when none are.
pub(crate) fn parse_list_partial(eccn: &str, list: &str) -> Option<Vec<String>> {
    // Bare paragraphs after another entry's code (".a.11" in "software for 1C607.a.10,
    // .a.11") belong to that entry: give up rather than misread them as this one's.
    let other_entry = list
        .char_indices()
        .any(|(i, _)| list.get(i..i + 5).is_some_and(|w| is_eccn(w) && w != eccn));
    if other_entry {
        return None;
    }
    let mut paras = Vec::new();
    for item in split_words(list, &[",", ";"]) {
        for piece in split_words(&item, &[" and ", " or "]) {
            let mut piece = piece.trim();
            for lead in ["and ", "or "] {
                piece = piece.strip_prefix(lead).unwrap_or(piece).trim();
            }
            if let Some(p) = parse_path(eccn, piece) {
                paras.push(format!("Para::At({p:?})"));
            }
        }
    }
    (!paras.is_empty()).then_some(paras)
}

/// Splits on any of `separators` outside parentheses.
pub(crate) fn split_words(text: &str, separators: &[&str]) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut skip_to = 0;
    for (i, c) in text.char_indices() {
        if i < skip_to {
            continue;
        }
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0
            && let Some(sep) = separators.iter().find(|s| text[i..].starts_with(**s))
        {
            parts.push(text[start..i].to_owned());
            skip_to = i + sep.len();
            start = skip_to;
        }
    }
    parts.push(text[start..].to_owned());
    parts
}

/// One list item: a path, a range `a.1 to a.3` / `a.1 through a.8`, or `b (except .b.5)`.
pub(crate) fn parse_item(eccn: &str, item: &str) -> Option<String> {
    if let Some((head, tail)) = item.split_once('(') {
        let inner = tail.strip_suffix(')')?.trim();
        let excepted = inner.strip_prefix("except")?.trim();
        let path = parse_path(eccn, head.trim())?;
        let mut out = Vec::new();
        for e in split_words(excepted, &[",", " and ", " or "]) {
            let e = e.trim();
            if !e.is_empty() {
                out.push(format!("{:?}", parse_path(eccn, e)?));
            }
        }
        return Some(format!("Para::AtExcept({path:?}, &[{}])", out.join(", ")));
    }
    for sep in [" to ", " through "] {
        if let Some((from, to)) = item.split_once(sep) {
            let from = parse_path(eccn, from.trim())?;
            let to = parse_path(eccn, to.trim())?;
            let (fp, tp): (Vec<&str>, Vec<&str>) =
                (from.split('.').collect(), to.split('.').collect());
            let same_parent = fp.len() == tp.len() && fp[..fp.len() - 1] == tp[..tp.len() - 1];
            return same_parent.then(|| format!("Para::Range({from:?}, {to:?})"));
        }
    }
    parse_path(eccn, item).map(|p| format!("Para::At({p:?})"))
}

/// `0A505.a`, `.a`, `a`, `z.1.a`, `9A004 .g` → `A`, `A`, `A`, `Z.1.A`, `G`; `None` for
/// anything else, including paragraphs of another ECCN.
pub(crate) fn parse_path(eccn: &str, text: &str) -> Option<String> {
    let mut t = text.trim();
    if let Some(head) = t.get(..5)
        && is_eccn(head)
    {
        if head != eccn {
            return None;
        }
        t = t[5..].trim_start();
    }
    // "8A620. b": the source sometimes has a space after the dot.
    let t = t.strip_prefix('.').unwrap_or(t).trim_start();
    let parts: Vec<&str> = t.split('.').collect();
    let valid = parts.iter().enumerate().all(|(i, p)| {
        !p.is_empty()
            && (p.bytes().all(|b| b.is_ascii_lowercase()) && p.len() <= 2
                || i > 0 && p.bytes().all(|b| b.is_ascii_digit()))
    });
    valid.then(|| t.to_ascii_uppercase())
}
