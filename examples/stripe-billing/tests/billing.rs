//! The billing module, through async-stripe, against a Stripe clone: each test starts from the
//! `basic` seed (Alice with a Visa on file, Bob and Carol without a card; the Pro plan at
//! $20.00 a month).

use billing::{Billing, BillingError};
use stripe_core::{CustomerId, PaymentIntent, PaymentIntentStatus};

const ALICE: &str = "cus_SEEDalice00001";
const BOB: &str = "cus_SEEDbob0000001";
const PRO_MONTHLY: &str = "price_SEEDproMonth1";

/// The module as a user would build it, with only the client's base URL pointed at the clone.
fn billing(stripe: &asym::Stripe) -> Billing {
    let client = stripe::ClientBuilder::new(stripe.secret_key())
        .url(stripe.api_url())
        .build()
        .expect("a valid key and URL");
    Billing::new(client)
}

fn id(customer: &str) -> CustomerId {
    CustomerId::from(customer.to_owned())
}

/// The first column of every row, as text.
async fn column(stripe: &asym::Stripe, sql: &str) -> Vec<String> {
    stripe
        .column(sql)
        .await
        .expect("query the clone's database")
}

/// Asserts the clone stores no object of type `object`.
async fn assert_none_stored(stripe: &asym::Stripe, object: &str) {
    let sql = format!("select id from objects where object = '{object}'");
    let ids = column(stripe, &sql).await;
    assert!(ids.is_empty(), "stored {object} objects: {ids:?}");
}

/// A field of a stored object, as text.
async fn field(stripe: &asym::Stripe, id: &str, path: &str) -> String {
    let rows = column(
        stripe,
        &format!("select data#>>'{{{path}}}' from objects where id = '{id}'"),
    )
    .await;
    rows.into_iter()
        .next()
        .unwrap_or_else(|| panic!("no object {id}"))
}

/// The id of the charge that paid `payment`.
fn charge_of(payment: &PaymentIntent) -> String {
    payment
        .latest_charge
        .as_ref()
        .expect("a charge")
        .id()
        .to_string()
}

