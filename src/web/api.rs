//! The JSON API: the same actions as the pages, for other registry systems. Sign in with
//! `POST /api/session` and send the token as `Authorization: Bearer TOKEN` (or use the browser
//! session cookie with the `X-CSRF-Token` header on POSTs). Errors are `{"error": "..."}` with
//! 400 (bad input), 401 (not signed in), 403 (refused), 404 (unknown), 409 (no longer in the
//! queue). The routes are listed in README.md.

use serde_json::{json, Value};

use super::{message_of, status_of, Context, Request, Response, Signed};
use crate::error::{Error, UserError};
use crate::record::{Nnu, PatientRecord, FIELDS};
use crate::review::actions::{self, Approval, Target};
use crate::review::{QueueCluster, QueueFilter};
use crate::store::audit::AuditFilter;
use crate::store::merges::MergeOutcome;
use crate::store::records::field_texts;

pub(super) fn route(context: &mut Context, request: &Request) -> Response {
    let segments: Vec<&str> = request.path.trim_matches('/').split('/').skip(1).collect();
    if request.is_post() && segments == ["session"] {
        return sign_in(context, request);
    }
    let Some(signed) = context.signed(request) else {
        return error(401, "sign in first: POST /api/session");
    };
    let body: Value = if request.body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(&request.body) {
            Ok(body) => body,
            Err(e) => return error(400, &format!("the body is not JSON: {e}")),
        }
    };
    if request.is_post() && !signed.csrf_ok(request, &super::Params::default()) {
        return error(403, "missing or wrong X-CSRF-Token header");
    }
    let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_string);
    let result = match (request.is_post(), segments.as_slice()) {
        (true, ["session", "end"]) => {
            context.sign_out(&signed.token);
            Ok(json!({"signed_out": true}))
        }
        (false, ["me"]) => Ok(json!({
            "username": signed.user.username,
            "profile": signed.user.profile.code(),
            "institutions": signed.user.institutions,
            "csrf": signed.session.csrf,
        })),
        (false, ["queue"]) => queue(context, &signed, request),
        (false, ["clusters", id]) => parse::<u32>(id).and_then(|id| {
            let cluster = actions::read_cluster(context.store, &signed.user, id)?;
            Ok(cluster_json(&cluster))
        }),
        (true, ["clusters", id, "approve"]) => parse::<u32>(id).and_then(|id| {
            let approval = Approval {
                cluster: id,
                expected: nnu_list(&body, "records")?,
                principal: nnu(&body, "principal")?,
                exclude: nnu_list(&body, "exclude")?,
                reason: text("reason"),
                ticket: text("ticket"),
                force: body.get("force").and_then(Value::as_bool).unwrap_or(false),
            };
            Ok(merge_json(&actions::approve(context.store, &signed.user, &approval)?))
        }),
        (true, ["clusters" | "pairs", target, "reject"]) => parse::<Target>(target).and_then(|target| {
            let reason = text("reason").unwrap_or_default();
            let n = actions::reject(
                context.store,
                &signed.user,
                target,
                &nnu_list(&body, "records")?,
                &reason,
                text("ticket").as_deref(),
            )?;
            Ok(json!({"rejected_pairs": n}))
        }),
        (true, ["clusters" | "pairs", target, "defer"]) => parse::<Target>(target).and_then(|target| {
            let until = text("until")
                .map(|u| {
                    crate::record::Date::parse(&u).map_err(|e| UserError::Invalid(format!("until {u:?}: {e}")))
                })
                .transpose()?;
            let n = actions::defer(
                context.store,
                &signed.user,
                target,
                &nnu_list(&body, "records")?,
                until,
                text("reason").as_deref(),
            )?;
            Ok(json!({"deferred_pairs": n}))
        }),
        (false, ["records", nnu]) => parse::<Nnu>(nnu).and_then(|nnu| {
            let view = actions::read_record(context.store, &signed.user, nnu)?;
            Ok(json!({
                "record": record_json(&view.principal().record),
                "merged_into_elsewhere": view.principal_elsewhere.map(|n| n.to_string()),
                "redirected_from": view.chain[..view.chain.len() - 1].iter().map(|r| r.record.sns_number.to_string()).collect::<Vec<_>>(),
                "merges": view.merges.iter().map(|m| json!({
                    "id": m.id,
                    "principal": m.principal.to_string(),
                    "duplicates": m.duplicates.iter().map(Nnu::to_string).collect::<Vec<_>>(),
                    "merged_at": m.merged_at,
                    "merged_by": m.merged_by,
                    "reason": m.reason,
                    "ticket": m.ticket,
                    "unmerged_at": m.unmerged.as_ref().map(|u| &u.0),
                    "fills": m.fills.iter().map(|(f, old, new)| json!({"field": f, "old_value": old, "new_value": new})).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            }))
        }),
        (true, ["merges", id, "unmerge"]) => parse::<i64>(id).and_then(|id| {
            let reason = text("reason").unwrap_or_default();
            let outcome = actions::unmerge(context.store, &signed.user, id, &reason, text("ticket").as_deref())?;
            Ok(json!({
                "merge_id": id,
                "principal": outcome.principal.to_string(),
                "restored": outcome.restored.iter().map(Nnu::to_string).collect::<Vec<_>>(),
                "kept_later_edits": outcome.kept_later_edits,
                "kept_duplicate_edits": outcome.kept_duplicate_edits.iter().map(|(n, f)| json!({"sns_number": n.to_string(), "field": f})).collect::<Vec<_>>(),
            }))
        }),
        (false, ["search"]) => {
            let q = &request.query;
            match super::pages::description_from(
                q.get("name"),
                q.get("birth_date"),
                q.get("sex"),
                q.get("birthplace"),
                q.get("nif"),
            ) {
                Ok(Some(description)) => {
                    let limit = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(5).min(50);
                    context
                        .with_matcher(|store, matcher| {
                            actions::search(store, matcher, &signed.user, &description, limit)
                        })
                    .map(|found| {
                        json!(found
                            .iter()
                            .map(|hit| json!({
                                "record": record_json(&hit.record),
                                "match_probability": hit.waterfall.match_probability,
                                "match_weight": hit.waterfall.match_weight,
                                "reasons_pt": hit.reasons_pt(),
                            }))
                            .collect::<Vec<_>>())
                    })
                }
                Ok(None) => Err(UserError::Invalid("give at least name=".into()).into()),
                Err(e) => Err(e),
            }
        }
        (false, ["audit"]) => {
            let filter = AuditFilter {
                record: request.query.get("record").and_then(|n| n.parse().ok()),
                actor: request.query.get("user").map(str::to_string),
                decisions_only: request.query.get("decisions").is_some(),
            };
            actions::audit_log(context.store, &signed.user, &filter).map(|entries| {
                json!(entries
                    .iter()
                    .map(|e| json!({
                        "id": e.id, "at": e.at, "actor": e.actor, "actor_kind": e.actor_kind, "action": e.action,
                        "records": e.records, "reason": e.reason, "ticket": e.ticket, "details": e.details,
                    }))
                    .collect::<Vec<_>>())
            })
        }
        _ => Err(UserError::UnknownRecord(format!("no API route {}", request.path)).into()),
    };
    match result {
        Ok(value) => Response::json(200, &value),
        Err(e) => error(status_of(&e), &message_of(&e)),
    }
}

fn parse<T: std::str::FromStr>(text: &str) -> Result<T, Error> {
    text.parse()
        .map_err(|_| UserError::Invalid(format!("{text:?} is not valid here")).into())
}

/// An NNU given as a string or a number.
fn nnu_value(value: &Value) -> Result<Nnu, Error> {
    match value {
        Value::String(text) => parse(text),
        Value::Number(number) => parse(&number.to_string()),
        other => Err(UserError::Invalid(format!("{other} is not an NNU")).into()),
    }
}

/// An optional NNU field.
fn nnu(body: &Value, name: &str) -> Result<Option<Nnu>, Error> {
    body.get(name).filter(|v| !v.is_null()).map(nnu_value).transpose()
}

/// An optional list of NNUs: every element must be one.
fn nnu_list(body: &Value, name: &str) -> Result<Vec<Nnu>, Error> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(list)) => list.iter().map(nnu_value).collect(),
        Some(other) => Err(UserError::Invalid(format!("{name}: expected a list of NNUs, not {other}")).into()),
    }
}

