//! A synthetic population of persons, organised in networks, whose names
//! each agency spells its own way: the ground truth for entity resolution.
//!
//! Names are assembled from syllable tables (Lao, Thai, Chinese,
//! Vietnamese, Shan/Burmese); they are not taken from any list of real
//! people. The population is *indexed*, not stored: person `i` is a pure
//! function of the seed and `i`, so ten million appearances cost no memory
//! beyond one bit per (person, agency) that recorded them and the time
//! each agency first did (eight bytes per person, from which the agency's
//! record of the person takes its id).

use crate::pick::mix;
use dcis_domain::org::OrganisationKind;
use dcis_domain::person::{AddressFields, DocumentFields, PersonFields};
use time::Date;
use uuid::Uuid;

/// Nationality of a synthetic person (ISO 3166-1 alpha-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nationality {
    La,
    Th,
    Cn,
    Vn,
    Mm,
}

impl Nationality {
    pub fn code(&self) -> &'static str {
        match self {
            Self::La => "LA",
            Self::Th => "TH",
            Self::Cn => "CN",
            Self::Vn => "VN",
            Self::Mm => "MM",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

/// A person's place in a trafficking network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NetworkRole {
    Organiser,
    Financier,
    Recruiter,
    Driver,
    Courier,
    /// Not in a network: a user or small dealer.
    Independent,
}

impl NetworkRole {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Organiser => "organiser",
            Self::Financier => "financier",
            Self::Recruiter => "recruiter",
            Self::Driver => "driver",
            Self::Courier => "courier",
            Self::Independent => "independent",
        }
    }
}

/// How a name is written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Spelling {
    /// In the person's own script (Lao, Chinese characters, Vietnamese with
    /// diacritics).
    Native,
    /// The usual romanisation, given name first.
    RomanA,
    /// Another romanisation (English- or Thai-influenced, Wade-Giles…).
    RomanB,
    /// Family name first in capitals (passports, customs forms).
    SurnameFirst,
    /// Given name first with the other romanisation of the family name, or
    /// the family name dropped.
    Mixed,
    /// Initial of the given name and the family name.
    Initial,
}

impl Spelling {
    pub const ALL: [Spelling; 6] = [
        Self::Native,
        Self::RomanA,
        Self::RomanB,
        Self::SurnameFirst,
        Self::Mixed,
        Self::Initial,
    ];
}

/// Lao syllables: Lao script, the usual (French-influenced) romanisation,
/// an English/Thai-influenced one.
const LAO: &[(&str, &str, &str)] = &[
    ("ສົມ", "Som", "Som"),
    ("ບຸນ", "Boun", "Bun"),
    ("ມີ", "My", "Mee"),
    ("ພອນ", "Phone", "Phon"),
    ("ໄຊ", "Xay", "Sai"),
    ("ທອງ", "Thong", "Tong"),
    ("ຄຳ", "Kham", "Kam"),
    ("ວົງ", "Vong", "Wong"),
    ("ສີ", "Sy", "See"),
    ("ແກ້ວ", "Keo", "Kaew"),
    ("ຈັນ", "Chanh", "Chan"),
    ("ເພັດ", "Phet", "Pet"),
    ("ສະ", "Sa", "Sa"),
    ("ວັດ", "Vath", "Wat"),
    ("ນາ", "Na", "Naa"),
    ("ລີ", "Ly", "Lee"),
    ("ດາ", "Da", "Daa"),
    ("ວັນ", "Vanh", "Wan"),
    ("ສຸກ", "Souk", "Suk"),
    ("ພູ", "Phou", "Phu"),
    ("ມະ", "Ma", "Ma"),
    ("ນີ", "Ny", "Nee"),
    ("ເດດ", "Deth", "Det"),
    ("ສັກ", "Sak", "Sack"),
    ("ອຸ", "Ou", "U"),
    ("ດອນ", "Done", "Don"),
    ("ແສງ", "Saeng", "Sang"),
    ("ວິ", "Vi", "Wi"),
    ("ໄລ", "Lay", "Lai"),
    ("ຈິດ", "Chith", "Chit"),
    ("ບົວ", "Boua", "Bua"),
    ("ຄູນ", "Khoun", "Khun"),
    ("ໂພ", "Pho", "Po"),
    ("ທິບ", "Thip", "Tip"),
    ("ຫອມ", "Hom", "Hom"),
    ("ແພງ", "Phaeng", "Paeng"),
];

