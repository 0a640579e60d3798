//! The pages, in Portuguese: sign-in, the queue, a cluster, a record, the audit log. Plain HTML
//! forms, no scripts: works on any hospital PC browser and with the keyboard alone.

use super::html::{escape, notice, page, url_encode, STYLE};
use super::{status_of, Context, Params, Request, Response, Signed, LOGIN_COOKIE, SESSION_COOKIE};
use crate::error::Error;
use crate::record::{Nnu, FIELDS};
use crate::review::actions::{self, Approval, Target};
use crate::review::present::{field_label, labelled_weights, shown_fields};
use crate::review::{QueueCluster, QueueFilter};
use crate::store::audit::AuditFilter;
use crate::store::predictions::SavedPair;
use crate::store::today;

/// Clusters per page of the queue.
const PAGE_SIZE: usize = 50;

pub(super) fn route(context: &mut Context, request: &Request) -> Response {
    let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    match (request.is_post(), segments.as_slice()) {
        (false, ["static", "unico.css"]) => Response {
            status: 200,
            content_type: "text/css; charset=utf-8",
            body: STYLE.as_bytes().to_vec(),
            headers: Vec::new(),
        },
        (false, ["entrar"]) => sign_in_form(request, None),
        (true, ["entrar"]) => sign_in(context, request),
        _ => {
            let Some(signed) = context.signed(request) else {
                return if request.is_post() {
                    Response::html(403, page("Sessão terminada", None, &signed_out_notice()))
                } else {
                    Response::redirect("/entrar")
                };
            };
            let form = request.form();
            if request.is_post() && !signed.csrf_ok(request, &form) {
                return error_page(
                    &signed,
                    403,
                    "Pedido recusado: o formulário não tem o código de segurança (CSRF) desta sessão. Volte à página e tente de novo.",
                );
            }
            let result = match (request.is_post(), segments.as_slice()) {
                (false, [""]) => Ok(Response::redirect("/fila")),
                (true, ["sair"]) => {
                    context.sign_out(&signed.token);
                    Ok(Response::redirect("/entrar").with_cookie(SESSION_COOKIE, "", Some(0)))
                }
                (false, ["fila"]) => queue(context, &signed, &request.query),
                (false, ["cluster", id]) => match id.parse() {
                    Ok(id) => cluster(context, &signed, id, &request.query),
                    Err(_) => Err(not_found()),
                },
                (true, ["cluster", id, action]) => match id.parse() {
                    Ok(id) => decide(context, &signed, id, action, &form),
                    Err(_) => Err(not_found()),
                },
                (false, ["utente", nnu]) => match nnu.parse() {
                    Ok(nnu) => record(context, &signed, nnu, &request.query),
                    Err(_) => Err(not_found()),
                },
                (true, ["fusao", id, "desfazer"]) => match id.parse() {
                    Ok(id) => unmerge(context, &signed, id, &form),
                    Err(_) => Err(not_found()),
                },
                (false, ["auditoria"]) => audit(context, &signed, &request.query),
                _ => Err(not_found()),
            };
            result.unwrap_or_else(|error| error_page(&signed, status_of(&error), &error.to_string()))
        }
    }
}

fn not_found() -> Error {
    crate::error::UserError::UnknownRecord("(página inexistente)".into()).into()
}

fn signed_out_notice() -> String {
    format!(
        "{}<p><a href=\"/entrar\">Entrar de novo</a></p>",
        notice("erro", "A sessão terminou (saída ou inatividade). Entre de novo.")
    )
}

fn error_page(signed: &Signed, status: u16, message: &str) -> Response {
    let body = format!("{}<p><a href=\"/fila\">Voltar à fila</a></p>", notice("erro", message));
    Response::html(
        status,
        page("Não foi possível", Some((&signed.user, &signed.session.csrf)), &body),
    )
}

fn sign_in_form(request: &Request, error: Option<&str>) -> Response {
    let token = request
        .cookie(LOGIN_COOKIE)
        .filter(|t| t.len() == 64)
        .map(str::to_string)
        .or_else(|| super::auth::random_token().ok())
        .unwrap_or_default();
    let body = format!(
        r#"{error}<form method="post" action="/entrar">
<input type="hidden" name="csrf" value="{token}">
<p><label for="utilizador">Utilizador</label><br><input id="utilizador" name="utilizador" autocomplete="username" required autofocus></p>
<p><label for="senha">Senha</label><br><input id="senha" name="senha" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Entrar</button></p>
</form>"#,
        error = error.map(|e| notice("erro", e)).unwrap_or_default(),
        token = escape(&token),
    );
    Response::html(if error.is_some() { 401 } else { 200 }, page("Entrar", None, &body)).with_cookie(
        LOGIN_COOKIE,
        &token,
        None,
    )
}

