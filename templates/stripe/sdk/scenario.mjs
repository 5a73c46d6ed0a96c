// Stripe's official Node SDK against the clone, changing only host/port/protocol.
// Env: STRIPE_API_BASE (http://127.0.0.1:<port>), STRIPE_SECRET_KEY, ASYM_ADMIN_SECRET (the clone's
// admin secret, for switching rate limits on). Exits non-zero on failure.
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { admin, check, finish, withReceiver } from './check.mjs';

const base = new URL(process.env.STRIPE_API_BASE);
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY, {
  host: base.hostname, port: Number(base.port), protocol: 'http', maxNetworkRetries: 2,
});

// What `assert.rejects` expects of a 400 naming `param`.
const refusedWith = (param) => (err) => {
  assert.deepEqual([err.statusCode, err.param], [400, param], err.message);
  return true;
};

// A test clock at `start`, a customer on it paying with Visa, subscribed to Asym Pro monthly.
async function subscribedOnClock(start, name) {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
  const customer = await stripe.customers.create({
    email: `${name}-node@example.com`, test_clock: clock.id, payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: 'price_SEEDproMonth1' }] });
  return { clock, customer, sub };
}

await check('customer → payment method → payment intent → refund', async () => {
  const customer = await stripe.customers.create({ email: 'node@example.com', metadata: { sdk: 'node' } });
  assert.ok(customer.id.startsWith('cus_'));
  const pm = await stripe.paymentMethods.attach('pm_card_mastercard', { customer: customer.id });
  assert.equal(pm.card.brand, 'mastercard');
  let intent = await stripe.paymentIntents.create({ amount: 5100, currency: 'usd', customer: customer.id, payment_method: pm.id });
  intent = await stripe.paymentIntents.confirm(intent.id);
  assert.equal(intent.status, 'succeeded');
  const refund = await stripe.refunds.create({ payment_intent: intent.id });
  assert.equal(refund.amount, 5100);
  const charge = await stripe.charges.retrieve(intent.latest_charge);
  assert.equal(charge.refunded, true);
  const found = await stripe.customers.search({ query: "metadata['sdk']:'node'" });
  assert.equal(found.data[0].id, customer.id);
});

await check('product → price → subscription → test clock → invoice paid', async () => {
  const start = 1767225600;
  let clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
  const customer = await stripe.customers.create({ email: 'nclock@example.com', test_clock: clock.id });
  // Stripe's documented one-call set-up, on an update: attached and made the default.
  const updated = await stripe.customers.update(customer.id, {
    payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  const pm = (await stripe.paymentMethods.list({ customer: customer.id, type: 'card' })).data[0];
  assert.equal(updated.invoice_settings.default_payment_method, pm.id);
  const price = await stripe.prices.create({
    currency: 'usd', unit_amount: 1200, recurring: { interval: 'month' }, product_data: { name: 'Node plan' },
  });
  const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id, quantity: 2 }] });
  assert.equal(sub.status, 'active');
  // Two intervals at most in one advance, as Stripe allows: February, then March.
  for (const days of [32, 63]) {
    clock = await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + days * 86400 });
    while (clock.status !== 'ready') clock = await stripe.testHelpers.testClocks.retrieve(clock.id);
  }
  const invoices = await stripe.invoices.list({ customer: customer.id });
  assert.equal(invoices.data.length, 3);
  for (const invoice of invoices.data) {
    assert.equal(invoice.status, 'paid');
    assert.equal(invoice.amount_paid, 2400);
  }
});

await check('idempotent retries', async () => {
  const a = await stripe.customers.create({ email: 'nidem@example.com' }, { idempotencyKey: 'node-idem-1' });
  const b = await stripe.customers.create({ email: 'nidem@example.com' }, { idempotencyKey: 'node-idem-1' });
  assert.equal(a.id, b.id);
  await assert.rejects(
    stripe.customers.create({ email: 'other@example.com' }, { idempotencyKey: 'node-idem-1' }),
    (err) => err.type === 'StripeIdempotencyError',
  );
});

await check('declines', async () => {
  await assert.rejects(
    stripe.paymentIntents.create({
      amount: 1000, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true, payment_method_types: ['card'],
    }),
    (err) => err.type === 'StripeCardError' && err.code === 'card_declined' && err.decline_code === 'generic_decline'
      && err.statusCode === 402 && err.payment_intent.status === 'requires_payment_method',
  );
  await assert.rejects(stripe.customers.retrieve('cus_missing'), (err) => err.statusCode === 404 && err.code === 'resource_missing');
});

await check('pagination', async () => {
  for (let i = 0; i < 12; i += 1) await stripe.customers.create({ email: `npage${i}@example.com` });
  const ids = [];
  for await (const customer of stripe.customers.list({ limit: 5 })) ids.push(customer.id);
  assert.ok(ids.length >= 12);
  assert.equal(new Set(ids).size, ids.length);
});

await check('webhook signature (stripe.webhooks.constructEvent)', () => withReceiver(async (url, received, until) => {
  const endpoint = await stripe.webhookEndpoints.create({ url, enabled_events: ['payment_intent.succeeded'] });
  const intent = await stripe.paymentIntents.create({ amount: 700, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, payment_method_types: ['card'] });
  const delivery = await until(() => true);
  assert.ok(delivery, 'no webhook delivered');
  const signature = delivery.headers['stripe-signature'];
  const event = stripe.webhooks.constructEvent(delivery.body, signature, endpoint.secret);
  assert.equal(event.type, 'payment_intent.succeeded');
  assert.equal(event.data.object.id, intent.id);
  assert.throws(() => stripe.webhooks.constructEvent(delivery.body, signature, 'whsec_wrong'));
}));

// Presses Complete or Fail on the clone's 3-D Secure test page: answers the status and Location.
async function press(url, outcome) {
  const page = new URL(url);
  const body = new URLSearchParams({ client_secret: page.searchParams.get('client_secret'), outcome });
  const response = await fetch(`${page.origin}${page.pathname}`, { method: 'POST', body, redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location') };
}

await check('3-D Secure: requires_action, the test page, off-session', async () => {
  let intent = await stripe.paymentIntents.create({
    amount: 1500, currency: 'usd', payment_method: 'pm_card_threeDSecure2Required', payment_method_types: ['card'],
    confirm: true, return_url: 'https://shop.example/back',
  });
  assert.equal(intent.status, 'requires_action');
  assert.equal(intent.next_action.type, 'redirect_to_url');
  const { status, location } = await press(intent.next_action.redirect_to_url.url, 'complete');
  assert.equal(status, 303);
  assert.ok(location.includes(`payment_intent=${intent.id}`) && location.endsWith('redirect_status=succeeded'), location);
  intent = await stripe.paymentIntents.retrieve(intent.id, { expand: ['latest_charge'] });
  assert.equal(intent.status, 'succeeded');
  assert.equal(intent.latest_charge.payment_method_details.card.three_d_secure.result, 'authenticated');

  const customer = await stripe.customers.create({ email: 'n3ds@example.com' });
  let setup = await stripe.setupIntents.create({
    customer: customer.id, payment_method: 'pm_card_authenticationRequiredOnSetup', confirm: true,
  });
  assert.equal(setup.status, 'requires_action');
  assert.equal(setup.next_action.type, 'use_stripe_sdk');
  await press(setup.next_action.use_stripe_sdk.stripe_js, 'complete');
  setup = await stripe.setupIntents.retrieve(setup.id);
  assert.equal(setup.status, 'succeeded');
  const offSession = await stripe.paymentIntents.create({
    amount: 900, currency: 'usd', customer: customer.id, payment_method: setup.payment_method,
    payment_method_types: ['card'], confirm: true, off_session: true,
  });
  assert.equal(offSession.status, 'succeeded');
  await assert.rejects(
    stripe.paymentIntents.create({
      amount: 900, currency: 'usd', payment_method: 'pm_card_authenticationRequired', payment_method_types: ['card'],
      confirm: true, off_session: true,
    }),
    (err) => err.type === 'StripeCardError' && err.code === 'authentication_required',
  );
  const failing = await stripe.paymentIntents.create({
    amount: 900, currency: 'usd', payment_method: 'pm_card_threeDSecureRequired', payment_method_types: ['card'], confirm: true,
  });
  await press(failing.next_action.use_stripe_sdk.stripe_js, 'fail');
  const failed = await stripe.paymentIntents.retrieve(failing.id);
  assert.equal(failed.status, 'requires_payment_method');
  assert.equal(failed.last_payment_error.code, 'payment_intent_authentication_failure');
});

await check('Radar: blocked and elevated-risk cards', async () => {
  await assert.rejects(
    stripe.paymentIntents.create({
      amount: 1000, currency: 'usd', payment_method: 'pm_card_radarBlock', payment_method_types: ['card'], confirm: true,
    }),
    (err) => err.type === 'StripeCardError' && err.decline_code === 'fraudulent',
  );
  const intent = await stripe.paymentIntents.create({
    amount: 1000, currency: 'usd', payment_method: 'pm_card_riskLevelElevated', payment_method_types: ['card'],
    confirm: true, expand: ['latest_charge'],
  });
  assert.equal(intent.latest_charge.outcome.risk_level, 'elevated');
});

await check('balance, balance transactions, invoice preview', async () => {
  const before = await stripe.balance.retrieve();
  const intent = await stripe.paymentIntents.create({
    amount: 2000, currency: 'usd', payment_method: 'pm_card_bypassPending', payment_method_types: ['card'], confirm: true,
  });
  const charge = await stripe.charges.retrieve(intent.latest_charge, { expand: ['balance_transaction'] });
  const txn = charge.balance_transaction;
  assert.deepEqual([txn.type, txn.amount, txn.fee, txn.net, txn.status], ['charge', 2000, 88, 1912, 'available']);
  const after = await stripe.balance.retrieve();
  assert.equal(after.available[0].amount - before.available[0].amount, 1912);
  const refund = await stripe.refunds.create({ charge: charge.id, amount: 500 });
  assert.equal((await stripe.balanceTransactions.retrieve(refund.balance_transaction)).amount, -500);
  const customer = await stripe.customers.create({ email: 'npreview@example.com' });
  const preview = await stripe.invoices.createPreview({
    customer: customer.id, subscription_details: { items: [{ price: 'price_SEEDproMonth1', quantity: 3 }] },
  });
  assert.equal(preview.amount_due, 6000);
  assert.equal(preview.billing_reason, 'subscription_create');
});

await check('coupons and promotion codes', async () => {
  const coupon = await stripe.coupons.create({ id: 'NODE_HALF', percent_off: 50, duration: 'once', name: 'Half off' });
  assert.deepEqual([coupon.id, coupon.percent_off, coupon.valid, coupon.times_redeemed], ['NODE_HALF', 50, true, 0]);
  assert.equal((await stripe.coupons.retrieve('NODE_HALF')).name, 'Half off');
  assert.equal((await stripe.coupons.update('NODE_HALF', { metadata: { sdk: 'node' } })).metadata.sdk, 'node');
  const ids = [];
  for await (const c of stripe.coupons.list({ limit: 3 })) ids.push(c.id);
  assert.ok(ids.includes('NODE_HALF'));
  const gone = await stripe.coupons.create({ amount_off: 300, currency: 'usd', duration: 'repeating', duration_in_months: 3 });
  assert.equal((await stripe.coupons.del(gone.id)).deleted, true);
  await assert.rejects(stripe.coupons.retrieve(gone.id), (err) => err.code === 'resource_missing' && err.statusCode === 404);
  await assert.rejects(stripe.coupons.create({ percent_off: 10, duration: 'repeating' }),
    (err) => err.type === 'StripeInvalidRequestError' && err.param === 'duration_in_months');
  const promo = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: 'NODE_HALF' }, code: 'NODEHALF' });
  assert.deepEqual([promo.promotion.coupon, promo.active, promo.code], ['NODE_HALF', true, 'NODEHALF']);
  await assert.rejects(stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: 'NODE_HALF' }, code: 'nodehalf' }),
    (err) => err.param === 'code');
  assert.deepEqual((await stripe.promotionCodes.list({ coupon: 'NODE_HALF' })).data.map((p) => p.id), [promo.id]);
});