/// Chinese family names: characters, pinyin, another romanisation.
const CN_FAMILY: &[(&str, &str, &str)] = &[
    ("张", "Zhang", "Chang"),
    ("王", "Wang", "Wong"),
    ("李", "Li", "Lee"),
    ("刘", "Liu", "Lau"),
    ("陈", "Chen", "Chan"),
    ("杨", "Yang", "Yeung"),
    ("黄", "Huang", "Wong"),
    ("赵", "Zhao", "Chao"),
    ("周", "Zhou", "Chou"),
    ("吴", "Wu", "Ng"),
    ("段", "Duan", "Tuan"),
    ("罗", "Luo", "Lo"),
];

const CN_GIVEN: &[(&str, &str, &str)] = &[
    ("伟", "Wei", "Wai"),
    ("明", "Ming", "Ming"),
    ("强", "Qiang", "Chiang"),
    ("军", "Jun", "Chun"),
    ("华", "Hua", "Wah"),
    ("平", "Ping", "Ping"),
    ("建", "Jian", "Kin"),
    ("国", "Guo", "Kuo"),
    ("海", "Hai", "Hoi"),
    ("丽", "Li", "Lai"),
    ("林", "Lin", "Lam"),
    ("志", "Zhi", "Chi"),
];

/// Vietnamese family names, middle names and given names: with and
/// without diacritics.
const VN_FAMILY: &[(&str, &str)] = &[
    ("Nguyễn", "Nguyen"),
    ("Trần", "Tran"),
    ("Lê", "Le"),
    ("Phạm", "Pham"),
    ("Hoàng", "Hoang"),
    ("Vũ", "Vu"),
    ("Đặng", "Dang"),
    ("Bùi", "Bui"),
];

const VN_MIDDLE: &[(&str, &str)] = &[
    ("Văn", "Van"),
    ("Thị", "Thi"),
    ("Đức", "Duc"),
    ("Minh", "Minh"),
];

const VN_GIVEN: &[(&str, &str)] = &[
    ("Hùng", "Hung"),
    ("Minh", "Minh"),
    ("Tuấn", "Tuan"),
    ("Hải", "Hai"),
    ("Long", "Long"),
    ("Dũng", "Dung"),
    ("Lan", "Lan"),
    ("Hương", "Huong"),
    ("Thắng", "Thang"),
    ("Quân", "Quan"),
];

/// Shan/Burmese name syllables and another common spelling.
const MM: &[(&str, &str)] = &[
    ("Aung", "Aong"),
    ("Kyaw", "Kyau"),
    ("Htun", "Tun"),
    ("Myint", "Myin"),
    ("Zaw", "Zau"),
    ("Win", "Winn"),
    ("Naing", "Nai"),
    ("Thein", "Thien"),
    ("Soe", "So"),
    ("Hla", "Hlaa"),
    ("Min", "Minn"),
    ("Lwin", "Lwinn"),
    ("Moe", "Mo"),
    ("Thant", "Than"),
];