fn sign_in(context: &mut Context, request: &Request) -> Response {
    let form = request.form();
    let csrf_ok = match (form.get("csrf"), request.cookie(LOGIN_COOKIE)) {
        (Some(field), Some(cookie)) => super::auth::same_token(field, cookie),
        _ => false,
    };
    if !csrf_ok {
        return sign_in_form(
            request,
            Some("Pedido recusado: recarregue a página de entrada e tente de novo."),
        );
    }
    let (username, password) = (
        form.get("utilizador").unwrap_or_default(),
        form.get("senha").unwrap_or_default(),
    );
    match context.sign_in(username, password) {
        Ok(token) => Response::redirect("/fila")
            .with_cookie(SESSION_COOKIE, &token, None)
            .with_cookie(LOGIN_COOKIE, "", Some(0)),
        Err(message) => sign_in_form(request, Some(&message)),
    }
}

fn filter_from(query: &Params) -> QueueFilter {
    QueueFilter {
        unit: query.get("unidade").map(str::to_string),
        min_probability: query.get("min").and_then(|p| p.parse().ok()),
        max_probability: query.get("max").and_then(|p| p.parse().ok()),
        deferred: query.get("adiados").is_some(),
        ..QueueFilter::default()
    }
}

fn queue(context: &mut Context, signed: &Signed, query: &Params) -> Result<Response, Error> {
    let filter = filter_from(query);
    let clusters = actions::user_queue(context.store, &signed.user, &filter)?;
    let n_pages = clusters.len().div_ceil(PAGE_SIZE).max(1);
    let page_no = query
        .get("pagina")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, n_pages);
    let shown = &clusters[(page_no - 1) * PAGE_SIZE..(page_no * PAGE_SIZE).min(clusters.len())];
    let today = today();
    let mut rows = String::new();
    for cluster in shown {
        let first = &cluster.records[0].record;
        let mut units: Vec<&str> = cluster
            .records
            .iter()
            .filter_map(|r| r.record.registration_unit.as_deref())
            .collect();
        units.sort_unstable();
        units.dedup();
        rows.push_str(&format!(
            r#"<tr><td><a href="/cluster/{id}">Cluster {id}</a></td><td>{name}{more}</td><td>{n}</td><td>{p:.3}</td><td>{units}</td><td>{days}</td></tr>"#,
            id = cluster.id,
            name = escape(&first.full_name),
            more = if cluster.records.len() > 1 {
                format!(" (+{})", cluster.records.len() - 1)
            } else {
                String::new()
            },
            n = cluster.records.len(),
            p = cluster.max_probability,
            units = escape(&units.join(", ")),
            days = cluster.waiting_days(today).map_or("—".into(), |d| d.to_string()),
        ));
    }
    let viewed: Vec<_> = shown.iter().map(|c| &c.records[0].record).collect();
    actions::audit_view(context.store, &signed.user, &viewed, "web queue")?;
    let keep = |name: &str| {
        query
            .get(name)
            .map(|v| format!("&{name}={}", url_encode(v)))
            .unwrap_or_default()
    };
    let filters = format!("{}{}{}{}", keep("unidade"), keep("min"), keep("max"), keep("adiados"));
    let mut pages = String::new();
    if n_pages > 1 {
        pages.push_str(r#"<nav class="paginas" aria-label="páginas">"#);
        if page_no > 1 {
            pages.push_str(&format!(
                r#"<a href="/fila?pagina={}{filters}" rel="prev">« Anterior</a>"#,
                page_no - 1
            ));
        }
        pages.push_str(&format!("<span>Página {page_no} de {n_pages}</span>"));
        if page_no < n_pages {
            pages.push_str(&format!(
                r#"<a href="/fila?pagina={}{filters}" rel="next">Seguinte »</a>"#,
                page_no + 1
            ));
        }
        pages.push_str("</nav>");
    }
    let value = |name: &str| escape(query.get(name).unwrap_or_default());
    let body = format!(
        r#"{ok}<form method="get" action="/fila" class="filtros">
<label for="unidade">Unidade</label> <input id="unidade" name="unidade" value="{unit}" size="10">
<label for="min">Probabilidade de</label> <input id="min" name="min" value="{min}" size="5" inputmode="decimal">
<label for="max">a</label> <input id="max" name="max" value="{max}" size="5" inputmode="decimal">
<label><input type="checkbox" name="adiados" value="1"{deferred}> Só adiados</label>
<button type="submit">Filtrar</button></form>
<p id="contagem">{total} cluster(s) {what}na fila das suas instituições ({institutions}).</p>
{pages}
<table id="fila"><thead><tr><th>Cluster</th><th>Utente</th><th>Registos</th><th>Probabilidade</th><th>Locais de inscrição</th><th>Dias</th></tr></thead>
<tbody>{rows}</tbody></table>
{pages}"#,
        ok = query.get("ok").map(|m| notice("ok", m)).unwrap_or_default(),
        unit = value("unidade"),
        min = value("min"),
        max = value("max"),
        deferred = if filter.deferred { " checked" } else { "" },
        total = clusters.len(),
        what = if filter.deferred { "adiado(s) " } else { "" },
        institutions = if signed.user.profile.national() {
            "todas".to_string()
        } else {
            escape(&signed.user.institutions.join(", "))
        },
    );
    Ok(Response::html(
        200,
        page("Fila de revisão", Some((&signed.user, &signed.session.csrf)), &body),
    ))
}