await check('subscription with a coupon; refused redemptions', async () => {
  const customer = await stripe.customers.create({
    email: 'coupon-node@example.com', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  const item = [{ price: 'price_SEEDproMonth1' }];
  const sub = await stripe.subscriptions.create({
    customer: customer.id, items: item, discounts: [{ coupon: 'NODE_HALF' }], expand: ['latest_invoice', 'discounts'],
  });
  const invoice = sub.latest_invoice;
  assert.equal(sub.status, 'active');
  assert.deepEqual([invoice.subtotal, invoice.total, invoice.amount_paid], [2000, 1000, 1000]);
  assert.equal(invoice.lines.data[0].discount_amounts[0].amount, 1000);
  assert.equal(sub.discounts[0].source.coupon, 'NODE_HALF');
  assert.equal((await stripe.paymentIntents.retrieve(invoice.payment_intent)).amount, 1000);
  assert.equal((await stripe.coupons.retrieve('NODE_HALF')).times_redeemed, 1);
  const next = await stripe.invoices.createPreview({ subscription: sub.id });
  assert.equal(next.total, 2000, 'a once coupon discounts one invoice');
  assert.equal((await stripe.subscriptions.deleteDiscount(sub.id)).deleted, true);
  const inactive = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: 'NODE_HALF' }, active: false });
  await assert.rejects(stripe.subscriptions.create({ customer: customer.id, items: item, discounts: [{ promotion_code: inactive.id }] }),
    (err) => err.type === 'StripeInvalidRequestError' && err.param === 'discounts[0][promotion_code]');
  const capped = await stripe.coupons.create({ percent_off: 10, duration: 'forever', max_redemptions: 1 });
  await stripe.subscriptions.create({ customer: customer.id, items: item, discounts: [{ coupon: capped.id }] });
  await assert.rejects(stripe.subscriptions.create({ customer: customer.id, items: item, discounts: [{ coupon: capped.id }] }),
    (err) => err.code === 'coupon_expired');
  assert.equal((await stripe.coupons.retrieve(capped.id)).valid, false);
});

await check('tax rates', async () => {
  const vat = await stripe.taxRates.create({
    display_name: 'VAT', percentage: 20, inclusive: false, country: 'FR', jurisdiction: 'FR', tax_type: 'vat',
  });
  assert.ok(vat.id.startsWith('txr_'));
  assert.deepEqual([vat.percentage, vat.inclusive, vat.active], [20, false, true]);
  assert.equal((await stripe.taxRates.retrieve(vat.id)).jurisdiction, 'FR');
  assert.equal((await stripe.taxRates.update(vat.id, { description: 'TVA' })).description, 'TVA');
  await assert.rejects(stripe.taxRates.update(vat.id, { inclusive: true }),
    (err) => err.code === 'parameter_unknown' && err.param === 'inclusive');
  const ids = [];
  for await (const rate of stripe.taxRates.list({ active: true, limit: 2 })) ids.push(rate.id);
  assert.ok(ids.includes(vat.id));
  await assert.rejects(stripe.taxRates.retrieve('txr_nope'), (err) => err.code === 'resource_missing' && err.statusCode === 404);
});

await check('tax on subscription items and invoices', async () => {
  const rate = await stripe.taxRates.create({ display_name: 'Sales tax', percentage: 8.25, inclusive: false });
  const customer = await stripe.customers.create({
    email: 'tax-node@example.com', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  const sub = await stripe.subscriptions.create({
    customer: customer.id, items: [{ price: 'price_SEEDproMonth1', tax_rates: [rate.id] }], expand: ['latest_invoice'],
  });
  const invoice = sub.latest_invoice;
  assert.equal(sub.items.data[0].tax_rates[0].id, rate.id);
  assert.deepEqual([invoice.subtotal, invoice.total, invoice.amount_paid], [2000, 2165, 2165]);
  assert.deepEqual(invoice.total_taxes.map((t) => [t.amount, t.tax_rate_details.tax_rate]), [[165, rate.id]]);
  const gst = await stripe.taxRates.create({ display_name: 'GST', percentage: 10, inclusive: true });
  const item = await stripe.invoiceItems.create({ customer: customer.id, amount: 1100, currency: 'usd' });
  let draft = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include', default_tax_rates: [gst.id] });
  assert.deepEqual([draft.total, draft.total_excluding_tax, draft.lines.data[0].taxes[0].amount], [1100, 1000, 100]);
  draft = await stripe.invoices.update(draft.id, { default_tax_rates: '' });
  assert.deepEqual(draft.total_taxes, []);
  await stripe.invoiceItems.update(item.id, { tax_rates: [rate.id] });
  draft = await stripe.invoices.retrieve(draft.id);
  assert.deepEqual([draft.tax, draft.total], [91, 1191]);
  assert.equal((await stripe.invoiceItems.del(item.id)).deleted, true);
  assert.equal((await stripe.invoices.retrieve(draft.id)).total, 0);
});

await check('customer balance transactions', async () => {
  const customer = await stripe.customers.create({ email: 'credit-node@example.com', balance: 300 });
  const credit = await stripe.customers.createBalanceTransaction(customer.id, { amount: -1000, currency: 'usd' });
  assert.ok(credit.id.startsWith('cbtxn_'));
  assert.deepEqual([credit.type, credit.ending_balance], ['adjustment', -700]);
  assert.equal((await stripe.customers.retrieve(customer.id)).balance, -700);
  const found = await stripe.customers.retrieveBalanceTransaction(customer.id, credit.id);
  assert.equal(found.amount, -1000);
  const updated = await stripe.customers.updateBalanceTransaction(customer.id, credit.id, { description: 'Refund as credit' });
  assert.equal(updated.description, 'Refund as credit');
  const types = [];
  for await (const t of stripe.customers.listBalanceTransactions(customer.id)) types.push(t.type);
  assert.deepEqual(types, ['adjustment', 'initial']);
  await stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: 'usd' });
  const draft = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
  const paid = await stripe.invoices.finalizeInvoice(draft.id);
  assert.deepEqual([paid.starting_balance, paid.ending_balance, paid.amount_due, paid.status], [-700, -200, 0, 'paid']);
  assert.equal((await stripe.customers.retrieve(customer.id)).balance, -200);
});

await check('prorations: subscriptions.update, subscriptionItems, invoices.createPreview', async () => {
  // January 2026 on a test clock; halfway through it, Asym Pro goes from $20 to $50.
  const start = 1767225600;
  const half = 1768564800;
  let { clock, customer, sub } = await subscribedOnClock(start, 'prorate');
  const big = await stripe.prices.create({
    product: 'prod_SEEDpro000001', unit_amount: 5000, currency: 'usd', recurring: { interval: 'month' },
  });
  clock = await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: half });
  while (clock.status !== 'ready') clock = await stripe.testHelpers.testClocks.retrieve(clock.id);
  const item = sub.items.data[0];
  const preview = await stripe.invoices.createPreview({
    subscription: sub.id,
    subscription_details: { items: [{ id: item.id, price: big.id }], proration_date: half, proration_behavior: 'create_prorations' },
  });
  // Stripe's order: pending invoice items (the prorations) first, then the period's line.
  assert.deepEqual(preview.lines.data.map((l) => l.amount), [-1000, 2500, 5000]);
  assert.equal(preview.total, 6500);
  // A second seat for half of January, invoiced and paid at once.
  const added = await stripe.subscriptionItems.create({
    subscription: sub.id, price: 'price_SEEDproMonth1', proration_behavior: 'always_invoice',
  });
  const latest = await stripe.invoices.retrieve((await stripe.subscriptions.retrieve(sub.id)).latest_invoice);
  assert.deepEqual([latest.billing_reason, latest.total, latest.status], ['subscription_update', 1000, 'paid']);
  assert.deepEqual((await stripe.subscriptionItems.del(added.id, { proration_behavior: 'none' })).deleted, true);
  await stripe.subscriptions.update(sub.id, { items: [{ id: item.id, price: big.id }], proration_date: half });
  const pending = await stripe.invoiceItems.list({ customer: customer.id, pending: true });
  assert.deepEqual(pending.data.map((i) => i.amount).sort((a, b) => a - b), [-1000, 2500]);
  assert.ok(pending.data.every((i) => i.proration && i.subscription === sub.id && i.period.start === half));
  // Cancelled with prorate and invoice_now: what is pending and the credit for the unused half
  // month, on a final invoice.
  const canceled = await stripe.subscriptions.cancel(sub.id, { prorate: true, invoice_now: true });
  const final = await stripe.invoices.retrieve(canceled.latest_invoice);
  assert.deepEqual(final.lines.data.map((l) => l.amount).sort((a, b) => a - b), [-2500, -1000, 2500]);
  assert.deepEqual([final.total, final.amount_due, final.status], [-1000, 0, 'paid']);
  assert.deepEqual((await stripe.invoiceItems.list({ customer: customer.id, pending: true })).data, []);
});

await check('billing cycle: billing_cycle_anchor=now, trial_end; subscriptionItems errors', async () => {
  // Halfway through January 2026 the period restarts now, then a trial until 10 Feb is put on.
  const [start, half, trialEnd] = [1767225600, 1768564800, 1770681600];
  let { clock, customer, sub } = await subscribedOnClock(start, 'cycle');
  clock = await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: half });
  while (clock.status !== 'ready') clock = await stripe.testHelpers.testClocks.retrieve(clock.id);
  await assert.rejects(stripe.subscriptions.update(sub.id, { billing_cycle_anchor: { type: 'later' } }),
    (err) => err.statusCode === 400 && err.param === 'billing_cycle_anchor[type]');
  sub = await stripe.subscriptions.update(sub.id, { billing_cycle_anchor: { type: 'now' }, expand: ['latest_invoice'] });
  assert.deepEqual([sub.billing_cycle_anchor, sub.items.data[0].current_period_end], [half, half + 31 * 86400]);
  assert.deepEqual(sub.latest_invoice.lines.data.map((l) => l.amount), [-1000, 2000]);
  sub = await stripe.subscriptions.update(sub.id, { trial_end: trialEnd });
  assert.deepEqual([sub.status, sub.trial_end, sub.items.data[0].current_period_end], ['trialing', trialEnd, trialEnd]);
  await assert.rejects(stripe.subscriptions.update(sub.id, { trial_end: start }),
    (err) => err.statusCode === 400 && err.param === 'trial_end');
  sub = await stripe.subscriptions.update(sub.id, { trial_end: 'now', expand: ['latest_invoice'] });
  // The month paid before the trial is credited whole: the new one costs nothing.
  assert.deepEqual([sub.status, sub.latest_invoice.total], ['active', 0]);
  await assert.rejects(stripe.subscriptionItems.update(sub.items.data[0].id, { quantity: -1 }),
    (err) => err.statusCode === 400 && err.param === 'quantity');
});

