//! [`Cluster`]: Capillary's API clusters by name.

use crate::model::ParseError;

/// Capillary's API clusters. v2 and v3.1 share the host; only the path differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cluster {
    /// Europe: `eu.api.capillarytech.com`
    Eu,
    /// India: `apac.api.capillarytech.com`
    India,
    /// Asia-Pacific 2 (Singapore): `apac2.api.capillarytech.com`
    Apac2,
    /// United States: `us.api.capillarytech.com`
    Us,
    /// China: `api.capillarytech.cn.com`
    China,
}

impl Cluster {
    /// Every known cluster.
    pub const ALL: [Cluster; 5] = [Self::Eu, Self::India, Self::Apac2, Self::Us, Self::China];

    /// The cluster's host name.
    pub fn host(self) -> &'static str {
        match self {
            Self::Eu => "eu.api.capillarytech.com",
            Self::India => "apac.api.capillarytech.com",
            Self::Apac2 => "apac2.api.capillarytech.com",
            Self::Us => "us.api.capillarytech.com",
            Self::China => "api.capillarytech.cn.com",
        }
    }

    /// The short name used by the CLI (`eu`, `india`, `apac2`, `us`, `china`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Eu => "eu",
            Self::India => "india",
            Self::Apac2 => "apac2",
            Self::Us => "us",
            Self::China => "china",
        }
    }

    /// The cluster's base URL.
    pub fn base_url(self) -> String {
        format!("https://{}", self.host())
    }
}

impl std::str::FromStr for Cluster {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let lower = s.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|c| {
                c.name() == lower
                    || (lower == "apac" && *c == Self::India)
                    || (lower == "cn" && *c == Self::China)
            })
            .ok_or_else(|| ParseError::new("cluster", s, "eu, india, apac2, us or china"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_parse() {
        assert_eq!("eu".parse::<Cluster>().unwrap(), Cluster::Eu);
        assert_eq!("apac".parse::<Cluster>().unwrap(), Cluster::India);
        assert!("mars".parse::<Cluster>().is_err());
    }
}