/// The waterfall of one pair as bars: the prior, each comparison's weight, the final weight.
fn waterfall_svg(pair: &SavedPair, prior_weight: f64) -> String {
    let mut rows: Vec<(String, f64)> = vec![("à partida (prior)".into(), prior_weight)];
    rows.extend(labelled_weights(&pair.gamma, &pair.partial_weights));
    rows.push(("total".into(), pair.match_weight));
    let scale = rows.iter().map(|(_, w)| w.abs()).fold(1.0, f64::max);
    let (label_width, half, row_height) = (300.0, 220.0, 20.0);
    let mut svg = format!(
        r#"<svg role="img" aria-label="Pesos da comparação" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#,
        w = label_width + 2.0 * half + 60.0,
        h = row_height * rows.len() as f64 + 4.0
    );
    let zero = label_width + half;
    for (i, (label, weight)) in rows.iter().enumerate() {
        let y = i as f64 * row_height + 2.0;
        let length = weight.abs() / scale * half;
        let x = if *weight < 0.0 { zero - length } else { zero };
        let colour = match (label.as_str(), *weight >= 0.0) {
            ("à partida (prior)" | "total", _) => "#0b4f6c",
            (_, true) => "#2a7a3b",
            (_, false) => "#b42318",
        };
        svg.push_str(&format!(
            r#"<text x="0" y="{ty}">{label}</text><rect x="{x:.1}" y="{y:.1}" width="{length:.1}" height="{bh}" fill="{colour}"></rect><text x="{tx:.1}" y="{ty}">{weight:+.1}</text>"#,
            ty = y + 13.0,
            label = escape(label),
            bh = row_height - 6.0,
            tx = zero + half + 6.0,
        ));
    }
    svg.push_str(&format!(
        r#"<line x1="{zero}" y1="0" x2="{zero}" y2="{}" stroke="gray"></line></svg>"#,
        row_height * rows.len() as f64 + 4.0
    ));
    svg
}

