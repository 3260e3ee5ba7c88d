import { fieldError } from '../errors';
import type { GatewayFactory } from './payment-gateway';
import { PaymentRefusedError } from './payment-gateway';
import { squareCredential } from './provider-gateways';

export const squareSetupMessages = {
  badToken: (why: string) => `Square did not accept this access token: ${why}`,
  badLocation: 'Square has no location with this id for this access token.',
  unreachable: 'Square could not be reached to check these settings. Nothing was saved; please try again in a moment.',
};

/**
 * Saving Square settings: the token must reach the location (RetrieveLocation) before anything
 * is stored. The signature key cannot be checked: Square only uses it to sign its webhooks.
 */
export class SquareSetup {
  constructor(private readonly deps: { gateways: GatewayFactory }) {}

  async check(creds: { accessToken: string; locationId: string; sandbox: boolean }): Promise<void> {
    try {
      await this.deps.gateways(squareCredential({ ...creds, phonePrefix: '44' })).checkKey();
    } catch (e) {
      if (e instanceof PaymentRefusedError && e.status === 404) throw fieldError('invalid_request', 'squareLocationId', squareSetupMessages.badLocation);
      if (e instanceof PaymentRefusedError) throw fieldError('invalid_request', 'squareAccessToken', squareSetupMessages.badToken(e.message));
      throw fieldError('invalid_request', 'squareAccessToken', squareSetupMessages.unreachable);
    }
  }
}
