/**
 * The Square stand-in's state: sellers (an access token, their locations, the webhook
 * subscription's URL and signature key), and the payment links, orders, payments and refunds
 * they make. Objects are kept in Square's snake_case JSON, as the API sends them.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export type Json = Record<string, unknown>;

export interface SellerOptions {
  accessToken: string;
  locationId: string;
  /** Where `payment.updated` is POSTed (the subscription's notification URL), and the key that signs it. */
  notificationUrl?: string;
  signatureKey?: string;
  currency?: string;
}

export interface Seller extends Required<Omit<SellerOptions, 'notificationUrl'>> {
  merchantId: string;
  notificationUrl: string | null;
}

export interface LinkRecord {
  link: Json;
  orderId: string;
  merchantId: string;
}

/** Square ids are upper-case letters and digits (orders are longer than the others). */
export const squareId = (length = 22): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
};

export const nowRfc3339 = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export class SquareStore {
  readonly sellers = new Map<string, Seller>();
  readonly links = new Map<string, LinkRecord>();
  readonly orders = new Map<string, Json & { _merchant: string }>();
  readonly payments = new Map<string, Json & { _merchant: string }>();
  readonly refunds = new Map<string, Json & { _merchant: string }>();
  /** `merchant:endpoint:key` → the request body it was first used with and the answer given. */
  readonly idempotency = new Map<string, { body: string; status: number; answer: Json }>();

  addSeller(o: SellerOptions): Seller {
    const seller: Seller = {
      accessToken: o.accessToken,
      locationId: o.locationId,
      notificationUrl: o.notificationUrl ?? null,
      signatureKey: o.signatureKey ?? randomUUID(),
      currency: o.currency ?? 'GBP',
      merchantId: `M${squareId(12)}`,
    };
    this.sellers.set(o.accessToken, seller);
    return seller;
  }

  sellerOfToken(token: string): Seller | undefined {
    return this.sellers.get(token);
  }

  sellerOfMerchant(merchantId: string): Seller | undefined {
    return [...this.sellers.values()].find((s) => s.merchantId === merchantId);
  }

  /** Without the stand-in's bookkeeping field. */
  static publicJson(o: Json): Json {
    const { _merchant: _, ...rest } = o;
    return rest;
  }
}