fn cluster(context: &mut Context, signed: &Signed, id: u32, query: &Params) -> Result<Response, Error> {
    let cluster: QueueCluster = actions::read_cluster(context.store, &signed.user, id)?;
    let prior_weight = context
        .store
        .latest_scan()?
        .map_or(0.0, |scan| scan.model.prior_weight());
    let suggestion = cluster.suggestion();
    let columns: Vec<Vec<String>> = cluster.records.iter().map(|r| shown_fields(&r.record)).collect();
    let mut table = String::from("<table id=\"registos\"><thead><tr><th>Campo</th>");
    for (i, stored) in cluster.records.iter().enumerate() {
        let suggested = suggestion.as_ref().is_some_and(|(s, _)| *s == i);
        table.push_str(&format!(
            r#"<th{class}><a href="/utente/{nnu}">{nnu}</a>{mark}</th>"#,
            class = if suggested { r#" class="sugerido""# } else { "" },
            nnu = stored.record.sns_number,
            mark = if suggested { " (sugerido)" } else { "" },
        ));
    }
    table.push_str("</tr></thead><tbody>");
    for (f, field) in FIELDS.iter().enumerate().skip(1) {
        let differs = columns.iter().any(|c| c[f] != columns[0][f]);
        table.push_str(&format!(
            r#"<tr{class} data-campo="{field}"><th scope="row">{label}</th>"#,
            class = if differs { r#" class="difere""# } else { "" },
            label = escape(field_label(field)),
        ));
        for column in &columns {
            table.push_str(&format!("<td>{}</td>", escape(&column[f])));
        }
        table.push_str("</tr>");
    }
    table.push_str("</tbody></table>");
    let mut pairs = String::new();
    for pair in &cluster.pairs {
        pairs.push_str(&format!(
            "<h3>{} – {}: probabilidade {:.3}</h3>{}",
            pair.sns_number_l,
            pair.sns_number_r,
            pair.match_probability,
            waterfall_svg(pair, prior_weight)
        ));
    }
    let csrf = escape(&signed.session.csrf);
    let ticket_field = if signed.user.profile == crate::access::Profile::CentroSuporte {
        r#"<p><label for="pedido-{form}">N.º do pedido (obrigatório para o Centro de Suporte)</label><br><input id="pedido-{form}" name="pedido" required></p>"#
    } else {
        ""
    };
    let forms = if signed.user.profile.decides() {
        let mut choices = String::new();
        for (i, stored) in cluster.records.iter().enumerate() {
            let nnu = stored.record.sns_number;
            let checked = suggestion.as_ref().is_some_and(|(s, _)| *s == i);
            choices.push_str(&format!(
                r#"<label><input type="radio" name="principal" value="{nnu}" id="principal-{nnu}"{checked}> {nnu} — {name}</label><br>"#,
                checked = if checked { " checked" } else { "" },
                name = escape(&stored.record.full_name),
            ));
        }
        let mut excludes = String::new();
        for stored in &cluster.records {
            let nnu = stored.record.sns_number;
            excludes.push_str(&format!(
                r#"<label><input type="checkbox" name="excluir" value="{nnu}" id="excluir-{nnu}"> deixar {nnu} de fora</label> "#
            ));
        }
        format!(
            r#"<form method="post" action="/cluster/{id}/aprovar" id="aprovar"><fieldset><legend>Aprovar a fusão</legend>
<input type="hidden" name="csrf" value="{csrf}">
<p>Registo principal (mantém o seu NNU e os seus dados):<br>{choices}</p><p>{excludes}</p>
{ticket_a}<p><label for="motivo-aprovar">Motivo</label><br><input id="motivo-aprovar" name="motivo" size="60"></p>
<p><label><input type="checkbox" name="forcar" value="1"> Forçar apesar de NIF diferentes (exige motivo)</label></p>
<button type="submit">Aprovar fusão</button></fieldset></form>
<form method="post" action="/cluster/{id}/rejeitar" id="rejeitar"><fieldset><legend>Não são a mesma pessoa</legend>
<input type="hidden" name="csrf" value="{csrf}">
{ticket_r}<p><label for="motivo-rejeitar">Motivo (obrigatório)</label><br><input id="motivo-rejeitar" name="motivo" size="60" required></p>
<button type="submit">Rejeitar</button></fieldset></form>
<form method="post" action="/cluster/{id}/adiar" id="adiar"><fieldset><legend>Adiar</legend>
<input type="hidden" name="csrf" value="{csrf}">
<p><label for="ate">Até (aaaa-mm-dd, opcional)</label> <input id="ate" name="ate" size="10">
<label for="motivo-adiar">Motivo</label> <input id="motivo-adiar" name="motivo" size="40"></p>
<button type="submit">Adiar</button></fieldset></form>"#,
            ticket_a = ticket_field.replace("{form}", "a"),
            ticket_r = ticket_field.replace("{form}", "r"),
        )
    } else {
        format!(
            "<p>O seu perfil ({}) permite consultar, não decidir.</p>",
            escape(signed.user.profile.label())
        )
    };
    let body = format!(
        r#"{ok}<p>{n} registos · melhor probabilidade {p:.3}</p>
{table}
<p id="sugestao">{suggestion}</p>
<h2>Pares e razões</h2>
{pairs}
<h2>Decisão</h2>
{forms}"#,
        ok = query.get("ok").map(|m| notice("ok", m)).unwrap_or_default(),
        n = cluster.records.len(),
        p = cluster.max_probability,
        suggestion = suggestion
            .map(|(i, why)| format!(
                "Principal sugerido: <strong>{}</strong> — {}",
                cluster.records[i].record.sns_number,
                escape(&why)
            ))
            .unwrap_or_default(),
    );
    Ok(Response::html(
        200,
        page(
            &format!("Cluster {id}"),
            Some((&signed.user, &signed.session.csrf)),
            &body,
        ),
    ))
}

fn decide(context: &mut Context, signed: &Signed, id: u32, action: &str, form: &Params) -> Result<Response, Error> {
    let ticket = form.get("pedido").map(str::to_string);
    let reason = form.get("motivo").map(str::to_string);
    match action {
        "aprovar" => {
            let principal = form.get("principal").and_then(|p| p.parse::<Nnu>().ok());
            let approval = Approval {
                cluster: id,
                principal,
                exclude: form.all("excluir").iter().filter_map(|n| n.parse().ok()).collect(),
                reason,
                ticket,
                force: form.get("forcar").is_some(),
            };
            let outcome = actions::approve(context.store, &signed.user, &approval)?;
            let message = format!(
                "Fusão n.º {} aprovada: {} registo(s) fundido(s) neste.",
                outcome.merge_id,
                outcome.duplicates.len()
            );
            Ok(Response::redirect(&format!(
                "/utente/{}?ok={}",
                outcome.plan.principal.sns_number,
                url_encode(&message)
            )))
        }
        "rejeitar" => {
            let n = actions::reject(
                context.store,
                &signed.user,
                Target::Cluster(id),
                reason.as_deref().unwrap_or_default(),
                ticket.as_deref(),
            )?;
            let message = format!("Cluster {id}: {n} par(es) rejeitado(s); não voltarão a ser propostos.");
            Ok(Response::redirect(&format!("/fila?ok={}", url_encode(&message))))
        }
        "adiar" => {
            let until = match form.get("ate") {
                Some(text) => Some(
                    crate::record::Date::parse(text)
                        .map_err(|e| crate::error::UserError::Settings(format!("data {text:?}: {e}")))?
                        .to_string(),
                ),
                None => None,
            };
            let n = actions::defer(
                context.store,
                &signed.user,
                Target::Cluster(id),
                until.as_deref(),
                reason.as_deref(),
            )?;
            let message = format!("Cluster {id}: {n} par(es) adiado(s).");
            Ok(Response::redirect(&format!("/fila?ok={}", url_encode(&message))))
        }
        _ => Err(not_found()),
    }
}

fn record(context: &mut Context, signed: &Signed, nnu: Nnu, query: &Params) -> Result<Response, Error> {
    let view = actions::read_record(context.store, &signed.user, nnu)?;
    let principal = view.principal();
    let mut body = query.get("ok").map(|m| notice("ok", m)).unwrap_or_default();
    for pair in view.chain.windows(2) {
        body.push_str(&format!(
            r#"<p class="aviso ok">O utente {} foi fundido no utente <a href="/utente/{p}">{p}</a> (registo principal).</p>"#,
            pair[0].record.sns_number,
            p = pair[1].record.sns_number
        ));
    }
    body.push_str("<table id=\"ficha\"><tbody>");
    for (field, value) in FIELDS.iter().zip(shown_fields(&principal.record)) {
        body.push_str(&format!(
            r#"<tr><th scope="row">{}</th><td>{}</td></tr>"#,
            escape(field_label(field)),
            escape(&value)
        ));
    }
    body.push_str("</tbody></table><h2>Histórico de fusões</h2>");
    if view.merges.is_empty() {
        body.push_str("<p>Nenhuma fusão.</p>");
    }
    body.push_str("<ul id=\"fusoes\">");
    for merge in &view.merges {
        let duplicates: Vec<String> = merge.duplicates.iter().map(Nnu::to_string).collect();
        let fills: Vec<String> = merge
            .fills
            .iter()
            .map(|(field, _, new)| format!("{} ← {}", field_label(field), new))
            .collect();
        body.push_str(&format!(
            "<li id=\"fusao-{id}\">Fusão n.º {id} em {at} por {by}: {dups} fundido(s) em {p}{fills}{reason}{ticket}",
            id = merge.id,
            at = escape(&merge.merged_at),
            by = escape(&merge.merged_by),
            dups = escape(&duplicates.join(", ")),
            p = merge.principal,
            fills = if fills.is_empty() {
                String::new()
            } else {
                format!("; preenchido: {}", escape(&fills.join(", ")))
            },
            reason = merge
                .reason
                .as_deref()
                .map(|r| format!("; motivo: {}", escape(r)))
                .unwrap_or_default(),
            ticket = merge
                .ticket
                .as_deref()
                .map(|t| format!("; pedido {}", escape(t)))
                .unwrap_or_default(),
        ));
        match &merge.unmerged {
            Some((at, by, why)) => body.push_str(&format!(
                " — <strong>desfeita</strong> em {} por {} ({})",
                escape(at),
                escape(by),
                escape(why)
            )),
            None if signed.user.profile.decides() && merge.principal == principal.record.sns_number => {
                body.push_str(&format!(
                    r#"<form method="post" action="/fusao/{id}/desfazer" class="desfazer"><input type="hidden" name="csrf" value="{csrf}">
<label for="motivo-{id}">Motivo</label> <input id="motivo-{id}" name="motivo" required>{ticket}
<button type="submit">Desfazer fusão</button></form>"#,
                    id = merge.id,
                    csrf = escape(&signed.session.csrf),
                    ticket = if signed.user.profile == crate::access::Profile::CentroSuporte {
                        r#" <label>Pedido <input name="pedido" required></label>"#
                    } else {
                        ""
                    },
                ));
            }
            None => {}
        }
        body.push_str("</li>");
    }
    body.push_str("</ul>");
    Ok(Response::html(
        200,
        page(
            &format!("Utente {}", principal.record.sns_number),
            Some((&signed.user, &signed.session.csrf)),
            &body,
        ),
    ))
}

fn unmerge(context: &mut Context, signed: &Signed, id: i64, form: &Params) -> Result<Response, Error> {
    let outcome = actions::unmerge(
        context.store,
        &signed.user,
        id,
        form.get("motivo").unwrap_or_default(),
        form.get("pedido"),
    )?;
    let message = format!("Fusão n.º {id} desfeita: os registos voltaram ao que eram antes.");
    Ok(Response::redirect(&format!(
        "/utente/{}?ok={}",
        outcome.principal,
        url_encode(&message)
    )))
}

fn audit(context: &mut Context, signed: &Signed, query: &Params) -> Result<Response, Error> {
    let filter = AuditFilter {
        record: query.get("utente").and_then(|n| n.parse().ok()),
        actor: query.get("utilizador").map(str::to_string),
        decisions_only: query.get("decisoes").is_some(),
    };
    let mut entries = actions::audit_log(context.store, &signed.user, &filter)?;
    entries.reverse();
    let n_pages = entries.len().div_ceil(PAGE_SIZE).max(1);
    let page_no = query
        .get("pagina")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, n_pages);
    let mut rows = String::new();
    for entry in entries.iter().skip((page_no - 1) * PAGE_SIZE).take(PAGE_SIZE) {
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            entry.id,
            escape(&entry.at),
            escape(&entry.actor),
            escape(&entry.action),
            escape(&entry.records.join(", ")),
            escape(
                &[
                    entry.details.as_deref(),
                    entry.ticket.as_deref(),
                    entry.reason.as_deref()
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ")
            ),
        ));
    }
    let body = format!(
        r#"<form method="get" action="/auditoria"><label for="utente">NNU</label> <input id="utente" name="utente" size="10" value="{nnu}">
<label for="utilizador">Utilizador</label> <input id="utilizador" name="utilizador" size="10" value="{who}">
<label><input type="checkbox" name="decisoes" value="1"{decisions}> Só decisões</label> <button type="submit">Filtrar</button></form>
<p>{n} entrada(s), da mais recente · página {page_no} de {n_pages}{next}</p>
<table id="auditoria"><thead><tr><th>#</th><th>Quando</th><th>Quem</th><th>Ação</th><th>Utentes</th><th>Detalhes</th></tr></thead><tbody>{rows}</tbody></table>"#,
        nnu = escape(query.get("utente").unwrap_or_default()),
        who = escape(query.get("utilizador").unwrap_or_default()),
        decisions = if filter.decisions_only { " checked" } else { "" },
        n = entries.len(),
        next = if page_no < n_pages {
            format!(r#" · <a href="/auditoria?pagina={}">seguinte</a>"#, page_no + 1)
        } else {
            String::new()
        },
    );
    Ok(Response::html(
        200,
        page("Auditoria", Some((&signed.user, &signed.session.csrf)), &body),
    ))
}
