//! Bytes to text: a content file read within the size limit and decoded as UTF-8 (BOM removed,
//! line breaks made `\n`), with the line and column of the first byte that is not UTF-8.

use std::path::Path;

/// Largest content file read, so that a stray dump cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Read a file as UTF-8 text: BOM removed, CRLF and CR turned into LF; other encodings are errors.
pub fn read_text(path: &Path) -> Result<String, (usize, usize, String)> {
    read_text_limited(path, MAX_FILE_BYTES)
}

/// [`read_text`] with the size limit given. Never reads more than `max + 1` bytes, even from a
/// file that grows while it is read or that reports no size.
pub fn read_text_limited(path: &Path, max: u64) -> Result<String, (usize, usize, String)> {
    use std::io::Read;
    let cannot = |e: std::io::Error| (1, 1, format!("cannot read: {e}"));
    let too_big = |len: u64| {
        (
            1,
            1,
            format!(
                "file is {}, over the limit of {} for content files",
                size(len),
                size(max)
            ),
        )
    };
    let f = std::fs::File::open(path).map_err(cannot)?;
    let len = f.metadata().map_err(cannot)?.len();
    if len > max {
        return Err(too_big(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    f.take(max + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > max {
        return Err(too_big(bytes.len() as u64));
    }
    decode(bytes)
}

/// A file size for messages: whole MiB when large, else bytes.
fn size(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{} MiB", n >> 20)
    } else {
        format!("{n} bytes")
    }
}

/// Decode bytes as UTF-8 text (see [`read_text`]).
pub fn decode(bytes: Vec<u8>) -> Result<String, (usize, usize, String)> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err((1, 1, "file is UTF-16: save it as UTF-8".into()));
    }
    let mut text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let bytes = e.as_bytes();
            let upto = e.utf8_error().valid_up_to();
            let good = std::str::from_utf8(&bytes[..upto]).unwrap_or("");
            let line = good.matches('\n').count() + 1;
            let col = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Err((
                line,
                col,
                format!(
                    "file is not valid UTF-8 (byte 0x{:02X} at offset {upto}): save it as UTF-8 (GBK/GB18030 text must be converted)",
                    bytes.get(upto).copied().unwrap_or(0)
                ),
            ));
        }
    };
    if text.starts_with('\u{FEFF}') {
        text.drain(..3);
    }
    if text.contains('\r') {
        // CRLF, and a lone CR (old Mac files) that YAML and editors also count as a line break.
        text = text.replace("\r\n", "\n").replace('\r', "\n");
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_accepts_bom_and_crlf() {
        assert_eq!(decode(b"\xEF\xBB\xBFa\r\nb".to_vec()).unwrap(), "a\nb");
        // A lone CR is a line break too (YAML counts it as one), so positions agree.
        assert_eq!(decode(b"a\rb\r\n\rc".to_vec()).unwrap(), "a\nb\n\nc");
    }

    #[test]
    fn decode_locates_bad_bytes() {
        let (line, col, msg) = decode(b"ab\ncd\xB0\xA1".to_vec()).unwrap_err();
        assert_eq!((line, col), (2, 3));
        assert!(msg.contains("UTF-8"), "{msg}");
        assert!(
            decode(b"\xFF\xFEa\x00".to_vec())
                .unwrap_err()
                .2
                .contains("UTF-16")
        );
    }

    #[test]
    fn the_size_limit_is_checked_before_and_while_reading() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f.md");
        std::fs::write(&p, "x".repeat(1000)).unwrap();
        assert_eq!(read_text_limited(&p, 1000).unwrap().len(), 1000);
        let (line, col, msg) = read_text_limited(&p, 999).unwrap_err();
        assert_eq!((line, col), (1, 1));
        assert_eq!(
            msg,
            "file is 1000 bytes, over the limit of 999 bytes for content files"
        );
    }
}
