"""Stripe's official Python SDK against the clone, changing only `stripe.api_base`.

Env: STRIPE_API_BASE (http://127.0.0.1:<port>), STRIPE_SECRET_KEY, ASYM_ADMIN_SECRET (the clone's
admin secret, for switching rate limits on). Exits non-zero on failure.
"""
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request

import stripe
from check import Receiver, admin, check, finish

stripe.api_base = os.environ["STRIPE_API_BASE"]
stripe.api_key = os.environ["STRIPE_SECRET_KEY"]
stripe.max_network_retries = 2


def customer_payment_refund():
    customer = stripe.Customer.create(email="py@example.com", name="Py Thon", metadata={"sdk": "python"})
    assert customer.id.startswith("cus_") and customer.metadata["sdk"] == "python"
    pm = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    assert pm.card.last4 == "4242"
    methods = stripe.Customer.list_payment_methods(customer.id)
    assert methods.data[0].id == pm.id
    intent = stripe.PaymentIntent.create(amount=4200, currency="usd", customer=customer.id, payment_method=pm.id)
    intent = stripe.PaymentIntent.confirm(intent.id)
    assert intent.status == "succeeded", intent.status
    refund = stripe.Refund.create(payment_intent=intent.id, amount=1200)
    assert refund.status == "succeeded"
    charge = stripe.Charge.retrieve(intent.latest_charge)
    assert charge.amount_refunded == 1200 and not charge.refunded
    found = stripe.Customer.search(query="email:'py@example.com'")
    assert found.data[0].id == customer.id


def subscription_with_test_clock():
    start = 1767225600
    clock = stripe.test_helpers.TestClock.create(frozen_time=start, name="py")
    # Stripe's documented one-call set-up: the test method attached and made the default.
    customer = stripe.Customer.create(email="clock@example.com", test_clock=clock.id, payment_method="pm_card_visa",
                                      invoice_settings={"default_payment_method": "pm_card_visa"})
    pm = stripe.PaymentMethod.list(customer=customer.id, type="card").data[0]
    assert customer.invoice_settings.default_payment_method == pm.id
    product = stripe.Product.create(name="Py plan")
    price = stripe.Price.create(product=product.id, unit_amount=990, currency="usd",
                                recurring={"interval": "month"}, lookup_key="py_monthly")
    assert stripe.Price.list(lookup_keys=["py_monthly"]).data[0].id == price.id
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}],
                                     expand=["latest_invoice.payment_intent"])
    assert sub.status == "active"
    assert sub.latest_invoice.status == "paid"
    clock = stripe.test_helpers.TestClock.advance(clock.id, frozen_time=start + 32 * 86400)
    while clock.status != "ready":
        time.sleep(0.2)
        clock = stripe.test_helpers.TestClock.retrieve(clock.id)
    invoices = stripe.Invoice.list(subscription=sub.id)
    assert len(invoices.data) == 2, len(invoices.data)
    assert all(i.status == "paid" for i in invoices.data)
    assert invoices.data[0].billing_reason == "subscription_cycle"


def idempotent_retries():
    a = stripe.Customer.create(email="idem@example.com", idempotency_key="py-idem-1")
    b = stripe.Customer.create(email="idem@example.com", idempotency_key="py-idem-1")
    assert a.id == b.id
    try:
        stripe.Customer.create(email="different@example.com", idempotency_key="py-idem-1")
        raise AssertionError("expected an idempotency error")
    except stripe.error.IdempotencyError:
        pass


def declines():
    try:
        stripe.PaymentIntent.create(amount=1000, currency="usd", payment_method="pm_card_chargeDeclinedInsufficientFunds",
                                    confirm=True, payment_method_types=["card"])
        raise AssertionError("expected a decline")
    except stripe.error.CardError as err:
        assert err.code == "card_declined", err.code
        assert err.error.decline_code == "insufficient_funds"
        assert err.http_status == 402
        intent = stripe.PaymentIntent.retrieve(err.error.payment_intent.id)
        assert intent.status == "requires_payment_method"
        assert intent.last_payment_error.decline_code == "insufficient_funds"
    try:
        stripe.Customer.retrieve("cus_missing")
        raise AssertionError("expected not found")
    except stripe.error.InvalidRequestError as err:
        assert err.http_status == 404 and err.code == "resource_missing"


def press(url, outcome):
    """Presses Complete or Fail on the clone's 3-D Secure test page; returns (status, Location)."""
    action, query = url.split("?", 1)
    secret = urllib.parse.parse_qs(query)["client_secret"][0]
    body = urllib.parse.urlencode({"client_secret": secret, "outcome": outcome}).encode()

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    try:
        with urllib.request.build_opener(Stay).open(urllib.request.Request(action, data=body)) as response:
            return response.status, None
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Location")


def three_d_secure():
    intent = stripe.PaymentIntent.create(amount=1500, currency="usd", payment_method="pm_card_threeDSecure2Required",
                                         payment_method_types=["card"], confirm=True,
                                         return_url="https://shop.example/back")
    assert intent.status == "requires_action", intent.status
    assert intent.next_action.type == "redirect_to_url"
    status, location = press(intent.next_action.redirect_to_url.url, "complete")
    assert status == 303 and location.endswith("redirect_status=succeeded"), (status, location)
    assert f"payment_intent={intent.id}" in location
    intent = stripe.PaymentIntent.retrieve(intent.id, expand=["latest_charge"])
    assert intent.status == "succeeded", intent.status
    assert intent.latest_charge.payment_method_details.card.three_d_secure.result == "authenticated"

    intent = stripe.PaymentIntent.create(amount=1500, currency="usd", payment_method="pm_card_authenticationRequired",
                                         payment_method_types=["card"], confirm=True)
    assert intent.next_action.type == "use_stripe_sdk"
    press(intent.next_action.use_stripe_sdk["stripe_js"], "fail")
    intent = stripe.PaymentIntent.retrieve(intent.id)
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.code == "payment_intent_authentication_failure"
    try:
        stripe.PaymentIntent.create(amount=1500, currency="usd", payment_method="pm_card_authenticationRequired",
                                    payment_method_types=["card"], confirm=True, off_session=True)
        raise AssertionError("expected authentication_required")
    except stripe.error.CardError as err:
        assert err.code == "authentication_required" and err.http_status == 402, err.code


def radar():
    try:
        stripe.PaymentIntent.create(amount=1000, currency="usd", payment_method="pm_card_radarBlock",
                                    payment_method_types=["card"], confirm=True)
        raise AssertionError("expected a Radar block")
    except stripe.error.CardError as err:
        assert err.error.decline_code == "fraudulent"
        assert stripe.Charge.retrieve(err.error.charge).outcome.type == "blocked"
    intent = stripe.PaymentIntent.create(amount=1000, currency="usd", payment_method="pm_card_riskLevelElevated",
                                         payment_method_types=["card"], confirm=True, expand=["latest_charge"])
    assert intent.latest_charge.outcome.risk_level == "elevated"


def balance_and_preview():
    before = stripe.Balance.retrieve()
    intent = stripe.PaymentIntent.create(amount=2000, currency="usd", payment_method="pm_card_bypassPending",
                                         payment_method_types=["card"], confirm=True)
    charge = stripe.Charge.retrieve(intent.latest_charge, expand=["balance_transaction"])
    txn = charge.balance_transaction
    assert (txn.type, txn.amount, txn.fee, txn.net, txn.status) == ("charge", 2000, 88, 1912, "available"), txn
    after = stripe.Balance.retrieve()
    assert after.available[0].amount - before.available[0].amount == 1912
    refund = stripe.Refund.create(charge=charge.id, amount=500)
    assert stripe.BalanceTransaction.retrieve(refund.balance_transaction).amount == -500
    assert any(t.id == txn.id for t in stripe.BalanceTransaction.list(type="charge", limit=100).data)
    customer = stripe.Customer.create(email="preview@example.com")
    preview = stripe.Invoice.create_preview(customer=customer.id,
                                            subscription_details={"items": [{"price": "price_SEEDproMonth1", "quantity": 3}]})
    assert preview.amount_due == 6000 and preview.billing_reason == "subscription_create", preview.amount_due


def pagination():
    for i in range(12):
        stripe.Customer.create(email=f"page{i}@example.com")
    page = stripe.Customer.list(limit=5)
    assert len(page.data) == 5 and page.has_more
    ids = [c.id for c in stripe.Customer.list(limit=5).auto_paging_iter()]
    assert len(ids) == len(set(ids)) and len(ids) >= 12, len(ids)


def webhooks():
    with Receiver() as hook:
        endpoint = stripe.WebhookEndpoint.create(url=hook.url, enabled_events=["customer.created"])
        customer = stripe.Customer.create(email="hook@example.com")
        headers, payload = hook.next()
    signature = headers["Stripe-Signature"]
    event = stripe.Webhook.construct_event(payload, signature, endpoint.secret)
    assert event.type == "customer.created" and event.data.object.id == customer.id
    try:
        stripe.Webhook.construct_event(payload, signature, "whsec_wrong")
        raise AssertionError("a wrong secret must not verify")
    except stripe.error.SignatureVerificationError:
        pass


def coupons_and_promotion_codes():
    coupon = stripe.Coupon.create(id="PY_HALF", percent_off=50, duration="once", name="Half off")
    assert (coupon.id, coupon.percent_off, coupon.valid, coupon.times_redeemed) == ("PY_HALF", 50, True, 0), coupon
    assert stripe.Coupon.retrieve("PY_HALF").name == "Half off"
    assert stripe.Coupon.modify("PY_HALF", metadata={"sdk": "python"}).metadata["sdk"] == "python"
    assert "PY_HALF" in [c.id for c in stripe.Coupon.list(limit=3).auto_paging_iter()]
    gone = stripe.Coupon.create(amount_off=300, currency="usd", duration="repeating", duration_in_months=3)
    assert stripe.Coupon.delete(gone.id).deleted
    try:
        stripe.Coupon.retrieve(gone.id)
        raise AssertionError("a deleted coupon is gone")
    except stripe.error.InvalidRequestError as err:
        assert err.code == "resource_missing" and err.http_status == 404, err
    try:
        stripe.Coupon.create(id="PY_HALF", percent_off=10)
        raise AssertionError("a coupon id is unique")
    except stripe.error.InvalidRequestError as err:
        assert err.code == "resource_already_exists", err
    promo = stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": "PY_HALF"}, code="PYHALF",
                                        max_redemptions=5)
    assert promo.promotion.coupon == "PY_HALF" and promo.active and promo.code == "PYHALF", promo
    assert [p.id for p in stripe.PromotionCode.list(code="pyhalf").data] == [promo.id]
    assert stripe.PromotionCode.modify(promo.id, metadata={"k": "v"}).metadata["k"] == "v"


def refused_subscription(customer, discount):
    """The error a subscription to Asym Pro monthly with `discount` is refused with."""
    try:
        stripe.Subscription.create(customer=customer, items=[{"price": "price_SEEDproMonth1"}], discounts=[discount])
    except stripe.error.InvalidRequestError as err:
        return err
    raise AssertionError(f"a subscription with {discount} is refused")


def subscription_with_a_discount():
    customer = stripe.Customer.create(email="coupon-py@example.com", payment_method="pm_card_visa",
                                      invoice_settings={"default_payment_method": "pm_card_visa"})
    promo = stripe.PromotionCode.list(code="PYHALF").data[0]
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": "price_SEEDproMonth1"}],
                                     discounts=[{"promotion_code": promo.id}], expand=["latest_invoice", "discounts"])
    invoice = sub.latest_invoice
    assert sub.status == "active" and (invoice.subtotal, invoice.total, invoice.amount_paid) == (2000, 1000, 1000), invoice
    assert invoice.total_discount_amounts[0].amount == 1000
    assert sub.discounts[0].source.coupon == "PY_HALF" and sub.discounts[0].promotion_code == promo.id
    assert stripe.PaymentIntent.retrieve(invoice.payment_intent).amount == 1000
    assert stripe.PromotionCode.retrieve(promo.id).times_redeemed == 1
    assert stripe.Subscription.delete_discount(sub.id).deleted
    assert stripe.Subscription.retrieve(sub.id).discounts == []
    # Refused: an inactive promotion code, a coupon redeemed its maximum number of times.
    stripe.PromotionCode.modify(promo.id, active=False)
    err = refused_subscription(customer.id, {"promotion_code": promo.id})
    assert err.param == "discounts[0][promotion_code]", err
    capped = stripe.Coupon.create(percent_off=10, duration="forever", max_redemptions=1)
    stripe.Subscription.create(customer=customer.id, items=[{"price": "price_SEEDproMonth1"}],
                               discounts=[{"coupon": capped.id}])
    err = refused_subscription(customer.id, {"coupon": capped.id})
    assert err.code == "coupon_expired", err
    assert stripe.Coupon.retrieve(capped.id).valid is False


