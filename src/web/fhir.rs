//! FHIR R4 `Patient/$match` (check before registering): a `Parameters` resource with a
//! `resource` Patient in, a `searchset` `Bundle` out, each entry with `search.score` and the
//! `match-grade` extension. Same sign-in and checks as the JSON API; records of other
//! institutions come back as their identifier only.

use serde_json::{json, Value};

use super::{message_of, status_of, Context, Params, Request, Response};
use crate::matching::MatchGrade;
use crate::record::{Date, Sex};
use crate::review::actions::{self, Description, Found};

/// The NNU's identifier system in the answers.
const NNU_SYSTEM: &str = "urn:oid:2.16.620.1.101.10.1";
const MATCH_GRADE: &str = "http://hl7.org/fhir/StructureDefinition/match-grade";
const BIRTH_PLACE: &str = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace";

fn fhir(status: u16, value: &Value) -> Response {
    let mut response = Response::json(status, value);
    response.content_type = "application/fhir+json";
    response
}

fn outcome(status: u16, code: &str, diagnostics: &str) -> Response {
    fhir(
        status,
        &json!({
            "resourceType": "OperationOutcome",
            "issue": [{ "severity": "error", "code": code, "diagnostics": diagnostics }],
        }),
    )
}

pub(super) fn route(context: &mut Context, request: &Request) -> Response {
    if !(request.is_post() && request.path.trim_end_matches('/') == "/fhir/Patient/$match") {
        return outcome(404, "not-supported", "only POST /fhir/Patient/$match is served");
    }
    let Some(signed) = context.signed(request) else {
        return outcome(
            401,
            "login",
            "sign in first: POST /api/session, then Authorization: Bearer TOKEN",
        );
    };
    if !signed.csrf_ok(request, &Params::default()) {
        return outcome(403, "forbidden", "missing or wrong X-CSRF-Token header");
    }
    let parameters: Value = match serde_json::from_slice(&request.body) {
        Ok(value) => value,
        Err(e) => return outcome(400, "invalid", &format!("the body is not JSON: {e}")),
    };
    let (description, count, only_certain) = match read_parameters(&parameters) {
        Ok(read) => read,
        Err(message) => return outcome(400, "invalid", &message),
    };
    let found = context.with_matcher(|store, matcher| {
        actions::check_before_registering(store, matcher, &signed.user, &description, count)
    });
    let found = match found {
        Ok(found) => found,
        Err(e) => {
            let code = match status_of(&e) {
                403 => "forbidden",
                500 => "exception",
                _ => "invalid",
            };
            return outcome(status_of(&e), code, &message_of(&e));
        }
    };
    let threshold = context.settings.scan.threshold_match_probability;
    let entries: Vec<Value> = found
        .iter()
        .map(|f| (f, MatchGrade::of(f.hit.waterfall.match_probability, threshold)))
        .filter(|(_, grade)| !only_certain || *grade == MatchGrade::Certain)
        .map(|(f, grade)| entry(f, grade))
        .collect();
    fhir(
        200,
        &json!({
            "resourceType": "Bundle",
            "type": "searchset",
            "total": entries.len(),
            "entry": entries,
        }),
    )
}

fn entry(found: &Found, grade: MatchGrade) -> Value {
    let record = &found.hit.record;
    let nnu = record.sns_number.to_string();
    let mut patient = json!({
        "resourceType": "Patient",
        "id": nnu,
        "identifier": [{ "system": NNU_SYSTEM, "value": nnu }],
    });
    if found.visible {
        patient["name"] = json!([{ "text": record.full_name }]);
        if let Some(date) = record.birth_date.valid() {
            patient["birthDate"] = json!(date.to_string());
        }
        if let Some(sex) = record.sex.valid() {
            patient["gender"] = json!(match sex {
                Sex::M => "male",
                Sex::F => "female",
            });
        }
        if record.death_date.valid().is_some() {
            patient["deceasedBoolean"] = json!(true);
        }
    }
    json!({
        "fullUrl": format!("Patient/{nnu}"),
        "resource": patient,
        "search": {
            "mode": "match",
            "score": found.hit.waterfall.match_probability,
            "extension": [{ "url": MATCH_GRADE, "valueCode": grade.code() }],
        },
    })
}

/// The description, `count` and `onlyCertainMatches` of a `Parameters` resource.
fn read_parameters(parameters: &Value) -> Result<(Description, usize, bool), String> {
    if parameters["resourceType"] != "Parameters" {
        return Err("expected a Parameters resource".into());
    }
    let list = parameters["parameter"]
        .as_array()
        .ok_or("Parameters has no parameter")?;
    let named = |name: &str| list.iter().find(|p| p["name"] == name);
    let patient = named("resource")
        .map(|p| &p["resource"])
        .filter(|r| r["resourceType"] == "Patient")
        .ok_or("a parameter \"resource\" with a Patient is required")?;
    let count = named("count")
        .and_then(|p| p["valueInteger"].as_u64())
        .unwrap_or(5)
        .clamp(1, 50) as usize;
    let only_certain = named("onlyCertainMatches")
        .and_then(|p| p["valueBoolean"].as_bool())
        .unwrap_or(false);
    let name = &patient["name"][0];
    let full_name = match name["text"].as_str() {
        Some(text) => text.to_string(),
        None => {
            let mut parts: Vec<&str> = name["given"]
                .as_array()
                .map(|g| g.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(family) = name["family"].as_str() {
                parts.push(family);
            }
            parts.join(" ")
        }
    };
    if full_name.trim().is_empty() {
        return Err("the Patient needs a name (text, or given and family)".into());
    }
    let birth_date = patient["birthDate"]
        .as_str()
        .map(|d| Date::parse(d).map_err(|e| format!("birthDate {d:?}: {e}")))
        .transpose()?;
    let sex = match patient["gender"].as_str() {
        Some("male") => Some(Sex::M),
        Some("female") => Some(Sex::F),
        _ => None,
    };
    let birthplace = patient["extension"].as_array().and_then(|extensions| {
        extensions
            .iter()
            .find(|e| e["url"] == BIRTH_PLACE)
            .and_then(|e| e["valueAddress"]["city"].as_str())
            .map(str::to_string)
    });
    let nif = patient["identifier"].as_array().and_then(|ids| {
        ids.iter()
            .find(|i| i["system"].as_str().is_some_and(|s| s.to_lowercase().contains("nif")))
            .and_then(|i| i["value"].as_str())
            .and_then(|v| v.parse().ok())
    });
    Ok((
        Description {
            full_name,
            birth_date,
            sex,
            birthplace,
            nif,
        },
        count,
        only_certain,
    ))
}
