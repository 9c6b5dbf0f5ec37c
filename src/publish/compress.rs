//! `.gz` and `.br` twins of text files, for hosts that serve them as they are (nginx's
//! `gzip_static` and `brotli_static`): the same bytes on every build, none where compressing
//! does not make the file smaller.

use std::io::Write as _;

/// File endings that get twins: the text formats a portal writes.
const TEXT: &[&str] = &[
    ".html", ".css", ".js", ".json", ".csv", ".xml", ".svg", ".txt",
];

/// gzip's level: the best, as the files are compressed once and served many times.
const GZIP_LEVEL: u32 = 9;
/// Brotli's quality (0–11) and largest window (log2 of bytes, 4 MiB). Quality 9, not the
/// slowest 11, bounds the cost of the first `--precompress` build (BENCHMARKS.md has its time; 11
/// was not measured against it); later builds compress only the files that changed.
const BROTLI_QUALITY: i32 = 9;
const BROTLI_WINDOW: i32 = 22;

/// The settings, as the manifest records them: twins made with other settings are not reused.
pub fn settings() -> String {
    format!("gzip-{GZIP_LEVEL} brotli-{BROTLI_QUALITY}-fit{BROTLI_WINDOW}")
}

/// Whether the file at `path` gets compressed twins.
pub fn wanted(path: &str) -> bool {
    TEXT.iter().any(|ext| path.ends_with(ext))
}

/// A compressor: the bytes of a file in, its compressed bytes out.
pub type Compress = fn(&[u8]) -> Vec<u8>;

/// The two encodings: the twin's file ending and how it is made.
pub const ENCODINGS: [(&str, Compress); 2] = [(".gz", gzip), (".br", brotli)];

/// gzip with no file name and time 0 in its header (and "unknown" as the system), so that the
/// same input gives the same bytes everywhere.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::GzBuilder::new().mtime(0).write(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::new(GZIP_LEVEL),
    );
    enc.write_all(bytes)
        .expect("compressing into memory cannot fail");
    enc.finish().expect("compressing into memory cannot fail")
}

/// The window for `len` bytes: the smallest that holds them, from 1 KiB to [`BROTLI_WINDOW`].
/// Up to 64 KiB (most pages) the encoder then uses its small hash tables: with the 4 MiB window
/// for every file, compressing the 10k portal spent most of its time in the kernel, giving
/// memory for large tables to each file (BENCHMARKS.md).
fn window(len: usize) -> i32 {
    let bits = (usize::BITS - len.max(1).saturating_sub(1).leading_zeros()) as i32;
    bits.clamp(10, BROTLI_WINDOW)
}

/// Brotli at `BROTLI_QUALITY`.
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: window(bytes.len()),
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 3);
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .expect("compressing into memory cannot fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn twins_decompress_to_the_original_and_carry_no_time_or_name() {
        let text = "<p>政府工作报告 承诺 兑现</p>\n".repeat(200);
        let gz = gzip(text.as_bytes());
        assert_eq!(&gz[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]);
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
        let br = brotli(text.as_bytes());
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
        assert_eq!(back, text.as_bytes());
        assert_eq!(gz, gzip(text.as_bytes()));
        assert_eq!(br, brotli(text.as_bytes()));
        assert!(wanted("a/index.html") && wanted("favicon.svg") && !wanted("x.png"));
        assert!(!wanted("index.html.gz"));
        assert_eq!((window(0), window(1024), window(1025)), (10, 10, 11));
        assert_eq!((window(65_536), window(100 << 20)), (16, 22));
    }
}