def tax_rates():
    vat = stripe.TaxRate.create(display_name="VAT", description="VAT Germany", jurisdiction="DE", country="DE",
                                percentage=19, inclusive=False, tax_type="vat", metadata={"sdk": "python"})
    assert vat.id.startswith("txr_") and (vat.percentage, vat.inclusive, vat.active) == (19, False, True), vat
    assert stripe.TaxRate.retrieve(vat.id).display_name == "VAT"
    assert stripe.TaxRate.modify(vat.id, display_name="MwSt").display_name == "MwSt"
    try:
        stripe.TaxRate.modify(vat.id, percentage=7)
        raise AssertionError("a tax rate's percentage is fixed")
    except stripe.error.InvalidRequestError as err:
        assert err.code == "parameter_unknown" and err.param == "percentage", err
    session = stripe.checkout.Session.create(mode="payment", success_url="https://example.com/ok",
                                             line_items=[{"price": "price_SEEDshirt001", "quantity": 1,
                                                          "tax_rates": [vat.id]}])
    assert (session.amount_total, session.total_details.amount_tax) == (2975, 475), session
    inclusive = stripe.TaxRate.create(display_name="GST", percentage=10, inclusive=True)
    assert vat.id in [r.id for r in stripe.TaxRate.list(inclusive=False).auto_paging_iter()]
    assert inclusive.id not in [r.id for r in stripe.TaxRate.list(inclusive=False).auto_paging_iter()]
    retired = stripe.TaxRate.modify(inclusive.id, active=False)
    assert retired.active is False
    assert inclusive.id not in [r.id for r in stripe.TaxRate.list(active=True).auto_paging_iter()]


def taxed_subscription_and_invoice():
    rate = stripe.TaxRate.create(display_name="Sales tax", percentage=10, inclusive=False)
    customer = stripe.Customer.create(email="tax-py@example.com", payment_method="pm_card_visa",
                                      invoice_settings={"default_payment_method": "pm_card_visa"})
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": "price_SEEDproMonth1"}],
                                     default_tax_rates=[rate.id], expand=["latest_invoice"])
    invoice = sub.latest_invoice
    assert (invoice.subtotal, invoice.total_excluding_tax, invoice.total, invoice.amount_paid) == (2000, 2000, 2200, 2200), invoice
    assert invoice.total_taxes[0].amount == 200 and invoice.total_taxes[0].tax_rate_details.tax_rate == rate.id
    assert invoice.lines.data[0].taxes[0].tax_behavior == "exclusive"
    # An invoice item with an inclusive rate: the tax is within its amount.
    vat = stripe.TaxRate.create(display_name="VAT", percentage=20, inclusive=True)
    item = stripe.InvoiceItem.create(customer=customer.id, amount=1200, currency="usd", tax_rates=[vat.id])
    draft = stripe.Invoice.create(customer=customer.id, pending_invoice_items_behavior="include")
    assert (draft.total, draft.total_excluding_tax, draft.total_taxes[0].amount) == (1200, 1000, 200), draft
    assert draft.lines.data[0].taxes[0].taxable_amount == 1000
    # The draft follows its items: a new amount, a deleted item.
    assert stripe.InvoiceItem.modify(item.id, amount=2400).amount == 2400
    extra = stripe.InvoiceItem.create(customer=customer.id, amount=100, currency="usd", invoice=draft.id)
    assert stripe.InvoiceItem.delete(extra.id).deleted
    draft = stripe.Invoice.retrieve(draft.id)
    assert (draft.total, draft.tax, len(draft.lines.data)) == (2400, 400, 1), draft


def customer_balance():
    customer = stripe.Customer.create(email="credit-py@example.com", payment_method="pm_card_visa",
                                      invoice_settings={"default_payment_method": "pm_card_visa"})
    credit = stripe.Customer.create_balance_transaction(customer.id, amount=-500, currency="usd",
                                                        description="Goodwill credit")
    assert credit.id.startswith("cbtxn_") and (credit.type, credit.ending_balance) == ("adjustment", -500), credit
    assert stripe.Customer.retrieve(customer.id).balance == -500
    assert stripe.Customer.retrieve_balance_transaction(customer.id, credit.id).amount == -500
    changed = stripe.Customer.modify_balance_transaction(customer.id, credit.id, metadata={"ticket": "42"})
    assert changed.metadata["ticket"] == "42"
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": "price_SEEDproMonth1"}],
                                     expand=["latest_invoice"])
    invoice = sub.latest_invoice
    assert (invoice.starting_balance, invoice.ending_balance, invoice.amount_due) == (-500, 0, 1500), invoice
    assert stripe.Customer.retrieve(customer.id).balance == 0
    kinds = [t.type for t in stripe.Customer.list_balance_transactions(customer.id).auto_paging_iter()]
    assert kinds == ["applied_to_invoice", "adjustment"], kinds
    try:
        stripe.Customer.retrieve_balance_transaction(customer.id, "cbtxn_nope")
        raise AssertionError("an unknown transaction is a 404")
    except stripe.error.InvalidRequestError as err:
        assert err.http_status == 404 and err.code == "resource_missing", err


def advance_clock(clock, to):
    clock = stripe.test_helpers.TestClock.advance(clock.id, frozen_time=to)
    while clock.status != "ready":
        time.sleep(0.2)
        clock = stripe.test_helpers.TestClock.retrieve(clock.id)


def subscribed_on_clock(start, name):
    """A test clock at `start`, a customer on it paying with Visa, subscribed to Asym Pro monthly."""
    clock = stripe.test_helpers.TestClock.create(frozen_time=start, name=name)
    customer = stripe.Customer.create(email=f"{name.replace(' ', '-')}-py@example.com", test_clock=clock.id,
                                      payment_method="pm_card_visa",
                                      invoice_settings={"default_payment_method": "pm_card_visa"})
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": "price_SEEDproMonth1"}])
    return clock, customer, sub


def prorations():
    # January 2026 on a test clock; halfway through it, Asym Pro goes from $20 to $50.
    start, half = 1767225600, 1768564800
    clock, customer, sub = subscribed_on_clock(start, "prorations")
    big = stripe.Price.create(product="prod_SEEDpro000001", unit_amount=5000, currency="usd",
                              recurring={"interval": "month"})
    advance_clock(clock, half)
    item = sub["items"].data[0]
    preview = stripe.Invoice.create_preview(subscription=sub.id, subscription_details={
        "items": [{"id": item.id, "price": big.id}], "proration_date": half})
    # Stripe's order: pending invoice items (the prorations) first, then the period's line.
    assert [line.amount for line in preview.lines.data] == [-1000, 2500, 5000], preview.lines
    assert [line.proration for line in preview.lines.data] == [True, True, False]
    assert preview.lines.data[0].description == "Unused time on Asym Pro after 16 Jan 2026"
    assert preview.lines.data[1].parent.subscription_item_details.proration is True
    sub = stripe.Subscription.modify(sub.id, items=[{"id": item.id, "price": big.id}], proration_date=half,
                                     proration_behavior="always_invoice", expand=["latest_invoice"])
    invoice = sub.latest_invoice
    assert [line.amount for line in invoice.lines.data] == [-1000, 2500], invoice.lines
    assert (invoice.billing_reason, invoice.status, invoice.amount_paid) == ("subscription_update", "paid", 1500)
    stripe.Subscription.modify(sub.id, items=[{"id": item.id, "quantity": 2}], proration_behavior="none")
    assert not stripe.InvoiceItem.list(customer=customer.id, pending=True).data
    # Through the item: two seats at $50 credited for half (−5000), three charged (+7500).
    assert stripe.SubscriptionItem.modify(item.id, quantity=3).quantity == 3
    pending = stripe.InvoiceItem.list(customer=customer.id, pending=True).data
    assert sorted(i.amount for i in pending) == [-5000, 7500], pending
    assert all(i.proration and i.subscription == sub.id for i in pending)
    # Cancelled with prorate and invoice_now: the pending items and the credit for three seats'
    # unused half month (−7500) on a final invoice.
    canceled = stripe.Subscription.cancel(sub.id, prorate=True, invoice_now=True)
    final = stripe.Invoice.retrieve(canceled.latest_invoice)
    assert sorted(line.amount for line in final.lines.data) == [-7500, -5000, 7500], final.lines
    assert (final.total, final.amount_due, final.status) == (-5000, 0, "paid"), final
    assert not stripe.InvoiceItem.list(customer=customer.id, pending=True).data


def billing_cycle():
    # Halfway through January 2026 the period restarts now, then a trial until 10 Feb is put on.
    start, half, trial_end = 1767225600, 1768564800, 1770681600
    clock, customer, sub = subscribed_on_clock(start, "billing cycle")
    advance_clock(clock, half)
    try:
        stripe.Subscription.modify(sub.id, billing_cycle_anchor="later")
        raise AssertionError("billing_cycle_anchor is now or unchanged")
    except stripe.error.InvalidRequestError as err:
        assert err.http_status == 400 and err.param == "billing_cycle_anchor", err
    sub = stripe.Subscription.modify(sub.id, billing_cycle_anchor={"type": "now"}, expand=["latest_invoice"])
    assert (sub.billing_cycle_anchor, sub["items"].data[0].current_period_end) == (half, half + 31 * 86400)
    assert [line.amount for line in sub.latest_invoice.lines.data] == [-1000, 2000], sub.latest_invoice.lines
    assert sub.latest_invoice.amount_paid == 1000
    sub = stripe.Subscription.modify(sub.id, trial_end=trial_end)
    assert (sub.status, sub.trial_end, sub["items"].data[0].current_period_end) == ("trialing", trial_end, trial_end)
    # The month just paid is credited whole.
    pending = stripe.InvoiceItem.list(customer=customer.id, pending=True).data
    assert [i.amount for i in pending] == [-2000], pending
    sub = stripe.Subscription.modify(sub.id, trial_end="now", expand=["latest_invoice"])
    assert (sub.status, sub.trial_end, sub.latest_invoice.total) == ("active", half, 0)
    try:
        stripe.SubscriptionItem.create(subscription=sub.id, price="price_nope")
        raise AssertionError("an unknown price is a 404")
    except stripe.error.InvalidRequestError as err:
        assert err.http_status == 404 and err.param == "price", err


def refused(param, call, *args, **kwargs):
    """Asserts `call` is refused with a 400 naming `param`."""
    try:
        call(*args, **kwargs)
    except stripe.error.InvalidRequestError as err:
        assert err.http_status == 400 and err.param == param, err
        return err
    raise AssertionError(f"{param} is refused")


def refusals_items_and_previews():
    # What Stripe takes and the clone does not serve is refused by name, not ignored.
    refused("cash_balance", stripe.Customer.create, cash_balance={"settings": {"reconciliation_mode": "automatic"}})
    refused("transfer_data", stripe.PaymentIntent.create, amount=1000, currency="usd",
            transfer_data={"destination": "acct_1"})
    refused("tiers_mode", stripe.Price.create, product="prod_SEEDpro000001", currency="usd", tiers_mode="graduated")
    refused("payment_intent_data", stripe.checkout.Session.create, mode="payment",
            payment_intent_data={"metadata": {"order": "1"}},
            line_items=[{"price": "price_SEEDshirt001", "quantity": 1}])
    refused("payment_method_options[card][installments]", stripe.PaymentIntent.create, amount=1000, currency="usd",
            payment_method_options={"card": {"installments": {"enabled": True}}})
    intent = stripe.PaymentIntent.create(amount=1000, currency="usd", allowed_payment_method_types=["card", "link"])
    assert intent.payment_method_types == ["card"], intent
    err = refused("colour", stripe.Product.create, name="Box", colour="red")
    assert err.code == "parameter_unknown", err
    item = stripe.InvoiceItem.create(customer="cus_SEEDbob0000001", amount=700, currency="usd",
                                     discountable=False, period={"start": 1767225600, "end": 1769904000})
    assert (item.discountable, item.period.start) == (False, 1767225600), item
    stripe.InvoiceItem.delete(item.id)
    shirt = stripe.InvoiceItem.create(customer="cus_SEEDbob0000001", pricing={"price": "price_SEEDshirt001"})
    assert (shirt.amount, shirt.price.id) == (2500, "price_SEEDshirt001"), shirt
    stripe.InvoiceItem.delete(shirt.id)
    # Subscription items take expand[] on every route.
    sub = stripe.Subscription.create(customer="cus_SEEDalice00001", items=[{"price": "price_SEEDproMonth1"}])
    page = stripe.SubscriptionItem.list(subscription=sub.id, expand=["data.price.product"])
    assert page.data[0].price.product.object == "product", page
    si = page.data[0].id
    assert stripe.SubscriptionItem.retrieve(si, expand=["price.product"]).price.product.name == "Asym Pro"
    changed = stripe.SubscriptionItem.modify(si, metadata={"seat": "1"}, expand=["price.product"])
    assert (changed.price.product.object, changed.metadata["seat"]) == ("product", "1")
    nine = stripe.Price.create(product="prod_SEEDpro000001", unit_amount=900, currency="usd",
                               recurring={"interval": "month"})
    added = stripe.SubscriptionItem.create(subscription=sub.id, price=nine.id, proration_behavior="none",
                                           expand=["price.product"])
    assert added.price.product.object == "product"
    assert stripe.SubscriptionItem.delete(added.id, proration_behavior="none").deleted is True
    # Previews take the customer's details and the currency; what they do not serve is refused by name.
    preview = stripe.Invoice.create_preview(
        subscription=sub.id, currency="usd",
        customer_details={"address": {"city": "Paris", "country": "FR"}, "tax_exempt": "reverse"})
    assert (preview.customer_address.city, preview.customer_tax_exempt, preview.currency) == ("Paris", "reverse", "usd")
    fresh = stripe.Invoice.create_preview(customer_details={"address": {"country": "FR"}},
                                          subscription_details={"items": [{"price": "price_SEEDproMonth1"}]})
    assert (fresh.customer, fresh.billing_reason, fresh.amount_due) == (None, "subscription_create", 2000)
    for param, kwargs in [("currency", {"currency": "eur"}),
                          ("automatic_tax[enabled]", {"automatic_tax": {"enabled": True}}),
                          ("on_behalf_of", {"on_behalf_of": "acct_1"}),
                          ("issuer[type]", {"issuer": {"type": "account", "account": "acct_1"}}),
                          ("preview_mode", {"preview_mode": "recurring"}),
                          ("customer_details[tax_ids]",
                           {"customer_details": {"tax_ids": [{"type": "eu_vat", "value": "FR1"}]}})]:
        refused(param, stripe.Invoice.create_preview, subscription=sub.id, **kwargs)
    stripe.Subscription.cancel(sub.id)



