import type { Organiser, OrganiserSettingsPatch } from '../catalog/organiser-store';
import type { RootKeyring } from '../crypto';
import { stripeKeyContext, stripeWebhookSecretContext } from '../crypto/contexts';
import { fieldError } from '../errors';
import { STRIPE_WEBHOOK_EVENTS } from './organiser-stripe';
import { type GatewayFactory, PaymentRefusedError } from './payment-gateway';

export const setupMessages = {
  badKey: (why: string) => `Stripe did not accept this key: ${why}`,
  unreachable: 'Stripe could not be reached to check this key. Nothing was saved; please try again in a moment.',
};

/**
 * Saving a Stripe key: check it with Stripe, then register (or reuse) the webhook endpoint for
 * `$PUBLIC_URL/payment/webhook` and keep its signing secret. Returns the settings to store,
 * all sealed; if any step fails, nothing is stored and the error names the field.
 */
export class PaymentSetup {
  constructor(private readonly deps: { gateways: GatewayFactory; keyring: RootKeyring; publicUrl: string }) {}

  async connect(organiser: Organiser, secretKey: string): Promise<OrganiserSettingsPatch> {
    const gateway = this.deps.gateways(secretKey);
    try {
      await gateway.checkKey();
      const reusable = organiser.sealedStripeWebhookSecret !== null ? organiser.stripeWebhookEndpointId : null;
      const endpoint = await gateway.ensureWebhookEndpoint(`${this.deps.publicUrl}/payment/webhook`, STRIPE_WEBHOOK_EVENTS, reusable);
      const { keyring } = this.deps;
      return {
        sealedStripeKey: keyring.sealSecret(secretKey, stripeKeyContext(organiser.id)),
        stripeWebhookEndpointId: endpoint.id,
        sealedStripeWebhookSecret: endpoint.secret === null ? organiser.sealedStripeWebhookSecret : keyring.sealSecret(endpoint.secret, stripeWebhookSecretContext(organiser.id)),
      };
    } catch (e) {
      if (e instanceof PaymentRefusedError) throw fieldError('invalid_request', 'stripeSecretKey', setupMessages.badKey(e.message));
      throw fieldError('invalid_request', 'stripeSecretKey', setupMessages.unreachable);
    }
  }
}
