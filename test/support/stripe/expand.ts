/**
 * `expand[]=payment_intent` and friends: replace an id field by the object it names, nested
 * with dots (`payment_intent.latest_charge`). Only the expansions below are modelled; any
 * other path fails as Stripe fails for a property that cannot be expanded.
 */
import { paramError } from './errors';
import { chargeJson, type JsonObject, lineItemsJson, paymentIntentJson } from './objects';
import type { AccountState } from './store';

interface Expansion {
  /** The `object` of what the field expands to, for nested paths. */
  to: string;
  expand(obj: JsonObject, account: AccountState): unknown;
}

const EXPANSIONS: Record<string, Record<string, Expansion>> = {
  'checkout.session': {
    payment_intent: { to: 'payment_intent', expand: (o, a) => byId(o.payment_intent, (id) => a.paymentIntents.get(id), paymentIntentJson) },
    line_items: {
      to: 'list',
      expand: (o, a) => {
        const s = a.sessions.get(String(o.id));
        return s === undefined ? null : lineItemsJson(s);
      },
    },
  },
  payment_intent: {
    latest_charge: { to: 'charge', expand: (o, a) => byId(o.latest_charge, (id) => a.charges.get(id), chargeJson) },
  },
  refund: {
    charge: { to: 'charge', expand: (o, a) => byId(o.charge, (id) => a.charges.get(id), chargeJson) },
    payment_intent: { to: 'payment_intent', expand: (o, a) => byId(o.payment_intent, (id) => a.paymentIntents.get(id), paymentIntentJson) },
  },
};

function byId<R>(value: unknown, find: (id: string) => R | undefined, render: (r: R) => JsonObject): unknown {
  if (typeof value !== 'string') return value;
  const record = find(value);
  return record === undefined ? value : render(record);
}

/** Refuses unknown expansions up front, so a create call fails before it stores anything. */
export function checkExpand(objectType: string, paths: string[]): void {
  for (const [i, path] of paths.entries()) {
    let type = objectType;
    for (const field of path.split('.')) {
      const e = EXPANSIONS[type]?.[field];
      if (!e) throw paramError(`expand[${i}]`, `This property cannot be expanded (${path}).`);
      type = e.to;
    }
  }
}

export function applyExpand(obj: JsonObject, paths: string[], account: AccountState): JsonObject {
  checkExpand(String(obj.object), paths);
  const out: JsonObject = { ...obj };
  for (const path of paths) expandPath(out, path.split('.'), account);
  return out;
}

function expandPath(obj: JsonObject, [field, ...rest]: string[], account: AccountState): void {
  const e = EXPANSIONS[String(obj.object)]![field!]!;
  const current = obj[field!];
  const expanded = typeof current === 'object' && current !== null ? { ...(current as JsonObject) } : e.expand(obj, account);
  obj[field!] = expanded;
  if (rest.length > 0 && typeof expanded === 'object' && expanded !== null) expandPath(expanded as JsonObject, rest, account);
}