def nested_parameters():
    # Inside a hash, at any depth and in each hash of a list, a key Stripe lacks is unknown by
    # its full name, in Stripe's words (with the key a typo is of), as at the top level.
    alice = "cus_SEEDalice00001"
    line = {"quantity": 1, "price_data": {"currency": "usd", "unit_amount": 500,
                                          "product_data": {"name": "Mug", "foo": "1"}}}
    for said, call, args, kwargs in [
        ("items[0][pricee]. Did you mean price?", stripe.Subscription.create, (),
         {"customer": alice, "items": [{"pricee": "price_SEEDproMonth1"}]}),
        ("recurring[intervall]. Did you mean interval?", stripe.Price.create, (),
         {"product": "prod_SEEDpro000001", "currency": "usd", "unit_amount": 900,
          "recurring": {"intervall": "month"}}),
        ("address[zip]", stripe.Customer.modify, (alice,), {"address": {"zip": "75001"}}),
        ("payment_method_data[card][x]", stripe.PaymentIntent.create, (),
         {"amount": 1000, "currency": "usd", "payment_method_data": {"type": "card", "card": {"x": "1"}}}),
        ("line_items[0][price_data][product_data][foo]", stripe.checkout.Session.create, (),
         {"mode": "payment", "success_url": "https://example.com/ok", "line_items": [line]}),
    ]:
        err = refused(said.split(". Did you mean")[0], call, *args, **kwargs)
        assert (err.code, err.user_message) == ("parameter_unknown", f"Received unknown parameter: {said}"), err
    # A key Stripe takes there that the clone does not serve is refused by that name.
    refused("items[0][discounts]", stripe.Subscription.create, customer=alice,
            items=[{"price": "price_SEEDproMonth1", "discounts": [{"coupon": "NOPE"}]}])
    refused("card[networks]", stripe.PaymentMethod.create, type="card",
            card={"token": "tok_visa", "networks": {"preferred": "visa"}})
    # Keys that are data stay free: metadata at any depth.
    price = stripe.Price.create(currency="usd", unit_amount=100, recurring={"interval": "month", "interval_count": 3},
                                product_data={"name": "Mug", "metadata": {"any key": "1"}})
    assert price.recurring.interval_count == 3, price
    sub = stripe.Subscription.create(customer=alice, items=[{"price": price.id, "metadata": {"seat 1": "x"}}],
                                     metadata={"whatever": "y"})
    assert (sub["items"].data[0].metadata["seat 1"], sub.metadata["whatever"]) == ("x", "y"), sub
    stripe.Subscription.cancel(sub.id)


def customers_products_prices():
    # The everyday CRUD calls: update (a metadata key unset with ""), delete, a deleted retrieve.
    customer = stripe.Customer.create(email="crud-py@example.com", name="Crud", metadata={"a": "1", "b": "2"})
    changed = stripe.Customer.modify(customer.id, name="Crud Two", metadata={"a": ""}, description="")
    assert (changed.name, changed.metadata.to_dict(), changed.description) == ("Crud Two", {"b": "2"}, None), changed
    assert stripe.Customer.delete(customer.id).deleted is True
    gone = stripe.Customer.retrieve(customer.id)
    assert (gone.id, gone.deleted) == (customer.id, True), gone
    product = stripe.Product.create(name="Py Widget", description="A widget", metadata={"sku": "w-1"})
    assert stripe.Product.modify(product.id, name="Py Widget II").name == "Py Widget II"
    price = stripe.Price.create(product=product.id, unit_amount=1500, currency="usd")
    assert stripe.Price.modify(price.id, nickname="standard", metadata={"tier": "1"}).nickname == "standard"
    assert [p.id for p in stripe.Price.list(product=product.id).auto_paging_iter()] == [price.id]
    assert stripe.Product.search(query="name:'Py Widget II'").data[0].id == product.id
    assert stripe.Price.search(query=f"product:'{product.id}'").data[0].id == price.id
    stripe.Price.modify(price.id, active=False)
    stripe.Product.modify(product.id, active=False)
    assert product.id in [p.id for p in stripe.Product.list(active=False).auto_paging_iter()]
    spare = stripe.Product.create(name="Py Spare")
    assert stripe.Product.delete(spare.id).deleted is True
    # Search pages through next_page with the SDK's own iterator.
    for i in range(3):
        stripe.Customer.create(email=f"searchpage{i}-py@example.com", metadata={"batch": "py-search"})
    found = [c.email for c in stripe.Customer.search(query="metadata['batch']:'py-search'", limit=2).auto_paging_iter()]
    assert sorted(found) == [f"searchpage{i}-py@example.com" for i in range(3)], found


def capture_cancel_and_setup():
    intent = stripe.PaymentIntent.create(amount=3000, currency="usd", automatic_payment_methods={"enabled": True,
                                         "allow_redirects": "never"}, payment_method="pm_card_visa", confirm=True,
                                         capture_method="manual")
    assert intent.status == "requires_capture", intent.status
    captured = stripe.PaymentIntent.capture(intent.id, amount_to_capture=2000)
    assert (captured.status, captured.amount_received) == ("succeeded", 2000), captured
    assert [r.amount for r in stripe.Refund.list(payment_intent=intent.id).data] == []
    try:
        stripe.Refund.create(payment_intent=intent.id, amount=2500)
        raise AssertionError("more than was captured is not refunded")
    except stripe.error.InvalidRequestError as err:
        said = "Refund amount ($25.00) is greater than unrefunded amount on charge ($20.00)"
        assert (err.param, err.user_message) == ("amount", said), err
    refund = stripe.Refund.create(payment_intent=intent.id)
    assert [r.amount for r in stripe.Refund.list(payment_intent=intent.id).data] == [2000]
    try:
        stripe.Refund.cancel(refund.id)
        raise AssertionError("a succeeded refund is not canceled")
    except stripe.error.InvalidRequestError as err:
        assert err.user_message == "Canceling this refund is unsupported.", err
    open_intent = stripe.PaymentIntent.create(amount=500, currency="usd")
    canceled = stripe.PaymentIntent.cancel(open_intent.id, cancellation_reason="requested_by_customer")
    assert (canceled.status, canceled.cancellation_reason) == ("canceled", "requested_by_customer"), canceled
    customer = stripe.Customer.create(email="setup-py@example.com")
    setup = stripe.SetupIntent.create(customer=customer.id, payment_method_types=["card"], usage="off_session")
    setup = stripe.SetupIntent.confirm(setup.id, payment_method="pm_card_visa")
    assert setup.status == "succeeded" and setup.payment_method, setup
    saved = stripe.Customer.list_payment_methods(customer.id).data
    assert [pm.id for pm in saved] == [setup.payment_method], saved
    assert stripe.PaymentMethod.detach(setup.payment_method).customer is None
    assert not stripe.Customer.list_payment_methods(customer.id).data


def subscription_and_invoice_lifecycle():
    customer = stripe.Customer.create(email="life-py@example.com", payment_method="pm_card_visa",
                                      invoice_settings={"default_payment_method": "pm_card_visa"})
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": "price_SEEDproMonth1"}])
    sub = stripe.Subscription.modify(sub.id, cancel_at_period_end=True)
    assert (sub.status, sub.cancel_at_period_end) == ("active", True), sub
    assert [s.id for s in stripe.Subscription.list(customer=customer.id, status="active").data] == [sub.id]
    canceled = stripe.Subscription.cancel(sub.id)
    assert canceled.status == "canceled" and canceled.canceled_at, canceled
    assert [s.status for s in stripe.Subscription.list(customer=customer.id, status="all").data] == ["canceled"]
    # A one-off invoice sent for payment by hand: an item, the draft, send (finalizes), pay.
    stripe.InvoiceItem.create(customer=customer.id, amount=4200, currency="usd", description="Consulting")
    draft = stripe.Invoice.create(customer=customer.id, collection_method="send_invoice", days_until_due=14,
                                  pending_invoice_items_behavior="include")
    assert draft.status == "draft"
    sent = stripe.Invoice.send_invoice(draft.id)
    assert (sent.status, sent.amount_due) == ("open", 4200) and sent.hosted_invoice_url, sent
    assert [line.amount for line in stripe.Invoice.list_lines(sent.id).auto_paging_iter()] == [4200]
    assert stripe.Invoice.pay(sent.id, paid_out_of_band=True).status == "paid"
    try:
        stripe.Invoice.void_invoice(sent.id)
        raise AssertionError("a paid invoice is not voided")
    except stripe.error.InvalidRequestError as err:
        assert err.user_message == "Invoices with `paid` payments cannot be voided.", err
    try:
        stripe.Invoice.create(customer=customer.id, collection_method="send_invoice")
        raise AssertionError("a send_invoice invoice needs a due date")
    except stripe.error.InvalidRequestError as err:
        assert "must specify 'due_date' or 'days_until_due'" in err.user_message, err
    try:
        stripe.Invoice.list(status="bogus")
        raise AssertionError("an unknown status is refused")
    except stripe.error.InvalidRequestError as err:
        assert err.user_message == "Invalid status: must be one of draft, open, void, paid, or uncollectible", err
    assert "invoice.sent" in [e.type for e in stripe.Event.list(type="invoice.sent").data]
    try:
        stripe.Invoice.send_invoice(stripe.Invoice.create(customer=customer.id).id)
        raise AssertionError("an invoice charged automatically is not sent by hand")
    except stripe.error.InvalidRequestError as err:
        assert err.http_status == 400, err
    # Checkout for a subscription, its line items, expiry; a billing portal session.
    session = stripe.checkout.Session.create(mode="subscription", customer=customer.id,
                                             line_items=[{"price": "price_SEEDproMonth1", "quantity": 2}],
                                             success_url="https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}",
                                             cancel_url="https://shop.example/cancel")
    assert session.url and session.status == "open" and session.amount_total == 4000, session
    items = stripe.checkout.Session.list_line_items(session.id)
    assert [(i.price.id, i.quantity) for i in items.data] == [("price_SEEDproMonth1", 2)], items
    assert stripe.checkout.Session.expire(session.id).status == "expired"
    portal = stripe.billing_portal.Session.create(customer=customer.id, return_url="https://shop.example/account")
    assert portal.url and portal.customer == customer.id, portal
    event = stripe.Event.list(type="customer.subscription.deleted", limit=1).data[0]
    assert stripe.Event.retrieve(event.id).data.object.id == sub.id


def complete(session, body):
    """Completes checkout session `session` as its page does (the clone's admin route)."""
    return admin("POST", f"checkout/sessions/{session}/complete", body)


