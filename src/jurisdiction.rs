//! Jurisdictions: serialisable views of a country's memberships, EU adequacy status and the laws that let its
//! government obtain data from companies.

use crate::db;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Law {
    pub name: &'static str,
    pub year: Option<u16>,
    pub summary: &'static str,
    pub reference: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct Jurisdiction {
    pub code: &'static str,
    pub name: &'static str,
    pub groups: &'static [&'static str],
    pub eu_adequacy: Option<&'static str>,
    pub adequacy_decision: Option<&'static str>,
    pub adequacy_date: Option<&'static str>,
    pub laws: Vec<Law>,
}

/// The jurisdiction with ISO 3166-1 alpha-2 `code` (upper case), if the database knows it.
pub fn get(code: &str) -> Option<Jurisdiction> {
    db::jurisdiction(code).map(|j| Jurisdiction {
        code: j.code,
        name: j.name,
        groups: j.groups,
        eu_adequacy: j.eu_adequacy,
        adequacy_decision: j.adequacy_decision,
        adequacy_date: j.adequacy_date,
        laws: j
            .laws
            .iter()
            .map(|l| Law {
                name: l.name,
                year: l.year,
                summary: l.summary,
                reference: l.reference,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn unknown_codes_are_none() {
        assert!(super::get("ZZ").is_none());
        assert!(super::get("").is_none());
    }
}