await check('named refusals; subscriptionItems expand; invoices.createPreview customer_details and currency', async () => {
  // What Stripe takes and the clone does not serve is refused by name, not ignored.
  const named = (param) => (err) => err.statusCode === 400 && err.param === param;
  await assert.rejects(stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } }),
    named('cash_balance'));
  await assert.rejects(stripe.setupIntents.create({ single_use: { amount: 100, currency: 'usd' } }), named('single_use'));
  await assert.rejects(stripe.setupIntents.create({ payment_method_options: { card: { moto: true } } }),
    named('payment_method_options[card][moto]'));
  await assert.rejects(stripe.invoices.create({ customer: 'cus_SEEDbob0000001', due_date: 1900000000 }), named('due_date'));
  const allowed = await stripe.setupIntents.create({ allowed_payment_method_types: ['card', 'sepa_debit'] });
  assert.deepEqual(allowed.payment_method_types, ['card']);
  await assert.rejects(stripe.products.create({ name: 'Box', colour: 'red' }),
    (err) => err.code === 'parameter_unknown' && err.param === 'colour');
  const shirt = await stripe.invoiceItems.create({ customer: 'cus_SEEDbob0000001', pricing: { price: 'price_SEEDshirt001' } });
  assert.deepEqual([shirt.amount, shirt.price.id], [2500, 'price_SEEDshirt001']);
  await stripe.invoiceItems.del(shirt.id);
  // subscriptionItems take expand on every route.
  const sub = await stripe.subscriptions.create({ customer: 'cus_SEEDcarol00001', items: [{ price: 'price_SEEDproMonth1' }],
    payment_behavior: 'default_incomplete' });
  const page = await stripe.subscriptionItems.list({ subscription: sub.id, expand: ['data.price.product'] });
  assert.equal(page.data[0].price.product.object, 'product');
  const si = page.data[0].id;
  assert.equal((await stripe.subscriptionItems.retrieve(si, { expand: ['price.product'] })).price.product.name, 'Asym Pro');
  const changed = await stripe.subscriptionItems.update(si, { metadata: { seat: '1' }, expand: ['price.product'] });
  assert.deepEqual([changed.price.product.object, changed.metadata.seat], ['product', '1']);
  // Previews take the customer's details and the currency; what they do not serve is refused by name.
  const preview = await stripe.invoices.createPreview({
    customer: 'cus_SEEDcarol00001', currency: 'usd',
    customer_details: { shipping: { name: 'Carol', address: { country: 'DE' } }, tax_exempt: 'exempt' },
    subscription_details: { items: [{ price: 'price_SEEDproYear01' }] },
  });
  assert.deepEqual([preview.customer_shipping.name, preview.customer_tax_exempt], ['Carol', 'exempt']);
  for (const [param, extra] of [
    ['currency', { currency: 'eur' }],
    ['automatic_tax[enabled]', { automatic_tax: { enabled: true } }],
    ['issuer[type]', { issuer: { type: 'account', account: 'acct_1' } }],
    ['preview_mode', { preview_mode: 'recurring' }],
    ['customer_details[tax]', { customer_details: { tax: { ip_address: '1.2.3.4' } } }],
  ]) {
    const items = { items: [{ price: 'price_SEEDproYear01' }] };
    await assert.rejects(stripe.invoices.createPreview({ customer: 'cus_SEEDcarol00001', subscription_details: items, ...extra }),
      named(param));
  }
  await stripe.subscriptions.cancel(sub.id);
});

await check('nested parameters: a typo inside a hash is unknown by name, metadata stays free', async () => {
  // Inside a hash, at any depth and in each hash of an array, a key Stripe lacks is unknown by
  // its full name, in Stripe's words (with the key a typo is of), as at the top level.
  const alice = 'cus_SEEDalice00001';
  const unknown = (said) => (err) => err.statusCode === 400 && err.code === 'parameter_unknown'
    && err.param === said.split('. Did you mean')[0] && err.raw.message === `Received unknown parameter: ${said}`;
  const line = { quantity: 1, price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Mug', foo: '1' } } };
  for (const [said, call] of [
    ['items[0][pricee]. Did you mean price?', () => stripe.subscriptions.create({ customer: alice, items: [{ pricee: 'price_SEEDproMonth1' }] })],
    ['recurring[intervall]. Did you mean interval?', () => stripe.prices.create({ product: 'prod_SEEDpro000001', currency: 'usd', unit_amount: 900,
      recurring: { intervall: 'month' } })],
    ['address[zip]', () => stripe.customers.update(alice, { address: { zip: '75001' } })],
    ['payment_method_data[card][x]', () => stripe.paymentIntents.create({ amount: 1000, currency: 'usd',
      payment_method_data: { type: 'card', card: { x: '1' } } })],
    ['line_items[0][price_data][product_data][foo]', () => stripe.checkout.sessions.create({ mode: 'payment',
      success_url: 'https://example.com/ok', line_items: [line] })],
  ]) {
    await assert.rejects(call(), unknown(said));
  }
  // A key Stripe takes there that the clone does not serve is refused by that name.
  const named = (param) => (err) => err.statusCode === 400 && err.param === param && /does not serve/.test(err.message);
  await assert.rejects(stripe.subscriptions.create({ customer: alice,
    items: [{ price: 'price_SEEDproMonth1', discounts: [{ coupon: 'NOPE' }] }] }), named('items[0][discounts]'));
  await assert.rejects(stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa', networks: { preferred: 'visa' } } }),
    named('card[networks]'));
  // Keys that are data stay free: metadata at any depth.
  const price = await stripe.prices.create({ currency: 'usd', unit_amount: 100, recurring: { interval: 'month', interval_count: 3 },
    product_data: { name: 'Mug', metadata: { 'any key': '1' } } });
  assert.equal(price.recurring.interval_count, 3);
  const sub = await stripe.subscriptions.create({ customer: alice, items: [{ price: price.id, metadata: { 'seat 1': 'x' } }],
    metadata: { whatever: 'y' } });
  assert.deepEqual([sub.items.data[0].metadata['seat 1'], sub.metadata.whatever], ['x', 'y']);
  await stripe.subscriptions.cancel(sub.id);
});

await check('customers, products, prices: update, delete, search and its paging', async () => {
  // The everyday CRUD calls: update (a metadata key unset with ''), delete, a deleted retrieve.
  const customer = await stripe.customers.create({ email: 'crud-node@example.com', name: 'Crud', metadata: { a: '1', b: '2' } });
  const changed = await stripe.customers.update(customer.id, { name: 'Crud Two', metadata: { a: '' }, description: '' });
  assert.deepEqual([changed.name, changed.metadata, changed.description], ['Crud Two', { b: '2' }, null]);
  assert.equal((await stripe.customers.del(customer.id)).deleted, true);
  const gone = await stripe.customers.retrieve(customer.id);
  assert.deepEqual([gone.id, gone.deleted], [customer.id, true]);
  const product = await stripe.products.create({ name: 'Node Widget', description: 'A widget', metadata: { sku: 'w-2' } });
  assert.equal((await stripe.products.update(product.id, { name: 'Node Widget II' })).name, 'Node Widget II');
  const price = await stripe.prices.create({ product: product.id, unit_amount: 1500, currency: 'usd' });
  assert.equal((await stripe.prices.update(price.id, { nickname: 'standard', metadata: { tier: '1' } })).nickname, 'standard');
  const prices = await stripe.prices.list({ product: product.id }).autoPagingToArray({ limit: 10 });
  assert.deepEqual(prices.map((p) => p.id), [price.id]);
  assert.equal((await stripe.products.search({ query: "name:'Node Widget II'" })).data[0].id, product.id);
  assert.equal((await stripe.prices.search({ query: `product:'${product.id}'` })).data[0].id, price.id);
  await stripe.prices.update(price.id, { active: false });
  await stripe.products.update(product.id, { active: false });
  const inactive = await stripe.products.list({ active: false }).autoPagingToArray({ limit: 100 });
  assert.ok(inactive.some((p) => p.id === product.id));
  const spare = await stripe.products.create({ name: 'Node Spare' });
  assert.equal((await stripe.products.del(spare.id)).deleted, true);
  // Search pages through next_page with the SDK's own iterator.
  for (let i = 0; i < 3; i += 1) {
    await stripe.customers.create({ email: `searchpage${i}-node@example.com`, metadata: { batch: 'node-search' } });
  }
  const found = [];
  for await (const c of stripe.customers.search({ query: "metadata['batch']:'node-search'", limit: 2 })) found.push(c.email);
  assert.deepEqual(found.sort(), [0, 1, 2].map((i) => `searchpage${i}-node@example.com`));
});

await check('automatic payment methods, manual capture, cancel; setup intent; detach', async () => {
  const intent = await stripe.paymentIntents.create({
    amount: 3000, currency: 'usd', automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual',
  });
  assert.equal(intent.status, 'requires_capture');
  const captured = await stripe.paymentIntents.capture(intent.id, { amount_to_capture: 2000 });
  assert.deepEqual([captured.status, captured.amount_received], ['succeeded', 2000]);
  await assert.rejects(stripe.refunds.create({ payment_intent: intent.id, amount: 2500 }), (err) => err.param === 'amount'
    && err.raw.message === 'Refund amount ($25.00) is greater than unrefunded amount on charge ($20.00)');
  const refund = await stripe.refunds.create({ payment_intent: intent.id });
  await assert.rejects(stripe.refunds.cancel(refund.id), (err) => err.raw.message === 'Canceling this refund is unsupported.');
  const refunds = await stripe.refunds.list({ payment_intent: intent.id });
  assert.deepEqual(refunds.data.map((r) => r.amount), [2000]);
  const open = await stripe.paymentIntents.create({ amount: 500, currency: 'usd' });
  const canceled = await stripe.paymentIntents.cancel(open.id, { cancellation_reason: 'requested_by_customer' });
  assert.deepEqual([canceled.status, canceled.cancellation_reason], ['canceled', 'requested_by_customer']);
  const customer = await stripe.customers.create({ email: 'setup-node@example.com' });
  let setup = await stripe.setupIntents.create({ customer: customer.id, payment_method_types: ['card'], usage: 'off_session' });
  setup = await stripe.setupIntents.confirm(setup.id, { payment_method: 'pm_card_visa' });
  assert.equal(setup.status, 'succeeded');
  const saved = await stripe.customers.listPaymentMethods(customer.id);
  assert.deepEqual(saved.data.map((pm) => pm.id), [setup.payment_method]);
  assert.equal((await stripe.paymentMethods.detach(setup.payment_method)).customer, null);
  assert.equal((await stripe.customers.listPaymentMethods(customer.id)).data.length, 0);
});

await check('subscription cancel; invoice sent by hand and paid; checkout subscription; portal; events', async () => {
  const customer = await stripe.customers.create({
    email: 'life-node@example.com', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  let sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: 'price_SEEDproMonth1' }] });
  sub = await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
  assert.deepEqual([sub.status, sub.cancel_at_period_end], ['active', true]);
  const active = await stripe.subscriptions.list({ customer: customer.id, status: 'active' });
  assert.deepEqual(active.data.map((s) => s.id), [sub.id]);
  const canceled = await stripe.subscriptions.cancel(sub.id);
  assert.ok(canceled.status === 'canceled' && canceled.canceled_at);
  const all = await stripe.subscriptions.list({ customer: customer.id, status: 'all' });
  assert.deepEqual(all.data.map((s) => s.status), ['canceled']);
  // A one-off invoice sent for payment by hand: an item, the draft, send (finalizes), pay.
  await stripe.invoiceItems.create({ customer: customer.id, amount: 4200, currency: 'usd', description: 'Consulting' });
  const draft = await stripe.invoices.create({
    customer: customer.id, collection_method: 'send_invoice', days_until_due: 14, pending_invoice_items_behavior: 'include',
  });
  assert.equal(draft.status, 'draft');
  const sent = await stripe.invoices.sendInvoice(draft.id);
  assert.ok(sent.status === 'open' && sent.amount_due === 4200 && sent.hosted_invoice_url);
  const lines = await stripe.invoices.listLineItems(sent.id).autoPagingToArray({ limit: 10 });
  assert.deepEqual(lines.map((l) => l.amount), [4200]);
  assert.equal((await stripe.invoices.pay(sent.id, { paid_out_of_band: true })).status, 'paid');
  await assert.rejects(stripe.invoices.voidInvoice(sent.id),
    (err) => err.raw.message === 'Invoices with `paid` payments cannot be voided.');
  await assert.rejects(stripe.invoices.create({ customer: customer.id, collection_method: 'send_invoice' }),
    (err) => /must specify 'due_date' or 'days_until_due'/.test(err.raw.message));
  await assert.rejects(stripe.invoices.list({ status: 'bogus' }),
    (err) => err.raw.message === 'Invalid status: must be one of draft, open, void, paid, or uncollectible');
  const events = await stripe.events.list({ type: 'invoice.sent' });
  assert.ok(events.data.some((e) => e.data.object.id === sent.id));
  const automatic = await stripe.invoices.create({ customer: customer.id });
  await assert.rejects(stripe.invoices.sendInvoice(automatic.id), (err) => err.type === 'StripeInvalidRequestError' && err.statusCode === 400);
  // Checkout for a subscription, its line items, expiry; a billing portal session.
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription', customer: customer.id, line_items: [{ price: 'price_SEEDproMonth1', quantity: 2 }],
    success_url: 'https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}', cancel_url: 'https://shop.example/cancel',
  });
  assert.ok(session.url && session.status === 'open' && session.amount_total === 4000);
  const items = await stripe.checkout.sessions.listLineItems(session.id);
  assert.deepEqual(items.data.map((i) => [i.price.id, i.quantity]), [['price_SEEDproMonth1', 2]]);
  assert.equal((await stripe.checkout.sessions.expire(session.id)).status, 'expired');
  const portal = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: 'https://shop.example/account' });
  assert.ok(portal.url && portal.customer === customer.id);
  const [deleted] = (await stripe.events.list({ type: 'customer.subscription.deleted', limit: 1 })).data;
  assert.equal((await stripe.events.retrieve(deleted.id)).data.object.id, sub.id);
});

