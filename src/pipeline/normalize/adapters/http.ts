/** Generic HTTP adapter: any request no specific adapter claimed; the tool is `<METHOD> <host>`. */
import type { Adapter } from '../adapter.js';
import { resourceHintsFromArguments } from '../argument-hints.js';
import { classifyHttpMethod } from '../operation-class.js';

/** The fallback adapter; it matches everything, so the registry lists it last. */
export const httpAdapter: Adapter = {
  id: 'http',
  matches: () => true,
  normalize(request) {
    return {
      action: {
        adapter: 'http',
        tool: `${request.method} ${request.host}`,
        operation: classifyHttpMethod(request.method),
        httpMethod: request.method,
        mcpMethod: null,
        arguments: request.body,
      },
      resource: request.bodyIsJson ? resourceHintsFromArguments(request.body) : {},
    };
  },
};
