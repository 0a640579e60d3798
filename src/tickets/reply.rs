//! The answer to a request, in Portuguese (pt-PT), ready to send: it quotes the incident
//! number and says what was decided and what the requester must do next.

use super::parse::Category;
use super::{Candidate, Decision, Outcome};
use crate::record::normalize::fold;

/// A probability as people read it: `99,9 %`.
fn percent(p: f64) -> String {
    format!("{:.1} %", p * 100.0).replace('.', ",")
}

fn candidate_line(candidate: &Candidate) -> String {
    let mut line = format!(
        "{} – {} – nascido(a) em {} – inscrito(a) em {} (probabilidade {})",
        candidate.nnu,
        candidate.full_name,
        candidate.birth_date.as_deref().unwrap_or("data desconhecida"),
        candidate.registration_unit.as_deref().unwrap_or("local desconhecido"),
        percent(candidate.match_probability)
    );
    if let Some(principal) = &candidate.merged_into {
        line.push_str(&format!(
            "; este número foi fundido no utente {principal}, que deve ser usado"
        ));
    }
    if !candidate.differs.is_empty() {
        line.push_str(&format!("; difere em: {}", candidate.differs.join(", ")));
    }
    line
}

fn template(category: Category) -> String {
    let mut text = format!("  Assunto: {}\n  Corpo da mensagem:\n", category.subject());
    for field in category.fields() {
        text.push_str(&format!("  o {field};\n"));
    }
    text
}