await check('errors the SDK raises: StripeAuthenticationError, StripeInvalidRequestError fields, request ids', async () => {
  await assert.rejects(
    stripe.customers.list({}, { apiKey: 'sk_test_not_a_key' }),
    (err) => err.type === 'StripeAuthenticationError' && err.statusCode === 401 && err.requestId.startsWith('req_'),
  );
  await assert.rejects(
    stripe.paymentIntents.create({ amount: '12.50', currency: 'usd' }),
    (err) => err.type === 'StripeInvalidRequestError' && err.statusCode === 400 && err.code === 'parameter_invalid_integer'
      && err.param === 'amount' && err.raw.message === 'Invalid integer: 12.50' && Boolean(err.doc_url),
  );
  await assert.rejects(
    stripe.paymentIntents.create({ currency: 'usd' }),
    (err) => err.code === 'parameter_missing' && err.param === 'amount',
  );
  await assert.rejects(
    stripe.customers.retrieve('cus_does_not_exist'),
    (err) => err.statusCode === 404 && err.code === 'resource_missing' && err.param === 'id'
      && err.raw.message === "No such customer: 'cus_does_not_exist'" && err.headers['request-id'] === err.requestId,
  );
  const page = await stripe.customers.list({ limit: 1 });
  assert.ok(page.lastResponse.requestId.startsWith('req_'));
});

await check("bad values refused as Stripe does; a session's line items paged", async () => {
  const refusedAt = (param, code) => (err) => err.statusCode === 400 && err.param === param && (!code || err.code === code);
  await assert.rejects(stripe.customers.create({ description: 'x'.repeat(5001) }), refusedAt('description'));
  await assert.rejects(stripe.charges.create({ amount: 1000, currency: 'usd', source: 'tok_visa', on_behalf_of: 'acct_nope' }), refusedAt('on_behalf_of'));
  await assert.rejects(stripe.billingPortal.sessions.create({ customer: 'cus_SEEDalice00001', return_url: 'example.com' }),
    refusedAt('return_url', 'url_invalid'));
  await assert.rejects(stripe.customers.list({}, { apiVersion: 'garbage' }),
    (err) => err.statusCode === 400 && err.raw.message === 'Invalid Stripe API version: garbage');
  await assert.rejects(stripe.checkout.sessions.create({
    mode: 'payment', success_url: 'https://example.com/ok', line_items: [{ price: 'price_SEEDshirt001', quantity: -1 }],
  }), refusedAt('line_items[0][quantity]', 'parameter_invalid_integer'));
  await assert.rejects(stripe.checkout.sessions.create({
    mode: 'payment', success_url: 'https://example.com/ok', line_items: [{ price: 'price_SEEDshirt001', quantity: 40000 }],
  }), refusedAt('line_items[0][quantity]', 'amount_too_large'));
  const paid = await stripe.paymentIntents.create({
    amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', payment_method_types: ['card'], confirm: true,
  });
  await assert.rejects(stripe.refunds.create({ payment_intent: paid.id, amount: 0 }), refusedAt('amount', 'parameter_invalid_integer'));
  // A session's line items, 12 of them, walked five at a time by the SDK's iterator.
  const amounts = Array.from({ length: 12 }, (_, n) => 100 * (n + 1));
  const session = await stripe.checkout.sessions.create({
    mode: 'payment', success_url: 'https://example.com/ok',
    line_items: amounts.map((unit_amount) => ({ quantity: 1, price_data: { currency: 'usd', unit_amount, product: 'prod_SEEDshirt0001' } })),
  });
  const walked = await stripe.checkout.sessions.listLineItems(session.id, { limit: 5 }).autoPagingToArray({ limit: 100 });
  assert.deepEqual(walked.map((i) => i.amount_total), amounts);
});

await check('amounts near the limit: eight digits, amount_too_large for a line', async () => {
  const refusedAt = (param, code, message) => (err) => err.statusCode === 400 && err.param === param && err.code === code
    && (!message || err.raw.message === message);
  await assert.rejects(stripe.prices.create({ product: 'prod_SEEDshirt0001', currency: 'usd', unit_amount: 100000000 }),
    refusedAt('unit_amount', 'parameter_invalid_integer',
      "This value must be less than or equal to 99999999 (it currently is '100000000')."));
  // Beyond JavaScript's safe integers, sent as the digits a bigint has.
  await assert.rejects(stripe.invoiceItems.create({ customer: 'cus_SEEDalice00001', currency: 'usd', amount: '9223372036854775807' }),
    refusedAt('amount', 'parameter_invalid_integer'));
  await assert.rejects(stripe.subscriptions.create({
    customer: 'cus_SEEDalice00001', items: [{ price: 'price_SEEDproMonth1', quantity: '9223372036854775807' }],
  }), refusedAt('items[0][quantity]', 'amount_too_large', 'Amount must be no more than $999,999.99'));
  await assert.rejects(stripe.invoiceItems.create({ customer: 'cus_SEEDalice00001', price: 'price_SEEDshirt001', quantity: 4000000 }),
    refusedAt('quantity', 'amount_too_large'));
  await assert.rejects(stripe.subscriptions.create({
    customer: 'cus_SEEDalice00001', items: [{ price: 'price_SEEDproMonth1' }], trial_period_days: 100000,
  }), refusedAt('trial_period_days', 'parameter_invalid_integer'));
  const customer = await stripe.customers.create({ email: 'largest-node@example.com' });
  const item = await stripe.invoiceItems.create({ customer: customer.id, currency: 'usd', amount: 99999999 });
  assert.equal(item.amount, 99999999);
  assert.equal((await stripe.invoiceItems.del(item.id)).deleted, true);
});

await check('unknown ids: resource_missing naming id (intent for the intents)', async () => {
  const cases = [
    [() => stripe.invoices.retrieve('in_nope'), "No such invoice: 'in_nope'", 'id'],
    [() => stripe.prices.retrieve('price_nope'), "No such price: 'price_nope'", 'id'],
    [() => stripe.coupons.retrieve('NOPE'), "No such coupon: 'NOPE'", 'id'],
    [() => stripe.checkout.sessions.retrieve('cs_nope'), "No such checkout.session: 'cs_nope'", 'id'],
    [() => stripe.invoices.finalizeInvoice('in_nope'), "No such invoice: 'in_nope'", 'id'],
    [() => stripe.paymentIntents.retrieve('pi_nope'), "No such payment_intent: 'pi_nope'", 'intent'],
    [() => stripe.setupIntents.retrieve('seti_nope'), "No such setupintent: 'seti_nope'", 'intent'],
  ];
  for (const [call, message, param] of cases) {
    await assert.rejects(call(), (err) => err.type === 'StripeInvalidRequestError' && err.statusCode === 404
      && err.code === 'resource_missing' && err.param === param && err.raw.message === message);
  }
});

await check('charges.capture and the deprecated POST /v1/charges/{id}/refund', async () => {
  const held = await stripe.paymentIntents.create({
    amount: 3000, currency: 'usd', payment_method: 'pm_card_visa', payment_method_types: ['card'],
    capture_method: 'manual', confirm: true,
  });
  const charge = await stripe.charges.capture(held.latest_charge, { amount: 2500 });
  assert.deepEqual([charge.object, charge.captured, charge.amount_captured, charge.amount_refunded],
    ['charge', true, 2500, 500]);
  assert.equal((await stripe.paymentIntents.retrieve(held.id)).status, 'succeeded');
  await assert.rejects(stripe.charges.capture(charge.id), (err) => err.code === 'charge_already_captured'
    && err.raw.message === `Charge ${charge.id} has already been captured.`);
  // No SDK method is left for the deprecated refund route: the SDK's raw request sends it.
  const refunded = await stripe.rawRequest('POST', `/v1/charges/${charge.id}/refund`, { amount: 1000 });
  assert.deepEqual([refunded.object, refunded.amount_refunded, refunded.refunded], ['charge', 1500, false]);
  const refunds = await stripe.refunds.list({ charge: charge.id });
  assert.deepEqual(refunds.data.map((r) => r.amount), [1000]);
});

await check('legacy cards: tokens, customers.createSource and its kin, default_source, charges.create', async () => {
  const token = await stripe.tokens.create({
    card: { number: '4242424242424242', exp_month: '8', exp_year: '2030', cvc: '123', address_zip: '94103' },
  });
  assert.deepEqual([token.object, token.type, token.used, token.card.brand], ['token', 'card', false, 'Visa']);
  assert.equal((await stripe.tokens.retrieve(token.id)).card.id, token.card.id);
  const customer = await stripe.customers.create({ email: 'legacy-node@example.com', source: token.id });
  assert.equal(customer.default_source, token.card.id);
  await assert.rejects(stripe.customers.create({ source: token.id }), (err) => err.code === 'token_already_used');
  const amex = await stripe.customers.createSource(customer.id, { source: 'tok_amex' });
  assert.deepEqual([amex.object, amex.brand, amex.customer], ['card', 'American Express', customer.id]);
  const cards = await stripe.customers.listSources(customer.id, { object: 'card' });
  assert.deepEqual(cards.data.map((c) => c.id), [amex.id, token.card.id]);
  const named = await stripe.customers.updateSource(customer.id, amex.id, { name: 'Jenny Rosen', exp_month: '9' });
  assert.deepEqual([named.name, named.exp_month], ['Jenny Rosen', 9]);
  assert.equal((await stripe.customers.retrieveSource(customer.id, amex.id)).name, 'Jenny Rosen');
  const charge = await stripe.charges.create({ amount: 2000, currency: 'usd', customer: customer.id });
  assert.deepEqual([charge.paid, charge.captured, charge.payment_method, charge.source.id, charge.payment_intent],
    [true, true, token.card.id, token.card.id, null]);
  assert.equal((await stripe.balanceTransactions.retrieve(charge.balance_transaction)).amount, 2000);
  const held = await stripe.charges.create({ amount: 3000, currency: 'usd', customer: customer.id, source: amex.id, capture: false });
  assert.deepEqual([held.captured, held.payment_method_details.card.brand], [false, 'amex']);
  const captured = await stripe.charges.capture(held.id, { amount: 2500 });
  assert.deepEqual([captured.captured, captured.amount_captured, captured.amount_refunded], [true, 2500, 500]);
  await assert.rejects(stripe.charges.create({ amount: 1000, currency: 'usd', source: 'tok_chargeDeclinedInsufficientFunds' }), (err) => {
    assert.ok(err instanceof Stripe.errors.StripeCardError, `${err}`);
    assert.deepEqual([err.statusCode, err.code, err.decline_code], [402, 'card_declined', 'insufficient_funds']);
    return err.raw.charge.startsWith('ch_');
  });
  await assert.rejects(stripe.charges.create({ amount: 1000, currency: 'usd', customer: customer.id, source: 'tok_visa' }),
    (err) => err.statusCode === 404 && err.code === 'missing' && err.param === 'source');
  const deleted = await stripe.customers.deleteSource(customer.id, token.card.id);
  assert.deepEqual([deleted.id, deleted.deleted], [token.card.id, true]);
  assert.equal((await stripe.customers.retrieve(customer.id)).default_source, amex.id);
  await assert.rejects(stripe.customers.verifySource(customer.id, amex.id, { amounts: [32, 45] }), refusedWith('amounts'));
  await assert.rejects(stripe.charges.create({ amount: 1000, currency: 'usd', customer: 'cus_SEEDcarol00001' }),
    (err) => err instanceof Stripe.errors.StripeCardError && err.code === 'missing' && err.param === 'card');
});

