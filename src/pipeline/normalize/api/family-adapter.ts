/** Turns an API family (api-family.ts) into a registry adapter: claimed by host (and the family's own test). */
import { riskierReading } from '../../model/operation-danger.js';
import type { Adapter } from '../adapter.js';
import { resourceHintsFromArguments } from '../argument-hints.js';
import type { ApiFamily, ApiRequest } from './api-family.js';
import { familyClaims } from './family-claims.js';
import type { ApiReading } from './api-reading.js';
import { typedActionPart, typedResourceHints } from './typed-result.js';

/**
 * The family's reading under the decided method, its class raised by the reading under every other method
 * the request carries (the wire method and each override): the upstream may honour any one of them.
 */
function readUnderEveryMethod(
  family: ApiFamily,
  request: ApiRequest,
  methods: readonly string[],
): ApiReading {
  const reading = family.readRequest(request);
  let operation = reading.operation;
  for (const method of methods) {
    if (method === request.method) continue;
    operation = riskierReading(operation, family.readRequest({ ...request, method }).operation);
  }
  return operation === reading.operation ? reading : { ...reading, operation };
}

/** The registry adapter of one API family; the tool stays `<METHOD> <host>` as for plain HTTP. */
export function familyAdapter(family: ApiFamily): Adapter {
  return {
    id: family.id,
    matches: (request) => familyClaims(family, request, request.apiHosts),
    normalize(request) {
      const reading = readUnderEveryMethod(family, request, request.methodReadings);
      const action = typedActionPart(
        {
          adapter: family.id,
          tool: `${request.method} ${request.host}`,
          httpMethod: request.method,
          mcpMethod: null,
          arguments: request.body,
        },
        reading,
      );
      const fromBody = request.bodyIsJson ? resourceHintsFromArguments(request.body) : {};
      return { action, resource: typedResourceHints(fromBody, reading) };
    },
  };
}
