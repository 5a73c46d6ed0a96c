//! Tax ids (`txi_…`): a customer's, or the account's own (`owner[type]=self`). Their `type`
//! and `value` checked as Stripe checks the common types, their `country` and
//! `verification`, and what a customer's invoices show of them (`customer_tax_ids`).

use serde_json::{Map, Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::params::{inside, listed, required_at};

/// Every `type` Stripe takes (its API reference's list; the legacy `unknown` is not made).
#[rustfmt::skip]
pub(crate) const TYPES: &[&str] = &[
    "ad_nrt", "ae_trn", "al_tin", "am_tin", "ao_tin", "ar_cuit", "au_abn", "au_arn", "aw_tin",
    "az_tin", "ba_tin", "bb_tin", "bd_bin", "bf_ifu", "bg_uic", "bh_vat", "bj_ifu", "bo_tin",
    "br_cnpj", "br_cpf", "bs_tin", "by_tin", "ca_bn", "ca_gst_hst", "ca_pst_bc", "ca_pst_mb",
    "ca_pst_sk", "ca_qst", "cd_nif", "ch_uid", "ch_vat", "cl_tin", "cm_niu", "cn_tin", "co_nit",
    "cr_tin", "cv_nif", "de_stn", "do_rcn", "ec_ruc", "eg_tin", "es_cif", "et_tin", "eu_oss_vat",
    "eu_vat", "gb_vat", "ge_vat", "gn_nif", "hk_br", "hr_oib", "hu_tin", "id_npwp", "il_vat",
    "in_gst", "is_vat", "jp_cn", "jp_rn", "jp_trn", "ke_pin", "kg_tin", "kh_tin", "kr_brn",
    "kz_bin", "la_tin", "li_uid", "li_vat", "ma_vat", "md_vat", "me_pib", "mk_vat", "mr_nif",
    "mx_rfc", "my_frp", "my_itn", "my_sst", "ng_tin", "no_vat", "no_voec", "np_pan", "nz_gst",
    "om_vat", "pe_ruc", "ph_tin", "pl_nip", "ro_tin", "rs_pib", "ru_inn", "ru_kpp", "sa_vat",
    "sg_gst", "sg_uen", "si_tin", "sn_ninea", "sr_fin", "sv_nit", "th_vat", "tj_tin", "tr_tin",
    "tw_vat", "tz_vat", "ua_vat", "ug_tin", "us_ein", "uy_ruc", "uz_tin", "uz_vat", "ve_rif",
    "vn_tin", "za_vat", "zm_tin", "zw_tin",
];

/// The shapes a value of a common type takes, from Stripe's table of examples: `9` a digit,
/// `A` a capital letter, `X` either, anything else itself. Types not listed take any value.
#[rustfmt::skip]
const SHAPES: &[(&str, &[&str])] = &[
    ("au_abn", &["99999999999"]),
    ("au_arn", &["999999999999"]),
    ("br_cnpj", &["99.999.999/9999-99"]),
    ("br_cpf", &["999.999.999-99"]),
    ("ca_bn", &["999999999"]),
    ("ca_gst_hst", &["999999999RT9999"]),
    ("ca_qst", &["9999999999TQ9999"]),
    ("ch_vat", &["CHE-999.999.999 MWST", "CHE-999.999.999 TVA", "CHE-999.999.999 IVA"]),
    ("es_cif", &["A99999999"]),
    ("gb_vat", &["GB999999999", "GB999999999999"]),
    ("in_gst", &["99AAAAA9999AXZX"]),
    ("jp_cn", &["9999999999999"]),
    ("mx_rfc", &["AAA999999XXX", "AAAA999999XXX"]),
    ("no_vat", &["999999999MVA"]),
    ("nz_gst", &["99999999", "999999999"]),
    ("sg_uen", &["999999999A", "99999999A"]),
    ("us_ein", &["99-9999999", "999999999"]),
    ("za_vat", &["4999999999"]),
];

/// An EU VAT number's shapes after its country prefix, by prefix (Stripe's examples and the
/// member states' formats).
#[rustfmt::skip]
const EU_VAT: &[(&str, &[&str])] = &[
    ("AT", &["U99999999"]), ("BE", &["9999999999"]), ("BG", &["999999999", "9999999999"]),
    ("CY", &["99999999A"]), ("CZ", &["99999999", "999999999", "9999999999"]),
    ("DE", &["999999999"]), ("DK", &["99999999"]), ("EE", &["999999999"]),
    ("EL", &["999999999"]), ("ES", &["X9999999X"]), ("FI", &["99999999"]),
    ("FR", &["XX999999999"]), ("HR", &["99999999999"]), ("HU", &["99999999"]),
    ("IE", &["9999999A", "9999999AA", "9X99999A"]), ("IT", &["99999999999"]),
    ("LT", &["999999999", "999999999999"]), ("LU", &["99999999"]), ("LV", &["99999999999"]),
    ("MT", &["99999999"]), ("NL", &["999999999B99"]), ("PL", &["9999999999"]),
    ("PT", &["999999999"]), ("RO", &["99", "999", "9999", "99999", "999999", "9999999",
    "99999999", "999999999", "9999999999"]), ("SE", &["999999999999"]), ("SI", &["99999999"]),
    ("SK", &["9999999999"]), ("XI", &["999999999", "999999999999"]),
];

/// Whether `value` has `shape` (see [`SHAPES`]).
fn fits(value: &str, shape: &str) -> bool {
    value.chars().count() == shape.chars().count()
        && value.chars().zip(shape.chars()).all(|(v, s)| match s {
            '9' => v.is_ascii_digit(),
            'A' => v.is_ascii_uppercase(),
            'X' => v.is_ascii_uppercase() || v.is_ascii_digit(),
            _ => v == s,
        })
}

/// The country of a tax id: an EU VAT number's prefix (`EL` is Greece, `XI` Northern
/// Ireland), none for the EU's one-stop shop, else the type's own.
fn country_of(kind: &str, value: &str) -> Value {
    match kind {
        "eu_vat" => json!(match value.get(..2) {
            Some("EL") => "GR",
            Some("XI") => "GB",
            Some(prefix) => prefix,
            None => "",
        }),
        "eu_oss_vat" => Value::Null,
        _ => json!(kind.split('_').next().unwrap_or_default().to_uppercase()),
    }
}

/// Whether `value` is a valid `kind` as far as the clone checks it: the shapes of the common
/// types, any non-blank value of the others.
fn valid(kind: &str, value: &str) -> bool {
    if kind == "eu_vat" {
        return value.get(..2).is_some_and(|prefix| {
            EU_VAT
                .iter()
                .any(|(p, shapes)| *p == prefix && shapes.iter().any(|s| fits(&value[2..], s)))
        });
    }
    match SHAPES.iter().find(|(k, _)| *k == kind) {
        Some((_, shapes)) => shapes.iter().any(|s| fits(value, s)),
        None => !value.trim().is_empty(),
    }
}

/// Stripe's test-mode verification: the types Stripe verifies against a government
/// registry (EU VAT in VIES, UK VAT at HMRC, Australian ABNs at the ABR) are `verified` when
/// the number holds `000000000`, `unverified` when it holds `111111111`, else `pending`;
/// other types are `unavailable`.
fn verification(kind: &str, value: &str) -> Value {
    let status = if !["eu_vat", "gb_vat", "au_abn"].contains(&kind) {
        "unavailable"
    } else if value.contains("000000000") {
        "verified"
    } else if value.contains("111111111") {
        "unverified"
    } else {
        "pending"
    };
    json!({"status": status, "verified_address": null, "verified_name": null})
}

/// A new tax id (stored, `customer.tax_id.created` announced for a customer's) from the
/// request's `type` and `value` in `data` (inside hash `at`, when not empty), owned by
/// `customer` (`None`: the account's own).
pub(crate) async fn new_tax_id(
    cx: &Cx<'_>,
    data: &Map<String, Value>,
    at: &str,
    customer: Option<&str>,
) -> ApiResult<Value> {
    let name = |key: &str| inside(at, key);
    let kind = required_at(data, "type", &name("type"))?;
    if !TYPES.contains(&kind) {
        return Err(ApiError::invalid_param(
            &name("type"),
            format!("Invalid type: must be one of {}", listed(TYPES)),
        ));
    }
    let value = required_at(data, "value", &name("value"))?;
    if !valid(kind, value) {
        return Err(
            ApiError::invalid_param(&name("value"), format!("Invalid value for {kind}."))
                .code("tax_id_invalid"),
        );
    }
    let (id, seq) = cx.new_id("txi_").await?;
    let owner = match customer {
        Some(c) => json!({"account": null, "application": null, "customer": c, "type": "customer"}),
        None => json!({"account": null, "application": null, "customer": null, "type": "self"}),
    };
    let tax_id = json!({
        "id": id,
        "object": "tax_id",
        "country": country_of(kind, value),
        "created": cx.now,
        "customer": customer,
        "livemode": false,
        "owner": owner,
        "type": kind,
        "value": value,
        "verification": verification(kind, value),
    });
    cx.insert(seq, &tax_id)?;
    if customer.is_some() {
        cx.emit("customer.tax_id.created", &tax_id, None).await?;
    }
    Ok(tax_id)
}

/// The tax ids of customer `customer`, newest first.
pub(crate) async fn of_customer(cx: &Cx<'_>, customer: &str) -> ApiResult<Vec<Value>> {
    cx.all("tax_id", &[("customer = {}", customer.to_owned())])
        .await
}

/// An invoice's `customer_tax_ids`: the customer's tax ids as `{type, value}`.
pub(crate) async fn for_invoice(cx: &Cx<'_>, customer: &str) -> ApiResult<Value> {
    let ids = of_customer(cx, customer).await?;
    Ok(ids
        .iter()
        .map(|t| json!({"type": t["type"], "value": t["value"]}))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_types_are_checked_by_shape_and_others_are_not() {
        assert!(valid("eu_vat", "DE123456789"));
        assert!(valid("eu_vat", "FRAB123456789"));
        assert!(!valid("eu_vat", "DE12345678"));
        assert!(!valid("eu_vat", "US123456789"));
        assert!(valid("us_ein", "12-3456789"));
        assert!(!valid("us_ein", "12-345678"));
        assert!(valid("ch_vat", "CHE-123.456.789 MWST"));
        assert!(valid("kz_bin", "anything"));
        assert!(!valid("kz_bin", " "));
        assert_eq!(country_of("eu_vat", "EL123456789"), json!("GR"));
        assert_eq!(country_of("ca_gst_hst", "123456789RT0002"), json!("CA"));
    }

    #[test]
    fn test_mode_numbers_decide_the_verification() {
        assert_eq!(verification("eu_vat", "DE000000000")["status"], "verified");
        assert_eq!(
            verification("gb_vat", "GB111111111")["status"],
            "unverified"
        );
        assert_eq!(verification("au_abn", "12345678912")["status"], "pending");
        assert_eq!(
            verification("us_ein", "12-3456789")["status"],
            "unavailable"
        );
    }
}