def checkout_completed():
    with Receiver() as hook:
        endpoint = stripe.WebhookEndpoint.create(url=hook.url, enabled_events=["checkout.session.completed"])
        session = stripe.checkout.Session.create(
            mode="payment", line_items=[{"price": "price_SEEDshirt001", "quantity": 2}],
            success_url="https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}",
            customer_email="pay@example.com", client_reference_id="order-7", customer_creation="always",
            metadata={"order": "7"})
        try:
            complete(session.id, {"paymentMethod": "pm_card_chargeDeclined"})
            raise AssertionError("a declined card does not complete the session")
        except AssertionError as err:
            assert "402" in str(err) and "card_declined" in str(err), err
        assert stripe.checkout.Session.retrieve(session.id).status == "open"
        complete(session.id, {"name": "Pat Payer"})
        headers, payload = hook.next()
    event = stripe.Webhook.construct_event(payload, headers["Stripe-Signature"], endpoint.secret)
    assert event.type == "checkout.session.completed" and event.data.object.id == session.id, event
    assert event.data.object.client_reference_id == "order-7" and event.data.object.metadata.order == "7"
    done = stripe.checkout.Session.retrieve(session.id, expand=["payment_intent", "customer"])
    assert (done.status, done.payment_status, done.amount_total) == ("complete", "paid", 5000), done
    assert done.payment_intent.status == "succeeded" and done.payment_intent.amount_received == 5000
    assert done.customer.email == "pay@example.com" and done.customer_details.name == "Pat Payer"
    assert [i.quantity for i in stripe.checkout.Session.list_line_items(session.id).data] == [2]
    subscribing = stripe.checkout.Session.create(
        mode="subscription", line_items=[{"price": "price_SEEDproMonth1", "quantity": 1}],
        success_url="https://shop.example/ok")
    complete(subscribing.id, {"email": "subscriber@example.com", "paymentMethod": "4242424242424242"})
    done = stripe.checkout.Session.retrieve(subscribing.id, expand=["subscription", "invoice"])
    assert done.subscription.status == "active" and done.invoice.status == "paid", done
    assert done.subscription.customer == done.customer and done.payment_intent is None
    saving = stripe.checkout.Session.create(mode="setup", customer="cus_SEEDbob0000001", currency="usd",
                                            success_url="https://shop.example/ok")
    complete(saving.id, {})
    done = stripe.checkout.Session.retrieve(saving.id, expand=["setup_intent"])
    assert done.setup_intent.status == "succeeded" and done.payment_status == "no_payment_required", done
    assert stripe.PaymentMethod.retrieve(done.setup_intent.payment_method).customer == "cus_SEEDbob0000001"
    for closed, why in [(session.id, "complete"), ("cs_test_nope", "404")]:
        try:
            complete(closed, {})
            raise AssertionError(f"{closed} is not completed again")
        except AssertionError as err:
            assert why in str(err), err


def checkout_three_d_secure():
    asks = "pm_card_threeDSecureRequired"
    with Receiver() as hook:
        endpoint = stripe.WebhookEndpoint.create(url=hook.url, enabled_events=["payment_intent.payment_failed"])
        session = stripe.checkout.Session.create(
            mode="payment", line_items=[{"price": "price_SEEDshirt001", "quantity": 1}],
            success_url="https://shop.example/ok")
        try:
            complete(session.id, {"paymentMethod": asks, "authentication": "fail"})
            raise AssertionError("a failed challenge does not complete the session")
        except AssertionError as err:
            assert "402" in str(err) and "payment_intent_authentication_failure" in str(err), err
        headers, payload = hook.next()
    event = stripe.Webhook.construct_event(payload, headers["Stripe-Signature"], endpoint.secret)
    failed = stripe.checkout.Session.retrieve(session.id, expand=["payment_intent"])
    assert event.type == "payment_intent.payment_failed" and event.data.object.id == failed.payment_intent.id
    assert (failed.status, failed.payment_intent.status) == ("open", "requires_payment_method"), failed
    assert failed.payment_intent.last_payment_error.code == "payment_intent_authentication_failure"
    complete(session.id, {"paymentMethod": asks, "authentication": "complete"})
    done = stripe.checkout.Session.retrieve(session.id, expand=["payment_intent.latest_charge"])
    assert done.status == "complete" and done.payment_intent.id == failed.payment_intent.id, done
    assert done.payment_intent.latest_charge.payment_method_details.card.three_d_secure.result == "authenticated"
    saving = stripe.checkout.Session.create(mode="setup", customer="cus_SEEDbob0000001", currency="usd",
                                            success_url="https://shop.example/ok")
    try:
        complete(saving.id, {"paymentMethod": asks, "authentication": "fail"})
        raise AssertionError("a failed challenge does not save the card")
    except AssertionError as err:
        assert "setup_intent_authentication_failure" in str(err), err
    setup = stripe.SetupIntent.retrieve(stripe.checkout.Session.retrieve(saving.id).setup_intent)
    assert setup.last_setup_error.code == "setup_intent_authentication_failure", setup
    subscribing = stripe.checkout.Session.create(
        mode="subscription", line_items=[{"price": "price_SEEDproMonth1", "quantity": 1}],
        success_url="https://shop.example/ok")
    complete(subscribing.id, {"paymentMethod": asks})
    assert stripe.checkout.Session.retrieve(subscribing.id, expand=["subscription"]).subscription.status == "active"


def errors_the_sdk_raises():
    try:
        stripe.Customer.list(api_key="sk_test_not_a_key")
        raise AssertionError("an unknown key is refused")
    except stripe.error.AuthenticationError as err:
        assert err.http_status == 401 and err.request_id.startswith("req_"), err
        assert err.error.type == "invalid_request_error", err.error
    try:
        stripe.PaymentIntent.create(amount="12.50", currency="usd")
        raise AssertionError("a decimal amount is refused")
    except stripe.error.InvalidRequestError as err:
        assert (err.http_status, err.code, err.param) == (400, "parameter_invalid_integer", "amount"), err
        assert err.user_message == "Invalid integer: 12.50" and err.error.doc_url, err.error
    try:
        stripe.PaymentIntent.create(currency="usd")
        raise AssertionError("amount is required")
    except stripe.error.InvalidRequestError as err:
        assert (err.code, err.param) == ("parameter_missing", "amount"), err
    try:
        stripe.Customer.retrieve("cus_does_not_exist")
        raise AssertionError("an unknown customer is a 404")
    except stripe.error.InvalidRequestError as err:
        assert (err.http_status, err.code, err.param) == (404, "resource_missing", "id"), err
        assert err.user_message == "No such customer: 'cus_does_not_exist'", err.user_message
        assert err.headers["request-id"] == err.request_id
    assert stripe.Customer.list(limit=1).last_response.request_id.startswith("req_")


def bad_values_and_line_item_pages():
    refused("description", stripe.Customer.create, description="x" * 5001)
    refused("on_behalf_of", stripe.Charge.create, amount=1000, currency="usd", source="tok_visa", on_behalf_of="acct_nope")
    refused("return_url", stripe.billing_portal.Session.create, customer="cus_SEEDalice00001", return_url="example.com")
    try:
        stripe.Customer.list(stripe_version="garbage")
        raise AssertionError("a Stripe-Version that is not one is refused")
    except stripe.error.InvalidRequestError as err:
        assert err.user_message == "Invalid Stripe API version: garbage", err
    err = refused("line_items[0][quantity]", stripe.checkout.Session.create, mode="payment",
                  success_url="https://example.com/ok", line_items=[{"price": "price_SEEDshirt001", "quantity": -1}])
    assert err.code == "parameter_invalid_integer", err
    err = refused("line_items[0][quantity]", stripe.checkout.Session.create, mode="payment",
                  success_url="https://example.com/ok", line_items=[{"price": "price_SEEDshirt001", "quantity": 40000}])
    assert err.code == "amount_too_large", err
    err = refused("amount", stripe.Refund.create, payment_intent=stripe.PaymentIntent.create(
        amount=1000, currency="usd", payment_method="pm_card_visa", payment_method_types=["card"], confirm=True).id,
        amount=0)
    assert err.user_message == "This value must be greater than or equal to 1.", err
    # A session's line items, 12 of them, walked five at a time by the SDK's iterator.
    lines = [{"quantity": 1, "price_data": {"currency": "usd", "unit_amount": 100 * n, "product": "prod_SEEDshirt0001"}}
             for n in range(1, 13)]
    session = stripe.checkout.Session.create(mode="payment", success_url="https://example.com/ok", line_items=lines)
    walked = [i.amount_total for i in stripe.checkout.Session.list_line_items(session.id, limit=5).auto_paging_iter()]
    assert walked == [100 * n for n in range(1, 13)], walked


def stripe_client():
    # The newer client object (StripeClient), configured with only its base address.
    client = stripe.StripeClient(stripe.api_key, base_addresses={"api": stripe.api_base})
    customer = client.v1.customers.create(params={"email": "client-py@example.com"})
    assert client.v1.customers.retrieve(customer.id).email == "client-py@example.com"
    updated = client.v1.customers.update(customer.id, params={"metadata": {"via": "client"}})
    assert updated.metadata["via"] == "client"
    ids = [c.id for c in client.v1.customers.list(params={"limit": 2}).auto_paging_iter()]
    assert customer.id in ids and len(ids) == len(set(ids)), ids
    intent = client.v1.payment_intents.create(params={"amount": 900, "currency": "usd", "payment_method": "pm_card_visa",
                                                      "payment_method_types": ["card"], "confirm": True})
    assert intent.status == "succeeded"
    try:
        client.v1.customers.retrieve("cus_nope")
        raise AssertionError("an unknown customer is a 404")
    except stripe.InvalidRequestError as err:
        assert err.http_status == 404 and err.code == "resource_missing", err
    assert client.v1.customers.delete(customer.id).deleted is True

def amounts_near_the_limit():
    # Eight digits is Stripe's largest amount: one more, or i64's largest, is refused by name before
    # any total is computed; a quantity that would bill more than $999,999.99 is amount_too_large.
    err = refused("unit_amount", stripe.Price.create, product="prod_SEEDshirt0001", currency="usd",
                  unit_amount=100000000)
    assert err.code == "parameter_invalid_integer", err
    assert err.user_message == "This value must be less than or equal to 99999999 (it currently is '100000000').", err
    err = refused("amount", stripe.InvoiceItem.create, customer="cus_SEEDalice00001", currency="usd",
                  amount=9223372036854775807)
    assert err.code == "parameter_invalid_integer", err
    err = refused("items[0][quantity]", stripe.Subscription.create, customer="cus_SEEDalice00001",
                  items=[{"price": "price_SEEDproMonth1", "quantity": 9223372036854775807}])
    assert err.code == "amount_too_large" and err.user_message == "Amount must be no more than $999,999.99", err
    err = refused("quantity", stripe.InvoiceItem.create, customer="cus_SEEDalice00001",
                  price="price_SEEDshirt001", quantity=4000000)
    assert err.code == "amount_too_large", err
    err = refused("trial_period_days", stripe.Subscription.create, customer="cus_SEEDalice00001",
                  items=[{"price": "price_SEEDproMonth1"}], trial_period_days=100000)
    assert err.code == "parameter_invalid_integer", err
    customer = stripe.Customer.create(email="largest-py@example.com")
    item = stripe.InvoiceItem.create(customer=customer.id, currency="usd", amount=99999999)
    assert item.amount == 99999999, item
    assert stripe.InvoiceItem.delete(item.id).deleted is True


def unknown_ids_name_their_parameter():
    # An unknown id in the path: 404 resource_missing naming `id` (the intents: `intent`).
    for call, missing, noun, param in [(stripe.Invoice.retrieve, "in_nope", "invoice", "id"),
                                       (stripe.Price.retrieve, "price_nope", "price", "id"),
                                       (stripe.Coupon.retrieve, "NOPE", "coupon", "id"),
                                       (stripe.checkout.Session.retrieve, "cs_nope", "checkout.session", "id"),
                                       (stripe.PaymentIntent.retrieve, "pi_nope", "payment_intent", "intent"),
                                       (stripe.SetupIntent.retrieve, "seti_nope", "setupintent", "intent")]:
        try:
            call(missing)
            raise AssertionError(f"{missing} is unknown")
        except stripe.error.InvalidRequestError as err:
            assert (err.http_status, err.code, err.param) == (404, "resource_missing", param), err
            assert err.user_message == f"No such {noun}: '{missing}'", err.user_message
    try:
        stripe.Invoice.finalize_invoice("in_nope")
        raise AssertionError("an unknown invoice is a 404")
    except stripe.error.InvalidRequestError as err:
        assert (err.http_status, err.param) == (404, "id"), err


def legacy_charge_capture_and_refund():
    held = stripe.PaymentIntent.create(amount=3000, currency="usd", payment_method="pm_card_visa",
                                       payment_method_types=["card"], capture_method="manual", confirm=True)
    charge = stripe.Charge.capture(held.latest_charge, amount=2500)
    assert (charge.object, charge.captured, charge.amount_captured, charge.amount_refunded) == \
        ("charge", True, 2500, 500), charge
    assert stripe.PaymentIntent.retrieve(held.id).status == "succeeded"
    try:
        stripe.Charge.capture(held.latest_charge)
        raise AssertionError("a captured charge is captured once")
    except stripe.error.InvalidRequestError as err:
        assert err.code == "charge_already_captured", err
        assert err.user_message == f"Charge {charge.id} has already been captured.", err
    # The deprecated POST /v1/charges/{id}/refund (no SDK method left): a refund, answered with the charge.
    client = stripe.StripeClient(stripe.api_key, base_addresses={"api": stripe.api_base})
    answer = client.raw_request("post", f"/v1/charges/{charge.id}/refund", amount=1000)
    refunded = client.deserialize(answer, api_mode="V1")
    assert (refunded.object, refunded.amount_refunded, refunded.refunded) == ("charge", 1500, False), refunded
    refunds = stripe.Refund.list(charge=charge.id)
    assert [r.amount for r in refunds.data] == [1000], refunds


