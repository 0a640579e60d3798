//! Countries (ISO 3166-1), recognised by alpha-2, alpha-3 or name (Portuguese or English).
//!
//! The table holds all 249 officially assigned ISO 3166-1 codes, sorted by alpha-2, each with its
//! alpha-3 code, a short English name, the Portuguese (pt-PT) name and the other spellings people
//! type in either language. [`Country::parse`] matches codes directly and names on a normalised
//! key: the text is folded (NFKD, diacritics removed, lower case), dots and apostrophes are
//! dropped, hyphens, commas, slashes and brackets become spaces, spaces are collapsed, a leading
//! English article `the` is dropped and the abbreviation `st` is read as `saint`. So
//! `Guiné-Bissau`, `guine bissau` and `GUINE-BISSAU` are the same key.
//!
//! Two codes that ISO does not assign are accepted by [`Country::parse`] because people type
//! them: `UK` for the United Kingdom (GB) and `EL`, the European Union's code for Greece (GR).
//! Any other two-letter text that is not an assigned code is rejected, and so is a name that is
//! unknown or that would fit more than one country.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use super::normalize::fold;

/// A country, stored as its ISO 3166-1 alpha-2 code.
///
/// Every value holds a code of the table: the only ways to build one are [`Country::PORTUGAL`],
/// [`Country::parse`], [`Country::from_alpha2`] and [`Country::all`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]);

/// One line of the table.
struct Entry {
    /// ISO 3166-1 alpha-2 code, upper case.
    alpha2: &'static str,
    /// ISO 3166-1 alpha-3 code, upper case.
    alpha3: &'static str,
    /// Short English name.
    name_en: &'static str,
    /// Portuguese (pt-PT) name.
    name_pt: &'static str,
    /// Other spellings, in Portuguese or English, including the longer ISO forms.
    aliases: &'static [&'static str],
}

/// Builds one line of the table.
const fn c(
    alpha2: &'static str,
    alpha3: &'static str,
    name_en: &'static str,
    name_pt: &'static str,
    aliases: &'static [&'static str],
) -> Entry {
    Entry {
        alpha2,
        alpha3,
        name_en,
        name_pt,
        aliases,
    }
}

/// Number of assigned ISO 3166-1 codes.
const COUNT: usize = 249;

