//! The pages, in Portuguese: sign-in, the queue, a cluster, a record, the audit log. Plain HTML
//! forms, no scripts: works on any hospital PC browser and with the keyboard alone.

use super::html::{escape, notice, page, url_encode, STYLE};
use super::{message_of, status_of, Context, Params, Request, Response, Signed, LOGIN_COOKIE, SESSION_COOKIE};
use crate::error::Error;
use crate::record::{Nnu, FIELDS};
use crate::review::actions::{self, Approval, Target};
use crate::review::present::{field_label, labelled_weights, shown_fields};
use crate::review::{QueueCluster, QueueFilter};
use crate::store::audit::AuditFilter;
use crate::store::predictions::SavedPair;
use crate::store::today;

/// The confirmation after a decision, from a code and numbers only (a link cannot put words in
/// the application's mouth).
fn confirmation(query: &Params) -> String {
    let number = |name: &str| query.get(name).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    let (n, k) = (number("n"), number("k"));
    let message = match query.get("feito") {
        Some("aprovada") => format!("Fusão n.º {n} aprovada: {k} registo(s) fundido(s) neste."),
        Some("desfeita") if k > 0 => format!(
            "Fusão n.º {n} desfeita: os registos fundidos voltaram a estar ativos; {k} campo(s) alterado(s) depois da fusão ficaram como estão."
        ),
        Some("desfeita") => format!("Fusão n.º {n} desfeita: os registos voltaram ao que eram antes da fusão."),
        Some("rejeitado") => format!("Grupo {n}: {k} par(es) rejeitado(s); não voltarão a ser propostos."),
        Some("adiado") => format!("Grupo {n}: {k} par(es) adiado(s) na sua fila."),
        _ => return String::new(),
    };
    notice("ok", &message)
}

/// A probability as people in Portugal write it: `0,987`.
fn probability(p: f64) -> String {
    format!("{p:.3}").replace('.', ",")
}

/// A number typed with a decimal comma or point.
fn decimal(text: &str) -> Option<f64> {
    text.replace(',', ".").parse().ok()
}

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
                (false, ["pesquisa"]) => search(context, &signed, &request.query),
                _ => Err(not_found()),
            };
            result.unwrap_or_else(|error| error_page(&signed, status_of(&error), &message_of(&error)))
        }
    }
}