await check("accounts.retrieve(): the keys' own account", async () => {
  const account = await stripe.accounts.retrieve();
  assert.ok(account.id.startsWith('acct_') && account.object === 'account');
  assert.deepEqual([account.charges_enabled, account.default_currency], [true, 'usd']);
  assert.equal((await stripe.accounts.retrieveCurrent()).id, account.id);
  assert.equal((await stripe.accounts.retrieve(account.id)).id, account.id);
  assert.deepEqual((await stripe.accounts.list()).data, []);
});

await check('plans: create, retrieve, list, update, subscribe, del', async () => {
  // The legacy Plan API: a recurring price under its older name, with the same id.
  const plan = await stripe.plans.create({
    id: 'node-gold', amount: 1500, currency: 'usd', interval: 'month', product: { name: 'Node Gold' }, trial_period_days: 7,
  });
  assert.deepEqual([plan.object, plan.amount, plan.interval, plan.trial_period_days], ['plan', 1500, 'month', 7]);
  assert.equal((await stripe.prices.retrieve('node-gold')).unit_amount, 1500);
  assert.equal((await stripe.plans.retrieve('node-gold')).id, 'node-gold');
  assert.ok((await stripe.plans.list({ product: plan.product })).data.some((p) => p.id === 'node-gold'));
  assert.equal((await stripe.plans.update('node-gold', { nickname: 'Gold' })).nickname, 'Gold');
  const customer = await stripe.customers.create({
    email: 'plan-node@example.com', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ plan: 'node-gold' }], trial_from_plan: true });
  assert.deepEqual([sub.items.data[0].plan.id, sub.status], ['node-gold', 'trialing']);
  await assert.rejects(stripe.plans.create({ currency: 'usd', interval: 'month', product: plan.product }),
    (err) => err.statusCode === 400 && err.param === 'amount' && err.code === 'parameter_missing');
  assert.equal((await stripe.plans.del('node-gold')).deleted, true);
});

await check('pause_collection: a renewal left a draft while paused, paid once it resumes', async () => {
  // Collection paused as keep_as_draft until 1 March: February's invoice stays a draft, March's is paid.
  const [start, feb, march] = [1767225600, 1769904000, 1772323200];
  let { clock, sub } = await subscribedOnClock(start, 'pause');
  sub = await stripe.subscriptions.update(sub.id, { pause_collection: { behavior: 'keep_as_draft', resumes_at: march } });
  assert.deepEqual(sub.pause_collection, { behavior: 'keep_as_draft', resumes_at: march });
  const advance = async (to) => {
    clock = await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: to });
    while (clock.status !== 'ready') clock = await stripe.testHelpers.testClocks.retrieve(clock.id);
    return (await stripe.invoices.list({ subscription: sub.id, limit: 1 })).data[0];
  };
  const february = await advance(feb + 3600);
  assert.deepEqual([february.status, february.amount_paid], ['draft', 0]);
  const resumed = await advance(march + 3600);
  assert.deepEqual([resumed.status, resumed.amount_paid], ['paid', 2000]);
  assert.equal((await stripe.subscriptions.retrieve(sub.id)).pause_collection, null);
});

await check('billingPortal.configurations: create, retrieve, update, list; a session names one', async () => {
  const config = await stripe.billingPortal.configurations.create({
    business_profile: { headline: 'Node billing' },
    features: {
      invoice_history: { enabled: true },
      customer_update: { enabled: true, allowed_updates: ['email', 'address'] },
      subscription_cancel: { enabled: true, mode: 'at_period_end' },
    },
  });
  assert.ok(config.id.startsWith('bpc_'));
  assert.deepEqual(config.features.customer_update, { allowed_updates: ['email', 'address'], enabled: true });
  assert.equal((await stripe.billingPortal.configurations.retrieve(config.id)).id, config.id);
  const updated = await stripe.billingPortal.configurations.update(config.id, { active: false });
  assert.equal(updated.active, false);
  await assert.rejects(stripe.billingPortal.sessions.create({ customer: 'cus_SEEDalice00001', configuration: config.id }),
    (err) => err.statusCode === 400 && err.param === 'configuration');
  const active = await stripe.billingPortal.configurations.list({ active: true });
  assert.ok(active.data.every((c) => c.active) && !active.data.some((c) => c.id === config.id));
  await assert.rejects(stripe.billingPortal.configurations.retrieve('bpc_nope'),
    (err) => err.statusCode === 404 && err.code === 'resource_missing' && err.param === 'id');
});

await check("add_invoice_items: a set-up fee on a subscription's first invoice", async () => {
  const customer = await stripe.customers.create({
    email: 'setup-fee-node@example.com', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  const sub = await stripe.subscriptions.create({
    customer: customer.id, items: [{ price: 'price_SEEDproMonth1' }],
    add_invoice_items: [{ price: 'price_SEEDshirt001', quantity: 2 }], expand: ['latest_invoice'],
  });
  assert.deepEqual(sub.latest_invoice.lines.data.map((l) => l.amount).sort((a, b) => a - b), [2000, 5000]);
  assert.deepEqual([sub.latest_invoice.total, sub.latest_invoice.status], [7000, 'paid']);
  await assert.rejects(stripe.subscriptions.create({
    customer: customer.id, items: [{ price: 'price_SEEDproMonth1' }], add_invoice_items: [{ price: 'price_SEEDproYear01' }],
  }), (err) => err.statusCode === 400 && err.param === 'add_invoice_items[0][price]');
});

await check('creditNotes: preview and listPreviewLineItems, a refund after payment, voidCreditNote, listLineItems', async () => {
  const customer = await stripe.customers.create({
    email: 'credit-node@example.com', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  await stripe.invoiceItems.create({ customer: customer.id, amount: 2500, currency: 'usd' });
  let invoice = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
  invoice = await stripe.invoices.pay(invoice.id);
  assert.equal(invoice.status, 'paid');
  // A preview is checked as a credit note is and writes nothing; its lines are paged.
  const asked = {
    invoice: invoice.id, lines: [{ type: 'custom_line_item', unit_amount: 700, quantity: 1, description: 'Refund' }],
    refund_amount: 700,
  };
  const preview = await stripe.creditNotes.preview(asked);
  assert.deepEqual([preview.object, preview.type, preview.post_payment_amount], ['credit_note', 'post_payment', 700]);
  const previewLines = await stripe.creditNotes.listPreviewLineItems(asked);
  assert.deepEqual(previewLines.data.map((l) => [l.type, l.amount]), [['custom_line_item', 700]]);
  assert.equal((await stripe.creditNotes.list({ invoice: invoice.id })).data.length, 0);
  assert.equal((await stripe.charges.retrieve(invoice.charge)).amount_refunded, 0);
  // Refunds, balance credits and credits outside Stripe must add up to what a note credits after
  // payment, on a preview as on a create (Stripe's documented rule, in its words).
  const unsettled = { ...asked, refund_amount: 600 };
  const said = 'The sum of refunds, customer balance credits, and outside of Stripe credits (600) must equal '
    + 'the post_payment_amount (700).';
  for (const call of [(p) => stripe.creditNotes.preview(p), (p) => stripe.creditNotes.create(p)]) {
    await assert.rejects(call(unsettled),
      (err) => err.statusCode === 400 && err.type === 'StripeInvalidRequestError' && err.raw.message === said);
  }
  await assert.rejects(stripe.creditNotes.listPreviewLineItems({ invoice: 'in_nope', amount: 100 }),
    (err) => err.statusCode === 404 && err.param === 'invoice');
  const note = await stripe.creditNotes.create(asked);
  assert.deepEqual([note.type, note.post_payment_amount, note.refunds.length], ['post_payment', 700, 1]);
  assert.equal((await stripe.charges.retrieve(invoice.charge)).amount_refunded, 700);
  const lines = await stripe.creditNotes.listLineItems(note.id);
  assert.deepEqual(lines.data.map((l) => [l.type, l.amount]), [['custom_line_item', 700]]);
  await assert.rejects(stripe.creditNotes.voidCreditNote(note.id), (err) => err.statusCode === 400);
  // A credit note of an open invoice is voided, and the invoice owes its whole amount again.
  await stripe.invoiceItems.create({ customer: customer.id, amount: 1000, currency: 'usd' });
  const draft = await stripe.invoices.create({
    customer: customer.id, collection_method: 'send_invoice', days_until_due: 30, pending_invoice_items_behavior: 'include',
  });
  const open = await stripe.invoices.finalizeInvoice(draft.id);
  const pre = await stripe.creditNotes.create({ invoice: open.id, amount: 400 });
  assert.equal((await stripe.invoices.retrieve(open.id)).amount_due, 600);
  assert.equal((await stripe.creditNotes.voidCreditNote(pre.id)).status, 'void');
  assert.equal((await stripe.invoices.retrieve(open.id)).amount_due, 1000);
  await assert.rejects(stripe.creditNotes.create({ invoice: 'in_nope', amount: 100 }),
    (err) => err.statusCode === 404 && err.param === 'invoice');
});

// The clone's admin surface, for set-up Stripe does outside its API: rate limits switched on.
await check('tiered prices: graduated and volume tiers, expand tiers, billed tier by tier', async () => {
  const tiers = [{ up_to: 5, unit_amount: 1000, flat_amount: 500 }, { up_to: 10, unit_amount_decimal: '800' },
    { up_to: 'inf', unit_amount_decimal: '3.6' }];
  const price = await stripe.prices.create({
    product: 'prod_SEEDpro000001', currency: 'usd', recurring: { interval: 'month' },
    billing_scheme: 'tiered', tiers_mode: 'graduated', tiers,
  });
  assert.deepEqual([price.billing_scheme, price.tiers_mode, price.unit_amount, price.tiers],
    ['tiered', 'graduated', null, undefined]);
  const shown = await stripe.prices.retrieve(price.id, { expand: ['tiers'] });
  assert.deepEqual(shown.tiers.map((t) => t.up_to), [5, 10, null]);
  const customer = await stripe.customers.create({
    email: 'tiers-node@example.com', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  const preview = await stripe.invoices.createPreview({
    customer: customer.id, subscription_details: { items: [{ price: price.id, quantity: 12 }] },
  });
  const sub = await stripe.subscriptions.create({
    customer: customer.id, items: [{ price: price.id, quantity: 12 }], expand: ['latest_invoice'],
  });
  const lines = sub.latest_invoice.lines.data;
  assert.deepEqual(lines.map((l) => l.amount), [5000, 500, 4000, 7]);
  assert.equal(lines[1].description, 'Asym Pro (Tier 1 at $5.00 / month)');
  assert.deepEqual([preview.amount_due, sub.latest_invoice.amount_due], [9507, 9507]);
  const volume = await stripe.prices.create({
    product: 'prod_SEEDshirt0001', currency: 'usd', billing_scheme: 'tiered', tiers_mode: 'volume', tiers,
  });
  const plan = await stripe.plans.create({
    currency: 'usd', interval: 'month', product: 'prod_SEEDpro000001', billing_scheme: 'tiered', tiers_mode: 'volume', tiers,
  });
  assert.deepEqual([plan.amount, plan.tiers_mode], [null, 'volume']);
  assert.deepEqual((await stripe.plans.retrieve(plan.id, { expand: ['tiers'] })).tiers.map((t) => t.up_to), [5, 10, null]);
  const item = await stripe.invoiceItems.create({ customer: customer.id, price: volume.id, quantity: 7 });
  assert.deepEqual([item.amount, item.unit_amount], [5600, null]);
  await assert.rejects(stripe.prices.create({
    product: 'prod_SEEDpro000001', currency: 'usd', billing_scheme: 'tiered', tiers_mode: 'volume',
    tiers: [{ up_to: 5, unit_amount: 100 }],
  }), (err) => err.statusCode === 400 && err.param === 'tiers[0][up_to]');
});

await check('tax ids: customers.createTaxId, list/retrieve/deleteTaxId, taxIds, invoice customer_tax_ids', async () => {
  const customer = await stripe.customers.create({
    email: 'vat-node@example.com', tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }],
  });
  const ein = await stripe.customers.createTaxId(customer.id, { type: 'us_ein', value: '12-3456789' });
  assert.deepEqual([ein.object, ein.country, ein.verification.status], ['tax_id', 'US', 'unavailable']);
  const listed = await stripe.customers.listTaxIds(customer.id);
  assert.deepEqual(listed.data.map((t) => t.type), ['us_ein', 'eu_vat']);
  assert.equal((await stripe.customers.retrieveTaxId(customer.id, ein.id)).value, '12-3456789');
  const expanded = await stripe.customers.retrieve(customer.id, { expand: ['tax_ids'] });
  assert.equal(expanded.tax_ids.data.length, 2);
  await assert.rejects(stripe.customers.createTaxId(customer.id, { type: 'eu_vat', value: 'DE1' }), (err) => {
    assert.deepEqual([err.statusCode, err.code, err.param, err.raw.message],
      [400, 'tax_id_invalid', 'value', 'Invalid value for eu_vat.']);
    return true;
  });
  await stripe.invoiceItems.create({ customer: customer.id, amount: 1500, currency: 'usd' });
  const invoice = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
  assert.deepEqual(invoice.customer_tax_ids.map((t) => t.value), ['12-3456789', 'DE123456789']);
  assert.equal((await stripe.customers.deleteTaxId(customer.id, ein.id)).deleted, true);
  const own = await stripe.taxIds.create({ type: 'gb_vat', value: 'GB000000000' });
  assert.deepEqual([own.owner.type, own.verification.status], ['self', 'verified']);
  assert.ok((await stripe.taxIds.list()).data.some((t) => t.id === own.id));
  const theirs = await stripe.taxIds.create({
    type: 'au_abn', value: '12345678912', owner: { type: 'customer', customer: customer.id },
  });
  assert.equal((await stripe.taxIds.retrieve(theirs.id)).customer, customer.id);
  assert.equal((await stripe.taxIds.del(theirs.id)).deleted, true);
});

await check("an invoice item described by its price's product; a test clock's advance bounds", async () => {
  const customer = await stripe.customers.create({ email: 'shirt-node@example.com' });
  const item = await stripe.invoiceItems.create({ customer: customer.id, price: 'price_SEEDshirt001', quantity: 2 });
  assert.deepEqual([item.description, item.amount], ['Asym T-shirt', 5000]);
  const start = 1767225600;
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
  const onClock = await stripe.customers.create({
    test_clock: clock.id, payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  await stripe.subscriptions.create({ customer: onClock.id, items: [{ price: 'price_SEEDproMonth1' }] });
  await assert.rejects(stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 90 * 86400 }),
    (err) => err.statusCode === 400 && err.param === 'frozen_time' && err.raw.message.includes('two intervals'));
  await assert.rejects(stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start - 1 }),
    (err) => err.statusCode === 400 && err.param === 'frozen_time');
  const advanced = await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 59 * 86400 });
  assert.equal(advanced.status, 'ready');
});

