import { perProcessRate, TokenBuckets } from '../admission/token-bucket';
import type { Infra } from '../infra/infra';
import { BookingDesk } from '../payments/booking-desk';
import { CheckoutPreparer } from '../payments/checkout-preparer';
import { CheckoutRecovery } from '../payments/checkout-recovery';
import { CheckoutService } from '../payments/checkout-service';
import { FinalisePayment } from '../payments/finalise-payment';
import { HoldCancellation } from '../payments/hold-cancellation';
import { HoldSweeper } from '../payments/hold-sweeper';
import type { GatewayFactory } from '../payments/payment-gateway';
import { PaymentSetup } from '../payments/payment-setup';
import { PaymentWebhook } from '../payments/payment-webhook';
import { providerGatewayFactory, squareGatewayFactory } from '../payments/provider-gateways';
import { RefundService } from '../payments/refund-service';
import { RefundJobStore } from '../catalog/refund-job-store';
import { RefundWorker } from '../payments/refund-worker';
import { SquareSetup } from '../payments/square-setup';
import { SquareWebhook } from '../payments/square-webhook';
import { stripeGatewayFactory } from '../payments/stripe-gateway';
import { AttendeeStore } from '../shards/tables/attendee-store';
import { HoldStore } from '../shards/tables/hold-store';
import { RefundStore } from '../shards/tables/refund-store';
import type { BookingModule } from './booking-module';
import { liveRelocator } from './live-relocate';

/**
 * Paid bookings, wired once: the desk every booking enters by, checkout (holds, Stripe
 * sessions at the account's rate), finalisation, the webhook, and the background sweeper and
 * refund worker (started by workers.ts, or driven by tests with runOnce).
 */
export function createPaymentsModule(infra: Infra, bookings: BookingModule, gateways: GatewayFactory = providerGatewayFactory(stripeGatewayFactory(infra.config.stripeApiBase), squareGatewayFactory(infra.config.squareApiBase)),
) {
  const relocate = liveRelocator(infra.directory, (id) => bookings.snapshots.invalidate(id));
  const holds = new HoldStore(infra.router, relocate);
  // STRIPE_MAX_RPS is the account's budget across all WEB_CONCURRENCY processes.
  const buckets = new TokenBuckets(perProcessRate(infra.config.stripeMaxRps, infra.config.webConcurrency));
  const preparer = new CheckoutPreparer(buckets, infra.logger);
  const { reservations, snapshots } = bookings;
  const checkout = new CheckoutService({
    keyring: infra.keyring,
    config: infra.config,
    metrics: infra.metrics,
    directory: infra.directory,
    organisers: infra.organisers,
    logger: infra.logger,
    router: infra.router,
    reservations,
    snapshots,
    holds,
    gateways,
    preparer,
    buckets,
  });
  const cancellation = new HoldCancellation({ keyring: infra.keyring, directory: infra.directory, organisers: infra.organisers, router: infra.router, reservations, holds, gateways });
  const recovery = new CheckoutRecovery({ router: infra.router, logger: infra.logger, holds, checkout, preparer });
  const refundStore = new RefundStore(infra.router, relocate);
  const finalise = new FinalisePayment({
    refunds: refundStore,
    directory: infra.directory,
    organisers: infra.organisers,
    keyring: infra.keyring,
    config: infra.config,
    metrics: infra.metrics,
    snapshots,
    holds,
    gateways,
    reservations,
  });
  const webhook = new PaymentWebhook({ organisers: infra.organisers, keyring: infra.keyring, config: infra.config, finalise });
  const squareWebhook = new SquareWebhook({ organisers: infra.organisers, keyring: infra.keyring, config: infra.config, finalise, gateways });
  const sweeper = new HoldSweeper({ router: infra.router, directory: infra.directory, organisers: infra.organisers, keyring: infra.keyring, logger: infra.logger, metrics: infra.metrics, holds, gateways, reservations });
  const refundWorker = new RefundWorker({ router: infra.router, pool: infra.pool, directory: infra.directory, organisers: infra.organisers, keyring: infra.keyring, logger: infra.logger, metrics: infra.metrics, gateways }, { leaseMs: infra.config.outboxLeaseMs });
  const refunds = new RefundService({
    gateways,
    directory: infra.directory,
    jobs: new RefundJobStore(infra.catalog),
    keyring: infra.keyring,
    config: infra.config,
    organisers: infra.organisers,
    logger: infra.logger,
    events: bookings.events,
    attendees: new AttendeeStore(infra.router, relocate),
    store: refundStore,
    reservations,
  });
  const desk = new BookingDesk({ reservations, bookings: bookings.bookings, checkout });
  const setup = new PaymentSetup({ gateways, keyring: infra.keyring, publicUrl: infra.config.publicUrl });
  const squareSetup = new SquareSetup({ gateways });
  return {
    holds,
    desk,
    checkout,
    cancellation,
    finalise,
    webhook,
    squareWebhook,
    sweeper,
    recovery,
    refundWorker,
    refunds,
    setup,
    squareSetup,
    async close() {
      await preparer.stop();
    },
  };
}

export type PaymentsModule = ReturnType<typeof createPaymentsModule>;
