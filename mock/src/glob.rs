//! The asset manifest's `name` filter: a glob where `*` matches any run of
//! characters and `?` any one character, compared case-insensitively.

/// Whether `name` matches `pattern`.
pub(crate) fn matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let n: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    // Greedy matching with backtracking to the last `*`.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(&c) if c == '?' || c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs() {
        assert!(matches("*.png", "screenshot.PNG"));
        assert!(matches("SCREEN*", "screenshot.png"));
        assert!(matches("job.lo?", "job.log"));
        assert!(matches("*", ""));
        assert!(matches("t*e*.zip", "trace.zip"));
        assert!(!matches("*.png", "trace.zip"));
        assert!(!matches("job.log?", "job.log"));
        assert!(matches("", ""));
        assert!(!matches("", "x"));
    }
}