/// All assigned ISO 3166-1 countries and territories, sorted by alpha-2 code.
///
/// Each line reads: alpha-2, alpha-3, English name, Portuguese name, other spellings.
#[rustfmt::skip]
static COUNTRIES: [Entry; COUNT] = [
    c("AD", "AND", "Andorra", "Andorra", &[]),
    c("AE", "ARE", "United Arab Emirates", "Emirados Árabes Unidos", &["Emiratos Árabes Unidos", "EAU", "UAE", "Emirates"]),
    c("AF", "AFG", "Afghanistan", "Afeganistão", &["Afganistão"]),
    c("AG", "ATG", "Antigua and Barbuda", "Antígua e Barbuda", &["Antigua"]),
    c("AI", "AIA", "Anguilla", "Anguila", &[]),
    c("AL", "ALB", "Albania", "Albânia", &[]),
    c("AM", "ARM", "Armenia", "Arménia", &[]),
    c("AO", "AGO", "Angola", "Angola", &["República de Angola", "Republic of Angola"]),
    c("AQ", "ATA", "Antarctica", "Antártida", &["Antártica"]),
    c("AR", "ARG", "Argentina", "Argentina", &["República Argentina"]),
    c("AS", "ASM", "American Samoa", "Samoa Americana", &[]),
    c("AT", "AUT", "Austria", "Áustria", &[]),
    c("AU", "AUS", "Australia", "Austrália", &[]),
    c("AW", "ABW", "Aruba", "Aruba", &[]),
    c("AX", "ALA", "Åland Islands", "Alanda", &["Ilhas Alanda", "Ilhas Aland", "Aland"]),
    c("AZ", "AZE", "Azerbaijan", "Azerbaijão", &["Azerbeijão"]),
    c("BA", "BIH", "Bosnia and Herzegovina", "Bósnia e Herzegovina", &["Bósnia-Herzegovina", "Bósnia"]),
    c("BB", "BRB", "Barbados", "Barbados", &[]),
    c("BD", "BGD", "Bangladesh", "Bangladeche", &["Bangladexe", "Bangla Desh"]),
    c("BE", "BEL", "Belgium", "Bélgica", &[]),
    c("BF", "BFA", "Burkina Faso", "Burquina Faso", &["Burquina Fasso", "Burkina"]),
    c("BG", "BGR", "Bulgaria", "Bulgária", &[]),
    c("BH", "BHR", "Bahrain", "Barém", &["Bahrein", "Barein", "Barain"]),
    c("BI", "BDI", "Burundi", "Burundi", &[]),
    c("BJ", "BEN", "Benin", "Benim", &[]),
    c("BL", "BLM", "Saint Barthélemy", "São Bartolomeu", &[]),
    c("BM", "BMU", "Bermuda", "Bermudas", &[]),
    c("BN", "BRN", "Brunei", "Brunei", &["Brunei Darussalam", "Brunei Darussalã"]),
    c("BO", "BOL", "Bolivia", "Bolívia", &["Estado Plurinacional da Bolívia", "Bolivia (Plurinational State of)", "Plurinational State of Bolivia"]),
    c("BQ", "BES", "Bonaire, Sint Eustatius and Saba", "Bonaire, Santo Eustáquio e Saba", &["Países Baixos Caribenhos", "Caribbean Netherlands", "Bonaire, Saint Eustatius and Saba", "Bonaire"]),
    c("BR", "BRA", "Brazil", "Brasil", &["República Federativa do Brasil", "Federative Republic of Brazil"]),
    c("BS", "BHS", "Bahamas", "Baamas", &[]),
    c("BT", "BTN", "Bhutan", "Butão", &[]),
    c("BV", "BVT", "Bouvet Island", "Ilha Bouvet", &[]),
    c("BW", "BWA", "Botswana", "Botsuana", &[]),
    c("BY", "BLR", "Belarus", "Bielorrússia", &["Bielorússia", "Belarrússia", "Byelorussia"]),
    c("BZ", "BLZ", "Belize", "Belize", &[]),
    c("CA", "CAN", "Canada", "Canadá", &[]),
    c("CC", "CCK", "Cocos (Keeling) Islands", "Ilhas dos Cocos (Keeling)", &["Ilhas Cocos (Keeling)", "Ilhas Cocos", "Cocos Islands", "Keeling Islands"]),
    c("CD", "COD", "Democratic Republic of the Congo", "República Democrática do Congo", &["Congo-Kinshasa", "RD Congo", "RDC", "DR Congo", "DRC", "Congo, Democratic Republic of the", "Zaire"]),
    c("CF", "CAF", "Central African Republic", "República Centro-Africana", &[]),
    c("CG", "COG", "Congo", "Congo", &["Congo-Brazzaville", "República do Congo", "Republic of the Congo"]),
    c("CH", "CHE", "Switzerland", "Suíça", &["Confederação Suíça", "Swiss Confederation"]),
    c("CI", "CIV", "Côte d'Ivoire", "Costa do Marfim", &["Ivory Coast", "Côte d’Ivoire (Costa do Marfim)"]),
    c("CK", "COK", "Cook Islands", "Ilhas Cook", &[]),
    c("CL", "CHL", "Chile", "Chile", &[]),
    c("CM", "CMR", "Cameroon", "Camarões", &[]),
    c("CN", "CHN", "China", "China", &["República Popular da China", "People's Republic of China", "China Continental", "Mainland China"]),
    c("CO", "COL", "Colombia", "Colômbia", &[]),
    c("CR", "CRI", "Costa Rica", "Costa Rica", &[]),
    c("CU", "CUB", "Cuba", "Cuba", &[]),
    c("CV", "CPV", "Cabo Verde", "Cabo Verde", &["Cape Verde", "República de Cabo Verde", "Republic of Cabo Verde"]),
    c("CW", "CUW", "Curaçao", "Curaçau", &[]),
    c("CX", "CXR", "Christmas Island", "Ilha do Natal", &["Ilha Natal"]),
    c("CY", "CYP", "Cyprus", "Chipre", &[]),
    c("CZ", "CZE", "Czechia", "Chéquia", &["República Checa", "República Tcheca", "Czech Republic", "Tchéquia"]),
    c("DE", "DEU", "Germany", "Alemanha", &["República Federal da Alemanha", "Federal Republic of Germany"]),
    c("DJ", "DJI", "Djibouti", "Jibuti", &["Djibuti"]),
    c("DK", "DNK", "Denmark", "Dinamarca", &[]),
    c("DM", "DMA", "Dominica", "Domínica", &[]),
    c("DO", "DOM", "Dominican Republic", "República Dominicana", &[]),
    c("DZ", "DZA", "Algeria", "Argélia", &[]),
    c("EC", "ECU", "Ecuador", "Equador", &[]),
    c("EE", "EST", "Estonia", "Estónia", &[]),
    c("EG", "EGY", "Egypt", "Egito", &["Egipto"]),
    c("EH", "ESH", "Western Sahara", "Sara Ocidental", &["Saara Ocidental"]),
    c("ER", "ERI", "Eritrea", "Eritreia", &[]),
    c("ES", "ESP", "Spain", "Espanha", &["España", "Reino de Espanha", "Kingdom of Spain"]),
    c("ET", "ETH", "Ethiopia", "Etiópia", &[]),
    c("FI", "FIN", "Finland", "Finlândia", &[]),
    c("FJ", "FJI", "Fiji", "Fiji", &["Ilhas Fiji", "Fidji"]),
    c("FK", "FLK", "Falkland Islands", "Ilhas Falkland", &["Ilhas Malvinas", "Ilhas Falkland (Malvinas)", "Ilhas Malvinas (Falkland)", "Falkland Islands (Malvinas)", "Malvinas"]),
    c("FM", "FSM", "Micronesia", "Micronésia", &["Estados Federados da Micronésia", "Federated States of Micronesia", "Micronesia (Federated States of)"]),
    c("FO", "FRO", "Faroe Islands", "Ilhas Faroé", &["Ilhas Feroé", "Faroé", "Feroé", "Faeroe Islands", "Faroes"]),
    c("FR", "FRA", "France", "França", &["República Francesa", "French Republic"]),
    c("GA", "GAB", "Gabon", "Gabão", &[]),
    c("GB", "GBR", "United Kingdom", "Reino Unido", &["Reino Unido da Grã-Bretanha e Irlanda do Norte", "United Kingdom of Great Britain and Northern Ireland", "Grã-Bretanha", "Great Britain", "Britain", "Inglaterra", "England", "Escócia", "Scotland", "País de Gales", "Wales", "Irlanda do Norte", "Northern Ireland"]),
    c("GD", "GRD", "Grenada", "Granada", &[]),
    c("GE", "GEO", "Georgia", "Geórgia", &[]),
    c("GF", "GUF", "French Guiana", "Guiana Francesa", &[]),
    c("GG", "GGY", "Guernsey", "Guernsey", &["Guernesey"]),
    c("GH", "GHA", "Ghana", "Gana", &[]),
    c("GI", "GIB", "Gibraltar", "Gibraltar", &[]),
    c("GL", "GRL", "Greenland", "Gronelândia", &["Groenlândia"]),
    c("GM", "GMB", "Gambia", "Gâmbia", &[]),
    c("GN", "GIN", "Guinea", "Guiné", &["Guiné-Conacri", "Guiné-Conakry", "Guinea-Conakry", "República da Guiné", "Republic of Guinea"]),
    c("GP", "GLP", "Guadeloupe", "Guadalupe", &[]),
    c("GQ", "GNQ", "Equatorial Guinea", "Guiné Equatorial", &[]),
    c("GR", "GRC", "Greece", "Grécia", &["República Helénica", "Hellenic Republic", "Hellas"]),
    c("GS", "SGS", "South Georgia and the South Sandwich Islands", "Ilhas Geórgia do Sul e Sandwich do Sul", &["Geórgia do Sul e Ilhas Sandwich do Sul"]),
    c("GT", "GTM", "Guatemala", "Guatemala", &[]),
    c("GU", "GUM", "Guam", "Guame", &[]),
    c("GW", "GNB", "Guinea-Bissau", "Guiné-Bissau", &["República da Guiné-Bissau", "Republic of Guinea-Bissau"]),
    c("GY", "GUY", "Guyana", "Guiana", &[]),
    c("HK", "HKG", "Hong Kong", "Hong Kong", &["Hong Kong, RAE da China", "Região Administrativa Especial de Hong Kong", "Hong Kong SAR", "Hong Kong SAR China", "Hongkong"]),
    c("HM", "HMD", "Heard Island and McDonald Islands", "Ilha Heard e Ilhas McDonald", &["Ilhas Heard e McDonald", "Heard and McDonald Islands"]),
    c("HN", "HND", "Honduras", "Honduras", &[]),
    c("HR", "HRV", "Croatia", "Croácia", &[]),
    c("HT", "HTI", "Haiti", "Haiti", &[]),
    c("HU", "HUN", "Hungary", "Hungria", &[]),
    c("ID", "IDN", "Indonesia", "Indonésia", &[]),
    c("IE", "IRL", "Ireland", "Irlanda", &["República da Irlanda", "Republic of Ireland", "Eire"]),
    c("IL", "ISR", "Israel", "Israel", &[]),
    c("IM", "IMN", "Isle of Man", "Ilha de Man", &[]),
    c("IN", "IND", "India", "Índia", &["República da Índia", "Republic of India"]),
    c("IO", "IOT", "British Indian Ocean Territory", "Território Britânico do Oceano Índico", &[]),
    c("IQ", "IRQ", "Iraq", "Iraque", &[]),
    c("IR", "IRN", "Iran", "Irão", &["Irã", "República Islâmica do Irão", "Islamic Republic of Iran", "Iran (Islamic Republic of)"]),
    c("IS", "ISL", "Iceland", "Islândia", &[]),
    c("IT", "ITA", "Italy", "Itália", &["República Italiana", "Italian Republic"]),
    c("JE", "JEY", "Jersey", "Jersey", &[]),
    c("JM", "JAM", "Jamaica", "Jamaica", &[]),
    c("JO", "JOR", "Jordan", "Jordânia", &[]),
    c("JP", "JPN", "Japan", "Japão", &[]),
    c("KE", "KEN", "Kenya", "Quénia", &["Kénia"]),
    c("KG", "KGZ", "Kyrgyzstan", "Quirguistão", &["Quirguizistão", "Quirgistão", "Quirguízia", "Kyrgyz Republic", "Kirghizia"]),
    c("KH", "KHM", "Cambodia", "Camboja", &[]),
    c("KI", "KIR", "Kiribati", "Quiribáti", &[]),
    c("KM", "COM", "Comoros", "Comores", &["Ilhas Comores"]),
    c("KN", "KNA", "Saint Kitts and Nevis", "São Cristóvão e Neves", &["São Cristóvão e Névis", "Saint Christopher and Nevis"]),
    c("KP", "PRK", "North Korea", "Coreia do Norte", &["República Popular Democrática da Coreia", "Democratic People's Republic of Korea", "Korea, Democratic People's Republic of", "DPRK"]),
    c("KR", "KOR", "South Korea", "Coreia do Sul", &["República da Coreia", "Republic of Korea", "Korea, Republic of"]),
    c("KW", "KWT", "Kuwait", "Koweit", &["Kuweit", "Cuaite", "Kuaite"]),
    c("KY", "CYM", "Cayman Islands", "Ilhas Caimão", &["Ilhas Caimã", "Ilhas Cayman"]),
    c("KZ", "KAZ", "Kazakhstan", "Cazaquistão", &["Casaquistão"]),
    c("LA", "LAO", "Laos", "Laos", &["República Democrática Popular do Laos", "Lao People's Democratic Republic", "Lao PDR"]),
    c("LB", "LBN", "Lebanon", "Líbano", &[]),
    c("LC", "LCA", "Saint Lucia", "Santa Lúcia", &[]),
    c("LI", "LIE", "Liechtenstein", "Listenstaine", &[]),
    c("LK", "LKA", "Sri Lanka", "Sri Lanca", &["Ceilão", "Ceylon"]),
    c("LR", "LBR", "Liberia", "Libéria", &[]),
    c("LS", "LSO", "Lesotho", "Lesoto", &[]),
    c("LT", "LTU", "Lithuania", "Lituânia", &[]),
    c("LU", "LUX", "Luxembourg", "Luxemburgo", &[]),
    c("LV", "LVA", "Latvia", "Letónia", &[]),
    c("LY", "LBY", "Libya", "Líbia", &[]),
    c("MA", "MAR", "Morocco", "Marrocos", &["Reino de Marrocos", "Kingdom of Morocco"]),
    c("MC", "MCO", "Monaco", "Mónaco", &[]),
    c("MD", "MDA", "Moldova", "Moldávia", &["República da Moldova", "República da Moldávia", "Republic of Moldova", "Moldova, Republic of"]),
    c("ME", "MNE", "Montenegro", "Montenegro", &[]),
    c("MF", "MAF", "Saint Martin (French part)", "São Martinho", &["São Martinho (parte francesa)", "Saint Martin"]),
    c("MG", "MDG", "Madagascar", "Madagáscar", &[]),
    c("MH", "MHL", "Marshall Islands", "Ilhas Marshall", &[]),
    c("MK", "MKD", "North Macedonia", "Macedónia do Norte", &["Macedónia", "República da Macedónia do Norte", "Republic of North Macedonia"]),
    c("ML", "MLI", "Mali", "Mali", &[]),
    c("MM", "MMR", "Myanmar", "Mianmar", &["Mianmar (Birmânia)", "Birmânia", "Burma"]),
    c("MN", "MNG", "Mongolia", "Mongólia", &[]),
    c("MO", "MAC", "Macao", "Macau", &["Macau, RAE da China", "Região Administrativa Especial de Macau", "Macao SAR", "Macao SAR China"]),
    c("MP", "MNP", "Northern Mariana Islands", "Ilhas Marianas do Norte", &[]),
    c("MQ", "MTQ", "Martinique", "Martinica", &[]),
    c("MR", "MRT", "Mauritania", "Mauritânia", &[]),
    c("MS", "MSR", "Montserrat", "Monserrate", &[]),
    c("MT", "MLT", "Malta", "Malta", &[]),
    c("MU", "MUS", "Mauritius", "Maurícia", &["Maurício", "Ilha Maurícia", "Ilhas Maurícias"]),
    c("MV", "MDV", "Maldives", "Maldivas", &[]),
    c("MW", "MWI", "Malawi", "Maláui", &["Malavi"]),
    c("MX", "MEX", "Mexico", "México", &[]),
    c("MY", "MYS", "Malaysia", "Malásia", &[]),
    c("MZ", "MOZ", "Mozambique", "Moçambique", &["República de Moçambique", "Republic of Mozambique"]),
    c("NA", "NAM", "Namibia", "Namíbia", &[]),
    c("NC", "NCL", "New Caledonia", "Nova Caledónia", &[]),
    c("NE", "NER", "Niger", "Níger", &[]),
    c("NF", "NFK", "Norfolk Island", "Ilha Norfolk", &[]),
    c("NG", "NGA", "Nigeria", "Nigéria", &[]),
    c("NI", "NIC", "Nicaragua", "Nicarágua", &[]),
    c("NL", "NLD", "Netherlands", "Países Baixos", &["Holanda", "Holland", "Reino dos Países Baixos", "Kingdom of the Netherlands", "Netherlands (Kingdom of the)"]),
    c("NO", "NOR", "Norway", "Noruega", &[]),
    c("NP", "NPL", "Nepal", "Nepal", &[]),
    c("NR", "NRU", "Nauru", "Nauru", &[]),
    c("NU", "NIU", "Niue", "Niuê", &[]),
    c("NZ", "NZL", "New Zealand", "Nova Zelândia", &[]),
    c("OM", "OMN", "Oman", "Omã", &["Omão"]),
    c("PA", "PAN", "Panama", "Panamá", &[]),
    c("PE", "PER", "Peru", "Peru", &[]),
    c("PF", "PYF", "French Polynesia", "Polinésia Francesa", &[]),
    c("PG", "PNG", "Papua New Guinea", "Papua-Nova Guiné", &["Papuásia-Nova Guiné"]),
    c("PH", "PHL", "Philippines", "Filipinas", &[]),
    c("PK", "PAK", "Pakistan", "Paquistão", &[]),
    c("PL", "POL", "Poland", "Polónia", &[]),
    c("PM", "SPM", "Saint Pierre and Miquelon", "São Pedro e Miquelão", &["Saint-Pierre e Miquelon"]),
    c("PN", "PCN", "Pitcairn", "Ilhas Pitcairn", &["Pitcairn Islands"]),
    c("PR", "PRI", "Puerto Rico", "Porto Rico", &[]),
    c("PS", "PSE", "Palestine", "Palestina", &["Estado da Palestina", "State of Palestine", "Palestine, State of", "Territórios Palestinianos", "Territórios Palestinos", "Palestinian Territories", "Palestinian Territory"]),
    c("PT", "PRT", "Portugal", "Portugal", &["República Portuguesa", "Portuguese Republic"]),
    c("PW", "PLW", "Palau", "Palau", &[]),
    c("PY", "PRY", "Paraguay", "Paraguai", &[]),
    c("QA", "QAT", "Qatar", "Catar", &[]),
    c("RE", "REU", "Réunion", "Reunião", &["Ilha da Reunião", "Ilha Reunião", "La Réunion"]),
    c("RO", "ROU", "Romania", "Roménia", &["Rumânia"]),
    c("RS", "SRB", "Serbia", "Sérvia", &[]),
    c("RU", "RUS", "Russia", "Rússia", &["Federação Russa", "Federação da Rússia", "Russian Federation"]),
    c("RW", "RWA", "Rwanda", "Ruanda", &[]),
    c("SA", "SAU", "Saudi Arabia", "Arábia Saudita", &[]),
    c("SB", "SLB", "Solomon Islands", "Ilhas Salomão", &[]),
    c("SC", "SYC", "Seychelles", "Seicheles", &[]),
    c("SD", "SDN", "Sudan", "Sudão", &[]),
    c("SE", "SWE", "Sweden", "Suécia", &[]),
    c("SG", "SGP", "Singapore", "Singapura", &[]),
    c("SH", "SHN", "Saint Helena, Ascension and Tristan da Cunha", "Santa Helena, Ascensão e Tristão da Cunha", &["Santa Helena", "Saint Helena"]),
    c("SI", "SVN", "Slovenia", "Eslovénia", &[]),
    c("SJ", "SJM", "Svalbard and Jan Mayen", "Svalbard e Jan Mayen", &[]),
    c("SK", "SVK", "Slovakia", "Eslováquia", &["República Eslovaca", "Slovak Republic"]),
    c("SL", "SLE", "Sierra Leone", "Serra Leoa", &[]),
    c("SM", "SMR", "San Marino", "São Marinho", &[]),
    c("SN", "SEN", "Senegal", "Senegal", &[]),
    c("SO", "SOM", "Somalia", "Somália", &[]),
    c("SR", "SUR", "Suriname", "Suriname", &["Surinam"]),
    c("SS", "SSD", "South Sudan", "Sudão do Sul", &[]),
    c("ST", "STP", "Sao Tome and Principe", "São Tomé e Príncipe", &["S. Tomé e Príncipe", "São Tomé", "República Democrática de São Tomé e Príncipe"]),
    c("SV", "SLV", "El Salvador", "Salvador", &[]),
    c("SX", "SXM", "Sint Maarten (Dutch part)", "São Martinho (Sint Maarten)", &["São Martinho (parte neerlandesa)", "São Martinho (Países Baixos)", "Sint Maarten"]),
    c("SY", "SYR", "Syria", "Síria", &["República Árabe Síria", "Syrian Arab Republic"]),
    c("SZ", "SWZ", "Eswatini", "Essuatíni", &["Suazilândia", "Swaziland", "Reino de Essuatíni", "Kingdom of Eswatini"]),
    c("TC", "TCA", "Turks and Caicos Islands", "Ilhas Turcas e Caicos", &[]),
    c("TD", "TCD", "Chad", "Chade", &[]),
    c("TF", "ATF", "French Southern Territories", "Territórios Franceses do Sul", &["Terras Austrais e Antárticas Francesas", "Terras Austrais Francesas", "French Southern and Antarctic Lands"]),
    c("TG", "TGO", "Togo", "Togo", &[]),
    c("TH", "THA", "Thailand", "Tailândia", &[]),
    c("TJ", "TJK", "Tajikistan", "Tajiquistão", &["Tadjiquistão"]),
    c("TK", "TKL", "Tokelau", "Toquelau", &[]),
    c("TL", "TLS", "Timor-Leste", "Timor-Leste", &["East Timor", "Timor Oriental", "República Democrática de Timor-Leste"]),
    c("TM", "TKM", "Turkmenistan", "Turquemenistão", &["Turcomenistão"]),
    c("TN", "TUN", "Tunisia", "Tunísia", &[]),
    c("TO", "TON", "Tonga", "Tonga", &[]),
    c("TR", "TUR", "Türkiye", "Turquia", &["Turkey"]),
    c("TT", "TTO", "Trinidad and Tobago", "Trindade e Tobago", &["Trinidad e Tobago"]),
    c("TV", "TUV", "Tuvalu", "Tuvalu", &[]),
    c("TW", "TWN", "Taiwan", "Taiwan", &["Taiwan, Province of China", "Taiwan, Província da China", "Taiwão"]),
    c("TZ", "TZA", "Tanzania", "Tanzânia", &["República Unida da Tanzânia", "United Republic of Tanzania", "Tanzania, United Republic of"]),
    c("UA", "UKR", "Ukraine", "Ucrânia", &[]),
    c("UG", "UGA", "Uganda", "Uganda", &[]),
    c("UM", "UMI", "United States Minor Outlying Islands", "Ilhas Menores Afastadas dos EUA", &["Ilhas Menores Afastadas dos Estados Unidos", "Ilhas Menores Distantes dos Estados Unidos", "US Minor Outlying Islands"]),
    c("US", "USA", "United States", "Estados Unidos", &["Estados Unidos da América", "EUA", "United States of America", "US of America"]),
    c("UY", "URY", "Uruguay", "Uruguai", &[]),
    c("UZ", "UZB", "Uzbekistan", "Usbequistão", &["Uzbequistão"]),
    c("VA", "VAT", "Holy See", "Cidade do Vaticano", &["Santa Sé", "Vaticano", "Estado da Cidade do Vaticano", "Vatican", "Vatican City", "Vatican City State"]),
    c("VC", "VCT", "Saint Vincent and the Grenadines", "São Vicente e Granadinas", &["São Vicente e as Granadinas"]),
    c("VE", "VEN", "Venezuela", "Venezuela", &["República Bolivariana da Venezuela", "Bolivarian Republic of Venezuela", "Venezuela (Bolivarian Republic of)"]),
    c("VG", "VGB", "British Virgin Islands", "Ilhas Virgens Britânicas", &["Virgin Islands (British)"]),
    c("VI", "VIR", "United States Virgin Islands", "Ilhas Virgens dos EUA", &["Ilhas Virgens, Estados Unidos", "Virgin Islands of the United States", "Ilhas Virgens Americanas", "Ilhas Virgens dos Estados Unidos", "US Virgin Islands", "Virgin Islands (U.S.)"]),
    c("VN", "VNM", "Vietnam", "Vietname", &["Viet Nam", "Vietnã"]),
    c("VU", "VUT", "Vanuatu", "Vanuatu", &[]),
    c("WF", "WLF", "Wallis and Futuna", "Wallis e Futuna", &[]),
    c("WS", "WSM", "Samoa", "Samoa", &["Samoa Ocidental", "Western Samoa"]),
    c("YE", "YEM", "Yemen", "Iémen", &[]),
    c("YT", "MYT", "Mayotte", "Maiote", &[]),
    c("ZA", "ZAF", "South Africa", "África do Sul", &["República da África do Sul", "Republic of South Africa"]),
    c("ZM", "ZMB", "Zambia", "Zâmbia", &[]),
    c("ZW", "ZWE", "Zimbabwe", "Zimbabué", &[]),
];

