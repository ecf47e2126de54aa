//! Cases (incidents): the reference, when and where it happened, who
//! reported it, how it was found, the route, the status and the narrative.
//! The seized items are in [`crate::seizure`], the people in
//! [`crate::person`], vehicles, phones, accounts and assets in
//! [`crate::contact`]. A precursor seizure is a case like any other whose
//! items are precursor chemicals.
//!
//! Dates and times are the local time of the place (Lao PDR: UTC+07:00, no
//! daylight saving). "Now" and "today" are parameters, in the same local
//! time; the caller turns its clock's reading into it.

use crate::closed_list::closed_list;
use crate::error::{FieldError, FieldErrors};
use crate::geo::{Coordinates, CountryCode, DistrictCode, ProvinceCode};
use crate::ids::{BorderCrossingId, OrganisationId, UnitId, VillageId};
use crate::org::OrgCode;
use crate::text::{ascii_digit, non_blank, optional_multi_line, optional_single_line, refield};
use serde::Serialize;
use std::fmt;
use time::{Date, Month, PrimitiveDateTime, Time};

/// An agency's reference for a case: 1–40 characters of letters (Latin or
/// Lao), digits, `/`, `-` and `.`, with at least one letter or digit.
/// Surrounding spaces are trimmed; spaces inside are refused. Latin letters
/// are upper-cased and Lao digits written as ASCII digits, so `cnp/12` and
/// `CNP/໑໒` are the same reference. A reference is unique per agency (the
/// store enforces it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct CaseRef(String);

