/**
 * The Stripe family against its specification's own words (every request of the stripe SDK, generated):
 * GET reads and DELETE deletes for every operation, money-moving operations are payments, and POSTs whose
 * SDK method name says nothing writ knows are counted and listed.
 */
import { describe, expect, it } from 'vitest';
import {
  STRIPE_OPERATIONS,
  STRIPE_SOURCE,
} from '../../src/pipeline/normalize/adapters/generated/stripe-routes.js';
import { majorUnits, paymentOf, stripeOperationClass } from '../../src/pipeline/normalize/adapters/stripe.js';
import { classifyOperationName } from '../../src/pipeline/normalize/api/operation-verbs.js';

describe(`stripe table (${STRIPE_SOURCE})`, () => {
  it('classifies every operation and agrees with its HTTP method', () => {
    const byVerbOnly: string[] = [];
    for (const [method, , id] of STRIPE_OPERATIONS) {
      const cls = stripeOperationClass(method, id);
      if (method === 'GET') expect(cls, id).toBe('read');
      if (method === 'DELETE') expect(cls, id).toBe('delete');
      if (method === 'POST') expect(cls, id).not.toBe('read');
      const sdkMethod = id.slice(id.lastIndexOf('.') + 1);
      // Counted as unclassified: a POST whose class falls back to write because no rule and no verb says.
      if (method === 'POST' && cls === 'write' && classifyOperationName(sdkMethod) === null)
        byVerbOnly.push(id);
    }
    console.log(
      `${STRIPE_SOURCE}: ${STRIPE_OPERATIONS.length} operations, ${STRIPE_OPERATIONS.length - byVerbOnly.length} classified by a rule, ${byVerbOnly.length} by the POST fallback (write):`,
      byVerbOnly.join(' '),
    );
    expect(STRIPE_OPERATIONS.length).toBeGreaterThan(600);
    expect(byVerbOnly).toEqual(['v2.test_helpers.money_management.recipientVerifications']);
  });

  it('reads the operations that move money as payments', () => {
    const ids = new Set(STRIPE_OPERATIONS.map(([m, , id]) => `${m} ${id}`));
    for (const id of [
      'charges.create',
      'payment_intents.create',
      'payment_intents.confirm',
      'payment_intents.capture',
      'refunds.create',
      'payouts.create',
      'transfers.create',
      'invoices.pay',
    ]) {
      expect(ids.has(`POST ${id}`), id).toBe(true);
      expect(stripeOperationClass('POST', id), id).toBe('pay');
    }
  });

  it('reports amounts in the major unit of their currency', () => {
    expect(majorUnits(1250, 'EUR')).toBe(12.5);
    expect(majorUnits(500, 'JPY')).toBe(500);
    expect(majorUnits(1500, 'KWD')).toBe(1.5);
    expect(paymentOf({ amount: ['10', '900'], currency: 'usd' })).toEqual({ amount: 900, currency: 'USD' });
    expect(paymentOf({ amount: '12.5', currency: 'usd' })).toEqual({ amount: null, currency: 'USD' });
    expect(paymentOf({ amount: '100', currency: ['usd', 'eur'] })).toEqual({ amount: 100, currency: null });
    expect(paymentOf({ amount: '-5' })).toEqual({ amount: null, currency: null });
  });
});