await check('subscriptionSchedules: a future start, phases, release; refusals', async () => {
  const start = 1767225600;
  const later = start + 10 * 86400;
  let clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
  const customer = await stripe.customers.create({
    email: 'schedule-node@example.com', test_clock: clock.id, payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  const schedule = await stripe.subscriptionSchedules.create({
    customer: customer.id, start_date: later, end_behavior: 'cancel',
    phases: [
      { items: [{ price: 'price_SEEDproMonth1', quantity: 3 }], iterations: 1 },
      { items: [{ price: 'price_SEEDproMonth1' }], iterations: 1 },
    ],
  });
  assert.deepEqual([schedule.status, schedule.subscription, schedule.current_phase], ['not_started', null, null]);
  const waiting = await stripe.subscriptionSchedules.list({ customer: customer.id, scheduled: true });
  assert.deepEqual(waiting.data.map((s) => s.id), [schedule.id]);
  clock = await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: later });
  let active = await stripe.subscriptionSchedules.retrieve(schedule.id, { expand: ['subscription'] });
  assert.equal(active.status, 'active');
  assert.deepEqual([active.subscription.schedule, active.subscription.items.data[0].quantity], [schedule.id, 3]);
  const end = active.current_phase.end_date;
  clock = await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: end });
  const sub = await stripe.subscriptions.retrieve(active.subscription.id);
  assert.equal(sub.items.data[0].quantity, 1);
  const updated = await stripe.subscriptionSchedules.update(schedule.id, { metadata: { plan: 'later' } });
  assert.equal(updated.metadata.plan, 'later');
  const released = await stripe.subscriptionSchedules.release(schedule.id);
  assert.deepEqual([released.status, released.released_subscription], ['released', sub.id]);
  assert.equal((await stripe.subscriptions.retrieve(sub.id)).schedule, null);
  // A cancel prorates and invoices the credit now (invoice_now defaults to true), or leaves it
  // pending with invoice_now: false.
  for (const invoiceNow of [true, false]) {
    const other = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: 'price_SEEDproMonth1' }] });
    const sched = await stripe.subscriptionSchedules.create({ from_subscription: other.id });
    const params = invoiceNow ? {} : { invoice_now: false };
    assert.equal((await stripe.subscriptionSchedules.cancel(sched.id, params)).status, 'canceled');
    const after = await stripe.subscriptions.retrieve(other.id);
    const pending = await stripe.invoiceItems.list({ customer: customer.id, pending: true });
    if (invoiceNow) {
      const final = await stripe.invoices.retrieve(after.latest_invoice);
      assert.deepEqual([final.total, final.amount_due, final.status], [-2000, 0, 'paid']);
      assert.deepEqual(pending.data, []);
    } else {
      assert.equal(after.latest_invoice, other.latest_invoice);
      assert.deepEqual(pending.data.map((i) => i.amount), [-2000]);
    }
  }
  const pro = [{ price: 'price_SEEDproMonth1' }];
  await assert.rejects(stripe.subscriptionSchedules.create({ customer: customer.id, phases: [{ iterations: 1 }] }),
    refusedWith('phases[0][items]'));
  await assert.rejects(stripe.subscriptionSchedules.create({
    customer: customer.id, phases: [{ items: [{ price: 'price_SEEDshirt001' }] }],
  }), refusedWith('phases[0][items][0][price]'));
  await assert.rejects(stripe.subscriptionSchedules.create({
    customer: customer.id, phases: [{ items: pro, default_tax_rates: ['txr_x'] }],
  }), refusedWith('phases[0][default_tax_rates]'));
  await assert.rejects(stripe.subscriptionSchedules.create({
    customer: customer.id, phases: [{ items: pro, discounts: [{ coupon: 'x' }] }],
  }), (err) => err.statusCode === 404 && err.param === 'phases[0][discounts][0][coupon]');
  await assert.rejects(stripe.subscriptionSchedules.update(schedule.id, { end_behavior: 'cancel' }),
    (err) => err.statusCode === 400 && err.raw.message.includes('`released` status'));
  await assert.rejects(stripe.subscriptionSchedules.retrieve('sub_sched_nope'),
    (err) => err.statusCode === 404 && err.code === 'resource_missing');
});

await check('billing.meters and billing.meterEvents: count and last, summaries, refusals', async () => {
  const logins = await stripe.billing.meters.create({
    display_name: 'Logins', event_name: 'node_logins', default_aggregation: { formula: 'count' },
    customer_mapping: { event_payload_key: 'who', type: 'by_id' },
  });
  const seats = await stripe.billing.meters.create({
    display_name: 'Seats', event_name: 'node_seats', default_aggregation: { formula: 'last' },
    value_settings: { event_payload_key: 'seats' },
  });
  const customer = await stripe.customers.create({ email: 'meter-node@example.com' });
  const at = Math.floor(Date.now() / 1000) - 3600;
  for (const [n, value] of ['4', '9', '6'].entries()) {
    await stripe.billing.meterEvents.create({ event_name: 'node_logins', timestamp: at + n, payload: { who: customer.id } });
    await stripe.billing.meterEvents.create({
      event_name: 'node_seats', timestamp: at + n, payload: { stripe_customer_id: customer.id, seats: value },
    });
  }
  const range = { customer: customer.id, start_time: at - 60, end_time: at + 60 };
  const counted = await stripe.billing.meters.listEventSummaries(logins.id, range);
  assert.equal(counted.data[0].aggregated_value, 3);
  const last = await stripe.billing.meters.listEventSummaries(seats.id, range);
  assert.deepEqual([last.data[0].object, last.data[0].aggregated_value], ['billing.meter_event_summary', 6]);
  const renamed = await stripe.billing.meters.update(seats.id, { display_name: 'Seats in use' });
  assert.equal(renamed.display_name, 'Seats in use');
  assert.ok((await stripe.billing.meters.list({ status: 'active' })).data.some((m) => m.id === logins.id));
  await assert.rejects(stripe.billing.meters.create({
    display_name: 'Again', event_name: 'node_logins', default_aggregation: { formula: 'sum' },
  }), refusedWith('event_name'));
  await assert.rejects(stripe.billing.meterEvents.create({
    event_name: 'node_seats', payload: { stripe_customer_id: customer.id, seats: 'many' },
  }), refusedWith('payload[seats]'));
  await assert.rejects(stripe.prices.create({
    product: 'prod_SEEDpro000001', currency: 'usd', unit_amount: 5,
    recurring: { interval: 'month', usage_type: 'licensed', meter: seats.id },
  }), refusedWith('recurring[meter]'));
});