def legacy_cards_and_charges():
    token = stripe.Token.create(card={"number": "4242424242424242", "exp_month": "8", "exp_year": "2030",
                                      "cvc": "123", "address_zip": "94103"})
    assert (token.object, token.type, token.used, token.card.object, token.card.brand) == \
        ("token", "card", False, "card", "Visa"), token
    assert stripe.Token.retrieve(token.id).card.id == token.card.id
    customer = stripe.Customer.create(email="legacy@example.com", source=token.id)
    assert customer.default_source == token.card.id, customer
    try:
        stripe.Customer.create(source=token.id)
        raise AssertionError("a token is used once")
    except stripe.error.InvalidRequestError as err:
        assert err.code == "token_already_used", err
    amex = stripe.Customer.create_source(customer.id, source="tok_amex")
    assert (amex.object, amex.brand, amex.customer) == ("card", "American Express", customer.id), amex
    cards = stripe.Customer.list_sources(customer.id, object="card")
    assert [c.id for c in cards.data] == [amex.id, token.card.id], cards
    assert isinstance(cards.data[0], stripe.Card), type(cards.data[0])
    named = stripe.Customer.modify_source(customer.id, amex.id, name="Jenny Rosen", exp_month="9")
    assert (named.name, named.exp_month) == ("Jenny Rosen", 9), named
    assert stripe.Customer.retrieve_source(customer.id, amex.id).name == "Jenny Rosen"
    charge = stripe.Charge.create(amount=2000, currency="usd", customer=customer.id, description="legacy")
    assert (charge.paid, charge.captured, charge.payment_method, charge.source.id, charge.payment_intent) == \
        (True, True, token.card.id, token.card.id, None), charge
    assert stripe.BalanceTransaction.retrieve(charge.balance_transaction).amount == 2000
    held = stripe.Charge.create(amount=3000, currency="usd", customer=customer.id, source=amex.id, capture=False)
    assert (held.captured, held.payment_method_details.card.brand) == (False, "amex"), held
    captured = stripe.Charge.capture(held.id, amount=2500)
    assert (captured.captured, captured.amount_captured, captured.amount_refunded) == (True, 2500, 500), captured
    try:
        stripe.Charge.create(amount=1000, currency="usd", source="tok_chargeDeclinedInsufficientFunds")
        raise AssertionError("a declining test token is declined")
    except stripe.error.CardError as err:
        assert (err.http_status, err.code, err.error.decline_code) == (402, "card_declined", "insufficient_funds"), err
        assert stripe.Charge.retrieve(err.error.charge).status == "failed"
    try:
        stripe.Charge.create(amount=1000, currency="usd", customer=customer.id, source="tok_visa")
        raise AssertionError("a customer's charge takes one of its own cards")
    except stripe.error.InvalidRequestError as err:
        assert (err.http_status, err.code, err.param) == (404, "missing", "source"), err
    deleted = stripe.Customer.delete_source(customer.id, token.card.id)
    assert (deleted.id, deleted.deleted) == (token.card.id, True), deleted
    assert stripe.Customer.retrieve(customer.id).default_source == amex.id
    try:
        stripe.Charge.create(amount=1000, currency="usd", customer="cus_SEEDcarol00001")
        raise AssertionError("a customer without a card cannot be charged")
    except stripe.error.CardError as err:
        assert (err.code, err.param) == ("missing", "card"), err


def own_account():
    # What apps call to check their keys: the account itself, by no id or its own.
    account = stripe.Account.retrieve()
    assert account.id.startswith("acct_") and account.object == "account", account
    assert (account.charges_enabled, account.default_currency) == (True, "usd"), account
    assert stripe.Account.retrieve(account.id).id == account.id
    assert stripe.Account.list().data == []


def plans():
    # The legacy Plan API: a recurring price under its older name, with the same id.
    plan = stripe.Plan.create(id="py-gold", amount=1500, currency="usd", interval="month",
                              product={"name": "Py Gold"}, trial_period_days=7)
    assert (plan.object, plan.amount, plan.interval, plan.trial_period_days) == ("plan", 1500, "month", 7), plan
    assert stripe.Price.retrieve("py-gold").unit_amount == 1500
    assert stripe.Plan.retrieve("py-gold").id == "py-gold"
    assert "py-gold" in [p.id for p in stripe.Plan.list(product=plan.product).data]
    assert stripe.Plan.modify("py-gold", nickname="Gold").nickname == "Gold"
    customer = stripe.Customer.create(email="plan-py@example.com", payment_method="pm_card_visa",
                                      invoice_settings={"default_payment_method": "pm_card_visa"})
    sub = stripe.Subscription.create(customer=customer.id, items=[{"plan": "py-gold"}], trial_from_plan=True)
    assert sub["items"].data[0].plan.id == "py-gold" and sub.status == "trialing", sub
    err = refused("amount", stripe.Plan.create, currency="usd", interval="month", product=plan.product)
    assert err.code == "parameter_missing", err
    assert stripe.Plan.delete("py-gold").deleted is True


def paused_collection():
    # Collection paused with void: February's renewal invoice is voided, nothing charged; cleared,
    # March's is paid.
    start, feb, march = 1767225600, 1769904000, 1772323200
    clock, _, sub = subscribed_on_clock(start, "pause")
    sub = stripe.Subscription.modify(sub.id, pause_collection={"behavior": "void"})
    assert (sub.pause_collection.behavior, sub.pause_collection.resumes_at) == ("void", None), sub.pause_collection
    advance_clock(clock, feb + 3600)
    latest = stripe.Invoice.list(subscription=sub.id, limit=1).data[0]
    assert (latest.status, latest.amount_paid) == ("void", 0), latest
    assert stripe.Subscription.retrieve(sub.id).status == "active"
    assert stripe.Subscription.modify(sub.id, pause_collection="").pause_collection is None
    advance_clock(clock, march + 3600)
    latest = stripe.Invoice.list(subscription=sub.id, limit=1).data[0]
    assert (latest.status, latest.amount_paid) == ("paid", 2000), latest
    refused("pause_collection[behavior]", stripe.Subscription.modify, sub.id, pause_collection={"behavior": "later"})


def portal_configurations():
    config = stripe.billing_portal.Configuration.create(
        business_profile={"headline": "Py billing"},
        features={"invoice_history": {"enabled": True},
                  "subscription_cancel": {"enabled": True, "mode": "immediately",
                                          "cancellation_reason": {"enabled": True, "options": ["too_expensive"]}},
                  "subscription_update": {"enabled": True, "default_allowed_updates": ["price"],
                                          "products": [{"product": "prod_SEEDpro000001",
                                                        "prices": ["price_SEEDproMonth1", "price_SEEDproYear01"]}]}})
    assert config.id.startswith("bpc_") and config.features.invoice_history.enabled is True, config
    assert config.features.subscription_cancel.mode == "immediately", config.features
    assert stripe.billing_portal.Configuration.retrieve(config.id).id == config.id
    updated = stripe.billing_portal.Configuration.modify(config.id, name="Py", features={"invoice_history": {"enabled": False}})
    assert (updated.name, updated.features.invoice_history.enabled) == ("Py", False), updated
    session = stripe.billing_portal.Session.create(customer="cus_SEEDalice00001", configuration=config.id)
    assert session.configuration == config.id
    default = stripe.billing_portal.Configuration.list(is_default=True).data
    assert [c.is_default for c in default] == [True], default
    refused("features[subscription_cancel][mode]", stripe.billing_portal.Configuration.create,
            features={"subscription_cancel": {"mode": "later"}})


def added_invoice_items():
    # A one-time set-up fee on a subscription's first invoice.
    customer = stripe.Customer.create(email="setup-fee-py@example.com", payment_method="pm_card_visa",
                                      invoice_settings={"default_payment_method": "pm_card_visa"})
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": "price_SEEDproMonth1"}],
                                     add_invoice_items=[{"price_data": {"product": "prod_SEEDshirt0001",
                                                                        "currency": "usd", "unit_amount": 900}}],
                                     expand=["latest_invoice"])
    assert sorted(line.amount for line in sub.latest_invoice.lines.data) == [900, 2000], sub.latest_invoice.lines
    assert (sub.latest_invoice.total, sub.latest_invoice.status) == (2900, "paid"), sub.latest_invoice
    refused("add_invoice_items[0][price]", stripe.Subscription.create, customer=customer.id,
            items=[{"price": "price_SEEDproMonth1"}], add_invoice_items=[{"price": "price_SEEDproYear01"}])


def credit_notes():
    # Before payment a credit note lowers what the invoice owes; after it, it credits the balance.
    customer = stripe.Customer.create(email="credit-py@example.com", payment_method="pm_card_visa",
                                      invoice_settings={"default_payment_method": "pm_card_visa"})
    stripe.InvoiceItem.create(customer=customer.id, amount=4000, currency="usd")
    invoice = stripe.Invoice.create(customer=customer.id, pending_invoice_items_behavior="include")
    invoice = stripe.Invoice.finalize_invoice(invoice.id)
    # A preview is checked as a credit note is and writes nothing; its lines are paged.
    preview = stripe.CreditNote.preview(invoice=invoice.id, lines=[
        {"type": "custom_line_item", "unit_amount": 300, "quantity": 1, "description": "Goodwill"},
        {"type": "invoice_line_item", "invoice_line_item": invoice.lines.data[0].id, "amount": 200}])
    assert (preview.object, preview.amount, preview.type) == ("credit_note", 500, "pre_payment"), preview
    page = stripe.CreditNote.preview_lines(invoice=invoice.id, amount=500, lines=[
        {"type": "custom_line_item", "unit_amount": 300, "quantity": 1, "description": "Goodwill"},
        {"type": "invoice_line_item", "invoice_line_item": invoice.lines.data[0].id, "amount": 200}], limit=1)
    assert ([l.amount for l in page.data], page.has_more) == ([300], True), page
    assert stripe.CreditNote.list(invoice=invoice.id).data == [] and stripe.Invoice.retrieve(invoice.id).amount_due == 4000
    refused("amount", stripe.CreditNote.preview, invoice=invoice.id, amount=4001)
    refused("invoice", stripe.CreditNote.preview_lines, invoice=stripe.Invoice.create(customer=customer.id).id, amount=1)
    note = stripe.CreditNote.create(invoice=invoice.id, amount=1000, reason="order_change")
    assert (note.object, note.pre_payment_amount, note.type) == ("credit_note", 1000, "pre_payment"), note
    assert stripe.Invoice.retrieve(invoice.id).amount_due == 3000
    paid = stripe.Invoice.pay(invoice.id)
    assert (paid.status, paid.amount_paid) == ("paid", 3000), paid
    line = paid.lines.data[0].id
    post = stripe.CreditNote.create(invoice=invoice.id, lines=[{"type": "invoice_line_item", "invoice_line_item": line,
                                                                "amount": 500}], credit_amount=500)
    assert (post.type, post.post_payment_amount) == ("post_payment", 500), post
    assert stripe.Customer.retrieve(customer.id).balance == -500
    assert [n.id for n in stripe.CreditNote.list(invoice=invoice.id).data] == [post.id, note.id]
    assert [l.amount for l in stripe.CreditNote.list_lines(post.id).data] == [500]
    # Refunds, balance credits and credits outside Stripe must add up to what a note credits after
    # payment, on a preview as on a create (Stripe's documented rule, in its words).
    said = ("The sum of refunds, customer balance credits, and outside of Stripe credits (300) must equal "
            "the post_payment_amount (500).")
    for call in (stripe.CreditNote.preview, stripe.CreditNote.create):
        err = refused(None, call, invoice=invoice.id, amount=500, credit_amount=300)
        assert err.user_message == said, err
    outside = stripe.CreditNote.create(invoice=invoice.id, amount=500, credit_amount=300, out_of_band_amount=200)
    assert (outside.out_of_band_amount, outside.post_payment_amount) == (200, 500), outside
    refused("invoice", stripe.CreditNote.create, invoice=stripe.Invoice.create(customer=customer.id).id, amount=100)