impl CaseRef {
    pub const MAX_CHARS: usize = 40;

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(FieldError::new("reference", "err-required"));
        }
        let norm: String = t
            .chars()
            .map(|c| ascii_digit(c).to_ascii_uppercase())
            .collect();
        if norm.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::new("reference", "err-too-long").with("max", Self::MAX_CHARS));
        }
        let is_lao = |c: char| ('\u{0E80}'..='\u{0EFF}').contains(&c);
        let chars_ok = norm
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || is_lao(c) || matches!(c, '/' | '-' | '.'));
        let has_alnum = norm.chars().any(|c| c.is_ascii_alphanumeric() || is_lao(c));
        if !chars_ok || !has_alnum {
            return Err(FieldError::new("reference", "err-case-ref-chars").with("value", t));
        }
        Ok(Self(norm))
    }

    /// A reference generated for an agency that gives none:
    /// `{ORG}-{YYYY}-{NNNNNN}`, the organisation's code, the year of the
    /// case and a sequence number of at least six digits (`CNP-2026-000042`).
    /// The caller keeps the sequence (one per organisation and year). Years
    /// outside 1000–9999 and sequence numbers outside 1–999 999 999 are
    /// `err-range` on `reference`.
    pub fn generated(org: &OrgCode, year: i32, sequence: u32) -> Result<Self, FieldError> {
        if !(1000..=9999).contains(&year) {
            return Err(FieldError::new("reference", "err-range")
                .with("min", 1000)
                .with("max", 9999));
        }
        if !(1..=999_999_999).contains(&sequence) {
            return Err(FieldError::new("reference", "err-range")
                .with("min", 1)
                .with("max", 999_999_999));
        }
        // At most 20 + 1 + 4 + 1 + 9 = 35 characters, all allowed.
        Self::parse(&format!("{}-{year:04}-{sequence:06}", org.as_str()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

closed_list! {
    /// Where a case stands. Allowed moves ([`CaseStatus::next`]):
    ///
    /// | from | to |
    /// |---|---|
    /// | open | under_investigation, sent_to_prosecutor, closed |
    /// | under_investigation | sent_to_prosecutor, closed |
    /// | sent_to_prosecutor | court_decided, under_investigation (returned for more investigation), closed (not prosecuted) |
    /// | court_decided | closed |
    /// | closed | under_investigation (reopened; the only way back) |
    ///
    /// Staying in the same status is not a move. An appeal is recorded on the
    /// people's outcomes while the case stays `court_decided`.
    CaseStatus, field = "status",
    {
        Open => "open",
        UnderInvestigation => "under_investigation",
        SentToProsecutor => "sent_to_prosecutor",
        CourtDecided => "court_decided",
        Closed => "closed",
    }
}

impl CaseStatus {
    /// The statuses a case in this status may move to.
    pub fn next(&self) -> &'static [CaseStatus] {
        use CaseStatus::*;
        match self {
            Open => &[UnderInvestigation, SentToProsecutor, Closed],
            UnderInvestigation => &[SentToProsecutor, Closed],
            SentToProsecutor => &[CourtDecided, UnderInvestigation, Closed],
            CourtDecided => &[Closed],
            Closed => &[UnderInvestigation],
        }
    }

    pub fn can_move_to(&self, to: CaseStatus) -> bool {
        self.next().contains(&to)
    }

    /// Checks a move; `err-status-transition` on `status` with `from` and
    /// `to` otherwise.
    pub fn move_to(&self, to: CaseStatus) -> Result<CaseStatus, FieldError> {
        if self.can_move_to(to) {
            Ok(to)
        } else {
            Err(FieldError::new("status", "err-status-transition")
                .with("from", self.as_str())
                .with("to", to.as_str()))
        }
    }
}

closed_list! {
    /// How the drugs were found.
    DetectionMethod, field = "detection_method",
    {
        /// Search of a vehicle at a road checkpoint.
        CheckpointSearch => "checkpoint_search",
        /// Customs or immigration inspection at a border crossing.
        BorderInspection => "border_inspection",
        /// Planned on intelligence (analysis, surveillance, intercepts).
        IntelligenceLed => "intelligence_led",
        /// A registered informant.
        Informant => "informant",
        /// A tip-off from the public (hotline, village authorities).
        PublicTipOff => "public_tip_off",
        /// X-ray or other scanner.
        Scanner => "scanner",
        /// Detector dog.
        Canine => "canine",
        /// Routine or border patrol.
        Patrol => "patrol",
        ControlledDelivery => "controlled_delivery",
        /// Inspection of parcels or mail.
        ParcelInspection => "parcel_inspection",
        /// Found while following up another case or arrest.
        FollowUpInvestigation => "follow_up_investigation",
        Other => "other",
    }
}

closed_list! {
    /// How the drugs were being moved.
    TransportMode, field = "transport_mode",
    {
        /// Car, van or pick-up.
        Car => "car",
        Motorcycle => "motorcycle",
        Truck => "truck",
        /// Passenger bus or minibus.
        Bus => "bus",
        /// Boat on the Mekong or another river.
        Boat => "boat",
        OnFoot => "on_foot",
        Air => "air",
        /// Train (the Lao–China railway).
        Rail => "rail",
        /// Post or courier company.
        PostalCourier => "postal_courier",
        Other => "other",
    }
}

closed_list! {
    /// How the drugs were hidden.
    ConcealmentMethod, field = "concealment_method",
    {
        /// Not hidden.
        NotConcealed => "not_concealed",
        /// A built or natural cavity of a vehicle (doors, floor, spare wheel).
        VehicleCompartment => "vehicle_compartment",
        FuelTank => "fuel_tank",
        /// Tea packets (Chinese tea brands), typical for crystal methamphetamine.
        TeaPackaging => "tea_packaging",
        Luggage => "luggage",
        /// Strapped to or carried on the body.
        BodyCarry => "body_carry",
        /// Swallowed or inserted.
        BodyInternal => "body_internal",
        Parcel => "parcel",
        /// Mixed with lawful cargo (produce, timber, goods).
        MixedWithCargo => "mixed_with_cargo",
        /// Hidden in a building or buried.
        Premises => "premises",
        Other => "other",
    }
}

/// The earliest date accepted for an event (a slip guard).
pub const EARLIEST_DATE: Date = time::macros::date!(1970 - 01 - 01);

/// Parses an ISO date `YYYY-MM-DD` (Lao or Thai digits allowed). Empty is
/// `err-required`, anything else unreadable is `err-date`.
pub fn parse_date(field: &'static str, s: &str) -> Result<Date, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "err-required"));
    }
    let norm: String = t.chars().map(ascii_digit).collect();
    let bad = || FieldError::new(field, "err-date").with("value", t);
    let parts: Vec<&str> = norm.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let digits = |p: &str, lens: std::ops::RangeInclusive<usize>| {
        lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(y, 4..=4) || !digits(m, 1..=2) || !digits(d, 1..=2) {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u8 = m.parse().map_err(|_| bad())?;
    let day: u8 = d.parse().map_err(|_| bad())?;
    let month = Month::try_from(month).map_err(|_| bad())?;
    Date::from_calendar_date(year, month, day).map_err(|_| bad())
}

/// Parses a 24-hour time `HH:MM` or `HH:MM:SS` (`9:30` is accepted). Empty
/// is `None`; anything else unreadable is `err-time`.
pub fn parse_time(field: &'static str, s: &str) -> Result<Option<Time>, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let norm: String = t.chars().map(ascii_digit).collect();
    let bad = || FieldError::new(field, "err-time").with("value", t);
    let parts: Vec<&str> = norm.split(':').collect();
    let ok_len = |p: &str, lens: std::ops::RangeInclusive<usize>| {
        lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    let (h, m, sec) = match parts.as_slice() {
        [h, m] => (*h, *m, "0"),
        [h, m, s] if ok_len(s, 2..=2) => (*h, *m, *s),
        _ => return Err(bad()),
    };
    if !ok_len(h, 1..=2) || !ok_len(m, 2..=2) {
        return Err(bad());
    }
    let h: u8 = h.parse().map_err(|_| bad())?;
    let m: u8 = m.parse().map_err(|_| bad())?;
    let sec: u8 = sec.parse().map_err(|_| bad())?;
    Time::from_hms(h, m, sec).map(Some).map_err(|_| bad())
}

/// A date not after `today` and not before [`EARLIEST_DATE`].
pub fn parse_past_date(field: &'static str, s: &str, today: Date) -> Result<Date, FieldError> {
    let d = parse_date(field, s)?;
    check_past_date(field, d, today)?;
    Ok(d)
}

fn check_past_date(field: &'static str, d: Date, today: Date) -> Result<(), FieldError> {
    if d > today {
        return Err(FieldError::new(field, "err-date-future"));
    }
    if d < EARLIEST_DATE {
        return Err(FieldError::new(field, "err-date-too-early").with("min", EARLIEST_DATE));
    }
    Ok(())
}

/// When a case happened: a local date and, if known, a time. Never after
/// "now".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OccurredAt {
    date: Date,
    time: Option<Time>,
}

impl OccurredAt {
    pub const DATE_FIELD: &'static str = "occurred_on";
    pub const TIME_FIELD: &'static str = "occurred_time";

    /// Parses the date (`occurred_on`) and optional time (`occurred_time`),
    /// reporting both fields' errors.
    pub fn parse(date: &str, time: &str, now: PrimitiveDateTime) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let d = errors.take(parse_date(Self::DATE_FIELD, date));
        let t = errors.take(parse_time(Self::TIME_FIELD, time));
        match (d, t) {
            (Some(d), Some(t)) => Self::new(d, t, now).map_err(FieldErrors::from),
            _ => Err(errors),
        }
    }

    /// Checks a date and time against `now` (local): the date must not be
    /// after today, nor the time after now on today (`err-date-future` on
    /// `occurred_on`, or on `occurred_time` when only the time is ahead).
    pub fn new(date: Date, time: Option<Time>, now: PrimitiveDateTime) -> Result<Self, FieldError> {
        check_past_date(Self::DATE_FIELD, date, now.date())?;
        if let Some(t) = time {
            if PrimitiveDateTime::new(date, t) > now {
                return Err(FieldError::new(Self::TIME_FIELD, "err-date-future"));
            }
        }
        Ok(Self { date, time })
    }

    pub fn date(&self) -> Date {
        self.date
    }

    pub fn time(&self) -> Option<Time> {
        self.time
    }
}

/// Where a case happened: always a province of Lao PDR; if known a district
/// (inside that province), a village, a border crossing and coordinates
/// (inside Lao PDR). That the village lies in the district and the crossing
/// in the province is checked by the application against the stored
/// geography.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    province: ProvinceCode,
    district: Option<DistrictCode>,
    village: Option<VillageId>,
    border_crossing: Option<BorderCrossingId>,
    coordinates: Option<Coordinates>,
}

/// The raw place fields of a form.
#[derive(Debug, Clone, Default)]
pub struct PlaceInput<'a> {
    pub province: &'a str,
    pub district: &'a str,
    pub village: Option<VillageId>,
    pub border_crossing: Option<BorderCrossingId>,
    pub latitude: &'a str,
    pub longitude: &'a str,
}

