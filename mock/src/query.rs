//! Raw query-string parsing (form url-decoding) that accepts arrays both as
//! repeated keys (`statuses=A&statuses=B`) and in the bracket forms
//! (`statuses[]=A`, `statuses[0]=A`).

/// The decoded `key=value` pairs of a query string, keys without brackets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct QueryParams {
    pairs: Vec<(String, String)>,
}

impl QueryParams {
    /// Parses a raw query string (without the leading `?`). Never fails:
    /// malformed percent escapes are kept as they are.
    pub fn parse(raw: &str) -> Self {
        let pairs = raw
            .split('&')
            .filter(|part| !part.is_empty())
            .map(|part| {
                let (k, v) = part.split_once('=').unwrap_or((part, ""));
                (normalize_key(&decode(k)), decode(v))
            })
            .collect();
        Self { pairs }
    }

    /// The last value given for `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value given for `key`, in order.
    pub fn get_all(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// `statuses[]` and `statuses[3]` become `statuses`.
fn normalize_key(key: &str) -> String {
    if let Some(open) = key.rfind('[')
        && key.ends_with(']')
        && key[open + 1..key.len() - 1]
            .chars()
            .all(|c| c.is_ascii_digit())
    {
        return key[..open].to_owned();
    }
    key.to_owned()
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
pub(crate) fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hi = bytes.get(i + 1).and_then(|b| hex(*b));
                let lo = bytes.get(i + 2).and_then(|b| hex(*b));
                if let (Some(hi), Some(lo)) = (hi, lo) {
                    out.push(hi << 4 | lo);
                    i += 3;
                } else {
                    out.push(b'%');
                    i += 1;
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_in_every_form() {
        let q = QueryParams::parse(
            "statuses=PASSED&statuses%5B%5D=FAILED&statuses[]=RUNNING&statuses[2]=CANCELLED&limit=5",
        );
        assert_eq!(
            q.get_all("statuses"),
            vec!["PASSED", "FAILED", "RUNNING", "CANCELLED"]
        );
        assert_eq!(q.get("limit"), Some("5"));
        assert_eq!(q.get("nope"), None);
    }

    #[test]
    fn decoding() {
        assert_eq!(decode("a+b%20c%2Fd"), "a b c/d");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%C3%A9"), "é");
        assert_eq!(decode("%FF"), "\u{FFFD}");
        let q = QueryParams::parse("&&flag&x=1=2");
        assert_eq!(q.get("flag"), Some(""));
        assert_eq!(q.get("x"), Some("1=2"));
    }

    #[test]
    fn brackets_that_are_not_array_markers_stay() {
        let q = QueryParams::parse("a[b]=1");
        assert_eq!(q.get("a[b]"), Some("1"));
    }
}
