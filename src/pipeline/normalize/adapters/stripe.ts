/**
 * Stripe payments family: `api.stripe.com` requests matched against the generated table of every request the
 * `stripe` SDK makes (`charges.create`, `refunds.create`, `payouts.create`...). Calls that move money are `pay`,
 * with the amount read from the form (or JSON) body in the currency's minor unit and reported in its major
 * unit (`action.amount` 12.5 for 1250 EUR cents; `action.currency` upper-case). A live secret key marks the
 * call as production.
 */
import type { OperationClass } from '../../model/action.js';
import { isJsonObject, type JsonValue } from '../../model/json.js';
import type { ApiFamily, ApiRequest } from '../api/api-family.js';
import { unknownOperation, type ApiReading } from '../api/api-reading.js';
import { classifyOperationName } from '../api/operation-verbs.js';
import { compileRoutes, type Route } from '../api/route-table.js';
import { STRIPE_OPERATIONS } from './generated/stripe-routes.js';

/** Resources whose creation moves money (a charge, a payout, a transfer, a refund, an outbound payment). */
const MONEY_RESOURCES: ReadonlySet<string> = new Set([
  'charges',
  'payment_intents',
  'refunds',
  'payouts',
  'transfers',
  'topups',
  'treasury.outbound_payments',
  'treasury.outbound_transfers',
  'treasury.received_credits',
  'v2.money_management.outbound_payments',
  'v2.money_management.outbound_transfers',
]);

/** SDK methods that move money on whatever resource they are (capture a charge, pay an invoice, refund). */
const MONEY_METHODS: ReadonlySet<string> = new Set([
  'capture',
  'confirm',
  'pay',
  'refund',
  'refundPayment',
  'createRefund',
  'createReversal',
  'incrementAuthorization',
  'fundCashBalance',
  'confirmPaymentIntent',
  'processPaymentIntent',
  'reverse',
  'attachPayment',
]);

/** Resources that grant access to the account or receive its data: writing them is administration. */
const ACCESS_RESOURCES: ReadonlySet<string> = new Set([
  'accounts',
  'account_links',
  'account_sessions',
  'oauth',
  'ephemeral_keys',
  'webhook_endpoints',
  'apps.secrets',
  'v2.core.accounts',
  'v2.core.account_links',
  'v2.core.event_destinations',
]);

/** The class of one SDK operation (`charges.create`), by its method, resource and SDK method name. */
export function stripeOperationClass(method: string, operationId: string): OperationClass {
  const dot = operationId.lastIndexOf('.');
  const resource = operationId.slice(0, dot);
  const sdkMethod = operationId.slice(dot + 1);
  if (method === 'GET' || method === 'HEAD') return 'read';
  if (method === 'DELETE') return 'delete';
  if (MONEY_METHODS.has(sdkMethod)) return 'pay';
  if (sdkMethod === 'create' && MONEY_RESOURCES.has(resource)) return 'pay';
  if (ACCESS_RESOURCES.has(resource)) return 'admin';
  if (sdkMethod.startsWith('delete') || sdkMethod === 'del') return 'delete';
  // Stripe's POST is create/update/an action: its SDK name's verb says which (cancel, void, close...).
  const byVerb = classifyOperationName(sdkMethod);
  if (byVerb === 'read') return 'write';
  return byVerb ?? 'write';
}

const ROUTES: readonly Route[] = STRIPE_OPERATIONS.map(([method, path, id]) => ({
  method,
  path,
  id,
  operation: stripeOperationClass(method, id),
  kind: id.slice(0, id.lastIndexOf('.')),
}));

const TABLE = compileRoutes(ROUTES);

/** Currencies without minor units, and those with three (Stripe's own lists). */
const ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/** The major-unit value of an amount in a currency's minor unit (1250 EUR cents -> 12.5). */
export function majorUnits(minor: number, currency: string | null): number {
  if (currency !== null && ZERO_DECIMAL.has(currency)) return minor;
  if (currency !== null && THREE_DECIMAL.has(currency)) return minor / 1000;
  return minor / 100;
}

function values(v: JsonValue | undefined): JsonValue[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/**
 * The amount (minor units) and currency a body names. SECURITY: a repeated field is read at its largest
 * (the server may take any one), a value that is not a whole number is no amount, and two currencies are no
 * currency: policy then sees a payment whose amount it cannot read (the default pack holds it for approval).
 */
export function paymentOf(body: JsonValue): { amount: number | null; currency: string | null } {
  if (!isJsonObject(body)) return { amount: null, currency: null };
  let amount: number | null = null;
  let unreadable = false;
  for (const v of values(body['amount'])) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < 0) unreadable = true;
    else amount = amount === null ? n : Math.max(amount, n);
  }
  const currencies = new Set(
    values(body['currency']).map((c) => (typeof c === 'string' ? c.trim().toUpperCase() : '')),
  );
  const only = currencies.size === 1 ? [...currencies][0]! : null;
  const currency = only !== null && /^[A-Z]{3}$/.test(only) ? only : null;
  return { amount: unreadable ? null : amount, currency };
}

/** `sk_live_...`/`rk_live_...` keys act on live money; `_test_` keys on the sandbox. */
function environmentOf(request: ApiRequest): string | null {
  const auth = request.raw?.headers['authorization'] ?? '';
  if (/\b[sr]k_live_/.test(auth)) return 'production';
  if (/\b[sr]k_test_/.test(auth)) return 'test';
  return null;
}

function readRequest(request: ApiRequest): ApiReading {
  const m = TABLE.match(request.method, request.pathname);
  if (m === null) return unknownOperation(request.method, stripeFamily.mostDangerous);
  const { route, params } = m;
  const id = params['id'] ?? params['charge'] ?? params['intent'] ?? null;
  const account = request.raw?.headers['stripe-account'] ?? null;
  const reading: ApiReading = {
    operation: route.operation,
    apiOperation: route.id,
    resource: { kind: route.kind, id, owner: account, environment: environmentOf(request) },
  };
  if (route.operation !== 'pay') return reading;
  const { amount, currency } = paymentOf(request.body);
  return {
    ...reading,
    ...(amount === null ? {} : { amount: majorUnits(amount, currency) }),
    ...(currency === null ? {} : { currency }),
  };
}

/** The Stripe family. An operation the SDK does not make is read as a payment (or a delete, for DELETE). */
export const stripeFamily: ApiFamily = {
  id: 'stripe',
  hosts: ['api.stripe.com', 'files.stripe.com'],
  mostDangerous: 'pay',
  readRequest,
};