def tiered_prices():
    # Graduated tiers: each tier bills its own units (and its flat amount), shown under expand=["tiers"].
    tiers = [{"up_to": 5, "unit_amount": 1000, "flat_amount": 500}, {"up_to": 10, "unit_amount_decimal": "800"},
             {"up_to": "inf", "unit_amount_decimal": "3.6"}]
    price = stripe.Price.create(product="prod_SEEDpro000001", currency="usd", recurring={"interval": "month"},
                                billing_scheme="tiered", tiers_mode="graduated", tiers=tiers)
    assert (price.billing_scheme, price.tiers_mode, price.unit_amount) == ("tiered", "graduated", None), price
    assert "tiers" not in price, price
    shown = stripe.Price.retrieve(price.id, expand=["tiers"])
    assert [t.up_to for t in shown.tiers] == [5, 10, None], shown.tiers
    assert str(shown.tiers[2].unit_amount_decimal) == "3.6", shown.tiers[2]
    customer = stripe.Customer.create(email="tiers-py@example.com", payment_method="pm_card_visa",
                                      invoice_settings={"default_payment_method": "pm_card_visa"})
    preview = stripe.Invoice.create_preview(customer=customer.id,
                                            subscription_details={"items": [{"price": price.id, "quantity": 12}]})
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id, "quantity": 12}],
                                     expand=["latest_invoice"])
    lines = sub.latest_invoice.lines.data
    assert [l.amount for l in lines] == [5000, 500, 4000, 7], lines
    assert lines[3].description == "2 × Asym Pro (Tier 3 at $0.036 / month)", lines[3].description
    assert preview.amount_due == sub.latest_invoice.amount_due == 9507, preview.amount_due
    # Volume tiers: every unit at the tier the quantity reaches.
    volume = stripe.Price.create(product="prod_SEEDshirt0001", currency="usd", billing_scheme="tiered",
                                 tiers_mode="volume", tiers=tiers)
    item = stripe.InvoiceItem.create(customer=customer.id, price=volume.id, quantity=7)
    assert (item.amount, item.unit_amount) == (5600, None), item
    plan = stripe.Plan.create(currency="usd", interval="month", product="prod_SEEDpro000001",
                              billing_scheme="tiered", tiers_mode="volume", tiers=tiers)
    assert (plan.amount, plan.tiers_mode) == (None, "volume"), plan
    assert [t.up_to for t in stripe.Plan.retrieve(plan.id, expand=["tiers"]).tiers] == [5, 10, None]
    refused("tiers_mode", stripe.Price.create, product="prod_SEEDpro000001", currency="usd",
            billing_scheme="tiered", tiers=tiers)
    refused("tiers[1][up_to]", stripe.Price.create, product="prod_SEEDpro000001", currency="usd",
            billing_scheme="tiered", tiers_mode="volume", tiers=[{"up_to": 5}, {"up_to": 10}])


def tax_ids():
    # A customer's tax ids, checked as Stripe checks them, and what an invoice shows of them.
    customer = stripe.Customer.create(email="vat-py@example.com",
                                      tax_id_data=[{"type": "eu_vat", "value": "DE123456789"}])
    ein = stripe.Customer.create_tax_id(customer.id, type="us_ein", value="12-3456789")
    assert (ein.object, ein.country, ein.verification.status) == ("tax_id", "US", "unavailable"), ein
    listed = stripe.Customer.list_tax_ids(customer.id)
    assert [t.type for t in listed.data] == ["us_ein", "eu_vat"], listed
    assert stripe.Customer.retrieve_tax_id(customer.id, ein.id).value == "12-3456789"
    expanded = stripe.Customer.retrieve(customer.id, expand=["tax_ids"])
    assert len(expanded.tax_ids.data) == 2, expanded.tax_ids
    try:
        stripe.Customer.create_tax_id(customer.id, type="eu_vat", value="DE1")
        raise AssertionError("a malformed VAT number is refused")
    except stripe.error.InvalidRequestError as err:
        assert (err.code, err.param, err.user_message) == ("tax_id_invalid", "value", "Invalid value for eu_vat."), err
    stripe.InvoiceItem.create(customer=customer.id, amount=1500, currency="usd")
    invoice = stripe.Invoice.create(customer=customer.id, pending_invoice_items_behavior="include")
    assert [t.value for t in invoice.customer_tax_ids] == ["12-3456789", "DE123456789"], invoice.customer_tax_ids
    deleted = stripe.Customer.delete_tax_id(customer.id, ein.id)
    assert deleted.deleted, deleted
    own = stripe.TaxId.create(type="gb_vat", value="GB000000000")
    assert (own.owner.type, own.verification.status) == ("self", "verified"), own
    assert own.id in [t.id for t in stripe.TaxId.list().data]
    theirs = stripe.TaxId.create(type="au_abn", value="12345678912", owner={"type": "customer", "customer": customer.id})
    assert stripe.TaxId.retrieve(theirs.id).customer == customer.id
    assert stripe.TaxId.delete(theirs.id).deleted


def item_descriptions_and_clock_bounds():
    # An invoice item of a price is described by its product; a clock moves two intervals at most.
    customer = stripe.Customer.create(email="shirt-py@example.com")
    item = stripe.InvoiceItem.create(customer=customer.id, price="price_SEEDshirt001", quantity=2)
    assert (item.description, item.amount) == ("Asym T-shirt", 5000), item
    start = 1767225600
    clock = stripe.test_helpers.TestClock.create(frozen_time=start)
    on_clock = stripe.Customer.create(test_clock=clock.id, payment_method="pm_card_visa",
                                      invoice_settings={"default_payment_method": "pm_card_visa"})
    stripe.Subscription.create(customer=on_clock.id, items=[{"price": "price_SEEDproMonth1"}])
    err = refused("frozen_time", stripe.test_helpers.TestClock.advance, clock.id, frozen_time=start + 90 * 86400)
    assert "two intervals" in err.user_message, err
    refused("frozen_time", stripe.test_helpers.TestClock.advance, clock.id, frozen_time=start - 1)
    assert stripe.test_helpers.TestClock.advance(clock.id, frozen_time=start + 59 * 86400).status == "ready"


def rate_limited():
    # One write a second: of three creates sent at once, one at least raises RateLimitError.
    admin("POST", "rate-limit", {"enabled": True, "writes": 1, "reads": 1000})
    try:
        errors = []
        for n in range(3):
            try:
                stripe.Customer.create(email=f"limit{n}-py@example.com")
            except stripe.error.RateLimitError as err:
                errors.append(err)
        assert errors, "one of three creates in a second is over the limit"
        err = errors[0]
        # The SDK builds RateLimitError from the status alone: the code is on its error object.
        assert (err.http_status, err.error.code, err.error.type) == (429, "rate_limit", "invalid_request_error"), err
        assert err.user_message.startswith("Request rate limit exceeded."), err.user_message
        assert stripe.Customer.list(limit=1).data, "reads have their own limit"
    finally:
        admin("POST", "rate-limit", {"enabled": False})
    assert stripe.Customer.create(email="unlimited-py@example.com").id.startswith("cus_")


def subscription_schedules():
    # On a test clock: Asym Pro for a month, then two seats for two months, released at the end.
    start, feb, mar, apr = 1767225600, 1769904000, 1772323200, 1775001600
    clock = stripe.test_helpers.TestClock.create(frozen_time=start, name="py schedules")
    customer = stripe.Customer.create(email="schedule-py@example.com", test_clock=clock.id,
                                      payment_method="pm_card_visa",
                                      invoice_settings={"default_payment_method": "pm_card_visa"})
    schedule = stripe.SubscriptionSchedule.create(
        customer=customer.id, start_date="now", end_behavior="release",
        phases=[{"items": [{"price": "price_SEEDproMonth1"}], "iterations": 1},
                {"items": [{"price": "price_SEEDproMonth1", "quantity": 2}],
                 "duration": {"interval": "month", "interval_count": 2}}])
    assert schedule.id.startswith("sub_sched_") and schedule.status == "active", schedule
    assert (schedule.current_phase.start_date, schedule.current_phase.end_date) == (start, feb)
    assert [(p.start_date, p.end_date) for p in schedule.phases] == [(start, feb), (feb, apr)]
    sub = stripe.Subscription.retrieve(schedule.subscription)
    assert sub.schedule == schedule.id and sub["items"].data[0].quantity == 1
    advance_clock(clock, feb)
    sub = stripe.Subscription.retrieve(schedule.subscription)
    assert sub["items"].data[0].quantity == 2
    assert stripe.Invoice.retrieve(sub.latest_invoice).amount_paid == 4000
    assert stripe.SubscriptionSchedule.retrieve(schedule.id).current_phase.start_date == feb
    advance_clock(clock, mar)
    advance_clock(clock, apr)
    done = stripe.SubscriptionSchedule.retrieve(schedule.id)
    assert (done.status, done.subscription, done.released_subscription) == ("released", None, sub.id), done
    assert stripe.Subscription.retrieve(sub.id).schedule is None

    # From a subscription; modify adds a phase; cancel ends both.
    other = stripe.Subscription.create(customer=customer.id, items=[{"price": "price_SEEDproMonth1"}])
    sched = stripe.SubscriptionSchedule.create(from_subscription=other.id)
    assert sched.subscription == other.id and len(sched.phases) == 1
    phase = sched.phases[0]
    sched = stripe.SubscriptionSchedule.modify(
        sched.id, end_behavior="cancel",
        phases=[{"start_date": phase.start_date, "end_date": phase.end_date,
                 "items": [{"price": "price_SEEDproMonth1"}]},
                {"items": [{"price": "price_SEEDproYear01"}], "iterations": 1}])
    assert len(sched.phases) == 2 and sched.end_behavior == "cancel"
    assert {s.id for s in stripe.SubscriptionSchedule.list(customer=customer.id).data} == {schedule.id, sched.id}
    canceled = stripe.SubscriptionSchedule.cancel(sched.id)
    assert canceled.status == "canceled" and stripe.Subscription.retrieve(other.id).status == "canceled"
    # The cancel prorated and invoiced the month's credit at once (invoice_now defaults to true).
    final = stripe.Invoice.retrieve(stripe.Subscription.retrieve(other.id).latest_invoice)
    assert (final.total, final.amount_due, final.status) == (-2000, 0, "paid"), final
    assert stripe.InvoiceItem.list(customer=customer.id, pending=True).data == []
    third = stripe.Subscription.create(customer=customer.id, items=[{"price": "price_SEEDproMonth1"}])
    kept = stripe.SubscriptionSchedule.create(from_subscription=third.id)
    stripe.SubscriptionSchedule.cancel(kept.id, invoice_now=False)
    assert stripe.Subscription.retrieve(third.id).latest_invoice == third.latest_invoice
    assert [i.amount for i in stripe.InvoiceItem.list(customer=customer.id, pending=True).data] == [-2000]
    try:
        stripe.SubscriptionSchedule.release(sched.id)
        raise AssertionError("a canceled schedule is not released")
    except stripe.error.InvalidRequestError as err:
        assert err.http_status == 400 and "`canceled` status" in err.user_message, err

    # Stripe's refusals of bad phases, by name.
    pro = [{"price": "price_SEEDproMonth1"}]
    refused("phases[0][items]", stripe.SubscriptionSchedule.create, customer=customer.id, phases=[{"iterations": 1}])
    refused("phases[0][iterations]", stripe.SubscriptionSchedule.create, customer=customer.id,
            phases=[{"items": pro, "iterations": 1, "end_date": apr + 90 * 86400}])
    refused("start_date", stripe.SubscriptionSchedule.create, customer=customer.id, start_date=start,
            phases=[{"items": pro}])
    refused("customer", stripe.SubscriptionSchedule.create, customer=customer.id, from_subscription=other.id)


def billing_meters():
    # A metered price on a meter: the usage of January is billed on February's invoice.
    start, feb = 1767225600, 1769904000
    meter = stripe.billing.Meter.create(display_name="Py calls", event_name="py_calls",
                                        default_aggregation={"formula": "sum"})
    assert meter.id.startswith("mtr_") and meter.status == "active", meter
    assert meter.customer_mapping.event_payload_key == "stripe_customer_id"
    price = stripe.Price.create(product="prod_SEEDpro000001", currency="usd", unit_amount=5,
                                recurring={"interval": "month", "usage_type": "metered", "meter": meter.id})
    assert price.recurring.meter == meter.id
    clock = stripe.test_helpers.TestClock.create(frozen_time=start, name="py meters")
    customer = stripe.Customer.create(email="meter-py@example.com", test_clock=clock.id,
                                      payment_method="pm_card_visa",
                                      invoice_settings={"default_payment_method": "pm_card_visa"})
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}])
    assert stripe.Invoice.retrieve(sub.latest_invoice).amount_due == 0
    event = stripe.billing.MeterEvent.create(event_name="py_calls", timestamp=start + 86400,
                                             payload={"stripe_customer_id": customer.id, "value": "120"})
    assert event.event_name == "py_calls" and event.payload["value"] == "120" and event.identifier, event
    stripe.billing.MeterEvent.create(event_name="py_calls", identifier="py-once", timestamp=start + 2 * 86400,
                                     payload={"stripe_customer_id": customer.id, "value": "30"})
    summaries = stripe.billing.Meter.list_event_summaries(meter.id, customer=customer.id,
                                                          start_time=start, end_time=feb)
    assert summaries.data[0].aggregated_value == 150, summaries
    advance_clock(clock, feb)
    invoice = stripe.Invoice.retrieve(stripe.Subscription.retrieve(sub.id).latest_invoice)
    assert invoice.amount_paid == 750 and invoice.lines.data[0].quantity == 150, invoice
    refused("identifier", stripe.billing.MeterEvent.create, event_name="py_calls", identifier="py-once",
            payload={"stripe_customer_id": customer.id, "value": "1"})
    assert stripe.billing.Meter.deactivate(meter.id).status == "inactive"
    refused("event_name", stripe.billing.MeterEvent.create, event_name="py_calls",
            payload={"stripe_customer_id": customer.id, "value": "1"})
    assert stripe.billing.Meter.reactivate(meter.id).status == "active"