impl Place {
    pub fn parse(input: &PlaceInput<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let province = if input.province.trim().is_empty() {
            errors.push(FieldError::new("province", "err-required"));
            None
        } else {
            errors.take(ProvinceCode::parse(input.province))
        };
        let district = if input.district.trim().is_empty() {
            None
        } else {
            errors.take(DistrictCode::parse(input.district))
        };
        if let (Some(p), Some(d)) = (province, district) {
            errors.take(d.check_in(p));
        }
        let coordinates = match (input.latitude.trim(), input.longitude.trim()) {
            ("", "") => None,
            ("", _) => {
                errors.push(FieldError::new("latitude", "err-required"));
                None
            }
            (_, "") => {
                errors.push(FieldError::new("longitude", "err-required"));
                None
            }
            (lat, lon) => errors
                .take(Coordinates::parse(lat, lon).and_then(|c| c.check_in_lao_pdr().map(|()| c))),
        };
        match province {
            Some(province) if errors.is_empty() => Ok(Self {
                province,
                district,
                village: input.village,
                border_crossing: input.border_crossing,
                coordinates,
            }),
            _ => Err(errors),
        }
    }

    pub fn province(&self) -> ProvinceCode {
        self.province
    }

    pub fn district(&self) -> Option<DistrictCode> {
        self.district
    }

