//! Bytes and CPU time of gzip levels and Brotli qualities on the text files of a built output,
//! one thread: `cargo run --release --example compress-levels -- OUTPUT_DIR [EVERY_NTH]`.

use std::io::Write as _;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .expect("usage: compress-levels OUTPUT_DIR [EVERY_NTH]");
    let nth: usize = args.next().map_or(20, |n| n.parse().expect("a number"));
    let mut files: Vec<Vec<u8>> = Vec::new();
    let mut paths: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| duixian::publish::compress::wanted(&p.to_string_lossy()))
        .collect();
    paths.sort();
    for p in paths.iter().step_by(nth) {
        files.push(std::fs::read(p).expect("readable"));
    }
    let total: usize = files.iter().map(Vec::len).sum();
    println!(
        "{} files (every {nth}th text file), {total} bytes",
        files.len()
    );
    for level in [6, 9] {
        let t = Instant::now();
        let mut out = 0;
        for f in &files {
            let mut e = flate2::GzBuilder::new()
                .mtime(0)
                .write(Vec::new(), flate2::Compression::new(level));
            e.write_all(f).unwrap();
            out += e.finish().unwrap().len().min(f.len());
        }
        let ms = t.elapsed().as_millis();
        println!(
            "gzip {level}: {out} bytes ({:.1}%), {ms} ms",
            100.0 * out as f64 / total as f64
        );
    }
    for quality in [5, 7, 9, 11] {
        let t = Instant::now();
        let mut out = 0;
        for f in &files {
            let bits = (usize::BITS - f.len().max(1).saturating_sub(1).leading_zeros()) as i32;
            let params = brotli::enc::BrotliEncoderParams {
                quality,
                lgwin: bits.clamp(10, 22),
                size_hint: f.len(),
                ..Default::default()
            };
            let mut z = Vec::new();
            brotli::BrotliCompress(&mut &f[..], &mut z, &params).unwrap();
            out += z.len().min(f.len());
        }
        let ms = t.elapsed().as_millis();
        println!(
            "brotli {quality}: {out} bytes ({:.1}%), {ms} ms",
            100.0 * out as f64 / total as f64
        );
    }
}