def payment_links():
    # A link selling a recurring and a one-time price; read, its lines, updated, listed.
    link = stripe.PaymentLink.create(
        line_items=[{"price": "price_SEEDproMonth1", "quantity": 2}, {"price": "price_SEEDshirt001", "quantity": 1}],
        after_completion={"type": "redirect", "redirect": {"url": "https://example.com/thanks"}},
        metadata={"campaign": "py"})
    assert link.id.startswith("plink_") and link.active and link.url.startswith("https://buy.stripe.com/test_"), link
    assert link.after_completion.type == "redirect" and link.after_completion.redirect.url == "https://example.com/thanks"
    assert stripe.PaymentLink.retrieve(link.id, expand=["line_items"]).line_items.data[0].quantity == 2
    lines = stripe.PaymentLink.list_line_items(link.id)
    assert [(l.price.id, l.quantity, l.amount_total) for l in lines.data] == [
        ("price_SEEDproMonth1", 2, 4000), ("price_SEEDshirt001", 1, 2500)], lines
    link = stripe.PaymentLink.modify(link.id, active=False, metadata={"campaign": ""},
                                     line_items=[{"id": lines.data[0].id, "quantity": 3}])
    assert not link.active and link.metadata.to_dict() == {}, link
    assert stripe.PaymentLink.list_line_items(link.id).data[0].amount_total == 6000
    assert link.id in [l.id for l in stripe.PaymentLink.list(active=False, limit=100).data]
    # Stripe's refusals: an inactive price; a redirect without its url; an unknown link.
    old = stripe.Price.create(product="prod_SEEDpro000001", unit_amount=700, currency="usd",
                              recurring={"interval": "month"})
    stripe.Price.modify(old.id, active=False)
    err = refused("line_items[0][price]", stripe.PaymentLink.create, line_items=[{"price": old.id, "quantity": 1}])
    assert "inactive" in err.user_message, err
    refused("after_completion[redirect][url]", stripe.PaymentLink.create,
            line_items=[{"price": "price_SEEDshirt001", "quantity": 1}], after_completion={"type": "redirect"})
    try:
        stripe.PaymentLink.retrieve("plink_nope")
        raise AssertionError("an unknown link is missing")
    except stripe.error.InvalidRequestError as err:
        assert err.http_status == 404 and err.code == "resource_missing", err


def quotes():
    # A quote of a recurring and a one-time line: finalized, accepted into a subscription.
    customer = stripe.Customer.create(email="quote-py@example.com", payment_method="pm_card_visa",
                                      invoice_settings={"default_payment_method": "pm_card_visa"})
    quote = stripe.Quote.create(customer=customer.id, description="Pro for the team",
                                line_items=[{"price": "price_SEEDproMonth1", "quantity": 2},
                                            {"price": "price_SEEDshirt001"}])
    assert quote.id.startswith("qt_") and quote.status == "draft" and quote.number is None, quote
    assert (quote.amount_subtotal, quote.amount_total) == (6500, 6500), quote
    assert quote.computed.recurring.amount_total == 4000 and quote.computed.recurring.interval == "month"
    assert quote.computed.upfront.amount_total == 6500
    lines = stripe.Quote.list_line_items(quote.id)
    assert [(l.description, l.quantity) for l in lines.data] == [("Asym Pro", 2), ("Asym T-shirt", 1)], lines
    upfront = stripe.Quote.list_computed_upfront_line_items(quote.id)
    assert len(upfront.data) == 2
    # At 2023-08-16 a quote has the fields it had then (no customer_account, billing_mode, …).
    old = stripe.Quote.retrieve(quote.id, stripe_version="2023-08-16")
    assert "customer_account" not in old and "billing_mode" not in old.subscription_data, old
    assert "issuer" not in old.invoice_settings and old.subscription_data.trial_period_days is None, old
    assert "customer_account" in stripe.Quote.retrieve(quote.id)
    # Stripe's refusals: accepting a draft; changing an open quote beyond its expiry.
    try:
        stripe.Quote.accept(quote.id)
        raise AssertionError("a draft cannot be accepted")
    except stripe.error.InvalidRequestError as err:
        assert err.http_status == 400, err
    quote = stripe.Quote.modify(quote.id, header="Offer", metadata={"deal": "7"})
    assert quote.header == "Offer" and quote.metadata["deal"] == "7"
    opened = stripe.Quote.finalize_quote(quote.id)
    assert opened.status == "open" and opened.number.startswith("QT-") and opened.number.endswith("-0001-1")
    refused("header", stripe.Quote.modify, quote.id, header="Later")
    later = opened.expires_at + 86400
    assert stripe.Quote.modify(quote.id, expires_at=later).expires_at == later
    accepted = stripe.Quote.accept(quote.id)
    assert accepted.status == "accepted" and accepted.subscription and accepted.invoice, accepted
    sub = stripe.Subscription.retrieve(accepted.subscription)
    assert sub.status == "active" and sub["items"].data[0].quantity == 2
    assert stripe.Invoice.retrieve(accepted.invoice).amount_paid == 6500

    # One-time lines only: a draft invoice. A canceled quote; lists; the PDF is not served.
    once = stripe.Quote.create(customer=customer.id, line_items=[{"price": "price_SEEDshirt001", "quantity": 2}])
    once = stripe.Quote.accept(stripe.Quote.finalize_quote(once.id).id)
    invoice = stripe.Invoice.retrieve(once.invoice)
    assert once.subscription is None and (invoice.status, invoice.total) == ("draft", 5000), invoice
    dropped = stripe.Quote.cancel(stripe.Quote.create(customer=customer.id).id)
    assert dropped.status == "canceled" and dropped.status_transitions.canceled_at
    empty = stripe.Quote.create(customer=customer.id)
    refused("line_items", stripe.Quote.finalize_quote, empty.id)
    assert [q.id for q in stripe.Quote.list(customer=customer.id, status="accepted").data] == [once.id, quote.id]
    refused("subscription_data[billing_mode]", stripe.Quote.create, customer=customer.id,
            subscription_data={"billing_mode": {"type": "flexible"}})
    base = stripe.upload_api_base
    stripe.upload_api_base = stripe.api_base
    try:
        stripe.Quote.pdf(quote.id)
        raise AssertionError("the PDF is not served")
    except stripe.error.InvalidRequestError as err:
        assert err.http_status == 400 and "not implemented" in err.user_message, err
    finally:
        stripe.upload_api_base = base


def discounted_cancellation():
    # 25% off forever: $15.00 paid for January; cancelled halfway with prorate and invoice_now, the
    # unused half of what was paid is credited on a final invoice and to the balance. A schedule's
    # cancel (prorating by default) is served the same way.
    start, half = 1767225600, 1768564800
    coupon = stripe.Coupon.create(percent_off=25, duration="forever")
    subs = []
    for name in ("cancel", "schedule"):
        clock = stripe.test_helpers.TestClock.create(frozen_time=start)
        customer = stripe.Customer.create(email=f"discounted-{name}-py@example.com", test_clock=clock.id,
                                          payment_method="pm_card_visa",
                                          invoice_settings={"default_payment_method": "pm_card_visa"})
        subs.append(stripe.Subscription.create(customer=customer.id, items=[{"price": "price_SEEDproMonth1"}],
                                               discounts=[{"coupon": coupon.id}]))
        advance_clock(clock, half)
    canceled = stripe.Subscription.cancel(subs[0].id, prorate=True, invoice_now=True)
    schedule = stripe.SubscriptionSchedule.create(from_subscription=subs[1].id)
    assert stripe.SubscriptionSchedule.cancel(schedule.id).status == "canceled"
    for sub in (canceled, stripe.Subscription.retrieve(subs[1].id)):
        final = stripe.Invoice.retrieve(sub.latest_invoice)
        assert [line.amount for line in final.lines.data] == [-750], final
        assert stripe.Customer.retrieve(sub.customer).balance == -750


def schedule_phase_extras():
    # A first phase at half price with two T-shirts added, a second of two seats and one more
    # T-shirt; previews by schedule and by proposed phases; the second phase entered on the clock.
    start, feb = 1767225600, 1769904000
    clock = stripe.test_helpers.TestClock.create(frozen_time=start)
    customer = stripe.Customer.create(email="phases-py@example.com", test_clock=clock.id,
                                      payment_method="pm_card_visa",
                                      invoice_settings={"default_payment_method": "pm_card_visa"})
    half = stripe.Coupon.create(percent_off=50, duration="forever")
    schedule = stripe.SubscriptionSchedule.create(customer=customer.id, phases=[
        {"items": [{"price": "price_SEEDproMonth1"}], "iterations": 1, "discounts": [{"coupon": half.id}],
         "add_invoice_items": [{"price": "price_SEEDshirt001", "quantity": 2}]},
        {"items": [{"price": "price_SEEDproMonth1", "quantity": 2}], "iterations": 1,
         "add_invoice_items": [{"price": "price_SEEDshirt001"}]}])
    assert schedule.phases[0].discounts[0].coupon == half.id
    assert schedule.phases[0].add_invoice_items[0].quantity == 2
    sub = stripe.Subscription.retrieve(schedule.subscription)
    first = stripe.Invoice.retrieve(sub.latest_invoice)
    assert (first.subtotal, first.amount_paid) == (7000, 3500), first
    preview = stripe.Invoice.create_preview(schedule=schedule.id)
    assert (preview.subtotal, preview.total, preview.billing_reason) == (6500, 6500, "subscription_cycle"), preview
    proposed = stripe.Invoice.create_preview(customer=customer.id, schedule_details={
        "phases": [{"items": [{"price": "price_SEEDproMonth1", "quantity": 3}]}]})
    assert (proposed.subtotal, proposed.billing_reason) == (6000, "subscription_create")
    advance_clock(clock, feb)
    sub = stripe.Subscription.retrieve(sub.id)
    renewal = stripe.Invoice.retrieve(sub.latest_invoice)
    assert sub.discount is None and (renewal.subtotal, renewal.amount_paid) == (6500, 6500), renewal


def quote_discounts():
    coupon = stripe.Coupon.create(percent_off=25, duration="forever")
    quote = stripe.Quote.create(customer="cus_SEEDalice00001", discounts=[{"coupon": coupon.id}], line_items=[
        {"price": "price_SEEDproMonth1", "quantity": 2}, {"price": "price_SEEDshirt001"}])
    assert quote.discounts[0].startswith("di_"), quote
    assert (quote.amount_subtotal, quote.total_details.amount_discount, quote.amount_total) == (6500, 1625, 4875)
    assert (quote.computed.recurring.amount_total, quote.computed.upfront.amount_total) == (3000, 4875), quote
    quote = stripe.Quote.finalize_quote(quote.id)
    quote = stripe.Quote.accept(quote.id)
    sub = stripe.Subscription.retrieve(quote.subscription)
    assert sub.discount.coupon.id == coupon.id, sub
    assert stripe.Invoice.retrieve(sub.latest_invoice).total == 4875
    five = stripe.Coupon.create(amount_off=500, currency="usd", duration="once")
    promo = stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": five.id}, code="PYQUOTE5")
    once = stripe.Quote.create(customer="cus_SEEDalice00001", line_items=[{"price": "price_SEEDshirt001"}],
                               discounts=[{"promotion_code": promo.id}])
    assert once.amount_total == 2000, once
    invoice = stripe.Invoice.retrieve(stripe.Quote.accept(stripe.Quote.finalize_quote(once.id).id).invoice)
    assert (invoice.total, invoice.discount.promotion_code) == (2000, promo.id), invoice
    try:
        stripe.Quote.create(customer="cus_SEEDalice00001", discounts=[{"coupon": "nope"}])
        raise AssertionError("an unknown coupon is a 404")
    except stripe.error.InvalidRequestError as err:
        assert (err.http_status, err.param) == (404, "discounts[0][coupon]"), err