    pub fn village(&self) -> Option<VillageId> {
        self.village
    }

    pub fn border_crossing(&self) -> Option<BorderCrossingId> {
        self.border_crossing
    }

    pub fn coordinates(&self) -> Option<Coordinates> {
        self.coordinates
    }
}

/// Where the drugs came from and were going, each end a country and, inside
/// Lao PDR, optionally a province. A province with no country is in Lao
/// PDR (province codes are Lao); a province with another country is
/// `err-province-not-lao`. Either end may be unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Route {
    origin_country: Option<CountryCode>,
    origin_province: Option<ProvinceCode>,
    destination_country: Option<CountryCode>,
    destination_province: Option<ProvinceCode>,
}

fn route_end(
    errors: &mut FieldErrors,
    country_field: &'static str,
    country: &str,
    province_field: &'static str,
    province: &str,
) -> (Option<CountryCode>, Option<ProvinceCode>) {
    let c = if country.trim().is_empty() {
        None
    } else {
        errors.take(CountryCode::parse(country).map_err(|e| refield(e, country_field)))
    };
    let p = if province.trim().is_empty() {
        None
    } else {
        errors.take(ProvinceCode::parse(province).map_err(|e| refield(e, province_field)))
    };
    match (c, p) {
        (None, Some(p)) if country.trim().is_empty() => (CountryCode::parse("LA").ok(), Some(p)),
        (Some(c), Some(_)) if c.as_str() != "LA" => {
            errors.push(
                FieldError::new(province_field, "err-province-not-lao").with("country", c.as_str()),
            );
            (Some(c), None)
        }
        other => other,
    }
}

impl Route {
    pub fn parse(
        origin_country: &str,
        origin_province: &str,
        destination_country: &str,
        destination_province: &str,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let (oc, op) = route_end(
            &mut errors,
            "origin_country",
            origin_country,
            "origin_province",
            origin_province,
        );
        let (dc, dp) = route_end(
            &mut errors,
            "destination_country",
            destination_country,
            "destination_province",
            destination_province,
        );
        errors.into_result()?;
        Ok(Self {
            origin_country: oc,
            origin_province: op,
            destination_country: dc,
            destination_province: dp,
        })
    }

    pub fn origin_country(&self) -> Option<CountryCode> {
        self.origin_country
    }

    pub fn origin_province(&self) -> Option<ProvinceCode> {
        self.origin_province
    }

    pub fn destination_country(&self) -> Option<CountryCode> {
        self.destination_country
    }

    pub fn destination_province(&self) -> Option<ProvinceCode> {
        self.destination_province
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The fields of a case, owned: what forms, the API and imports hand over
/// (as typed), and what storage keeps (in canonical form: codes, ISO dates,
/// `HH:MM`, closed-list values in their wire form).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CaseFields {
    pub reference: String,
    pub occurred_on: String,
    pub occurred_time: String,
    pub province: String,
    pub district: String,
    pub village: Option<VillageId>,
    pub border_crossing: Option<BorderCrossingId>,
    pub latitude: String,
    pub longitude: String,
    pub operation_name: String,
    pub detection_method: String,
    pub transport_mode: String,
    pub concealment_method: String,
    pub origin_country: String,
    pub origin_province: String,
    pub destination_country: String,
    pub destination_province: String,
    pub status: String,
    pub narrative: String,
}

impl CaseFields {
    pub fn as_input(&self, agency: OrganisationId, unit: UnitId) -> CaseInput<'_> {
        CaseInput {
            reference: &self.reference,
            occurred_on: &self.occurred_on,
            occurred_time: &self.occurred_time,
            place: PlaceInput {
                province: &self.province,
                district: &self.district,
                village: self.village,
                border_crossing: self.border_crossing,
                latitude: &self.latitude,
                longitude: &self.longitude,
            },
            agency,
            unit,
            operation_name: &self.operation_name,
            detection_method: &self.detection_method,
            transport_mode: &self.transport_mode,
            concealment_method: &self.concealment_method,
            origin_country: &self.origin_country,
            origin_province: &self.origin_province,
            destination_country: &self.destination_country,
            destination_province: &self.destination_province,
            status: &self.status,
            narrative: &self.narrative,
        }
    }

