//! One `content/indicators/f.yaml` through decoding, front matter, YAML and per-item recovery, as the loader reads it.
#![no_main]
use duixian::content::Kind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| duixian_fuzz::parse(
    Kind::Indicators,
    "content/indicators/f.yaml",
    data
));