def quote_effective_date():
    start = 1767225600
    clock = stripe.test_helpers.TestClock.create(frozen_time=start)
    customer = stripe.Customer.create(email="effective-py@example.com", test_clock=clock.id,
                                      payment_method="pm_card_visa",
                                      invoice_settings={"default_payment_method": "pm_card_visa"})
    quote = stripe.Quote.create(customer=customer.id, line_items=[{"price": "price_SEEDproMonth1"}],
                                subscription_data={"effective_date": start + 7 * 86400})
    assert quote.subscription_data.effective_date == start + 7 * 86400, quote
    quote = stripe.Quote.accept(stripe.Quote.finalize_quote(quote.id).id)
    assert quote.subscription is None and quote.subscription_schedule.startswith("sub_sched_"), quote
    schedule = stripe.SubscriptionSchedule.retrieve(quote.subscription_schedule)
    assert (schedule.status, schedule.phases[0].start_date) == ("not_started", start + 7 * 86400), schedule
    advance_clock(clock, start + 8 * 86400)
    schedule = stripe.SubscriptionSchedule.retrieve(schedule.id)
    assert schedule.status == "active" and schedule.subscription, schedule
    refused("subscription_data[effective_date]", stripe.Quote.create, customer=customer.id,
            subscription_data={"effective_date": "current_period_end"})


def disputes():
    # pm_card_createDispute: the charge succeeds, then is disputed as fraudulent.
    intent = stripe.PaymentIntent.create(amount=5000, currency="usd", payment_method="pm_card_createDispute",
                                         confirm=True)
    assert intent.status == "succeeded", intent
    charge = stripe.Charge.retrieve(intent.latest_charge)
    assert charge.disputed, charge
    [dispute] = stripe.Dispute.list(charge=charge.id).data
    assert (dispute.status, dispute.reason, dispute.amount) == ("needs_response", "fraudulent", 5000), dispute
    assert dispute.evidence_details.due_by > dispute.created and dispute.evidence.uncategorized_text is None
    [withdrawn] = dispute.balance_transactions
    assert (withdrawn.amount, withdrawn.fee, withdrawn.reporting_category) == (-5000, 1500, "dispute"), withdrawn
    assert stripe.Dispute.list(payment_intent=intent.id).data[0].id == dispute.id
    err = refused("charge", stripe.Refund.create, charge=charge.id)
    assert err.code == "charge_disputed", err
    staged = stripe.Dispute.modify(dispute.id, evidence={"customer_name": "Py Thon"}, submit=False)
    assert (staged.status, staged.evidence_details.has_evidence) == ("needs_response", True), staged
    won = stripe.Dispute.modify(dispute.id, evidence={"uncategorized_text": "winning_evidence"}, metadata={"k": "v"})
    assert (won.status, won.evidence_details.submission_count, won.metadata["k"]) == ("won", 1, "v"), won
    assert [t.amount for t in won.balance_transactions] == [-5000, 5000], won
    try:
        stripe.Dispute.close(dispute.id)
        raise AssertionError("a won dispute is not closed")
    except stripe.error.InvalidRequestError as err:
        assert err.http_status == 400 and "already closed" in err.user_message, err
    # Closing concedes; an inquiry withdraws nothing and closes as warning_closed.
    second = stripe.PaymentIntent.create(amount=900, currency="usd",
                                         payment_method="pm_card_createDisputeProductNotReceived", confirm=True)
    [lost] = stripe.Dispute.list(charge=second.latest_charge).data
    assert lost.reason == "product_not_received", lost
    assert stripe.Dispute.close(lost.id).status == "lost"
    inquiry = stripe.PaymentIntent.create(amount=700, currency="usd", payment_method="pm_card_createDisputeInquiry",
                                          confirm=True)
    [asked] = stripe.Dispute.list(charge=inquiry.latest_charge).data
    assert (asked.status, asked.balance_transactions) == ("warning_needs_response", []), asked
    assert stripe.Dispute.retrieve(asked.id).close().status == "warning_closed"
    try:
        stripe.Dispute.retrieve("dp_nope")
        raise AssertionError("an unknown dispute is a 404")
    except stripe.error.InvalidRequestError as err:
        assert err.http_status == 404 and err.code == "resource_missing", err


MANDATE = {"customer_acceptance": {"type": "online",
                                   "online": {"ip_address": "127.0.0.1", "user_agent": "stripe-python"}}}


def ach_direct_debit():
    bank = {"routing_number": "110000000", "account_number": "000123456789", "account_holder_type": "individual"}
    pm = stripe.PaymentMethod.create(type="us_bank_account", us_bank_account=bank, billing_details={"name": "Py Thon"})
    assert (pm.type, pm.us_bank_account.bank_name, pm.us_bank_account.last4) == \
        ("us_bank_account", "STRIPE TEST BANK", "6789"), pm
    assert pm.us_bank_account.networks.supported == ["ach"] and pm.us_bank_account.account_type == "checking"
    refused("billing_details[name]", stripe.PaymentMethod.create, type="us_bank_account", us_bank_account=bank)
    err = refused("us_bank_account[routing_number]", stripe.PaymentMethod.create, type="us_bank_account",
                  us_bank_account={**bank, "routing_number": "110000001"}, billing_details={"name": "Py Thon"})
    assert err.code == "routing_number_invalid", err
    intent = stripe.PaymentIntent.create(amount=1500, currency="usd", payment_method_types=["us_bank_account"],
                                         payment_method=pm.id)
    refused("mandate_data", stripe.PaymentIntent.confirm, intent.id)
    intent = stripe.PaymentIntent.confirm(intent.id, mandate_data=MANDATE)
    assert intent.status == "processing", intent
    charge = stripe.Charge.retrieve(intent.latest_charge)
    assert (charge.status, charge.paid) == ("pending", False), charge
    mandate = stripe.Mandate.retrieve(charge.payment_method_details.us_bank_account.mandate)
    assert (mandate.status, mandate.type, mandate.payment_method) == ("active", "single_use", pm.id), mandate
    assert mandate.customer_acceptance.online.user_agent == "stripe-python"
    err = refused("charge", stripe.Refund.create, charge=charge.id)
    assert err.code == "charge_not_refundable", err
    assert admin("POST", f"payment_intents/{intent.id}/settle")["status"] == "succeeded"
    assert stripe.PaymentIntent.retrieve(intent.id).amount_received == 1500
    assert stripe.Charge.retrieve(charge.id).status == "succeeded"
    failing = stripe.PaymentIntent.create(amount=1500, currency="usd", payment_method_types=["us_bank_account"],
                                          payment_method="pm_usBankAccount_accountClosed", confirm=True,
                                          mandate_data=MANDATE)
    assert failing.status == "processing", failing
    admin("POST", f"payment_intents/{failing.id}/settle")
    failed = stripe.PaymentIntent.retrieve(failing.id)
    assert (failed.status, failed.last_payment_error.code) == ("requires_payment_method", "account_closed"), failed
    assert stripe.Charge.retrieve(failing.latest_charge).failure_code == "account_closed"
    types = [e.type for e in stripe.Event.list(limit=20).data]
    assert "payment_intent.processing" in types and "charge.pending" in types and "charge.failed" in types, types
    # A setup intent saves the account under a multi-use mandate; off-session debits use it.
    setup = stripe.SetupIntent.create(customer="cus_SEEDbob0000001", payment_method_types=["us_bank_account"],
                                      payment_method="pm_usBankAccount_success")
    refused("mandate_data", stripe.SetupIntent.confirm, setup.id)
    setup = stripe.SetupIntent.confirm(setup.id, mandate_data=MANDATE)
    assert setup.status == "succeeded" and stripe.Mandate.retrieve(setup.mandate).type == "multi_use", setup
    later = stripe.PaymentIntent.create(amount=900, currency="usd", customer="cus_SEEDbob0000001",
                                        payment_method=setup.payment_method, payment_method_types=["us_bank_account"],
                                        off_session=True, confirm=True)
    assert later.status == "processing", later
    # Checkout: the session completes unpaid, then the settlement sends async_payment_succeeded.
    session = stripe.checkout.Session.create(mode="payment", payment_method_types=["card", "us_bank_account"],
                                             line_items=[{"price": "price_SEEDshirt001", "quantity": 1}],
                                             success_url="https://shop.example/ok")
    done = complete(session.id, {"paymentMethod": "pm_usBankAccount_success"})
    assert (done["status"], done["payment_status"]) == ("complete", "unpaid"), done
    admin("POST", f"payment_intents/{done['payment_intent']}/settle")
    assert stripe.checkout.Session.retrieve(session.id).payment_status == "paid"
    [event] = stripe.Event.list(type="checkout.session.async_payment_succeeded", limit=1).data
    assert event.data.object.id == session.id, event


scenarios = [("customer → payment method → payment intent → refund", customer_payment_refund),
             ("product → price → subscription → test clock → invoice paid", subscription_with_test_clock),
             ("idempotent retries", idempotent_retries),
             ("declines", declines),
             ("pagination", pagination),
             ("webhook signature (stripe.Webhook.construct_event)", webhooks),
             ("3-D Secure: requires_action, the test page, off-session", three_d_secure),
             ("Radar: blocked and elevated-risk cards", radar),
             ("balance, balance transactions, invoice preview", balance_and_preview),
             ("coupons and promotion codes", coupons_and_promotion_codes),
             ("subscription with a promotion code; refused redemptions", subscription_with_a_discount),
             ("tax rates", tax_rates),
             ("tax on a subscription's invoice and an inclusive invoice item", taxed_subscription_and_invoice),
             ("customer balance transactions and the credit an invoice applies", customer_balance),
             ("prorations: Subscription.modify, SubscriptionItem.modify, Invoice.create_preview", prorations),
             ("billing cycle: billing_cycle_anchor=now, trial_end; SubscriptionItem errors", billing_cycle),
             ("named refusals; SubscriptionItem expand; previews with customer_details and currency",
              refusals_items_and_previews),
             ("nested parameters: a typo inside a hash is unknown by name, metadata stays free",
              nested_parameters),
             ("customers, products, prices: update, delete, search and its paging", customers_products_prices),
             ("automatic payment methods, manual capture, cancel; setup intent; detach", capture_cancel_and_setup),
             ("subscription cancel; invoice sent by hand and paid; checkout subscription; portal; events",
              subscription_and_invoice_lifecycle),
             ("errors the SDK raises: AuthenticationError, InvalidRequestError fields, request ids",
              errors_the_sdk_raises),
             ("StripeClient (client.v1.*) with only its base address", stripe_client),
             ("bad values refused as Stripe does; a session's line items paged", bad_values_and_line_item_pages),
             ("amounts near the limit: eight digits, amount_too_large for a line", amounts_near_the_limit),
             ("unknown ids: resource_missing naming id (intent for the intents)", unknown_ids_name_their_parameter),
             ("Charge.capture and the deprecated POST /v1/charges/{id}/refund", legacy_charge_capture_and_refund),
             ("legacy cards: Token, Customer sources and default_source, Charge.create and capture",
              legacy_cards_and_charges),
             ("Account.retrieve(): the keys' own account", own_account),
             ("Plan: create, retrieve, list, modify, subscribe, delete", plans),
             ("pause_collection: a renewal voided while paused, paid once cleared", paused_collection),
             ("billing_portal.Configuration: create, retrieve, modify, list; a session names one",
              portal_configurations),
             ("add_invoice_items: a set-up fee on a subscription's first invoice", added_invoice_items),
             ("CreditNote: preview and its lines, before and after payment, list, lines", credit_notes),
             ("tiered prices: graduated and volume tiers, expand tiers, billed tier by tier", tiered_prices),
             ("tax ids: Customer.create_tax_id, list/retrieve/delete, TaxId, invoice customer_tax_ids", tax_ids),
             ("an invoice item described by its price's product; a test clock's advance bounds",
              item_descriptions_and_clock_bounds),
             ("SubscriptionSchedule: phases on a test clock, from_subscription, modify, cancel, release",
              subscription_schedules),
             ("billing.Meter, billing.MeterEvent: usage billed in arrears by a metered price", billing_meters),
             ("Quote: create, list_line_items, modify, finalize_quote, accept, cancel, list, pdf", quotes),
             ("PaymentLink: create, retrieve (expand line_items), list_line_items, modify, list, refusals",
              payment_links),
             ("a discounted subscription cancelled with prorate: the discounted unused time credited",
              discounted_cancellation),
             ("SubscriptionSchedule phases: discounts, add_invoice_items; Invoice.create_preview(schedule=…)",
              schedule_phase_extras),
             ("Quote discounts: a coupon in the totals and the subscription, a promotion code on the invoice",
              quote_discounts),
             ("Quote subscription_data[effective_date]: a schedule that starts then", quote_effective_date),
             ("Dispute: the dispute test cards, list, retrieve, modify (evidence, submit), close", disputes),
             ("checkout.Session completed (admin route): payment, subscription, setup; the webhook",
              checkout_completed),
             ("checkout.Session and 3-D Secure: a failed challenge (payment_failed webhook), completed, setup, subscription",
              checkout_three_d_secure),
             ("ACH Direct Debit: PaymentMethod us_bank_account, a mandate, processing, settled either way; SetupIntent; Checkout",
              ach_direct_debit),
             ("RateLimitError when the clone's rate limits are on", rate_limited)]
for name, fn in scenarios:
    check(name, fn)

finish(f"python stripe {stripe.VERSION}")
