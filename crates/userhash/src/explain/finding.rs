//! A [`Finding`]: one cause, worded from the catalogue with the facts of the token at hand.

use super::cause::Cause;

/// One mistake that, with the others of its hypothesis, reproduces the token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// The mistake.
    pub cause: Cause,
    /// The label of the key under which the token was reproduced; `None` when the finding
    /// involves no key of the keyring (a JWT with a wrong algorithm, or one no key signed).
    pub label: Option<String>,
    /// What happened, in plain words (never a secret or the token).
    pub explanation: String,
    /// What to change.
    pub fix: String,
}

/// What showed a mistake: a hash reproduced under it, or a JWT's own header and claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ShownBy {
    /// A candidate hash equal to the token.
    Hash,
    /// A JWT, read.
    Jwt,
}

/// What a search knows when it words a finding: the `{fact}` placeholders of the catalogue.
/// Facts a finding does not use stay at their defaults.
#[derive(Debug, Default)]
pub(super) struct Facts<'a> {
    /// `{scheme}`: the scheme's name.
    pub(super) scheme: &'a str,
    /// `{label}`: the label of the key the token was reproduced under (quoted).
    pub(super) label: &'a str,
    /// `{fingerprint}`: that key's fingerprint.
    pub(super) fingerprint: String,
    /// `{expected}`: the label the request claimed (quoted).
    pub(super) expected: &'a str,
    /// `{max_age}`, `{max_skew}`: the freshness policy, in seconds.
    pub(super) max_age: u64,
    /// See `max_age`.
    pub(super) max_skew: u64,
    /// `{ago}`: seconds since a JWT expired; `{ahead}`: seconds its time is ahead of the clock.
    pub(super) ago: u64,
    /// See `ago`.
    pub(super) ahead: u64,
    /// `{field}`: the identity field a JWT's claim is compared with.
    pub(super) field: &'a str,
    /// `{claim}`: a claim's dotted name (quoted); `{reason}`: what is wrong with it.
    pub(super) claim: String,
    /// See `claim`.
    pub(super) reason: String,
    /// `{kid}`: a JWT's key id as sent, cut short (quoted).
    pub(super) kid: String,
    /// `{alg}`: a JWT's algorithm as sent (`alg "HS512"`), or that it has none.
    pub(super) alg: String,
    /// `{chars}`, `{splits}`, `{user_id_chars}`: the lengths of a concatenated subject.
    pub(super) chars: usize,
    /// See `chars`.
    pub(super) splits: usize,
    /// See `chars`.
    pub(super) user_id_chars: usize,
}

impl Facts<'_> {
    /// The text of one placeholder; `None` for braces that are not one (`"{id}-{unix seconds}"`
    /// is text).
    fn value(&self, name: &str) -> Option<String> {
        Some(match name {
            "scheme" => self.scheme.to_owned(),
            "label" => format!("{:?}", self.label),
            "fingerprint" => self.fingerprint.clone(),
            "expected" => format!("{:?}", self.expected),
            "max_age" => self.max_age.to_string(),
            "max_skew" => self.max_skew.to_string(),
            "ago" => self.ago.to_string(),
            "ahead" => self.ahead.to_string(),
            "field" => self.field.to_owned(),
            "claim" => format!("{:?}", self.claim),
            "reason" => self.reason.clone(),
            "kid" => format!("{:?}", self.kid),
            "alg" => self.alg.clone(),
            "chars" => self.chars.to_string(),
            "splits" => self.splits.to_string(),
            "user_id_chars" => self.user_id_chars.to_string(),
            _ => return None,
        })
    }

    /// `template` with every placeholder replaced by its fact.
    fn fill(&self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let (before, from_brace) = rest.split_at(open);
            out.push_str(before);
            let filled = from_brace.find('}').and_then(|close| {
                let name = from_brace.get(1..close)?;
                Some((self.value(name)?, close))
            });
            match filled {
                Some((value, close)) => {
                    out.push_str(&value);
                    rest = from_brace.get(close + 1..).unwrap_or_default();
                }
                None => {
                    out.push('{');
                    rest = from_brace.get(1..).unwrap_or_default();
                }
            }
        }
        out.push_str(rest);
        out
    }
}

impl Cause {
    /// The finding for this cause, worded for what showed it (a hash or a JWT) with `facts`.
    pub(super) fn finding(self, shown_by: ShownBy, facts: &Facts<'_>) -> Finding {
        let entry = self.entry();
        let (first, second) = match shown_by {
            ShownBy::Hash => (entry.on_hash, entry.on_jwt),
            ShownBy::Jwt => (entry.on_jwt, entry.on_hash),
        };
        Finding {
            cause: self,
            label: Some(facts.label)
                .filter(|label| !label.is_empty())
                .map(str::to_owned),
            explanation: facts.fill(first.or(second).unwrap_or_default()),
            fix: entry.fix.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::cause::CATALOGUE;
    use super::*;

    #[test]
    fn every_cause_is_worded_and_every_placeholder_is_a_fact() {
        // Braces that are text, not placeholders: the token formats the fixes describe.
        let literal = ["id", "unix seconds", "hash", "\"kid\": key_id"];
        for entry in &CATALOGUE {
            assert!(
                entry.on_hash.is_some() || entry.on_jwt.is_some(),
                "{} has no wording",
                entry.code
            );
            for text in [entry.on_hash, entry.on_jwt, Some(entry.fix)]
                .into_iter()
                .flatten()
            {
                for name in text.split('{').skip(1).filter_map(|s| s.split_once('}')) {
                    let name = name.0;
                    assert!(
                        Facts::default().value(name).is_some() || literal.contains(&name),
                        "{}: unknown placeholder {{{name}}}",
                        entry.code
                    );
                }
            }
        }
    }

    #[test]
    fn findings_fill_every_placeholder() {
        let facts = Facts {
            scheme: "zendesk",
            label: "ios",
            kid: "web".to_owned(),
            ..Facts::default()
        };
        let finding = Cause::KeyIdMismatch.finding(ShownBy::Jwt, &facts);
        assert_eq!(
            finding.explanation,
            "The JWT header says kid \"web\", but the token was signed with the key labelled \"ios\"."
        );
        assert_eq!(finding.label.as_deref(), Some("ios"));
        let no_key = Cause::WrongAlgorithm.finding(ShownBy::Jwt, &Facts::default());
        assert_eq!(no_key.label, None);
        let missing = Cause::TimestampMissing.finding(ShownBy::Hash, &facts);
        assert!(
            missing
                .explanation
                .starts_with("Scheme zendesk signs \"{id}-{unix seconds}\""),
            "{}",
            missing.explanation
        );
    }
}