await check('quotes: create, listLineItems, update, finalizeQuote, accept, cancel, list, pdf', async () => {
  const customer = await stripe.customers.create({
    email: 'quote-node@example.com', payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  let quote = await stripe.quotes.create({
    customer: customer.id,
    line_items: [{ price: 'price_SEEDproMonth1', quantity: 2 }, { price: 'price_SEEDshirt001' }],
    subscription_data: { trial_period_days: 7, description: 'Team plan' },
  });
  assert.ok(quote.id.startsWith('qt_') && quote.status === 'draft', JSON.stringify(quote));
  assert.deepEqual([quote.amount_subtotal, quote.amount_total], [6500, 6500]);
  // The trial leaves the recurring lines out of what is billed upfront.
  assert.deepEqual([quote.computed.upfront.amount_total, quote.computed.recurring.amount_total], [2500, 4000]);
  // At 2023-08-16 a quote has the fields it had then (no customer_account, billing_mode, …).
  const old = await stripe.quotes.retrieve(quote.id, {}, { apiVersion: '2023-08-16' });
  assert.ok(!('customer_account' in old) && !('billing_mode' in old.subscription_data), JSON.stringify(old));
  assert.ok(!('issuer' in old.invoice_settings) && 'customer_account' in await stripe.quotes.retrieve(quote.id));
  const upfront = await stripe.quotes.listComputedUpfrontLineItems(quote.id);
  assert.deepEqual(upfront.data.map((l) => l.price.id), ['price_SEEDshirt001']);
  const lines = await stripe.quotes.listLineItems(quote.id);
  quote = await stripe.quotes.update(quote.id, {
    line_items: [{ id: lines.data[0].id, quantity: 3 }, { id: lines.data[1].id }],
  });
  assert.deepEqual([quote.amount_total, quote.computed.upfront.amount_total], [8500, 2500]);
  await assert.rejects(stripe.quotes.accept(quote.id), (err) => err.statusCode === 400);
  await assert.rejects(stripe.quotes.finalizeQuote((await stripe.quotes.create({ customer: customer.id })).id),
    refusedWith('line_items'));
  quote = await stripe.quotes.finalizeQuote(quote.id);
  assert.ok(quote.status === 'open' && /^QT-.*-0001-1$/.test(quote.number), quote.number);
  await assert.rejects(stripe.quotes.update(quote.id, { description: 'later' }), refusedWith('description'));
  quote = await stripe.quotes.accept(quote.id);
  assert.equal(quote.status, 'accepted');
  const sub = await stripe.subscriptions.retrieve(quote.subscription);
  assert.deepEqual([sub.status, sub.description, sub.items.data[0].quantity], ['trialing', 'Team plan', 3]);
  assert.equal((await stripe.invoices.retrieve(quote.invoice)).amount_paid, 2500);
  const canceled = await stripe.quotes.cancel((await stripe.quotes.create({ customer: customer.id })).id);
  assert.equal(canceled.status, 'canceled');
  const listed = await stripe.quotes.list({ customer: customer.id, status: 'accepted' });
  assert.deepEqual(listed.data.map((q) => q.id), [quote.id]);
  await assert.rejects(stripe.quotes.create({ customer: customer.id, subscription_data: { billing_mode: { type: 'flexible' } } }),
    refusedWith('subscription_data[billing_mode]'));
  await assert.rejects(stripe.quotes.pdf(quote.id),
    (err) => err.statusCode === 400 && /not implemented/.test(err.message));
});

await check('paymentLinks: create, retrieve, listLineItems, update, list, refusals', async () => {
  // A link selling a recurring and a one-time price; read, its lines, updated, listed.
  let link = await stripe.paymentLinks.create({
    line_items: [{ price: 'price_SEEDproMonth1', quantity: 2 }, { price: 'price_SEEDshirt001', quantity: 1 }],
    after_completion: { type: 'hosted_confirmation', hosted_confirmation: { custom_message: 'Thanks!' } },
    metadata: { campaign: 'node' },
  });
  assert.ok(link.id.startsWith('plink_') && link.active && link.url.startsWith('https://buy.stripe.com/test_'),
    JSON.stringify(link));
  assert.equal(link.after_completion.hosted_confirmation.custom_message, 'Thanks!');
  const expanded = await stripe.paymentLinks.retrieve(link.id, { expand: ['line_items'] });
  assert.equal(expanded.line_items.data.length, 2);
  const lines = await stripe.paymentLinks.listLineItems(link.id);
  assert.deepEqual(lines.data.map((l) => [l.price.id, l.quantity, l.amount_total]),
    [['price_SEEDproMonth1', 2, 4000], ['price_SEEDshirt001', 1, 2500]]);
  link = await stripe.paymentLinks.update(link.id, {
    active: false, metadata: { campaign: '' }, line_items: [{ id: lines.data[0].id, quantity: 3 }],
  });
  assert.deepEqual([link.active, link.metadata], [false, {}]);
  assert.equal((await stripe.paymentLinks.listLineItems(link.id)).data[0].amount_total, 6000);
  const listed = await stripe.paymentLinks.list({ active: false, limit: 100 });
  assert.ok(listed.data.some((l) => l.id === link.id));
  // Stripe's refusals: an inactive price; a redirect without its url; an unknown link.
  const old = await stripe.prices.create({
    product: 'prod_SEEDpro000001', unit_amount: 700, currency: 'usd', recurring: { interval: 'month' },
  });
  await stripe.prices.update(old.id, { active: false });
  await assert.rejects(stripe.paymentLinks.create({ line_items: [{ price: old.id, quantity: 1 }] }),
    refusedWith('line_items[0][price]'));
  await assert.rejects(stripe.paymentLinks.create({
    line_items: [{ price: 'price_SEEDshirt001', quantity: 1 }], after_completion: { type: 'redirect' },
  }), refusedWith('after_completion[redirect][url]'));
  await assert.rejects(stripe.paymentLinks.retrieve('plink_nope'),
    (err) => err.statusCode === 404 && err.code === 'resource_missing');
});

await check('a discounted subscription cancelled with prorate: the discounted unused time credited', async () => {
  // 25% off forever: $15.00 paid for January; cancelled halfway (prorate, invoice_now), the unused
  // half of what was paid is credited on a final invoice and to the balance; a schedule's cancel too.
  const [start, half] = [1767225600, 1768564800];
  const coupon = await stripe.coupons.create({ percent_off: 25, duration: 'forever' });
  const subs = [];
  for (const name of ['cancel', 'schedule']) {
    let clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
    const customer = await stripe.customers.create({
      email: `discounted-${name}-node@example.com`, test_clock: clock.id, payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    });
    subs.push(await stripe.subscriptions.create({
      customer: customer.id, items: [{ price: 'price_SEEDproMonth1' }], discounts: [{ coupon: coupon.id }],
    }));
    clock = await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: half });
    while (clock.status !== 'ready') clock = await stripe.testHelpers.testClocks.retrieve(clock.id);
  }
  const canceled = await stripe.subscriptions.cancel(subs[0].id, { prorate: true, invoice_now: true });
  const schedule = await stripe.subscriptionSchedules.create({ from_subscription: subs[1].id });
  assert.equal((await stripe.subscriptionSchedules.cancel(schedule.id)).status, 'canceled');
  for (const sub of [canceled, await stripe.subscriptions.retrieve(subs[1].id)]) {
    const final = await stripe.invoices.retrieve(sub.latest_invoice);
    assert.deepEqual(final.lines.data.map((l) => l.amount), [-750]);
    assert.equal((await stripe.customers.retrieve(sub.customer)).balance, -750);
  }
});

await check('subscriptionSchedules phases: discounts, add_invoice_items; invoices.createPreview({ schedule })', async () => {
  const [start, feb] = [1767225600, 1769904000];
  let clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
  const customer = await stripe.customers.create({
    email: 'phases-node@example.com', test_clock: clock.id, payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  const half = await stripe.coupons.create({ percent_off: 50, duration: 'forever' });
  const schedule = await stripe.subscriptionSchedules.create({
    customer: customer.id,
    phases: [
      { items: [{ price: 'price_SEEDproMonth1' }], iterations: 1, discounts: [{ coupon: half.id }],
        add_invoice_items: [{ price: 'price_SEEDshirt001', quantity: 2 }] },
      { items: [{ price: 'price_SEEDproMonth1', quantity: 2 }], iterations: 1,
        add_invoice_items: [{ price: 'price_SEEDshirt001' }] },
    ],
  });
  let sub = await stripe.subscriptions.retrieve(schedule.subscription);
  const first = await stripe.invoices.retrieve(sub.latest_invoice);
  assert.deepEqual([first.subtotal, first.amount_paid], [7000, 3500]);
  const preview = await stripe.invoices.createPreview({ schedule: schedule.id });
  assert.deepEqual([preview.subtotal, preview.total, preview.billing_reason], [6500, 6500, 'subscription_cycle']);
  const proposed = await stripe.invoices.createPreview({
    customer: customer.id,
    schedule_details: { phases: [{ items: [{ price: 'price_SEEDproMonth1' }], discounts: [{ coupon: half.id }] }] },
  });
  assert.deepEqual([proposed.subtotal, proposed.total], [2000, 1000]);
  clock = await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: feb });
  while (clock.status !== 'ready') clock = await stripe.testHelpers.testClocks.retrieve(clock.id);
  sub = await stripe.subscriptions.retrieve(sub.id);
  const renewal = await stripe.invoices.retrieve(sub.latest_invoice);
  assert.deepEqual([sub.discount, renewal.subtotal, renewal.amount_paid], [null, 6500, 6500]);
});

await check('quotes: discounts in the totals, redeemed by the subscription or the invoice', async () => {
  const coupon = await stripe.coupons.create({ percent_off: 25, duration: 'forever' });
  let quote = await stripe.quotes.create({
    customer: 'cus_SEEDalice00001', discounts: [{ coupon: coupon.id }],
    line_items: [{ price: 'price_SEEDproMonth1', quantity: 2 }, { price: 'price_SEEDshirt001' }],
  });
  assert.ok(quote.discounts[0].startsWith('di_'));
  assert.deepEqual([quote.amount_subtotal, quote.total_details.amount_discount, quote.amount_total], [6500, 1625, 4875]);
  assert.deepEqual([quote.computed.recurring.amount_total, quote.computed.upfront.amount_total], [3000, 4875]);
  quote = await stripe.quotes.accept((await stripe.quotes.finalizeQuote(quote.id)).id);
  const sub = await stripe.subscriptions.retrieve(quote.subscription);
  assert.equal(sub.discount.coupon.id, coupon.id);
  assert.equal((await stripe.invoices.retrieve(sub.latest_invoice)).total, 4875);
  const five = await stripe.coupons.create({ amount_off: 500, currency: 'usd', duration: 'once' });
  const promo = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: five.id }, code: 'NODEQUOTE5' });
  const once = await stripe.quotes.create({
    customer: 'cus_SEEDalice00001', line_items: [{ price: 'price_SEEDshirt001' }], discounts: [{ promotion_code: promo.id }],
  });
  assert.equal(once.amount_total, 2000);
  const done = await stripe.quotes.accept((await stripe.quotes.finalizeQuote(once.id)).id);
  const invoice = await stripe.invoices.retrieve(done.invoice);
  assert.deepEqual([invoice.total, invoice.discount.promotion_code], [2000, promo.id]);
  await assert.rejects(
    stripe.quotes.create({ customer: 'cus_SEEDalice00001', discounts: [{ coupon: 'nope' }] }),
    (err) => err.statusCode === 404 && err.param === 'discounts[0][coupon]',
  );
});

await check('quotes: subscription_data.effective_date makes a schedule that starts then', async () => {
  const start = 1767225600;
  let clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
  const customer = await stripe.customers.create({
    email: 'effective-node@example.com', test_clock: clock.id, payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  let quote = await stripe.quotes.create({
    customer: customer.id, line_items: [{ price: 'price_SEEDproMonth1' }],
    subscription_data: { effective_date: start + 7 * 86400 },
  });
  assert.equal(quote.subscription_data.effective_date, start + 7 * 86400);
  quote = await stripe.quotes.accept((await stripe.quotes.finalizeQuote(quote.id)).id);
  assert.equal(quote.subscription, null);
  let schedule = await stripe.subscriptionSchedules.retrieve(quote.subscription_schedule);
  assert.deepEqual([schedule.status, schedule.phases[0].start_date], ['not_started', start + 7 * 86400]);
  clock = await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 8 * 86400 });
  schedule = await stripe.subscriptionSchedules.retrieve(schedule.id);
  assert.equal(schedule.status, 'active');
  assert.ok(schedule.subscription.startsWith('sub_'));
  await assert.rejects(stripe.quotes.create({ customer: customer.id, subscription_data: { effective_date: 'current_period_end' } }),
    refusedWith('subscription_data[effective_date]'));
});

await check('Dispute: the dispute test cards, list, retrieve, update (evidence, submit), close', async () => {
  const intent = await stripe.paymentIntents.create({
    amount: 5000, currency: 'usd', payment_method: 'pm_card_createDispute', confirm: true,
  });
  assert.equal(intent.status, 'succeeded');
  const charge = await stripe.charges.retrieve(intent.latest_charge);
  assert.equal(charge.disputed, true);
  const [dispute] = (await stripe.disputes.list({ charge: charge.id })).data;
  assert.deepEqual([dispute.status, dispute.reason, dispute.amount], ['needs_response', 'fraudulent', 5000]);
  assert.ok(dispute.evidence_details.due_by > dispute.created);
  assert.deepEqual(dispute.balance_transactions.map((t) => [t.amount, t.fee, t.reporting_category]), [[-5000, 1500, 'dispute']]);
  assert.equal((await stripe.disputes.list({ payment_intent: intent.id })).data[0].id, dispute.id);
  await assert.rejects(stripe.refunds.create({ charge: charge.id }), (err) => {
    assert.deepEqual([err.statusCode, err.code], [400, 'charge_disputed'], err.message);
    return true;
  });
  const staged = await stripe.disputes.update(dispute.id, { evidence: { customer_name: 'No De' }, submit: false });
  assert.deepEqual([staged.status, staged.evidence_details.has_evidence], ['needs_response', true]);
  const lost = await stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'losing_evidence' }, metadata: { k: 'v' } });
  assert.deepEqual([lost.status, lost.evidence_details.submission_count, lost.metadata.k], ['lost', 1, 'v']);
  assert.equal(lost.balance_transactions.length, 1);
  await assert.rejects(stripe.disputes.close(dispute.id), (err) => {
    assert.equal(err.statusCode, 400);
    assert.match(err.message, /already closed/);
    return true;
  });
  await assert.rejects(stripe.disputes.update(dispute.id, { evidence: { receipt: 'file_123' } }), refusedWith('evidence[receipt]'));
  const inquiry = await stripe.paymentIntents.create({
    amount: 700, currency: 'usd', payment_method: 'pm_card_createDisputeInquiry', confirm: true,
  });
  const [asked] = (await stripe.disputes.list({ charge: inquiry.latest_charge })).data;
  assert.deepEqual([asked.status, asked.balance_transactions], ['warning_needs_response', []]);
  assert.equal((await stripe.disputes.close(asked.id)).status, 'warning_closed');
  assert.equal((await stripe.disputes.retrieve(asked.id)).status, 'warning_closed');
  await assert.rejects(stripe.disputes.retrieve('dp_nope'), (err) => err.statusCode === 404 && err.code === 'resource_missing');
});