    /// The canonical fields of a validated case.
    pub fn canonical(reference: &CaseRef, d: &CaseDetails) -> Self {
        let date_f = time::macros::format_description!("[year]-[month]-[day]");
        let time_f = time::macros::format_description!("[hour]:[minute]");
        let opt = |o: Option<&'static str>| o.unwrap_or("").to_owned();
        Self {
            reference: reference.as_str().to_owned(),
            occurred_on: d.occurred.date().format(date_f).unwrap_or_default(),
            occurred_time: d
                .occurred
                .time()
                .and_then(|t| t.format(time_f).ok())
                .unwrap_or_default(),
            province: d.place.province().as_str().to_owned(),
            district: d
                .place
                .district()
                .map(|x| x.as_str().to_owned())
                .unwrap_or_default(),
            village: d.place.village(),
            border_crossing: d.place.border_crossing(),
            latitude: d
                .place
                .coordinates()
                .map(|c| c.lat().to_string())
                .unwrap_or_default(),
            longitude: d
                .place
                .coordinates()
                .map(|c| c.lon().to_string())
                .unwrap_or_default(),
            operation_name: d.operation_name.clone().unwrap_or_default(),
            detection_method: opt(d.detection_method.map(|x| x.as_str())),
            transport_mode: opt(d.transport_mode.map(|x| x.as_str())),
            concealment_method: opt(d.concealment_method.map(|x| x.as_str())),
            origin_country: d
                .route
                .origin_country()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            origin_province: d
                .route
                .origin_province()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            destination_country: d
                .route
                .destination_country()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            destination_province: d
                .route
                .destination_province()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            status: d.status.as_str().to_owned(),
            narrative: d.narrative.clone().unwrap_or_default(),
        }
    }
}

/// The raw fields of a case form (the seized items, people and assets have
/// their own inputs). The reporting agency and unit are chosen by the
/// application (usually the user's own) and arrive as ids.
#[derive(Debug, Clone)]
pub struct CaseInput<'a> {
    /// Empty: the application generates one ([`CaseRef::generated`]).
    pub reference: &'a str,
    pub occurred_on: &'a str,
    pub occurred_time: &'a str,
    pub place: PlaceInput<'a>,
    pub agency: OrganisationId,
    pub unit: UnitId,
    pub operation_name: &'a str,
    pub detection_method: &'a str,
    pub transport_mode: &'a str,
    pub concealment_method: &'a str,
    pub origin_country: &'a str,
    pub origin_province: &'a str,
    pub destination_country: &'a str,
    pub destination_province: &'a str,
    /// Empty: `open`.
    pub status: &'a str,
    pub narrative: &'a str,
}

/// The validated facts of a case. Cross-field rules live in the parts
/// ([`OccurredAt`], [`Place`], [`Route`]), whose fields are private.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseDetails {
    pub occurred: OccurredAt,
    pub place: Place,
    pub agency: OrganisationId,
    pub unit: UnitId,
    /// 1–200 characters, one line.
    pub operation_name: Option<String>,
    pub detection_method: Option<DetectionMethod>,
    pub transport_mode: Option<TransportMode>,
    pub concealment_method: Option<ConcealmentMethod>,
    pub route: Route,
    pub status: CaseStatus,
    /// Up to 20 000 characters, several lines.
    pub narrative: Option<String>,
}

/// A parsed case form: the reference, if the agency gave one, and the facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedCase {
    pub reference: Option<CaseRef>,
    pub details: CaseDetails,
}