/// Codes that ISO does not assign but people type, with the country they mean.
const CODE_ALIASES: [(&str, Country); 2] = [("UK", Country(*b"GB")), ("EL", Country(*b"GR"))];

impl Country {
    /// Portugal.
    pub const PORTUGAL: Country = Country(*b"PT");

    /// Recognises an alpha-2 or alpha-3 code or a country name (Portuguese or English), in any
    /// case, with or without accents and punctuation.
    ///
    /// Returns `None` for empty, unknown or ambiguous text and for two-letter codes that ISO does
    /// not assign; `UK` and `EL` are accepted for GB and GR.
    pub fn parse(text: &str) -> Option<Country> {
        let key = name_key(text);
        if key.len() == 2 && key.bytes().all(|b| b.is_ascii_lowercase()) {
            let upper = key.to_ascii_uppercase();
            return Country::from_alpha2(&upper).or_else(|| {
                CODE_ALIASES
                    .iter()
                    .find(|(code, _)| *code == upper)
                    .map(|&(_, country)| country)
            });
        }
        if key.len() == 3 && key.bytes().all(|b| b.is_ascii_lowercase()) {
            if let Some(entry) = COUNTRIES.iter().find(|e| e.alpha3.eq_ignore_ascii_case(&key)) {
                return Some(Country::of(entry));
            }
        }
        if let Some(&country) = names().get(&key) {
            return Some(country);
        }
        // Lists sorted by name write "Korea, Republic of" or "Irão, República Islâmica do": the
        // part after the single comma is tried in front of the rest.
        let (head, tail) = text.split_once(',')?;
        if tail.contains(',') {
            return None;
        }
        names().get(&name_key(&format!("{tail} {head}"))).copied()
    }

