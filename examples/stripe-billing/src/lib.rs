//! A SaaS billing module built on [`async-stripe`](stripe), the way a team would write one:
//! sign people up as customers (once per email), put them on a plan, charge one-off amounts to
//! the card on file, refund, and cancel.
//!
//! It takes a ready [`stripe::Client`], so the same code runs against Stripe and against an
//! asym clone; only the client's base URL changes:
//!
//! ```no_run
//! # async fn demo() -> Result<(), billing::BillingError> {
//! // Against a clone: its base address, `http://127.0.0.1:<port>`. Against Stripe: no `url`.
//! let client = stripe::ClientBuilder::new("sk_test_…")
//!     .url("http://127.0.0.1:3001")
//!     .build()
//!     .expect("a valid key and URL");
//! let billing = billing::Billing::new(client);
//! let customer = billing.sign_up("dana@example.com", "Dana Diaz").await?;
//! let subscription = billing.subscribe(&customer.id, "price_…", Some(14)).await?;
//! billing.cancel(&subscription.id).await?;
//! # Ok(()) }
//! ```

use stripe::StripeError;
use stripe_billing::subscription::{
    CancelSubscription, CreateSubscription, CreateSubscriptionItems, ListSubscription,
};
use stripe_billing::{Subscription, SubscriptionId};
use stripe_core::customer::{
    CreateCustomer, ListCustomer, RetrieveCustomer, RetrieveCustomerReturned,
};
use stripe_core::payment_intent::CreatePaymentIntent;
use stripe_core::refund::CreateRefund;
use stripe_core::{
    Customer, CustomerId, PaymentIntent, PaymentIntentId, PaymentIntentStatus, Refund,
};
use stripe_types::Currency;

/// What went wrong billing someone.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BillingError {
    /// A Stripe call failed (Stripe's error object, or the request itself).
    #[error("Stripe {action} failed")]
    Stripe {
        /// What the module was doing (`create customer`, `create subscription`, …).
        action: &'static str,
        /// The client's error.
        #[source]
        source: StripeError,
    },
    /// The card was declined.
    #[error("card declined ({decline_code})")]
    Declined {
        /// The issuer's reason (`generic_decline`, `insufficient_funds`, …).
        decline_code: String,
        /// Stripe's message for the customer.
        message: String,
    },
    /// The customer has no default payment method to charge.
    #[error("customer {0} has no card on file")]
    NoCardOnFile(String),
    /// The customer was deleted.
    #[error("customer {0} was deleted")]
    CustomerDeleted(String),
}

impl BillingError {
    /// Stripe's error code (`resource_missing`, `card_declined`, …) when Stripe answered with
    /// an error object.
    pub fn stripe_code(&self) -> Option<&str> {
        match self {
            Self::Stripe {
                source: StripeError::Stripe(err, _),
                ..
            } => err.code.as_ref().map(|code| code.as_str()),
            Self::Declined { .. } => Some("card_declined"),
            _ => None,
        }
    }
}

/// Result of a billing operation.
pub type Result<T, E = BillingError> = std::result::Result<T, E>;

fn stripe(action: &'static str) -> impl FnOnce(StripeError) -> BillingError {
    move |source| match source {
        StripeError::Stripe(err, 402) if err.decline_code.is_some() => BillingError::Declined {
            decline_code: err.decline_code.unwrap_or_default(),
            message: err.message.unwrap_or_default(),
        },
        source => BillingError::Stripe { action, source },
    }
}

/// Bills customers through one Stripe account.
#[derive(Debug, Clone)]
pub struct Billing {
    client: stripe::Client,
}

impl Billing {
    /// Billing through `client`.
    pub fn new(client: stripe::Client) -> Self {
        Self { client }
    }

    /// The customer with this email, created (with `name`) if there is none yet: signing up
    /// twice does not make a second customer.
    ///
    /// # Errors
    /// [`BillingError::Stripe`].
    pub async fn sign_up(&self, email: &str, name: &str) -> Result<Customer> {
        let existing = ListCustomer::new()
            .email(email)
            .limit(1)
            .send(&self.client)
            .await
            .map_err(stripe("list customers"))?;
        if let Some(customer) = existing.data.into_iter().next() {
            return Ok(customer);
        }
        CreateCustomer::new()
            .email(email)
            .name(name)
            .metadata([("signed_up_via".to_owned(), "app".to_owned())])
            .send(&self.client)
            .await
            .map_err(stripe("create customer"))
    }