/// One synthetic person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub index: u32,
    pub nationality: Nationality,
    pub sex: Sex,
    pub birth_year: i32,
    pub network: Option<u32>,
    pub role: NetworkRole,
    given: Vec<u8>,
    family: Vec<u8>,
    middle: u8,
    prefix: bool,
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f
            .to_uppercase()
            .chain(c.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

fn join_roman(parts: &[u8], table: &[(&str, &str, &str)], b: bool) -> String {
    let s: String = parts
        .iter()
        .map(|&i| {
            let (_, a, bb) = table[usize::from(i) % table.len()];
            if b {
                bb
            } else {
                a
            }
        })
        .collect();
    cap(&s)
}

fn first_char(s: &str) -> String {
    s.chars().next().map(|c| c.to_string()).unwrap_or_default()
}

impl Person {
    /// The person's name written in the given way.
    pub fn name(&self, how: Spelling) -> String {
        use Spelling::*;
        match self.nationality {
            Nationality::La | Nationality::Th => {
                let native = |p: &[u8]| -> String {
                    p.iter()
                        .map(|&i| LAO[usize::from(i) % LAO.len()].0)
                        .collect()
                };
                let ga = join_roman(&self.given, LAO, false);
                let gb = join_roman(&self.given, LAO, true);
                let fa = join_roman(&self.family, LAO, false);
                let fb = join_roman(&self.family, LAO, true);
                // Thai nationals are written in Latin letters here, in the
                // Thai-influenced spelling first.
                let thai = self.nationality == Nationality::Th;
                match how {
                    Native if !thai => format!("{} {}", native(&self.given), native(&self.family)),
                    Native | RomanB => format!("{gb} {fb}"),
                    RomanA => format!("{ga} {fa}"),
                    SurnameFirst => format!("{} {ga}", fa.to_uppercase()),
                    Mixed => format!("{ga} {fb}"),
                    Initial => format!("{}. {fa}", first_char(&ga)),
                }
            }
            Nationality::Cn => {
                let fam = CN_FAMILY[usize::from(self.family[0]) % CN_FAMILY.len()];
                let giv: Vec<(&str, &str, &str)> = self
                    .given
                    .iter()
                    .map(|&i| CN_GIVEN[usize::from(i) % CN_GIVEN.len()])
                    .collect();
                let ga = cap(&giv.iter().map(|g| g.1).collect::<String>());
                let gb = cap(&giv.iter().map(|g| g.2).collect::<String>());
                match how {
                    Native => format!("{}{}", fam.0, giv.iter().map(|g| g.0).collect::<String>()),
                    RomanA => format!("{} {ga}", fam.1),
                    RomanB => format!("{} {gb}", fam.2),
                    SurnameFirst => format!("{} {ga}", fam.1.to_uppercase()),
                    Mixed => format!("{ga} {}", fam.1),
                    Initial => format!("{}. {}", first_char(&ga), fam.1),
                }
            }
            Nationality::Vn => {
                let fam = VN_FAMILY[usize::from(self.family[0]) % VN_FAMILY.len()];
                let mid = VN_MIDDLE[usize::from(self.middle) % VN_MIDDLE.len()];
                let giv = VN_GIVEN[usize::from(self.given[0]) % VN_GIVEN.len()];
                match how {
                    Native => format!("{} {} {}", fam.0, mid.0, giv.0),
                    RomanA => format!("{} {} {}", fam.1, mid.1, giv.1),
                    RomanB => format!("{} {}", fam.1, giv.1),
                    SurnameFirst => format!("{} {} {}", fam.1.to_uppercase(), mid.1, giv.1),
                    Mixed => format!("{} {}", giv.1, fam.1),
                    Initial => format!("{} {}. {}", fam.1, first_char(mid.1), giv.1),
                }
            }
            Nationality::Mm => {
                let a: Vec<&str> = self
                    .given
                    .iter()
                    .map(|&i| MM[usize::from(i) % MM.len()].0)
                    .collect();
                let b: Vec<&str> = self
                    .given
                    .iter()
                    .map(|&i| MM[usize::from(i) % MM.len()].1)
                    .collect();
                let prefix = match (self.prefix, self.sex) {
                    (false, _) => "",
                    (true, Sex::Male) => "Sai ",
                    (true, Sex::Female) => "Nang ",
                };
                match how {
                    Native | RomanA => format!("{prefix}{}", a.join(" ")),
                    RomanB => format!("{prefix}{}", b.join(" ")),
                    SurnameFirst => format!("{prefix}{}", a.join(" ")).to_uppercase(),
                    Mixed => a.join(" "),
                    Initial => format!(
                        "{}. {}",
                        first_char(a.first().copied().unwrap_or("")),
                        a[1..].join(" ")
                    ),
                }
            }
        }
    }
}

/// The population: `size` persons, the first `networked` of them members
/// of `networks` networks (person `i` is in network `i % networks`, and
/// its rank `i / networks` gives its role).
#[derive(Debug, Clone)]
pub struct Population {
    seed: u64,
    size: u32,
    networked: u32,
    networks: u32,
}

/// The average number of members of a network.
const NETWORK_SIZE: u32 = 12;

impl Population {
    pub fn new(seed: u64, size: u32) -> Self {
        let size = size.max(NETWORK_SIZE);
        let networked = size / 10 * 6;
        let networks = (networked / NETWORK_SIZE).max(1);
        Self {
            seed,
            size,
            networked: networked.max(networks),
            networks,
        }
    }

    pub fn size(&self) -> u32 {
        self.size
    }

    pub fn networks(&self) -> u32 {
        self.networks
    }

    /// Persons who belong to a network (indices `0..networked`).
    pub fn networked(&self) -> u32 {
        self.networked
    }

    /// The ground-truth id of a person: the same for every spelling.
    pub fn person_id(&self, index: u32) -> String {
        format!("S{}-P{index:07}", self.seed)
    }

    /// The `rank`-th member of a network, if the network has one.
    pub fn member(&self, network: u32, rank: u32) -> Option<u32> {
        let i = u64::from(network) + u64::from(self.networks) * u64::from(rank);
        (i < u64::from(self.networked)).then_some(i as u32)
    }

    /// How many members a network has.
    pub fn members(&self, network: u32) -> u32 {
        if network >= self.networks {
            return 0;
        }
        (self.networked - network).div_ceil(self.networks)
    }

    /// Person `index`: a pure function of the seed and the index.
    pub fn person(&self, index: u32) -> Person {
        let h = |k: u64| mix(self.seed ^ mix(u64::from(index) ^ (k << 40)));
        let (network, role) = if index < self.networked {
            let rank = index / self.networks;
            let role = match rank {
                0 => NetworkRole::Organiser,
                1 => {
                    if h(1) % 2 == 0 {
                        NetworkRole::Financier
                    } else {
                        NetworkRole::Recruiter
                    }
                }
                2 | 3 => NetworkRole::Driver,
                _ => NetworkRole::Courier,
            };
            (Some(index % self.networks), role)
        } else {
            (None, NetworkRole::Independent)
        };
        // Organisers are more often foreign; couriers mostly Lao.
        let n = h(2) % 100;
        let nationality = match role {
            NetworkRole::Organiser | NetworkRole::Financier => match n {
                0..=34 => Nationality::Cn,
                35..=59 => Nationality::Mm,
                60..=79 => Nationality::La,
                80..=89 => Nationality::Th,
                _ => Nationality::Vn,
            },
            _ => match n {
                0..=71 => Nationality::La,
                72..=81 => Nationality::Mm,
                82..=87 => Nationality::Th,
                88..=93 => Nationality::Vn,
                _ => Nationality::Cn,
            },
        };
        let sex = if h(3) % 100 < 18 {
            Sex::Female
        } else {
            Sex::Male
        };
        let birth_year = 1955 + (h(4) % 50) as i32;
        // Syllables, never the same one twice in a row.
        let syl = |k: u64, n: usize, table: usize| -> Vec<u8> {
            let mut out: Vec<u8> = Vec::with_capacity(n);
            for j in 0..n {
                let mut s = (h(k + j as u64) % table as u64) as u8;
                if out.last() == Some(&s) {
                    s = ((usize::from(s) + 1) % table) as u8;
                }
                out.push(s);
            }
            out
        };
        let (given, family) = match nationality {
            Nationality::La | Nationality::Th => (
                syl(10, 2, LAO.len()),
                syl(20, 2 + (h(5) % 2) as usize, LAO.len()),
            ),
            Nationality::Cn => (
                syl(10, 1 + (h(5) % 2) as usize, CN_GIVEN.len()),
                syl(20, 1, CN_FAMILY.len()),
            ),
            Nationality::Vn => (syl(10, 1, VN_GIVEN.len()), syl(20, 1, VN_FAMILY.len())),
            Nationality::Mm => (syl(10, 2 + (h(5) % 2) as usize, MM.len()), Vec::new()),
        };
        Person {
            index,
            nationality,
            sex,
            birth_year,
            network,
            role,
            given,
            family,
            middle: (h(6) % VN_MIDDLE.len() as u64) as u8,
            prefix: h(7) % 2 == 0,
        }
    }

    /// How an agency writes this person's name: each agency has its habits
    /// (the police in Lao script, customs from passports, the border
    /// offices in the neighbours' spelling) and, now and then, a typing
    /// slip. Fixed for a (person, agency) pair.
    pub fn spelling(&self, p: &Person, agency_code: &str, kind: OrganisationKind) -> String {
        let salt = agency_code.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        let h = mix(self.seed ^ mix(u64::from(p.index)) ^ mix(salt));
        use Spelling::*;
        let table: &[(Spelling, u64)] = match kind {
            OrganisationKind::CounterNarcoticsPolice => {
                &[(Native, 50), (RomanA, 30), (Initial, 10), (Mixed, 10)]
            }
            OrganisationKind::Customs => &[(SurnameFirst, 55), (RomanA, 25), (RomanB, 20)],
            OrganisationKind::BorderLiaisonOffice => {
                &[(RomanB, 45), (Mixed, 25), (Native, 15), (RomanA, 15)]
            }
            _ => &[(Native, 60), (RomanA, 25), (RomanB, 15)],
        };
        let total: u64 = table.iter().map(|t| t.1).sum();
        let mut r = h % total;
        let mut how = table[0].0;
        for (s, w) in table {
            if r < *w {
                how = *s;
                break;
            }
            r -= w;
        }
        let name = p.name(how);
        if (h >> 32) % 100 < 8 {
            typo(&name, h >> 40)
        } else {
            name
        }
    }
}

/// Whether a name is written in Latin letters (with or without
/// diacritics), so that it needs no Latin transliteration beside it.
fn is_latin(name: &str) -> bool {
    name.chars().all(|c| {
        c.is_ascii()
            || ('\u{00C0}'..='\u{024F}').contains(&c)
            || ('\u{1E00}'..='\u{1EFF}').contains(&c)
    })
}

/// `n` decimal digits from a hash.
fn digits(h: u64, n: usize) -> String {
    let s = format!("{:020}", h);
    s[20 - n..].to_owned()
}

impl Population {
    /// A hash of the person for `salt`: fixed for the seed and the person,
    /// whichever agency records them (a passport number is the same at
    /// every desk).
    fn trait_hash(&self, index: u32, salt: u64) -> u64 {
        mix(self.seed ^ mix(u64::from(index) ^ (salt << 40) ^ 0x005e_ed0f_7ea7))
    }

    /// The id of `agency`'s record of person `index`, first recorded at
    /// `first_ms`: a UUIDv7 of that time whose other bits are a pure
    /// function of the seed, the person and the agency, so every case of
    /// the agency names the same record without anything remembered but
    /// the time.
    pub fn record_id(&self, index: u32, agency: u32, first_ms: u64) -> Uuid {
        let a = mix(self.seed ^ mix(u64::from(index) << 20 ^ u64::from(agency)));
        let b = mix(a ^ 0x7265_636f_7264);
        let mut random = [0u8; 10];
        random[..8].copy_from_slice(&a.to_be_bytes());
        random[8..].copy_from_slice(&b.to_be_bytes()[..2]);
        uuid::Builder::from_unix_timestamp_millis(first_ms, &random).into_uuid()
    }

    /// The person's passport number, if they hold one: every foreigner,
    /// half of the Lao. Formats follow each country's pattern (synthetic
    /// numbers).
    fn passport(&self, p: &Person) -> Option<String> {
        let h = self.trait_hash(p.index, 1);
        let letter = |k: u64| char::from(b'A' + (k % 26) as u8);
        Some(match p.nationality {
            Nationality::La if h.is_multiple_of(2) => return None,
            Nationality::La => format!("P{}", digits(h >> 1, 7)),
            Nationality::Th => format!("{}{}{}", letter(h), letter(h >> 8), digits(h >> 16, 7)),
            Nationality::Cn => format!("E{}", digits(h, 8)),
            Nationality::Vn => format!("C{}", digits(h, 7)),
            Nationality::Mm => format!("M{}{}", letter(h), digits(h >> 8, 6)),
        })
    }

    /// The person's Lao identity card number (Lao nationals; 12 digits,
    /// synthetic).
    fn national_id(&self, p: &Person) -> Option<String> {
        (p.nationality == Nationality::La).then(|| digits(self.trait_hash(p.index, 2), 12))
    }

    /// The person's date of birth (their birth year, a day from a hash).
    fn birth_date(&self, p: &Person) -> String {
        let h = self.trait_hash(p.index, 3);
        format!(
            "{}-{:02}-{:02}",
            p.birth_year,
            1 + h % 12,
            1 + (h >> 8) % 28
        )
    }

    /// What an agency writes down about a person when it first records
    /// them, as its clerk would type it, in a case of `on`: the name in
    /// the agency's spelling (with the usual romanisation beside a name in
    /// another script), sex, nationality, and by habit of the agency:
    ///
    /// - police: the stated age, the Lao identity card of four in ten Lao,
    ///   the home province of the Lao;
    /// - customs: the date of birth and the passport, from the passport;
    /// - border liaison offices: the stated age and the passport of
    ///   foreigners;
    /// - provincial committees: the stated age, now and then.
    ///
    /// `home` is the province code of a Lao person's home.
    pub fn record_fields(
        &self,
        p: &Person,
        agency_code: &str,
        kind: OrganisationKind,
        on: Date,
        home: Option<&str>,
    ) -> PersonFields {
        let name = self.spelling(p, agency_code, kind);
        let latin_name = if is_latin(&name) {
            String::new()
        } else {
            p.name(Spelling::RomanA)
        };
        let age = (on.year() - p.birth_year).max(0).to_string();
        // What this agency happened to note about this person.
        let agency_salt = agency_code.bytes().fold(0u64, |h, b| mix(h ^ u64::from(b)));
        let h = mix(self.trait_hash(p.index, 4) ^ agency_salt);
        let document = |kind: &str, number: String, country: &str| DocumentFields {
            kind: kind.to_owned(),
            number,
            issuing_country: country.to_owned(),
        };
        let mut f = PersonFields {
            name,
            latin_name,
            sex: match p.sex {
                Sex::Male => "male",
                Sex::Female => "female",
            }
            .to_owned(),
            nationality: p.nationality.code().to_owned(),
            ..Default::default()
        };
        let lao = p.nationality == Nationality::La;
        match kind {
            OrganisationKind::CounterNarcoticsPolice => {
                f.age = age;
                if let Some(id) = self.national_id(p).filter(|_| h % 10 < 4) {
                    f.documents.push(document("national_id", id, "LA"));
                }
                if let Some(home) = home.filter(|_| lao) {
                    f.addresses.push(AddressFields {
                        country: "LA".into(),
                        province: home.to_owned(),
                        ..Default::default()
                    });
                }
            }
            OrganisationKind::Customs => {
                f.birth_date = self.birth_date(p);
                if let Some(n) = self.passport(p) {
                    f.documents
                        .push(document("passport", n, p.nationality.code()));
                }
            }
            OrganisationKind::BorderLiaisonOffice => {
                f.age = age;
                if let Some(n) = self.passport(p).filter(|_| !lao) {
                    // Copied by hand, in groups of four.
                    let spaced: Vec<String> = n
                        .as_bytes()
                        .chunks(4)
                        .map(|c| String::from_utf8_lossy(c).into_owned())
                        .collect();
                    f.documents
                        .push(document("passport", spaced.join(" "), p.nationality.code()));
                }
            }
            _ => {
                if h % 10 < 6 {
                    f.age = age;
                }
            }
        }
        f
    }
}

/// A typing slip in a Latin-script name: a doubled letter, a dropped `h`,
/// or a common substitution. Names in other scripts are left alone.
fn typo(name: &str, h: u64) -> String {
    if !name.is_ascii() || name.len() < 4 {
        return name.to_owned();
    }
    match h % 4 {
        0 => {
            let pos = 1 + (h / 4) as usize % (name.len() - 2);
            let (a, b) = name.split_at(pos);
            match b.chars().next() {
                Some(c) if c.is_ascii_alphabetic() => format!("{a}{c}{b}"),
                _ => name.to_owned(),
            }
        }
        1 if name.contains("h") => name.replacen('h', "", 1),
        2 if name.contains("ou") => name.replacen("ou", "u", 1),
        _ if name.contains('v') || name.contains('V') => {
            name.replacen('v', "w", 1).replacen('V', "W", 1)
        }
        _ => name.replacen('x', "s", 1).replacen('X', "S", 1),
    }
}

/// Which agencies recorded which persons: one bit per (person, agency),
/// for the ground-truth file; and when each pair was first recorded, from
/// which the agency's record of the person takes its id.
#[derive(Debug, Clone, Default)]
pub struct Sightings {
    bits: Vec<u64>,
    /// Agencies past the 64th, rarely needed.
    more: std::collections::BTreeSet<(u32, u32)>,
    /// Per person, the first agency to record them and when:
    /// `(agency + 1) << 44 | milliseconds`, 0 for none yet.
    first: Vec<u64>,
    /// The same for the person's other agencies.
    first_more: std::collections::HashMap<(u32, u32), u64>,
}

/// Milliseconds fit in 44 bits until the year 2527.
const MS_BITS: u32 = 44;
const MS_MASK: u64 = (1 << MS_BITS) - 1;

impl Sightings {
    pub fn new(persons: u32) -> Self {
        Self {
            bits: vec![0; persons as usize],
            more: Default::default(),
            first: vec![0; persons as usize],
            first_more: Default::default(),
        }
    }

    /// Records that `agency` named `person` at `at_ms` (milliseconds since
    /// the epoch). Returns when the agency first named them, and whether
    /// this is that first time.
    pub fn record(&mut self, person: u32, agency: u32, at_ms: u64) -> (u64, bool) {
        if agency < 64 {
            if let Some(b) = self.bits.get_mut(person as usize) {
                *b |= 1 << agency;
            }
        } else {
            self.more.insert((person, agency));
        }
        let at_ms = at_ms & MS_MASK;
        let tag = u64::from(agency) + 1;
        if let Some(f) = self.first.get_mut(person as usize) {
            if *f == 0 {
                *f = tag << MS_BITS | at_ms;
                return (at_ms, true);
            }
            if *f >> MS_BITS == tag {
                return (*f & MS_MASK, false);
            }
        }
        match self.first_more.entry((person, agency)) {
            std::collections::hash_map::Entry::Occupied(e) => (*e.get(), false),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(at_ms);
                (at_ms, true)
            }
        }
    }

    /// How many persons were recorded at least once.
    pub fn persons(&self) -> u64 {
        let mut seen: std::collections::BTreeSet<u32> = self.more.iter().map(|&(p, _)| p).collect();
        seen.retain(|&p| self.bits.get(p as usize).is_some_and(|&b| b == 0));
        self.bits.iter().filter(|&&b| b != 0).count() as u64 + seen.len() as u64
    }

    /// When `agency` first named `person` (milliseconds), if it did.
    pub fn first(&self, person: u32, agency: u32) -> Option<u64> {
        let tag = u64::from(agency) + 1;
        match self.first.get(person as usize) {
            Some(&f) if f != 0 && f >> MS_BITS == tag => Some(f & MS_MASK),
            _ => self.first_more.get(&(person, agency)).copied(),
        }
    }

    /// The (person, agency) pairs, by person then agency.
    pub fn pairs(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.bits.iter().enumerate().flat_map(move |(p, &b)| {
            let extra = self
                .more
                .range((p as u32, 0)..(p as u32 + 1, 0))
                .map(|&(p, a)| (p, a));
            (0..64u32)
                .filter(move |a| b & (1 << a) != 0)
                .map(move |a| (p as u32, a))
                .chain(extra)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_spelled_differently() {
        let pop = Population::new(7, 1000);
        let mut seen_lao_script = false;
        for i in 0..200 {
            let p = pop.person(i);
            assert_eq!(p, pop.person(i), "a pure function of the index");
            let all: std::collections::BTreeSet<String> =
                Spelling::ALL.iter().map(|s| p.name(*s)).collect();
            assert!(all.len() >= 3, "{p:?}: {all:?}");
            for n in &all {
                assert!(!n.trim().is_empty() && n.trim() == n, "{n:?}");
            }
            seen_lao_script |= p
                .name(Spelling::Native)
                .chars()
                .any(|c| ('\u{0E80}'..='\u{0EFF}').contains(&c));
        }
        assert!(seen_lao_script);
    }

    #[test]
    fn networks_partition_the_networked() {
        let pop = Population::new(1, 600);
        let total: u32 = (0..pop.networks()).map(|n| pop.members(n)).sum();
        assert_eq!(total, pop.networked());
        for n in 0..pop.networks() {
            for r in 0..pop.members(n) {
                let i = pop.member(n, r).unwrap();
                assert_eq!(pop.person(i).network, Some(n));
            }
            assert!(pop.member(n, pop.members(n)).is_none());
        }
    }

    #[test]
    fn sightings_list_each_pair_once() {
        let mut s = Sightings::new(5);
        assert_eq!(s.record(3, 2, 100), (100, true));
        assert_eq!(s.record(3, 2, 200), (100, false));
        assert_eq!(s.record(1, 70, 300), (300, true));
        assert_eq!(s.record(1, 0, 400), (400, true));
        assert_eq!(s.record(1, 70, 500), (300, false));
        assert_eq!(s.record(1, 0, 600), (400, false));
        assert_eq!(s.pairs().collect::<Vec<_>>(), vec![(1, 0), (1, 70), (3, 2)]);
        assert_eq!(s.first(1, 0), Some(400));
        assert_eq!(s.first(1, 70), Some(300));
        assert_eq!(s.first(1, 2), None);
        assert_eq!(s.persons(), 2);
    }
}