impl CaseInput<'_> {
    pub const NARRATIVE_MAX: usize = 20_000;
    pub const OPERATION_NAME_MAX: usize = 200;

    /// Validates every field, collecting all errors. `now` is the local
    /// date and time.
    pub fn parse(&self, now: PrimitiveDateTime) -> Result<ParsedCase, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reference = if self.reference.trim().is_empty() {
            None
        } else {
            errors.take(CaseRef::parse(self.reference))
        };
        let occurred = match OccurredAt::parse(self.occurred_on, self.occurred_time, now) {
            Ok(o) => Some(o),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        };
        let place = match Place::parse(&self.place) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        };
        let operation_name = errors
            .take(optional_single_line(
                "operation_name",
                self.operation_name,
                Self::OPERATION_NAME_MAX,
            ))
            .flatten();
        let detection_method =
            non_blank(self.detection_method).and_then(|s| errors.take(DetectionMethod::parse(s)));
        let transport_mode =
            non_blank(self.transport_mode).and_then(|s| errors.take(TransportMode::parse(s)));
        let concealment_method = non_blank(self.concealment_method)
            .and_then(|s| errors.take(ConcealmentMethod::parse(s)));
        let route = match Route::parse(
            self.origin_country,
            self.origin_province,
            self.destination_country,
            self.destination_province,
        ) {
            Ok(r) => Some(r),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        };
        let status = match non_blank(self.status) {
            None => Some(CaseStatus::Open),
            Some(s) => errors.take(CaseStatus::parse(s)),
        };
        let narrative = errors
            .take(optional_multi_line(
                "narrative",
                self.narrative,
                Self::NARRATIVE_MAX,
            ))
            .flatten();
        match (occurred, place, route, status) {
            (Some(occurred), Some(place), Some(route), Some(status)) if errors.is_empty() => {
                Ok(ParsedCase {
                    reference,
                    details: CaseDetails {
                        occurred,
                        place,
                        agency: self.agency,
                        unit: self.unit,
                        operation_name,
                        detection_method,
                        transport_mode,
                        concealment_method,
                        route,
                        status,
                        narrative,
                    },
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime, time};
    use uuid::Uuid;

    fn keys(e: &FieldErrors) -> Vec<(&'static str, &'static str)> {
        e.0.iter().map(|e| (e.field, e.key)).collect()
    }

    #[test]
    fn case_refs() {
        let table: &[(&str, Result<&str, &str>)] = &[
            ("CNP/2026/0042", Ok("CNP/2026/0042")),
            ("  cus-bk.12 ", Ok("CUS-BK.12")),
            ("ປສ/໑໒", Ok("ປສ/12")),
            ("7", Ok("7")),
            (&"A".repeat(40), Ok(&"A".repeat(40))),
            ("", Err("err-required")),
            ("   ", Err("err-required")),
            (&"A".repeat(41), Err("err-too-long")),
            ("CNP 2026", Err("err-case-ref-chars")),
            ("CNP_1", Err("err-case-ref-chars")),
            ("CNP#1", Err("err-case-ref-chars")),
            ("//-.", Err("err-case-ref-chars")),
            ("ÉCU/1", Err("err-case-ref-chars")),
            ("ฉบับ1", Err("err-case-ref-chars")),
        ];
        for (input, expected) in table {
            let got = CaseRef::parse(input).map(|r| r.to_string()).map_err(|e| {
                assert_eq!(e.field, "reference");
                e.key
            });
            assert_eq!(got, expected.map(str::to_owned), "{input:?}");
        }
    }

    #[test]
    fn generated_refs() {
        let org = OrgCode::parse("cnp").unwrap();
        assert_eq!(
            CaseRef::generated(&org, 2026, 42).unwrap().as_str(),
            "CNP-2026-000042"
        );
        assert_eq!(
            CaseRef::generated(&org, 2026, 123_456_789)
                .unwrap()
                .as_str(),
            "CNP-2026-123456789"
        );
        let long = OrgCode::parse(&"X".repeat(20)).unwrap();
        assert!(CaseRef::generated(&long, 9999, 999_999_999).is_ok());
        assert_eq!(
            CaseRef::generated(&org, 2026, 0).unwrap_err().key,
            "err-range"
        );
        assert_eq!(
            CaseRef::generated(&org, 2026, 1_000_000_000)
                .unwrap_err()
                .key,
            "err-range"
        );
        assert_eq!(
            CaseRef::generated(&org, 999, 1).unwrap_err().key,
            "err-range"
        );
        assert_eq!(
            CaseRef::generated(&org, 10000, 1).unwrap_err().key,
            "err-range"
        );
    }

    #[test]
    fn status_transitions() {
        use CaseStatus::*;
        let allowed = [
            (Open, UnderInvestigation),
            (Open, SentToProsecutor),
            (Open, Closed),
            (UnderInvestigation, SentToProsecutor),
            (UnderInvestigation, Closed),
            (SentToProsecutor, CourtDecided),
            (SentToProsecutor, UnderInvestigation),
            (SentToProsecutor, Closed),
            (CourtDecided, Closed),
            (Closed, UnderInvestigation),
        ];
        for from in CaseStatus::ALL {
            for to in CaseStatus::ALL {
                let expected = allowed.contains(&(*from, *to));
                assert_eq!(from.can_move_to(*to), expected, "{from} -> {to}");
                match from.move_to(*to) {
                    Ok(s) => assert_eq!(s, *to),
                    Err(e) => {
                        assert_eq!((e.field, e.key), ("status", "err-status-transition"));
                        assert_eq!(
                            e.args,
                            vec![("from", from.to_string()), ("to", to.to_string())]
                        );
                    }
                }
            }
        }
        assert!(!Closed.can_move_to(Open));
        assert!(!Closed.can_move_to(Closed));
    }

    #[test]
    fn closed_lists_parse_their_wire_forms() {
        fn round_trip<T: Copy + PartialEq + std::fmt::Debug + Serialize>(
            all: &[T],
            as_str: fn(&T) -> &'static str,
            parse: fn(&str) -> Result<T, FieldError>,
        ) {
            for v in all {
                assert_eq!(parse(as_str(v)).unwrap(), *v);
                assert_eq!(
                    parse(&format!(" {} ", as_str(v).to_uppercase())).unwrap(),
                    *v
                );
                assert_eq!(serde_json::to_value(v).unwrap(), as_str(v));
                assert!(as_str(v)
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_'));
            }
        }
        round_trip(CaseStatus::ALL, CaseStatus::as_str, CaseStatus::parse);
        round_trip(
            DetectionMethod::ALL,
            DetectionMethod::as_str,
            DetectionMethod::parse,
        );
        round_trip(
            TransportMode::ALL,
            TransportMode::as_str,
            TransportMode::parse,
        );
        round_trip(
            ConcealmentMethod::ALL,
            ConcealmentMethod::as_str,
            ConcealmentMethod::parse,
        );
        assert_eq!(
            CaseStatus::parse("Under investigation").unwrap(),
            CaseStatus::UnderInvestigation
        );
        assert_eq!(
            TransportMode::parse("on-foot").unwrap(),
            TransportMode::OnFoot
        );
        let e = DetectionMethod::parse(" sniffer ").unwrap_err();
        assert_eq!((e.field, e.key), ("detection_method", "err-choice"));
        assert_eq!(e.args, vec![("value", "sniffer".to_owned())]);
        assert_eq!(
            ConcealmentMethod::parse("").unwrap_err().field,
            "concealment_method"
        );
    }

    #[test]
    fn dates_and_times() {
        let d = |s: &str| parse_date("d", s).map_err(|e| e.key);
        assert_eq!(d("2026-11-27"), Ok(date!(2026 - 11 - 27)));
        assert_eq!(d(" 2026-1-5 "), Ok(date!(2026 - 01 - 05)));
        assert_eq!(d("໒໐໒໖-໑໑-໒໗"), Ok(date!(2026 - 11 - 27)));
        for bad in [
            "27/11/2026",
            "2026-02-30",
            "2026-13-01",
            "26-11-27",
            "2026-11",
            "x",
            "2026-11-27T10:00",
        ] {
            assert_eq!(d(bad), Err("err-date"), "{bad}");
        }
        assert_eq!(d(""), Err("err-required"));
        let t = |s: &str| parse_time("t", s).map_err(|e| e.key);
        assert_eq!(t(""), Ok(None));
        assert_eq!(t("09:30"), Ok(Some(time!(09:30))));
        assert_eq!(t("9:30"), Ok(Some(time!(09:30))));
        assert_eq!(t("23:59:59"), Ok(Some(time!(23:59:59))));
        for bad in [
            "24:00",
            "12:60",
            "12",
            "12:5",
            "noon",
            "12:30:5",
            "12:30:00:00",
        ] {
            assert_eq!(t(bad), Err("err-time"), "{bad}");
        }
        let today = date!(2026 - 11 - 27);
        assert!(parse_past_date("d", "2026-11-27", today).is_ok());
        assert_eq!(
            parse_past_date("d", "2026-11-28", today).unwrap_err().key,
            "err-date-future"
        );
        assert_eq!(
            parse_past_date("d", "1969-12-31", today).unwrap_err().key,
            "err-date-too-early"
        );
    }

    #[test]
    fn occurred_at_is_not_in_the_future() {
        let now = datetime!(2026-11-27 14:00);
        let ok = OccurredAt::parse("2026-11-27", "13:59", now).unwrap();
        assert_eq!(ok.time(), Some(time!(13:59)));
        assert!(OccurredAt::parse("2026-11-27", "", now).is_ok());
        assert!(OccurredAt::parse("2026-11-26", "23:00", now).is_ok());
        let k = |d: &str, t: &str| keys(&OccurredAt::parse(d, t, now).unwrap_err());
        assert_eq!(
            k("2026-11-27", "14:01"),
            vec![("occurred_time", "err-date-future")]
        );
        assert_eq!(
            k("2026-11-28", ""),
            vec![("occurred_on", "err-date-future")]
        );
        assert_eq!(
            k("bad", "25:00"),
            vec![("occurred_on", "err-date"), ("occurred_time", "err-time")]
        );
    }

    #[test]
    fn places() {
        let p = |province, district, lat, lon| {
            Place::parse(&PlaceInput {
                province,
                district,
                latitude: lat,
                longitude: lon,
                ..PlaceInput::default()
            })
        };
        let ok = p("03", "0301", "20.27", "100.41").unwrap();
        assert_eq!(ok.district().unwrap().as_str(), "0301");
        assert!(ok.coordinates().is_some());
        assert!(p("03", "", "", "").unwrap().district().is_none());
        let k = |r: Result<Place, FieldErrors>| keys(&r.unwrap_err());
        assert_eq!(k(p("", "", "", "")), vec![("province", "err-required")]);
        assert_eq!(
            k(p("05", "0301", "", "")),
            vec![("district", "err-district-outside-province")]
        );
        assert_eq!(
            k(p("5x", "03", "", "")),
            vec![
                ("province", "err-province-code"),
                ("district", "err-district-code")
            ]
        );
        assert_eq!(
            k(p("03", "", "20.2", "")),
            vec![("longitude", "err-required")]
        );
        assert_eq!(
            k(p("03", "", "", "100")),
            vec![("latitude", "err-required")]
        );
        assert_eq!(
            k(p("03", "", "48.8", "2.3")),
            vec![("latitude", "err-outside-country")]
        );
        assert_eq!(k(p("03", "", "x", "2.3")), vec![("latitude", "err-number")]);
    }

    #[test]
    fn routes() {
        let r = Route::parse("mm", "", "", "01").unwrap();
        assert_eq!(r.origin_country().unwrap().as_str(), "MM");
        assert_eq!(r.destination_country().unwrap().as_str(), "LA");
        assert_eq!(r.destination_province().unwrap().as_str(), "01");
        assert!(Route::parse("", "", "", "").unwrap().is_empty());
        assert!(Route::parse("LA", "03", "TH", "").is_ok());
        let k = |a, b, c, d| keys(&Route::parse(a, b, c, d).unwrap_err());
        assert_eq!(
            k("TH", "03", "", ""),
            vec![("origin_province", "err-province-not-lao")]
        );
        assert_eq!(
            k("XYZ", "", "VN", "99x"),
            vec![
                ("origin_country", "err-country-code"),
                ("destination_province", "err-province-code")
            ]
        );
    }

    fn input<'a>() -> CaseInput<'a> {
        CaseInput {
            reference: "cnp/2026/7",
            occurred_on: "2026-11-20",
            occurred_time: "06:45",
            place: PlaceInput {
                province: "03",
                district: "0301",
                ..PlaceInput::default()
            },
            agency: OrganisationId::from_uuid(Uuid::nil()),
            unit: UnitId::from_uuid(Uuid::nil()),
            operation_name: "  Operation   Mekong 7 ",
            detection_method: "checkpoint_search",
            transport_mode: "truck",
            concealment_method: "tea_packaging",
            origin_country: "MM",
            origin_province: "",
            destination_country: "TH",
            destination_province: "",
            status: "",
            narrative: "Line one\r\nLine two",
        }
    }

    #[test]
    fn case_input_parses() {
        let now = datetime!(2026-11-27 10:00);
        let c = input().parse(now).unwrap();
        assert_eq!(c.reference.unwrap().as_str(), "CNP/2026/7");
        let d = c.details;
        assert_eq!(d.status, CaseStatus::Open);
        assert_eq!(d.operation_name.as_deref(), Some("Operation Mekong 7"));
        assert_eq!(d.narrative.as_deref(), Some("Line one\nLine two"));
        assert_eq!(d.concealment_method, Some(ConcealmentMethod::TeaPackaging));
        assert_eq!(d.route.destination_country().unwrap().as_str(), "TH");

        let generated = CaseInput {
            reference: " ",
            detection_method: "",
            transport_mode: "",
            concealment_method: "",
            narrative: "",
            operation_name: "",
            ..input()
        }
        .parse(now)
        .unwrap();
        assert!(generated.reference.is_none());
        assert!(generated.details.detection_method.is_none());
        assert!(generated.details.narrative.is_none());
    }

    #[test]
    fn case_input_collects_every_error() {
        let now = datetime!(2026-11-27 10:00);
        let long = "x".repeat(201);
        let narrative = "a\u{0}b";
        let bad = CaseInput {
            reference: "CNP 7",
            occurred_on: "2026-12-01",
            place: PlaceInput {
                province: "03",
                district: "0501",
                ..PlaceInput::default()
            },
            operation_name: &long,
            detection_method: "luck",
            transport_mode: "horse",
            concealment_method: "hat",
            origin_province: "03",
            origin_country: "TH",
            status: "pending",
            narrative,
            ..input()
        };
        let e = bad.parse(now).unwrap_err();
        assert_eq!(
            keys(&e),
            vec![
                ("reference", "err-case-ref-chars"),
                ("occurred_on", "err-date-future"),
                ("district", "err-district-outside-province"),
                ("operation_name", "err-too-long"),
                ("detection_method", "err-choice"),
                ("transport_mode", "err-choice"),
                ("concealment_method", "err-choice"),
                ("origin_province", "err-province-not-lao"),
                ("status", "err-choice"),
                ("narrative", "err-control-chars"),
            ]
        );
    }
}