fn error(status: u16, message: &str) -> Response {
    Response::json(status, &json!({ "error": message }))
}

fn sign_in(context: &mut Context, request: &Request) -> Response {
    let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
    let field = |name: &str| body.get(name).and_then(Value::as_str).unwrap_or_default();
    match context.sign_in(field("username"), field("password")) {
        Ok(token) => Response::json(200, &json!({ "token": token })),
        Err(message) => error(401, &message),
    }
}

fn queue(context: &mut Context, signed: &Signed, request: &Request) -> Result<Value, Error> {
    let query = &request.query;
    let filter = QueueFilter {
        unit: query.get("unit").map(str::to_string),
        min_probability: query.get("min_probability").and_then(|p| p.parse().ok()),
        max_probability: query.get("max_probability").and_then(|p| p.parse().ok()),
        deferred: query.get("deferred").is_some(),
        ..QueueFilter::default()
    };
    let clusters = actions::user_queue(context.store, &signed.user, &filter)?;
    let offset: usize = query.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    let limit: usize = query.get("limit").and_then(|o| o.parse().ok()).unwrap_or(50).min(1000);
    let shown: Vec<&QueueCluster> = clusters.iter().skip(offset).take(limit).collect();
    // Only NNUs leave here: reading the records is `GET /api/clusters/ID`, which is audited.
    Ok(json!({
        "total": clusters.len(),
        "offset": offset,
        "clusters": shown.iter().map(|c| json!({
            "id": c.id,
            "n_records": c.records.len(),
            "max_match_probability": c.max_probability,
            "records": c.records.iter().map(|r| r.record.sns_number.to_string()).collect::<Vec<_>>(),
            "first_seen": c.first_seen,
        })).collect::<Vec<_>>(),
    }))
}