    /// Subscribes the customer to `price` (a recurring price id), with an optional trial,
    /// charging their default payment method when the first invoice is due.
    ///
    /// # Errors
    /// [`BillingError::Stripe`] (`resource_missing` for an unknown customer or price).
    pub async fn subscribe(
        &self,
        customer: &CustomerId,
        price: &str,
        trial_days: Option<u32>,
    ) -> Result<Subscription> {
        let item = CreateSubscriptionItems {
            price: Some(price.to_owned()),
            quantity: Some(1),
            ..CreateSubscriptionItems::default()
        };
        let mut request = CreateSubscription::new()
            .customer(customer.as_str())
            .items(vec![item]);
        if let Some(days) = trial_days {
            request = request.trial_period_days(days);
        }
        request
            .send(&self.client)
            .await
            .map_err(stripe("create subscription"))
    }

    /// The customer's subscriptions that are not canceled, newest first.
    ///
    /// # Errors
    /// [`BillingError::Stripe`].
    pub async fn subscriptions(&self, customer: &CustomerId) -> Result<Vec<Subscription>> {
        let list = ListSubscription::new()
            .customer(customer.as_str())
            .send(&self.client)
            .await
            .map_err(stripe("list subscriptions"))?;
        Ok(list.data)
    }

    /// Cancels a subscription now.
    ///
    /// # Errors
    /// [`BillingError::Stripe`].
    pub async fn cancel(&self, subscription: &SubscriptionId) -> Result<Subscription> {
        CancelSubscription::new(subscription.clone())
            .send(&self.client)
            .await
            .map_err(stripe("cancel subscription"))
    }

    /// Charges `amount` cents (USD) to the customer's default card, at once.
    ///
    /// # Errors
    /// [`BillingError::NoCardOnFile`], [`BillingError::Declined`], [`BillingError::Stripe`].
    pub async fn charge(
        &self,
        customer: &CustomerId,
        amount: i64,
        description: &str,
    ) -> Result<PaymentIntent> {
        let card = match RetrieveCustomer::new(customer.clone())
            .send(&self.client)
            .await
            .map_err(stripe("retrieve customer"))?
        {
            RetrieveCustomerReturned::Customer(found) => found
                .invoice_settings
                .and_then(|settings| settings.default_payment_method)
                .map(|method| method.id().to_string())
                .ok_or_else(|| BillingError::NoCardOnFile(customer.to_string()))?,
            RetrieveCustomerReturned::DeletedCustomer(_) => {
                return Err(BillingError::CustomerDeleted(customer.to_string()));
            }
        };
        self.charge_card(customer, &card, amount, description).await
    }

    /// Charges `amount` cents (USD) to a given payment method of the customer, at once.
    ///
    /// # Errors
    /// [`BillingError::Declined`], [`BillingError::Stripe`].
    pub async fn charge_card(
        &self,
        customer: &CustomerId,
        payment_method: &str,
        amount: i64,
        description: &str,
    ) -> Result<PaymentIntent> {
        let intent = CreatePaymentIntent::new(amount, Currency::USD)
            .customer(customer.as_str())
            .payment_method(payment_method)
            .description(description)
            .confirm(true)
            .send(&self.client)
            .await
            .map_err(stripe("create payment intent"))?;
        match intent.status {
            PaymentIntentStatus::Succeeded => Ok(intent),
            ref status => Err(BillingError::Declined {
                decline_code: status.as_str().to_owned(),
                message: format!("payment {} is {}", intent.id, status.as_str()),
            }),
        }
    }

    /// Refunds a payment: `amount` cents, or all of it.
    ///
    /// # Errors
    /// [`BillingError::Stripe`] (`charge_already_refunded`, `amount_too_large`, …).
    pub async fn refund(&self, payment: &PaymentIntentId, amount: Option<i64>) -> Result<Refund> {
        let mut request = CreateRefund::new().payment_intent(payment.as_str());
        if let Some(amount) = amount {
            request = request.amount(amount);
        }
        request
            .send(&self.client)
            .await
            .map_err(stripe("create refund"))
    }
}