    /// The country with this assigned alpha-2 code, in any case; `None` for any other text,
    /// including the unassigned `UK` and `EL` that [`Country::parse`] accepts.
    pub fn from_alpha2(code: &str) -> Option<Country> {
        let bytes = code.as_bytes();
        if bytes.len() != 2 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let wanted = [bytes[0].to_ascii_uppercase(), bytes[1].to_ascii_uppercase()];
        COUNTRIES
            .binary_search_by(|e| e.alpha2.as_bytes().cmp(&wanted[..]))
            .ok()
            .map(|i| Country::of(&COUNTRIES[i]))
    }

    /// The ISO 3166-1 alpha-2 code (`PT`).
    pub fn alpha2(self) -> &'static str {
        self.entry().alpha2
    }

    /// The ISO 3166-1 alpha-3 code (`PRT`).
    pub fn alpha3(self) -> &'static str {
        self.entry().alpha3
    }

    /// The Portuguese (pt-PT) name (`Brasil`, `Cabo Verde`, `Reino Unido`).
    pub fn name_pt(self) -> &'static str {
        self.entry().name_pt
    }

    /// The short English name (`Brazil`, `Cabo Verde`, `United Kingdom`).
    pub fn name_en(self) -> &'static str {
        self.entry().name_en
    }

    /// Every country of the table (249), in alpha-2 order.
    pub fn all() -> impl Iterator<Item = Country> {
        COUNTRIES.iter().map(Country::of)
    }

    /// The country of a table line.
    fn of(entry: &Entry) -> Country {
        let code = entry.alpha2.as_bytes();
        Country([code[0], code[1]])
    }

    /// The table line of this country.
    fn entry(self) -> &'static Entry {
        let index = COUNTRIES.binary_search_by(|e| e.alpha2.as_bytes().cmp(&self.0[..]));
        // A Country can only be built from a line of the table, so the search always succeeds.
        &COUNTRIES[index.expect("a Country always holds an alpha-2 code of the table")]
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.alpha2())
    }
}