fn record_json(record: &PatientRecord) -> Value {
    let texts = field_texts(record);
    let mut object = serde_json::Map::new();
    for (field, value) in FIELDS.iter().zip(texts) {
        object.insert(field.to_string(), json!(value));
    }
    object.insert("invalid_fields".into(), json!(record.invalid_fields()));
    Value::Object(object)
}

fn cluster_json(cluster: &QueueCluster) -> Value {
    let suggestion = cluster.suggestion();
    json!({
        "id": cluster.id,
        "max_match_probability": cluster.max_probability,
        "records": cluster.records.iter().map(|r| record_json(&r.record)).collect::<Vec<_>>(),
        "suggested_principal": suggestion.as_ref().map(|(i, _)| cluster.records[*i].record.sns_number.to_string()),
        "suggestion_reason": suggestion.map(|(_, why)| why),
        "pairs": cluster.pairs.iter().map(|p| json!({
            "sns_number_l": p.sns_number_l.to_string(),
            "sns_number_r": p.sns_number_r.to_string(),
            "match_probability": p.match_probability,
            "match_weight": p.match_weight,
            "gamma": p.gamma.iter().map(|g| g.0).collect::<Vec<_>>(),
            "partial_weights": p.partial_weights,
            "reasons": crate::review::present::reasons(&p.gamma, &p.partial_weights),
            "reasons_pt": crate::review::present::reasons_pt(&p.gamma, &p.partial_weights),
            "rejected_earlier_at": p.rejected_at,
        })).collect::<Vec<_>>(),
    })
}

fn merge_json(outcome: &MergeOutcome) -> Value {
    json!({
        "merge_id": outcome.merge_id,
        "principal": outcome.plan.principal.sns_number.to_string(),
        "duplicates": outcome.duplicates.iter().map(|d| d.sns_number.to_string()).collect::<Vec<_>>(),
        "fills": outcome.plan.fills.iter().map(|f| json!({
            "field": f.field, "old_value": f.old_value, "new_value": f.new_value, "from": f.from.to_string(),
        })).collect::<Vec<_>>(),
        "principal_after": record_json(&outcome.plan.principal),
    })
}