#[asym::clone("stripe", seed = "basic")]
async fn signing_up_twice_makes_one_customer(stripe: asym::Stripe) {
    let billing = billing(&stripe);
    let first = billing
        .sign_up("dana@example.com", "Dana Diaz")
        .await
        .unwrap();
    let again = billing
        .sign_up("dana@example.com", "Dana Diaz")
        .await
        .unwrap();
    assert_eq!(first.id, again.id);
    assert_eq!(first.name.as_deref(), Some("Dana Diaz"));

    let stored = column(
        &stripe,
        "select id from objects where object = 'customer' and data->>'email' = 'dana@example.com'",
    )
    .await;
    assert_eq!(stored, [first.id.to_string()]);
    assert_eq!(
        field(&stripe, first.id.as_str(), "metadata,signed_up_via").await,
        "app"
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn signing_up_a_known_email_finds_the_customer(stripe: asym::Stripe) {
    let alice = billing(&stripe)
        .sign_up("alice@example.com", "Somebody Else")
        .await
        .unwrap();
    assert_eq!(alice.id.as_str(), ALICE);
    assert_eq!(alice.name.as_deref(), Some("Alice Archer"));
}

#[asym::clone("stripe", seed = "basic")]
async fn subscribing_charges_the_first_month(stripe: asym::Stripe) {
    let subscription = billing(&stripe)
        .subscribe(&id(ALICE), PRO_MONTHLY, None)
        .await
        .unwrap();
    assert_eq!(subscription.status.as_str(), "active");
    assert_eq!(subscription.customer.id().as_str(), ALICE);
    let invoice = subscription
        .latest_invoice
        .as_ref()
        .expect("a first invoice")
        .id()
        .as_ref()
        .expect("the invoice's id")
        .to_string();
    assert_eq!(field(&stripe, &invoice, "status").await, "paid");
    assert_eq!(field(&stripe, &invoice, "amount_paid").await, "2000");
}

#[asym::clone("stripe", seed = "basic")]
async fn a_trial_starts_without_a_card(stripe: asym::Stripe) {
    let subscription = billing(&stripe)
        .subscribe(&id(BOB), PRO_MONTHLY, Some(14))
        .await
        .unwrap();
    assert_eq!(subscription.status.as_str(), "trialing");
    let (start, end) = (
        subscription.trial_start.expect("trial_start"),
        subscription.trial_end.expect("trial_end"),
    );
    assert_eq!(end - start, 14 * 24 * 3600);
    assert_eq!(
        field(&stripe, subscription.id.as_str(), "status").await,
        "trialing"
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn canceling_ends_the_subscription(stripe: asym::Stripe) {
    let billing = billing(&stripe);
    let subscription = billing
        .subscribe(&id(ALICE), PRO_MONTHLY, None)
        .await
        .unwrap();
    let listed = billing.subscriptions(&id(ALICE)).await.unwrap();
    assert_eq!(
        listed.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        [subscription.id.as_str()]
    );

    let canceled = billing.cancel(&subscription.id).await.unwrap();
    assert_eq!(canceled.status.as_str(), "canceled");
    assert!(canceled.canceled_at.is_some());
    assert_eq!(
        field(&stripe, subscription.id.as_str(), "status").await,
        "canceled"
    );
    assert!(billing.subscriptions(&id(ALICE)).await.unwrap().is_empty());
}

#[asym::clone("stripe", seed = "basic")]
async fn subscribing_to_an_unknown_price_is_reported(stripe: asym::Stripe) {
    let err = billing(&stripe)
        .subscribe(&id(ALICE), "price_does_not_exist", None)
        .await
        .unwrap_err();
    assert_eq!(err.stripe_code(), Some("resource_missing"), "{err:?}");
    assert_none_stored(&stripe, "subscription").await;
}

#[asym::clone("stripe", seed = "basic")]
async fn the_card_on_file_is_charged(stripe: asym::Stripe) {
    let payment = billing(&stripe)
        .charge(&id(ALICE), 4999, "Overage for March")
        .await
        .unwrap();
    assert_eq!(payment.status, PaymentIntentStatus::Succeeded);
    assert_eq!(payment.amount, 4999);
    assert_eq!(payment.amount_received, 4999);
    assert_eq!(
        payment
            .payment_method
            .as_ref()
            .map(|pm| pm.id().to_string()),
        Some("pm_SEEDaliceVisa01".to_owned())
    );
    let charge = charge_of(&payment);
    assert_eq!(field(&stripe, &charge, "paid").await, "true");
    assert_eq!(
        field(&stripe, &charge, "description").await,
        "Overage for March"
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn a_customer_without_a_card_is_not_charged(stripe: asym::Stripe) {
    let err = billing(&stripe)
        .charge(&id(BOB), 1000, "Setup fee")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, BillingError::NoCardOnFile(who) if who == BOB),
        "{err:?}"
    );
    assert_none_stored(&stripe, "payment_intent").await;
}

#[asym::clone("stripe", seed = "basic")]
async fn a_declined_card_is_reported(stripe: asym::Stripe) {
    let err = billing(&stripe)
        .charge_card(&id(BOB), "pm_card_chargeDeclined", 1000, "Setup fee")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, BillingError::Declined { decline_code, .. } if decline_code == "generic_decline"),
        "{err:?}"
    );
    let statuses = column(
        &stripe,
        "select data->>'status' from objects where object = 'payment_intent'",
    )
    .await;
    assert_eq!(statuses, ["requires_payment_method"]);
}

#[asym::clone("stripe", seed = "basic")]
async fn refunds_add_up_to_the_payment(stripe: asym::Stripe) {
    let billing = billing(&stripe);
    let payment = billing
        .charge(&id(ALICE), 5000, "Annual add-on")
        .await
        .unwrap();

    let partial = billing.refund(&payment.id, Some(2000)).await.unwrap();
    assert_eq!(partial.amount, 2000);
    assert_eq!(partial.status.as_deref(), Some("succeeded"));
    let rest = billing.refund(&payment.id, None).await.unwrap();
    assert_eq!(rest.amount, 3000);

    let err = billing.refund(&payment.id, None).await.unwrap_err();
    assert_eq!(
        err.stripe_code(),
        Some("charge_already_refunded"),
        "{err:?}"
    );
    let charge = charge_of(&payment);
    assert_eq!(field(&stripe, &charge, "amount_refunded").await, "5000");
    assert_eq!(field(&stripe, &charge, "refunded").await, "true");
}
