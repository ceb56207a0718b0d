/** Folds a typed reading into the action part and resource facts every adapter returns. */
import type { ActionPart } from '../../model/action.js';
import type { ResourceHints } from '../adapter.js';
import type { ApiReading } from './api-reading.js';

/** The action part with the reading's operation, API operation id and payment; other fields as given. */
export function typedActionPart(base: Omit<ActionPart, 'operation'>, reading: ApiReading): ActionPart {
  return {
    ...base,
    operation: reading.operation,
    ...(reading.apiOperation === null ? {} : { apiOperation: reading.apiOperation }),
    ...(reading.amount === undefined ? {} : { amount: reading.amount }),
    ...(reading.currency === undefined ? {} : { currency: reading.currency }),
  };
}

/**
 * Resource facts from the arguments, overridden by what the typed reading knows; recipients are the union of
 * both. SECURITY: a recipient either reader found counts, so `resource.external` can only be raised here.
 */
export function typedResourceHints(fromArguments: ResourceHints, reading: ApiReading): ResourceHints {
  const typed = reading.resource ?? {};
  const recipients = [...(fromArguments.recipients ?? []), ...(reading.recipients ?? [])];
  const merged: ResourceHints = { ...fromArguments, ...typed };
  return recipients.length === 0 ? merged : { ...merged, recipients: [...new Set(recipients)] };
}