/// The key a name is matched on: folded, punctuation dropped, spaces collapsed.
///
/// Dots and apostrophes are removed (`U.S.A.` → `usa`, `d'Ivoire` → `divoire`); hyphens, commas,
/// slashes and brackets separate words (`Guiné-Bissau` → `guine bissau`); a leading `the` is
/// dropped and a word `st` becomes `saint`.
fn name_key(text: &str) -> String {
    let folded = fold(text);
    let separators = |c: char| c.is_whitespace() || matches!(c, '-' | '‐' | '–' | ',' | ';' | '/' | '(' | ')');
    let mut words: Vec<String> = folded
        .split(separators)
        .map(|raw| {
            raw.chars()
                .filter(|c| !matches!(c, '.' | '\'' | '’'))
                .collect::<String>()
        })
        .filter(|word| !word.is_empty())
        .collect();
    if words.len() > 1 && words[0] == "the" {
        words.remove(0);
    }
    // A lone word is left alone, so that the code `ST` (São Tomé) is not read as `saint`.
    if words.len() > 1 {
        for word in &mut words {
            if word == "st" {
                *word = "saint".to_string();
            }
        }
    }
    words.join(" ")
}

/// The names of the table by key, built on first use.
fn names() -> &'static HashMap<String, Country> {
    static NAMES: OnceLock<HashMap<String, Country>> = OnceLock::new();
    NAMES.get_or_init(|| build_names().0)
}

