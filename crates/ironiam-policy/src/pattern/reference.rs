//! The definition of wildcard matching, as a dynamic program: slow (pattern x text) and
//! obviously right. The property tests and the differential fuzz target hold the real
//! matchers to it. Variables are not read here: `$` is an ordinary character.

/// A pattern character: `*` (saying whether it may match `:`), `?`, or itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Star { crosses_colons: bool },
    Any,
    Char(char),
}

/// Whether `pattern` matches the whole of `text`. With `arn`, a star stays inside its
/// colon-separated segment unless it is the last character of its segment (the rule of
/// the Resource element); without, every star matches any run of characters.
pub fn matches(pattern: &str, text: &str, arn: bool) -> bool {
    let chars: Vec<char> = pattern.chars().collect();
    let units: Vec<Unit> = chars
        .iter()
        .enumerate()
        .map(|(index, ch)| match ch {
            '*' => Unit::Star {
                crosses_colons: !arn || matches!(chars.get(index + 1), None | Some(':')),
            },
            '?' => Unit::Any,
            other => Unit::Char(*other),
        })
        .collect();
    let text: Vec<char> = text.chars().collect();
    // reachable[j]: the units so far match the first j characters of the text.
    let mut reachable = vec![false; text.len() + 1];
    if let Some(first) = reachable.first_mut() {
        *first = true;
    }
    for unit in &units {
        let mut next = vec![false; text.len() + 1];
        for j in 0..=text.len() {
            let here = reachable.get(j).copied().unwrap_or(false);
            let ch = j.checked_sub(1).and_then(|before| text.get(before));
            let from_before = j
                .checked_sub(1)
                .and_then(|before| reachable.get(before))
                .copied()
                .unwrap_or(false);
            let value = match unit {
                Unit::Star { crosses_colons } => {
                    let extended = j
                        .checked_sub(1)
                        .and_then(|before| next.get(before))
                        .copied()
                        .unwrap_or(false)
                        && (*crosses_colons || ch != Some(&':'));
                    here || extended
                }
                Unit::Any => from_before,
                Unit::Char(want) => from_before && ch == Some(want),
            };
            if let Some(slot) = next.get_mut(j) {
                *slot = value;
            }
        }
        reachable = next;
    }
    reachable.last().copied().unwrap_or(false)
}