/// The reply to `decision`, answering a message with `subject`.
pub(crate) fn write(decision: &Decision, subject: &str) -> String {
    let mut out = String::new();
    let subject = subject.trim();
    let subject = if subject.contains(&decision.incident) {
        subject.to_string()
    } else {
        format!(
            "[{}] {}",
            decision.incident,
            if subject.is_empty() {
                "Pedido de suporte WebRNU"
            } else {
                subject
            }
        )
    };
    let reply_prefix = if fold(&subject).starts_with("re:") { "" } else { "RE: " };
    out.push_str(&format!("Assunto: {reply_prefix}{subject}\n\n"));
    out.push_str("Exmo.(a) Senhor(a),\n\n");
    let about = match decision.category {
        Some(category) => format!(" (categoria {} – {})", category.letter(), category.title()),
        None => String::new(),
    };
    out.push_str(&format!(
        "Relativamente ao pedido n.º {}{about}:\n\n",
        decision.incident
    ));
    if decision.reopened {
        out.push_str(
            "O pedido foi reaberto, por ter sido recebida resposta no prazo de 10 dias após a sua resolução.\n\n",
        );
    }
    if let Some(earlier) = &decision.replaces {
        out.push_str(&format!(
            "O pedido n.º {earlier} já se encontrava fechado (ou resolvido há mais de 10 dias); esta mensagem deu origem ao novo pedido n.º {}.\n\n",
            decision.incident
        ));
    }
    let pair = || {
        format!(
            "{} (principal) e {} (duplicado)",
            decision.principal.as_deref().unwrap_or("?"),
            decision.duplicate.as_deref().unwrap_or("?")
        )
    };
    match decision.outcome {
        Outcome::Merge => {
            let p = decision
                .match_probability
                .map(|p| format!(" (probabilidade de serem a mesma pessoa: {})", percent(p)))
                .unwrap_or_default();
            if let Some(merge_id) = decision.merge_id {
                out.push_str(&format!(
                    "Os registos {} foram fundidos (fusão n.º {merge_id}){p}. O utente {} mantém-se como registo principal; o número {} passa a remeter para ele.\n",
                    pair(),
                    decision.principal.as_deref().unwrap_or("?"),
                    decision.duplicate.as_deref().unwrap_or("?"),
                ));
            } else if decision.proposed {
                out.push_str(&format!(
                    "A análise confirma que os registos {} correspondem à mesma pessoa{p}. A fusão foi proposta para aprovação por um supervisor e será concluída em breve.\n",
                    pair()
                ));
            } else {
                out.push_str(&format!(
                    "Os registos {} já se encontram fundidos: não é necessária mais nenhuma ação.\n",
                    pair()
                ));
            }
        }
        Outcome::NotDuplicate => {
            out.push_str(&format!(
                "Após análise, os registos {} não correspondem à mesma pessoa{}, pelo que não serão fundidos.\n",
                pair(),
                decision
                    .match_probability
                    .map(|p| format!(" (probabilidade de serem a mesma pessoa: {})", percent(p)))
                    .unwrap_or_default()
            ));
            if !decision.differences.is_empty() {
                out.push_str("Diferenças entre os registos (principal / duplicado):\n");
                for line in &decision.differences {
                    out.push_str(&format!("  - {line}\n"));
                }
            }
        }
        Outcome::Mismatch => {
            out.push_str("Os dados indicados não coincidem com o registo do número de utente indicado:\n");
            for (i, mismatch) in decision.mismatches.iter().enumerate() {
                let registered = match &mismatch.registered_value {
                    Some(value) => format!("«{}» indicado, «{value}» registado", mismatch.ticket_value),
                    None => format!("não existe nenhum utente com o número {}", mismatch.nnu),
                };
                out.push_str(&format!(
                    "  - Utente ({}), n.º {}: {} — {registered}.\n",
                    capitalised(&mismatch.patient),
                    mismatch.nnu,
                    mismatch.field
                ));
                // The record that matches is named once per patient, after its last field.
                let last_of_patient = decision
                    .mismatches
                    .get(i + 1)
                    .is_none_or(|next| next.patient != mismatch.patient);
                if let (true, Some(record)) = (last_of_patient, &mismatch.matching_record) {
                    out.push_str(&format!(
                        "    O registo que corresponde ao descrito é: {}.\n",
                        candidate_line(record)
                    ));
                }
            }
            out.push_str(
                "Trata-se provavelmente de um número de utente mal digitado. Solicitamos que confirme os dados e responda a esta mensagem, mantendo o número da incidência no assunto.\n",
            );
        }
        Outcome::Refused => {
            out.push_str(&format!(
                "Não é possível fundir os registos {}: {}.\n",
                pair(),
                decision.refusal.as_deref().unwrap_or("a fusão não é permitida")
            ));
            if decision.refusal.as_deref().is_some_and(|r| r.contains("óbito")) {
                out.push_str(&format!(
                    "Se o óbito estiver indevidamente registado (ou por registar), envie um pedido de categoria E:\n{}",
                    template(Category::E)
                ));
            }
        }
        Outcome::Pending => {
            out.push_str(
                "Para darmos seguimento ao pedido, faltam os seguintes elementos pedidos no modelo de comunicação:\n",
            );
            for field in &decision.missing_fields {
                out.push_str(&format!("  - {field}\n"));
            }
            out.push_str(
                "Solicitamos o envio destes elementos em resposta a esta mensagem, mantendo o número da incidência no assunto. Os pedidos pendentes por falta de dados são fechados após 30 dias sem resposta.\n",
            );
        }
        Outcome::WrongCategory => match decision.right_category {
            Some(category) => {
                out.push_str(&format!(
                    "O pedido descreve uma situação da categoria {} – {}. Para ser corretamente classificado e encaminhado, deve ser enviado de acordo com o modelo de comunicação:\n{}",
                    category.letter(),
                    category.title(),
                    template(category)
                ));
            }
            None => {
                out.push_str(
                    "Não foi possível identificar a situação reportada. Solicitamos que reenvie o pedido com um dos assuntos do modelo de comunicação e os elementos correspondentes:\n",
                );
                for category in Category::ALL {
                    out.push_str(&format!("  {}. {}\n", category.letter(), category.subject()));
                }
            }
        },
        Outcome::Split => {
            out.push_str("O pedido reporta mais do que uma situação:\n");
            for situation in &decision.situations {
                out.push_str(&format!("  - {situation}\n"));
            }
            out.push_str(
                "Conforme o modelo de comunicação, cada pedido deve reportar apenas uma situação: solicitamos que envie um pedido por situação.\n",
            );
        }
        Outcome::Found => {
            out.push_str("Encontrámos no RNU os seguintes registos que podem corresponder ao utente procurado (mais provável primeiro):\n");
            for (i, candidate) in decision.candidates.iter().enumerate() {
                out.push_str(&format!("  {}. {}\n", i + 1, candidate_line(candidate)));
            }
        }
        Outcome::NotFound => {
            out.push_str(
                "Não foi encontrado no RNU nenhum registo que corresponda aos dados indicados. Confirme o nome completo e a data de nascimento com o utente (ou com o seu documento de identificação); se o utente não estiver inscrito, pode proceder à sua inscrição.\n",
            );
        }
    }
    for note in &decision.notes {
        out.push_str(&format!("Nota: {note}.\n"));
    }
    if let Some(unit) = &decision.same_unit {
        out.push_str(&format!(
            "\nAmbos os registos estão inscritos na mesma unidade ({unit}). Conforme o modelo de comunicação, as situações de resolução de duplicados devem ser dirigidas aos utilizadores com perfil de Supervisor da Unidade de Saúde (ou ao Helpdesk da respetiva ARS), que as podem resolver diretamente.\n"
        ));
    }
    out.push_str("\nCom os melhores cumprimentos,\nCentro de Suporte — Registo Nacional de Utentes\n");
    out
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::tickets::TicketState;

    #[test]
    fn a_pending_reply() {
        let mut decision = Decision::new("INC000007", Some(Category::F), Outcome::Pending);
        decision.state = TicketState::Pending;
        decision.missing_fields = vec![
            "Utente (Principal): Data de Nascimento".into(),
            "Utente (Duplicado): Número de Utente (SNS) — «12345» não tem nove algarismos".into(),
        ];
        expect![[r#"
            Assunto: RE: [INC000007] WebRNU - Resolução de um Utente duplicado

            Exmo.(a) Senhor(a),

            Relativamente ao pedido n.º INC000007 (categoria F – Resolução de um Utente duplicado):

            Para darmos seguimento ao pedido, faltam os seguintes elementos pedidos no modelo de comunicação:
              - Utente (Principal): Data de Nascimento
              - Utente (Duplicado): Número de Utente (SNS) — «12345» não tem nove algarismos
            Solicitamos o envio destes elementos em resposta a esta mensagem, mantendo o número da incidência no assunto. Os pedidos pendentes por falta de dados são fechados após 30 dias sem resposta.

            Com os melhores cumprimentos,
            Centro de Suporte — Registo Nacional de Utentes
        "#]]
        .assert_eq(&write(&decision, "WebRNU - Resolução de um Utente duplicado"));
    }

    #[test]
    fn a_wrong_category_reply_gives_the_template() {
        let mut decision = Decision::new("INC-9", Some(Category::E), Outcome::WrongCategory);
        decision.right_category = Some(Category::E);
        let reply = write(&decision, "RE: [INC-9] WebRNU – Óbito não Identificado");
        assert!(reply.starts_with("Assunto: RE: [INC-9] WebRNU"), "{reply}");
        assert!(reply.contains("categoria E – Óbitos"), "{reply}");
        assert!(reply.contains("  o Descrição detalhada da situação;"), "{reply}");
        assert_eq!(percent(0.98456), "98,5 %");
    }
}
