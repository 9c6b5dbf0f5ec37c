//! Interface strings: one YAML file per language in the theme's `i18n/` folder.

use crate::types::{Language, Qualifier, Status};
use std::collections::BTreeMap;

/// The interface strings of one language, with zh-Hans filling any gap.
#[derive(Debug, Clone, Default)]
pub struct Strings(pub BTreeMap<String, String>);

impl Strings {
    pub fn get(&self, key: &str) -> String {
        self.0.get(key).cloned().unwrap_or_else(|| key.to_string())
    }

    pub fn status(&self, s: Status) -> String {
        self.get(&format!("status_{}", s.key()))
    }

    pub fn status_hint(&self, s: Status) -> String {
        self.get(&format!("status_{}_hint", s.key()))
    }

    pub fn met(&self, met: Option<bool>) -> String {
        match met {
            Some(true) => self.get("met_true"),
            Some(false) => self.get("met_false"),
            None => self.get("met_null"),
        }
    }

    pub fn qualifier(&self, q: Qualifier) -> String {
        self.get(&format!("qualifier_{}", q.key()))
    }

    /// A target in words: `7%左右`, `200处以上`, `about 7 %`.
    pub fn target(&self, value: &str, unit: &str, q: Qualifier) -> String {
        self.get("target_format")
            .replace("{value}", value)
            .replace("{unit}", unit)
            .replace("{qualifier}", &self.qualifier(q))
            .trim()
            .to_string()
    }

    /// A value with its unit: `590处`.
    pub fn value(&self, value: &str, unit: &str) -> String {
        self.get("value_format")
            .replace("{value}", value)
            .replace("{unit}", unit)
            .trim()
            .to_string()
    }
}

/// Parse a strings file; `base` (zh-Hans) fills keys the language does not define.
pub fn parse(base: &str, lang_file: Option<&str>, lang: Language) -> Result<Strings, String> {
    let mut map: BTreeMap<String, String> =
        serde_yaml::from_str(base).map_err(|e| format!("zh-Hans strings: {e}"))?;
    if let Some(text) = lang_file {
        let over: BTreeMap<String, String> =
            serde_yaml::from_str(text).map_err(|e| format!("{} strings: {e}", lang.tag()))?;
        map.extend(over);
    }
    Ok(Strings(map))
}