/** Completes checkout session `id` as its page does (the clone's admin route). */
const complete = (id, body) => admin('POST', `checkout/sessions/${id}/complete`, body);

await check('checkout.sessions completed (admin route): payment, subscription, setup; the webhook', () => withReceiver(async (url, received, until) => {
  const endpoint = await stripe.webhookEndpoints.create({ url, enabled_events: ['checkout.session.completed'] });
  const session = await stripe.checkout.sessions.create({
    mode: 'payment', line_items: [{ price: 'price_SEEDshirt001', quantity: 2 }],
    success_url: 'https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}', customer_email: 'pay-node@example.com',
    client_reference_id: 'order-8', customer_creation: 'always',
  });
  await assert.rejects(complete(session.id, { paymentMethod: 'pm_card_chargeDeclined' }), /402.*card_declined/);
  assert.equal((await stripe.checkout.sessions.retrieve(session.id)).status, 'open');
  await complete(session.id, { name: 'Pat Payer' });
  const delivery = await until((d) => d.body.includes('checkout.session.completed'));
  assert.ok(delivery, 'no webhook delivered');
  const event = stripe.webhooks.constructEvent(delivery.body, delivery.headers['stripe-signature'], endpoint.secret);
  assert.equal(event.type, 'checkout.session.completed');
  assert.equal(event.data.object.id, session.id);
  assert.equal(event.data.object.client_reference_id, 'order-8');
  const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent', 'customer'] });
  assert.deepEqual([done.status, done.payment_status, done.amount_total], ['complete', 'paid', 5000]);
  assert.equal(done.payment_intent.status, 'succeeded');
  assert.equal(done.customer.email, 'pay-node@example.com');
  assert.deepEqual((await stripe.checkout.sessions.listLineItems(session.id)).data.map((i) => i.quantity), [2]);
  const subscribing = await stripe.checkout.sessions.create({
    mode: 'subscription', line_items: [{ price: 'price_SEEDproMonth1', quantity: 1 }], success_url: 'https://shop.example/ok',
  });
  await complete(subscribing.id, { email: 'subscriber-node@example.com', paymentMethod: '4242424242424242' });
  const subscribed = await stripe.checkout.sessions.retrieve(subscribing.id, { expand: ['subscription', 'invoice'] });
  assert.deepEqual([subscribed.subscription.status, subscribed.invoice.status, subscribed.payment_intent], ['active', 'paid', null]);
  const saving = await stripe.checkout.sessions.create({
    mode: 'setup', customer: 'cus_SEEDbob0000001', currency: 'usd', success_url: 'https://shop.example/ok',
  });
  await complete(saving.id, {});
  const saved = await stripe.checkout.sessions.retrieve(saving.id, { expand: ['setup_intent'] });
  assert.deepEqual([saved.setup_intent.status, saved.payment_status], ['succeeded', 'no_payment_required']);
  assert.equal((await stripe.paymentMethods.retrieve(saved.setup_intent.payment_method)).customer, 'cus_SEEDbob0000001');
  await assert.rejects(complete(session.id, {}), /400.*complete/);
  await assert.rejects(complete('cs_test_nope', {}), /404.*resource_missing/);
}));

await check('checkout.sessions and 3-D Secure: a failed challenge (payment_failed webhook), completed, setup, subscription', () => withReceiver(async (url, received, until) => {
  const asks = 'pm_card_threeDSecureRequired';
  const endpoint = await stripe.webhookEndpoints.create({ url, enabled_events: ['payment_intent.payment_failed'] });
  const session = await stripe.checkout.sessions.create({
    mode: 'payment', line_items: [{ price: 'price_SEEDshirt001', quantity: 1 }], success_url: 'https://shop.example/ok',
  });
  await assert.rejects(complete(session.id, { paymentMethod: asks, authentication: 'fail' }), /402.*payment_intent_authentication_failure/);
  const delivery = await until((d) => d.body.includes('payment_intent.payment_failed'));
  assert.ok(delivery, 'no webhook delivered');
  const event = stripe.webhooks.constructEvent(delivery.body, delivery.headers['stripe-signature'], endpoint.secret);
  const failed = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
  assert.deepEqual([event.type, event.data.object.id], ['payment_intent.payment_failed', failed.payment_intent.id]);
  assert.deepEqual([failed.status, failed.payment_intent.status], ['open', 'requires_payment_method']);
  assert.equal(failed.payment_intent.last_payment_error.code, 'payment_intent_authentication_failure');
  await complete(session.id, { paymentMethod: asks, authentication: 'complete' });
  const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.latest_charge'] });
  assert.deepEqual([done.status, done.payment_intent.id], ['complete', failed.payment_intent.id]);
  assert.equal(done.payment_intent.latest_charge.payment_method_details.card.three_d_secure.result, 'authenticated');
  const saving = await stripe.checkout.sessions.create({
    mode: 'setup', customer: 'cus_SEEDbob0000001', currency: 'usd', success_url: 'https://shop.example/ok',
  });
  await assert.rejects(complete(saving.id, { paymentMethod: asks, authentication: 'fail' }), /setup_intent_authentication_failure/);
  const setup = await stripe.setupIntents.retrieve((await stripe.checkout.sessions.retrieve(saving.id)).setup_intent);
  assert.equal(setup.last_setup_error.code, 'setup_intent_authentication_failure');
  const subscribing = await stripe.checkout.sessions.create({
    mode: 'subscription', line_items: [{ price: 'price_SEEDproMonth1', quantity: 1 }], success_url: 'https://shop.example/ok',
  });
  await complete(subscribing.id, { paymentMethod: asks });
  const subscribed = await stripe.checkout.sessions.retrieve(subscribing.id, { expand: ['subscription'] });
  assert.equal(subscribed.subscription.status, 'active');
}));

await check('ACH Direct Debit: paymentMethods us_bank_account, a mandate, processing, settled either way; setupIntents; Checkout', async () => {
  const bank = { routing_number: '110000000', account_number: '000123456789', account_holder_type: 'company' };
  const pm = await stripe.paymentMethods.create({ type: 'us_bank_account', us_bank_account: bank, billing_details: { name: 'No De' } });
  assert.deepEqual([pm.type, pm.us_bank_account.bank_name, pm.us_bank_account.last4, pm.us_bank_account.account_holder_type],
    ['us_bank_account', 'STRIPE TEST BANK', '6789', 'company']);
  await assert.rejects(stripe.paymentMethods.create({ type: 'us_bank_account', us_bank_account: bank }), refusedWith('billing_details[name]'));
  await assert.rejects(stripe.paymentMethods.create({
    type: 'us_bank_account', us_bank_account: { ...bank, account_type: 'brokerage' }, billing_details: { name: 'No De' },
  }), refusedWith('us_bank_account[account_type]'));
  const mandate_data = { customer_acceptance: { type: 'offline' } };
  const intent = await stripe.paymentIntents.create({
    amount: 2500, currency: 'usd', payment_method_types: ['us_bank_account'], payment_method: pm.id,
  });
  await assert.rejects(stripe.paymentIntents.confirm(intent.id), refusedWith('mandate_data'));
  const processing = await stripe.paymentIntents.confirm(intent.id, { mandate_data });
  assert.equal(processing.status, 'processing');
  const charge = await stripe.charges.retrieve(processing.latest_charge);
  assert.deepEqual([charge.status, charge.payment_method_details.type], ['pending', 'us_bank_account']);
  const mandate = await stripe.mandates.retrieve(charge.payment_method_details.us_bank_account.mandate);
  assert.deepEqual([mandate.status, mandate.customer_acceptance.type, mandate.payment_method], ['active', 'offline', pm.id]);
  assert.equal((await admin('POST', `payment_intents/${intent.id}/settle`)).status, 'succeeded');
  assert.equal((await stripe.charges.retrieve(charge.id)).status, 'succeeded');
  const failing = await stripe.paymentIntents.create({
    amount: 2500, currency: 'usd', payment_method_types: ['us_bank_account'],
    payment_method: 'pm_usBankAccount_debitNotAuthorized', confirm: true, mandate_data,
  });
  assert.equal(failing.status, 'processing');
  await admin('POST', `payment_intents/${failing.id}/settle`);
  const failed = await stripe.paymentIntents.retrieve(failing.id);
  assert.deepEqual([failed.status, failed.last_payment_error.code], ['requires_payment_method', 'debit_not_authorized']);
  await assert.rejects(admin('POST', `payment_intents/${failing.id}/settle`), /400/);
  const inline = await stripe.paymentIntents.create({
    amount: 1200, currency: 'usd', payment_method_types: ['us_bank_account'], confirm: true, mandate_data,
    payment_method_data: {
      type: 'us_bank_account', billing_details: { name: 'No De' },
      us_bank_account: { routing_number: '110000000', account_number: '000123456789', account_type: 'savings' },
    },
  });
  assert.equal(inline.status, 'processing');
  assert.equal((await stripe.paymentMethods.retrieve(inline.payment_method)).us_bank_account.account_type, 'savings');
  const setup = await stripe.setupIntents.create({
    customer: 'cus_SEEDbob0000001', payment_method_types: ['us_bank_account'], payment_method: 'pm_usBankAccount_success',
    confirm: true, mandate_data,
  });
  assert.equal(setup.status, 'succeeded');
  assert.equal((await stripe.mandates.retrieve(setup.mandate)).type, 'multi_use');
  const later = await stripe.paymentIntents.create({
    amount: 900, currency: 'usd', customer: 'cus_SEEDbob0000001', payment_method: setup.payment_method,
    payment_method_types: ['us_bank_account'], off_session: true, confirm: true,
  });
  assert.equal(later.status, 'processing');
  const session = await stripe.checkout.sessions.create({
    mode: 'payment', payment_method_types: ['card', 'us_bank_account'],
    line_items: [{ price: 'price_SEEDshirt001', quantity: 1 }], success_url: 'https://shop.example/ok',
  });
  const done = await admin('POST', `checkout/sessions/${session.id}/complete`, { paymentMethod: 'pm_usBankAccount_insufficientFunds' });
  assert.deepEqual([done.status, done.payment_status], ['complete', 'unpaid']);
  await admin('POST', `payment_intents/${done.payment_intent}/settle`);
  assert.equal((await stripe.checkout.sessions.retrieve(session.id)).payment_status, 'unpaid');
  const [event] = (await stripe.events.list({ type: 'checkout.session.async_payment_failed', limit: 1 })).data;
  assert.equal(event.data.object.id, session.id);
});

await check("StripeRateLimitError when the clone's rate limits are on", async () => {
  await admin('POST', 'rate-limit', { enabled: true, writes: 1, reads: 1000 });
  try {
    // One write a second: of three creates sent one after the other, one at least is over it.
    const errors = [];
    for (let n = 0; n < 3; n++) {
      await stripe.customers.create({ email: `limit${n}-node@example.com` }).catch((err) => errors.push(err));
    }
    assert.ok(errors.length > 0, 'one of three creates in a second is over the limit');
    const [err] = errors;
    assert.ok(err instanceof Stripe.errors.StripeRateLimitError, `${err}`);
    assert.deepEqual([err.type, err.statusCode, err.code, err.rawType], ['StripeRateLimitError', 429, 'rate_limit', 'invalid_request_error']);
    assert.ok((await stripe.customers.list({ limit: 1 })).data.length > 0, 'reads have their own limit');
  } finally {
    await admin('POST', 'rate-limit', { enabled: false });
  }
  assert.ok((await stripe.customers.create({ email: 'unlimited-node@example.com' })).id.startsWith('cus_'));
});

finish(`node stripe ${Stripe.PACKAGE_VERSION ?? ''}`);