fn not_found() -> Error {
    crate::error::UserError::UnknownRecord(String::new()).into()
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
<p><label for="senha">Palavra-passe</label><br><input id="senha" name="senha" type="password" autocomplete="current-password" required></p>
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
        min_probability: query.get("min").and_then(decimal),
        max_probability: query.get("max").and_then(decimal),
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
        let units = cluster.units();
        rows.push_str(&format!(
            r#"<tr><td><a href="/cluster/{id}">Grupo {id}</a></td><td>{name}{more}</td><td>{n}</td><td>{p}</td><td>{units}</td><td>{days}</td></tr>"#,
            id = cluster.id,
            name = escape(&first.full_name),
            more = if cluster.records.len() > 1 {
                format!(" (+{})", cluster.records.len() - 1)
            } else {
                String::new()
            },
            n = cluster.records.len(),
            p = probability(cluster.max_probability),
            units = escape(&units.join(", ")),
            days = cluster.waiting_days(today).map_or("—".into(), |d| d.to_string()),
        ));
    }
    let viewed: Vec<_> = shown.iter().flat_map(|c| c.records.iter().map(|r| &r.record)).collect();
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
<p id="contagem">{total} grupo(s) de possíveis duplicados {what}na fila das suas instituições ({institutions}).</p>
{pages}
<table id="fila"><thead><tr><th>Grupo</th><th>Utente</th><th>Registos</th><th>Probabilidade</th><th>Locais de inscrição</th><th>Dias</th></tr></thead>
<tbody>{rows}</tbody></table>
{pages}"#,
        ok = confirmation(query),
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
            "<h3>{} – {}: probabilidade {}</h3>{}{}",
            pair.sns_number_l,
            pair.sns_number_r,
            probability(pair.match_probability),
            pair.rejected_at
                .as_deref()
                .map(|at| notice("erro", &crate::review::present::raised_again_pt(at)))
                .unwrap_or_default(),
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
<input type="hidden" name="csrf" value="{csrf}">{shown}
<p>Registo principal (mantém o seu NNU e os seus dados):<br>{choices}</p><p>{excludes}</p>
{ticket_a}<p><label for="motivo-aprovar">Motivo</label><br><input id="motivo-aprovar" name="motivo" size="60"></p>
<p><label><input type="checkbox" name="forcar" value="1"> Forçar, apesar de os NIF serem diferentes (exige motivo)</label></p>
<button type="submit">Aprovar fusão</button></fieldset></form>
<form method="post" action="/cluster/{id}/rejeitar" id="rejeitar"><fieldset><legend>Não são a mesma pessoa</legend>
<input type="hidden" name="csrf" value="{csrf}">{shown}
{ticket_r}<p><label for="motivo-rejeitar">Motivo (obrigatório)</label><br><input id="motivo-rejeitar" name="motivo" size="60" required></p>
<button type="submit">Rejeitar</button></fieldset></form>
<form method="post" action="/cluster/{id}/adiar" id="adiar"><fieldset><legend>Adiar</legend>
<input type="hidden" name="csrf" value="{csrf}">{shown}
<p><label for="ate">Até (aaaa-mm-dd, opcional)</label> <input id="ate" name="ate" size="10">
<label for="motivo-adiar">Motivo</label> <input id="motivo-adiar" name="motivo" size="40"></p>
<button type="submit">Adiar</button></fieldset></form>"#,
            shown = cluster
                .records
                .iter()
                .map(|r| format!(
                    r#"<input type="hidden" name="registos" value="{}">"#,
                    r.record.sns_number
                ))
                .collect::<String>(),
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
        r#"{ok}<p>{n} registos · melhor probabilidade {p}</p>
{rejected}
{table}
<p id="sugestao">{suggestion}</p>
<h2>Pares e razões</h2>
{pairs}
<h2>Decisão</h2>
{forms}"#,
        ok = confirmation(query),
        n = cluster.records.len(),
        p = probability(cluster.max_probability),
        rejected = if cluster.rejected.is_empty() {
            String::new()
        } else {
            let pairs: Vec<String> = cluster.rejected.iter().map(|(l, r)| format!("{l} e {r}")).collect();
            notice(
                "erro",
                &format!(
                    "Já rejeitados como pessoas diferentes: {}. Uma fusão que os junte é recusada.",
                    pairs.join("; ")
                ),
            )
        },
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
            &format!("Grupo {id}"),
            Some((&signed.user, &signed.session.csrf)),
            &body,
        ),
    ))
}

fn decide(context: &mut Context, signed: &Signed, id: u32, action: &str, form: &Params) -> Result<Response, Error> {
    let ticket = form.get("pedido").map(str::to_string);
    let reason = form.get("motivo").map(str::to_string);
    // The records the page showed: a decision on a group that changed since is refused.
    let expected: Vec<Nnu> = form.all("registos").iter().filter_map(|n| n.parse().ok()).collect();
    match action {
        "aprovar" => {
            let approval = Approval {
                cluster: id,
                expected,
                principal: form.get("principal").and_then(|p| p.parse::<Nnu>().ok()),
                exclude: form.all("excluir").iter().filter_map(|n| n.parse().ok()).collect(),
                reason,
                ticket,
                force: form.get("forcar").is_some(),
            };
            let outcome = actions::approve(context.store, &signed.user, &approval)?;
            Ok(Response::redirect(&format!(
                "/utente/{}?feito=aprovada&n={}&k={}",
                outcome.plan.principal.sns_number,
                outcome.merge_id,
                outcome.duplicates.len()
            )))
        }
        "rejeitar" => {
            let n = actions::reject(
                context.store,
                &signed.user,
                Target::Cluster(id),
                &expected,
                reason.as_deref().unwrap_or_default(),
                ticket.as_deref(),
            )?;
            Ok(Response::redirect(&format!("/fila?feito=rejeitado&n={id}&k={n}")))
        }
        "adiar" => {
            let until = form
                .get("ate")
                .map(|text| {
                    crate::record::Date::parse(text)
                        .map_err(|e| crate::error::UserError::Invalid(format!("data {text:?}: {e}")))
                })
                .transpose()?;
            let n = actions::defer(
                context.store,
                &signed.user,
                Target::Cluster(id),
                &expected,
                until,
                reason.as_deref(),
            )?;
            Ok(Response::redirect(&format!("/fila?feito=adiado&n={id}&k={n}")))
        }
        _ => Err(not_found()),
    }
}