/// Builds the name map; a key that two countries share is left out and returned in the second
/// member, so that such a name is rejected rather than guessed.
fn build_names() -> (HashMap<String, Country>, Vec<String>) {
    let mut map: HashMap<String, Country> = HashMap::with_capacity(COUNT * 4);
    let mut ambiguous: Vec<String> = Vec::new();
    for entry in &COUNTRIES {
        let country = Country::of(entry);
        let spellings = [entry.name_en, entry.name_pt]
            .into_iter()
            .chain(entry.aliases.iter().copied());
        for spelling in spellings {
            let key = name_key(spelling);
            if key.is_empty() || ambiguous.contains(&key) {
                continue;
            }
            match map.get(&key) {
                Some(&other) if other != country => {
                    map.remove(&key);
                    ambiguous.push(key);
                }
                Some(_) => {}
                None => {
                    map.insert(key, country);
                }
            }
        }
    }
    (map, ambiguous)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Asserts that `input` parses to the country with alpha-2 code `expected`, or to nothing.
    fn check(input: &str, expected: Option<&str>) {
        assert_eq!(
            Country::parse(input).map(Country::alpha2),
            expected,
            "parsing {input:?}"
        );
    }

    #[test]
    fn parses_codes_and_names() {
        let cases: &[(&str, Option<&str>)] = &[
            ("PT", Some("PT")),
            ("prt", Some("PT")),
            ("Portugal", Some("PT")),
            ("portugal ", Some("PT")),
            ("BR", Some("BR")),
            ("BRA", Some("BR")),
            ("Brasil", Some("BR")),
            ("Brazil", Some("BR")),
            ("Cabo Verde", Some("CV")),
            ("Cape Verde", Some("CV")),
            ("CV", Some("CV")),
            ("CPV", Some("CV")),
            ("Angola", Some("AO")),
            ("Guiné-Bissau", Some("GW")),
            ("Guine Bissau", Some("GW")),
            ("Guinea-Bissau", Some("GW")),
            ("São Tomé e Príncipe", Some("ST")),
            ("Sao Tome and Principe", Some("ST")),
            ("Moçambique", Some("MZ")),
            ("Mozambique", Some("MZ")),
            ("Timor-Leste", Some("TL")),
            ("East Timor", Some("TL")),
            ("Ucrânia", Some("UA")),
            ("Ukraine", Some("UA")),
            ("UA", Some("UA")),
            ("Índia", Some("IN")),
            ("India", Some("IN")),
            ("Nepal", Some("NP")),
            ("Bangladesh", Some("BD")),
            ("Bangladeche", Some("BD")),
            ("China", Some("CN")),
            ("República Popular da China", Some("CN")),
            ("Roménia", Some("RO")),
            ("Romenia", Some("RO")),
            ("Romania", Some("RO")),
            ("Moldávia", Some("MD")),
            ("Moldova", Some("MD")),
            ("República da Moldova", Some("MD")),
            ("Rússia", Some("RU")),
            ("Federação Russa", Some("RU")),
            ("Russian Federation", Some("RU")),
            ("Reino Unido", Some("GB")),
            ("United Kingdom", Some("GB")),
            ("UK", Some("GB")),
            ("Grã-Bretanha", Some("GB")),
            ("Great Britain", Some("GB")),
            ("Estados Unidos", Some("US")),
            ("Estados Unidos da América", Some("US")),
            ("EUA", Some("US")),
            ("USA", Some("US")),
            ("United States", Some("US")),
            ("Espanha", Some("ES")),
            ("Spain", Some("ES")),
            ("França", Some("FR")),
            ("Alemanha", Some("DE")),
            ("Itália", Some("IT")),
            ("Países Baixos", Some("NL")),
            ("Holanda", Some("NL")),
            ("Netherlands", Some("NL")),
            ("Suíça", Some("CH")),
            ("Luxemburgo", Some("LU")),
            ("Bélgica", Some("BE")),
            ("Venezuela", Some("VE")),
            ("Paquistão", Some("PK")),
            ("Pakistan", Some("PK")),
            ("Senegal", Some("SN")),
            ("Guiné", Some("GN")),
            ("Guinea", Some("GN")),
            ("Guiné Equatorial", Some("GQ")),
            ("Marrocos", Some("MA")),
            ("Filipinas", Some("PH")),
            ("Coreia do Sul", Some("KR")),
            ("Côte d'Ivoire", Some("CI")),
            ("Costa do Marfim", Some("CI")),
            ("Ivory Coast", Some("CI")),
            // Case, accents, punctuation and spacing do not matter.
            ("  GUINÉ-BISSAU  ", Some("GW")),
            ("guine   bissau", Some("GW")),
            ("Cote d’Ivoire", Some("CI")),
            ("U.S.A.", Some("US")),
            ("The Netherlands", Some("NL")),
            ("St. Lucia", Some("LC")),
            ("Korea, Republic of", Some("KR")),
            ("EL", Some("GR")),
            // An inverted name, as in lists sorted by name, is turned round.
            ("Coreia, República da", Some("KR")),
            ("Congo, The Democratic Republic of the", Some("CD")),
            ("Irão, República Islâmica do", Some("IR")),
            ("Virgin Islands, U.S.", Some("VI")),
            ("Portugal, Brasil", None),
            ("gr", Some("GR")),
            ("grc", Some("GR")),
            // Unknown, unassigned or incomplete text is rejected.
            ("XX", None),
            ("ZZ", None),
            ("Atlântida", None),
            ("", None),
            ("   ", None),
            ("P", None),
            ("Portugall", None),
            ("PRTX", None),
            ("XXX", None),
            ("Coreia", None),
        ];
        for &(input, expected) in cases {
            check(input, expected);
        }
    }

    #[test]
    fn from_alpha2_accepts_only_assigned_codes() {
        assert_eq!(Country::from_alpha2("pt"), Some(Country::PORTUGAL));
        assert_eq!(Country::from_alpha2("Gb").map(Country::alpha3), Some("GBR"));
        assert_eq!(Country::from_alpha2("UK"), None);
        assert_eq!(Country::from_alpha2("EL"), None);
        assert_eq!(Country::from_alpha2("XX"), None);
        assert_eq!(Country::from_alpha2("PRT"), None);
        assert_eq!(Country::from_alpha2(""), None);
    }

    #[test]
    fn accessors_and_display() {
        let portugal = Country::PORTUGAL;
        assert_eq!((portugal.alpha2(), portugal.alpha3()), ("PT", "PRT"));
        assert_eq!((portugal.name_pt(), portugal.name_en()), ("Portugal", "Portugal"));
        assert_eq!(portugal.to_string(), "PT");
        assert_eq!(format!("{portugal:>4}"), "  PT");
        let brazil = Country::parse("brasil").unwrap();
        assert_eq!((brazil.name_pt(), brazil.name_en()), ("Brasil", "Brazil"));
        assert_eq!(Country::parse("CV").unwrap().name_pt(), "Cabo Verde");
        assert_eq!(Country::parse("UK").unwrap().name_pt(), "Reino Unido");
    }

    #[test]
    fn table_is_complete_sorted_and_unique() {
        assert_eq!(COUNTRIES.len(), 249);
        assert_eq!(Country::all().count(), 249);
        assert!(
            COUNTRIES.windows(2).all(|pair| pair[0].alpha2 < pair[1].alpha2),
            "the table is sorted by alpha-2"
        );
        let alpha2: HashSet<&str> = COUNTRIES.iter().map(|e| e.alpha2).collect();
        let alpha3: HashSet<&str> = COUNTRIES.iter().map(|e| e.alpha3).collect();
        assert_eq!((alpha2.len(), alpha3.len()), (249, 249));
        for entry in &COUNTRIES {
            let upper = |code: &str, len: usize| code.len() == len && code.bytes().all(|b| b.is_ascii_uppercase());
            assert!(
                upper(entry.alpha2, 2) && upper(entry.alpha3, 3),
                "{} / {}",
                entry.alpha2,
                entry.alpha3
            );
        }
        for (code, _) in CODE_ALIASES {
            assert!(!alpha2.contains(code), "{code} is an assigned code");
        }
    }

    #[test]
    fn no_name_is_shared_by_two_countries() {
        let (_, ambiguous) = build_names();
        assert!(ambiguous.is_empty(), "ambiguous names: {ambiguous:?}");
    }

    #[test]
    fn every_code_and_name_round_trips() {
        for country in Country::all() {
            let code = country.alpha2();
            check(code, Some(code));
            check(&code.to_lowercase(), Some(code));
            check(country.alpha3(), Some(code));
            check(&country.alpha3().to_lowercase(), Some(code));
            check(country.name_pt(), Some(code));
            check(&country.name_pt().to_uppercase(), Some(code));
            check(country.name_en(), Some(code));
            for alias in country.entry().aliases {
                check(alias, Some(code));
            }
            assert_eq!(Country::from_alpha2(code), Some(country));
        }
    }
}
