//! The service's configuration for the programs: `--config FILE` (TOML, the
//! format of [`notice_render::Config`]; `examples/notify.example.toml` is a
//! documented example), with flags that override single values.
//!
//! Without `--config` the example configuration is used, whose sender says
//! it is an example; [`load`] then returns a warning for the program to
//! print, since a real service must not send with it.
//!
//! The notice language is, in this order: the recipient's
//! `Preferred-Languages` (security.txt), else the configuration's
//! `[notices] default_language`, else the program's `--lang`
//! ([`default_language`]).
//!
//! Faults ([`load`], [`renderer`]) are messages naming the file and line,
//! or the flag, that is wrong.

use std::path::PathBuf;

use notice_render::{Config, Language, Renderer};

/// The configuration flags every program that writes notices takes
/// (`#[command(flatten)]` them into its clap `Args`).
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct ConfigArgs {
    /// The service's configuration file (TOML; see examples/notify.example.toml): sender
    /// name, addresses, phone, web page, verify URL, default language, signing key. Without
    /// it an example configuration is used and a warning printed.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Overrides `[sender] name`.
    #[arg(long, value_name = "NAME")]
    pub sender_name: Option<String>,
    /// Overrides `[sender] address` (the From address).
    #[arg(long, value_name = "ADDRESS")]
    pub sender_address: Option<String>,
    /// Overrides `[sender] reply_to`.
    #[arg(long, value_name = "ADDRESS")]
    pub reply_to: Option<String>,
    /// Overrides `[sender] phone`.
    #[arg(long, value_name = "PHONE")]
    pub phone: Option<String>,
    /// Overrides `[sender] website` (an https:// URL).
    #[arg(long, value_name = "URL")]
    pub website: Option<String>,
    /// Overrides `[notices] verify_url` (an https:// URL holding {ticket}).
    #[arg(long, value_name = "URL")]
    pub verify_url: Option<String>,
    /// Overrides `[signing] key`: sign every message with this armored OpenPGP secret key.
    #[arg(long, value_name = "FILE")]
    pub signing_key: Option<PathBuf>,
}

/// A loaded configuration and, when it is the example's, a warning to print.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The configuration with the flags applied.
    pub config: Config,
    /// `Some` when the sender is still the example's.
    pub warning: Option<String>,
}

/// Reads `--config` (or the example configuration) and applies the flags.
///
/// # Errors
/// A message naming the file and line for an unreadable or invalid file, or
/// the flag for an unusable override.
pub fn load(args: &ConfigArgs) -> Result<Loaded, String> {
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Config::from_toml(&path.display().to_string(), &text).map_err(|e| e.to_string())?
        }
        None => Config::example().map_err(|e| e.to_string())?,
    };
    let s = &mut config.sender;
    if let Some(v) = &args.sender_name {
        s.name = v.clone();
    }
    if let Some(v) = &args.sender_address {
        s.address = v.clone();
    }
    if let Some(v) = &args.reply_to {
        s.reply_to = Some(v.clone());
    }
    if let Some(v) = &args.phone {
        s.phone = Some(v.clone());
    }
    if let Some(v) = &args.website {
        s.website = Some(v.clone());
    }
    if let Some(v) = &args.verify_url {
        config.notices.verify_url = Some(v.clone());
    }
    if let Some(v) = &args.signing_key {
        config.signing = Some(notice_render::SigningConfig::new(v.clone()));
    }
    // the overrides are checked as the renderer checks its options
    Renderer::embedded(config.render_options()).map_err(|e| flag_error(&e))?;
    let warning = config.is_example().then(|| {
        "the sender is the example configuration's: give --config FILE with your service's \
         name, addresses, phone and web page before sending these notices"
            .to_string()
    });
    Ok(Loaded { config, warning })
}

fn flag_error(e: &notice_render::Error) -> String {
    match e.kind() {
        notice_render::ErrorKind::Option { name, message } => {
            format!("--{}: {message}", name.replace('_', "-"))
        }
        _ => e.to_string(),
    }
}

/// The default notice language: the configuration's, else `lang` (the
/// program's `--lang`, `nl` or `en`; anything else is English).
pub fn default_language(config: &Config, lang: &str) -> Language {
    config
        .notices
        .default_language
        .or_else(|| Language::from_tag(lang))
        .unwrap_or(Language::En)
}

/// The renderer for `config`: the built-in catalogue and templates, the
/// sender's identity, and a signer when `[signing] key` is set.
///
/// # Errors
/// A message for a key file that cannot be read or is not a usable key.
pub fn renderer(config: &Config) -> Result<Renderer, String> {
    let r = Renderer::embedded(config.render_options()).map_err(|e| flag_error(&e))?;
    match &config.signing {
        Some(signing) => {
            let path = &signing.key;
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("signing key {}: {e}", path.display()))?;
            let signer = notice_render::render::Signer::from_armored(&text)
                .map_err(|e| format!("signing key {}: {e}", path.display()))?;
            Ok(r.with_signer(signer))
        }
        None => Ok(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_loads_and_warns() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("notify.example.toml");
        let args = ConfigArgs {
            config: Some(path),
            ..ConfigArgs::default()
        };
        let loaded = load(&args).unwrap_or_else(|e| panic!("{e}"));
        assert!(loaded.warning.is_some());
        assert_eq!(
            loaded.config.sender.name,
            "Example CERT (example configuration)"
        );
        assert_eq!(default_language(&loaded.config, "en"), Language::Nl);
    }

    #[test]
    fn flags_override_and_are_checked() {
        let args = ConfigArgs {
            sender_name: Some("CERT Voorbeeld".into()),
            sender_address: Some("meldingen@cert-voorbeeld.nl".into()),
            phone: Some("+31 20 000 0000".into()),
            ..ConfigArgs::default()
        };
        let loaded = load(&args).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.config.sender.name, "CERT Voorbeeld");
        assert!(loaded.warning.is_none(), "no longer the example's sender");
        // without a configured language, --lang decides
        assert_eq!(default_language(&loaded.config, "nl"), Language::Nl);
        assert_eq!(default_language(&loaded.config, "en"), Language::En);
        let bad = ConfigArgs {
            website: Some("http://plain.example".into()),
            ..ConfigArgs::default()
        };
        let e = load(&bad).err().unwrap_or_default();
        assert!(e.starts_with("--website: "), "{e}");
    }

    #[test]
    fn a_bad_file_names_its_line() {
        let dir = std::env::temp_dir().join(format!("notify-config-test-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("bad.toml");
        let _ = std::fs::write(
            &path,
            "[sender]\nname = \"CERT\"\naddress = \"a@b.nl\"\n[notices]\ndefault_language = \"de\"\n",
        );
        let e = load(&ConfigArgs {
            config: Some(path.clone()),
            ..ConfigArgs::default()
        })
        .err()
        .unwrap_or_default();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(e.contains("bad.toml:5:"), "{e}");
        let missing = load(&ConfigArgs {
            config: Some(dir.join("none.toml")),
            ..ConfigArgs::default()
        })
        .err()
        .unwrap_or_default();
        assert!(missing.starts_with("cannot read "), "{missing}");
    }
}