fn record(context: &mut Context, signed: &Signed, nnu: Nnu, query: &Params) -> Result<Response, Error> {
    let view = actions::read_record(context.store, &signed.user, nnu)?;
    let principal = view.principal();
    let mut body = confirmation(query);
    if let Some(elsewhere) = view.principal_elsewhere {
        body.push_str(&notice(
            "ok",
            &format!(
                "O utente {nnu} foi fundido no utente {elsewhere}, inscrito fora das suas instituições: mostra-se o registo fundido, tal como ficou."
            ),
        ));
    }
    let may_undo = signed.user.profile.decides() && signed.user.covers(principal.record.registration_unit.as_deref());
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
            None if may_undo && merge.principal == principal.record.sns_number => {
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
    Ok(Response::redirect(&format!(
        "/utente/{}?feito=desfeita&n={id}&k={}",
        outcome.principal,
        outcome.kept_later_edits.len() + outcome.kept_duplicate_edits.len()
    )))
}

/// The search form's description; `None` until a name is given.
pub(super) fn description_from(
    name: Option<&str>,
    birth_date: Option<&str>,
    sex: Option<&str>,
    birthplace: Option<&str>,
    nif: Option<&str>,
) -> Result<Option<actions::Description>, Error> {
    let Some(name) = name else {
        return Ok(None);
    };
    let invalid = |what: &str, text: &str| crate::error::UserError::Invalid(format!("{what} {text:?} não é válido"));
    Ok(Some(actions::Description {
        full_name: name.to_string(),
        birth_date: birth_date
            .map(|t| crate::record::Date::parse(t).map_err(|_| invalid("a data", t)))
            .transpose()?,
        sex: sex
            .map(|t| crate::record::Sex::parse(t).ok_or_else(|| invalid("o sexo", t)))
            .transpose()?,
        birthplace: birthplace.map(str::to_string),
        nif: nif
            .map(|t| t.parse::<crate::record::Nif>().map_err(|_| invalid("o NIF", t)))
            .transpose()?,
    }))
}

fn search(context: &mut Context, signed: &Signed, query: &Params) -> Result<Response, Error> {
    let value = |name: &str| escape(query.get(name).unwrap_or_default());
    let mut body = format!(
        r#"<form method="get" action="/pesquisa" id="pesquisa">
<p><label for="nome">Nome completo</label><br><input id="nome" name="nome" size="50" value="{name}" required autofocus></p>
<p><label for="nascimento">Data de nascimento</label><br><input id="nascimento" name="nascimento" size="12" value="{date}" placeholder="dd/mm/aaaa"></p>
<p><label for="sexo">Sexo</label> <select id="sexo" name="sexo"><option value="">—</option><option value="F"{f}>F</option><option value="M"{m}>M</option></select>
<label for="naturalidade">Concelho de naturalidade</label> <input id="naturalidade" name="naturalidade" value="{place}">
<label for="nif">NIF</label> <input id="nif" name="nif" size="10" value="{nif}"></p>
<button type="submit">Pesquisar</button></form>"#,
        name = value("nome"),
        date = value("nascimento"),
        place = value("naturalidade"),
        nif = value("nif"),
        f = if query.get("sexo") == Some("F") {
            " selected"
        } else {
            ""
        },
        m = if query.get("sexo") == Some("M") {
            " selected"
        } else {
            ""
        },
    );
    let description = description_from(
        query.get("nome"),
        query.get("nascimento"),
        query.get("sexo"),
        query.get("naturalidade"),
        query.get("nif"),
    )?;
    if let Some(description) = description {
        let found =
            context.with_matcher(|store, matcher| actions::search(store, matcher, &signed.user, &description, 10))?;
        if found.is_empty() {
            body.push_str(&notice(
                "erro",
                "Nenhum utente das suas instituições corresponde a esta descrição.",
            ));
        } else {
            body.push_str(
                r#"<table id="resultados"><thead><tr><th>Utente</th><th>Nome</th><th>Nascimento</th><th>Local de inscrição</th><th>Probabilidade</th><th>Razões</th></tr></thead><tbody>"#,
            );
            for hit in &found {
                let record = &hit.record;
                body.push_str(&format!(
                    r#"<tr><td><a href="/utente/{nnu}">{nnu}</a></td><td>{name}</td><td>{date}</td><td>{unit}</td><td>{p}</td><td>{why}</td></tr>"#,
                    nnu = record.sns_number,
                    name = escape(&record.full_name),
                    date = escape(&record.birth_date.to_text().unwrap_or_else(|| "—".into())),
                    unit = escape(record.registration_unit.as_deref().unwrap_or("—")),
                    p = probability(hit.waterfall.match_probability),
                    why = escape(&hit.reasons_pt()),
                ));
            }
            body.push_str("</tbody></table>");
        }
    }
    Ok(Response::html(
        200,
        page("Pesquisar um utente", Some((&signed.user, &signed.session.csrf)), &body),
    ))
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
            escape(&entry.at.replace('T', " ").replace('Z', " UTC")),
            escape(&entry.actor),
            escape(crate::store::audit::Action::parse(&entry.action).map_or(entry.action.as_str(), |a| a.label_pt())),
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
    let keep = |name: &str| {
        query
            .get(name)
            .map(|v| format!("&{name}={}", url_encode(v)))
            .unwrap_or_default()
    };
    let filters = format!("{}{}{}", keep("utente"), keep("utilizador"), keep("decisoes"));
    let mut pages = format!("<span>Página {page_no} de {n_pages}</span>");
    if page_no > 1 {
        pages = format!(
            r#"<a href="/auditoria?pagina={}{filters}" rel="prev">« Anterior</a>{pages}"#,
            page_no - 1
        );
    }
    if page_no < n_pages {
        pages.push_str(&format!(
            r#"<a href="/auditoria?pagina={}{filters}" rel="next">Seguinte »</a>"#,
            page_no + 1
        ));
    }
    let body = format!(
        r#"<form method="get" action="/auditoria"><label for="utente">NNU</label> <input id="utente" name="utente" size="10" value="{nnu}">
<label for="utilizador">Utilizador</label> <input id="utilizador" name="utilizador" size="10" value="{who}">
<label><input type="checkbox" name="decisoes" value="1"{decisions}> Só decisões</label> <button type="submit">Filtrar</button></form>
<p>{n} entrada(s), da mais recente{scope}.</p>
<nav class="paginas" aria-label="páginas">{pages}</nav>
<table id="auditoria"><thead><tr><th>#</th><th>Quando</th><th>Quem</th><th>Ação</th><th>Utentes</th><th>Detalhes</th></tr></thead><tbody>{rows}</tbody></table>"#,
        nnu = escape(query.get("utente").unwrap_or_default()),
        who = escape(query.get("utilizador").unwrap_or_default()),
        decisions = if filter.decisions_only { " checked" } else { "" },
        n = entries.len(),
        scope = if signed.user.profile.national() {
            ""
        } else {
            " (sobre utentes das suas instituições, ou suas)"
        },
    );
    Ok(Response::html(
        200,
        page("Auditoria", Some((&signed.user, &signed.session.csrf)), &body),
    ))
}
