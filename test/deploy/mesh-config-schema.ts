/**
 * A strict JSON Schema for the parts of Istio's MeshConfig and IstioOperator spec that writ uses. The
 * IstioOperator CRD preserves unknown fields, so its model cannot catch a misspelling; field names here
 * follow istio/api mesh/v1alpha1/config.proto (ExtensionProvider, EnvoyExternalAuthorizationGrpcProvider,
 * EnvoyExternalAuthorizationRequestBody, OutboundTrafficPolicy), in their lowerCamel JSON form.
 */

const duration = { type: 'string', pattern: '^[0-9]+(\\.[0-9]{1,9})?s$' };

const requestBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    maxRequestBytes: { type: 'integer', minimum: 0, maximum: 4294967295 },
    allowPartialMessage: { type: 'boolean' },
    packAsBytes: { type: 'boolean' },
  },
};

// The gRPC provider has no header lists: those belong to envoyExtAuthzHttp only.
const grpcProvider = {
  type: 'object',
  additionalProperties: false,
  required: ['service', 'port'],
  properties: {
    service: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    timeout: duration,
    failOpen: { type: 'boolean' },
    statusOnError: { type: 'string', pattern: '^[1-5][0-9][0-9]$' },
    includeRequestBodyInCheck: requestBody,
  },
};

/** MeshConfig, restricted to the fields writ's install sets. */
export const meshConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    outboundTrafficPolicy: {
      type: 'object',
      additionalProperties: false,
      properties: { mode: { enum: ['REGISTRY_ONLY', 'ALLOW_ANY'] } },
    },
    accessLogFile: { type: 'string' },
    extensionProviders: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'envoyExtAuthzGrpc'],
        properties: { name: { type: 'string', minLength: 1 }, envoyExtAuthzGrpc: grpcProvider },
      },
    },
  },
};

/** IstioOperator spec (install.istio.io/v1alpha1), restricted to the fields writ's install sets. */
export const istioOperatorSpecSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    profile: { enum: ['default', 'demo', 'minimal', 'remote', 'empty', 'preview', 'ambient'] },
    meshConfig: meshConfigSchema,
    components: {
      type: 'object',
      additionalProperties: false,
      properties: {
        egressGateways: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            properties: {
              name: { type: 'string' },
              enabled: { type: 'boolean' },
              namespace: { type: 'string' },
            },
          },
        },
      },
    },
  },
};
