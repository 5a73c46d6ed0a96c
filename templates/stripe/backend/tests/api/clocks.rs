//! Test clocks: how far one advance may move a clock (two intervals of its shortest
//! subscription, two years without one), and never backwards.

use crate::common::{Api, PRO_MONTHLY, expect_refusal, id, invalid};
use crate::prorations::START;
use asym_kit::testing::assert_contains;

/// 2026-03-01 00:00 UTC: two months after [`START`].
const TWO_MONTHS: i64 = 1_772_323_200;
/// 2028-01-01 00:00 UTC: two years after [`START`].
const TWO_YEARS: i64 = 1_830_297_600;

/// `POST …/advance` of clock `clock` to `to`: the status and the answer.
async fn advance(api: &Api, clock: &str, to: i64) -> (u16, serde_json::Value) {
    let to = to.to_string();
    api.post(
        &format!("/v1/test_helpers/test_clocks/{clock}/advance"),
        &[("frozen_time", &to)],
    )
    .await
}

#[asym::clone("stripe", seed = "basic")]
async fn a_clock_moves_at_most_two_intervals_of_its_shortest_subscription(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    // Without subscriptions: two years.
    let bare = api.test_clock(START).await;
    expect_refusal(
        advance(&api, id(&bare), TWO_YEARS + 1).await,
        invalid("frozen_time"),
    );
    assert_eq!(advance(&api, id(&bare), TWO_YEARS).await.0, 200);
    // Backwards, or to the same time, is refused.
    let body = expect_refusal(
        advance(&api, id(&bare), START).await,
        invalid("frozen_time"),
    );
    assert_contains(&body["error"]["message"], "must be after");

    // A monthly subscription: two months.
    let clock = api.test_clock(START).await;
    let customer = api.visa_customer_on(id(&clock), &[]).await;
    let form = [
        ("customer", id(&customer)),
        ("items[0][price]", PRO_MONTHLY),
    ];
    api.ok("/v1/subscriptions", &form).await;
    let body = expect_refusal(
        advance(&api, id(&clock), TWO_MONTHS + 1).await,
        invalid("frozen_time"),
    );
    assert_contains(
        &body["error"]["message"],
        &format!("to {TWO_MONTHS} from {START}"),
    );
    assert_eq!(advance(&api, id(&clock), TWO_MONTHS).await.0, 200);
}
