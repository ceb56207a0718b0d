/**
 * The admin HTTP port: liveness, readiness, the key set verifiers trust (JWKS), Prometheus metrics,
 * and (when configured) the approval API (`/api/*`, and the operator routes under `/v1/`) and console.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { ed25519Thumbprint } from '../keys/local-key.js';
import { CONSOLE_HEADERS, CONSOLE_HTML } from './console-page.js';
import type { MetricsRegistry } from './metrics.js';

export interface AdminOptions {
  readonly host: string;
  readonly port: number;
  readonly publicKeys: () => readonly KeyObject[];
  /** The full key set to publish (current, next, retired, root, certifications); overrides publicKeys. */
  readonly jwks?: () => object;
  readonly ready: () => boolean;
  /** Conditions that leave writ serving but with a dead end (e.g. approvals nobody can give), on /readyz. */
  readonly warnings?: () => readonly string[];
  /** Why writ serves no decisions now (a state store that cannot keep state), or null; /readyz says so. */
  readonly degraded?: () => string | null;
  /** Served on `/metrics` in the Prometheus text format. */
  readonly metrics?: MetricsRegistry;
  /** Handles `/api/*` and `/v1/*` (the approval API); without it those and `/console` are 404. */
  readonly api?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
}

/** The JWKS document for the token-signing keys (RFC 7517), each with its RFC 7638 thumbprint as kid. */
export function jwksDocument(keys: readonly KeyObject[]): { keys: object[] } {
  return {
    keys: keys.map((k) => {
      const jwk = k.export({ format: 'jwk' });
      return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: ed25519Thumbprint(k), alg: 'EdDSA', use: 'sig' };
    }),
  };
}

/** Starts the admin server; resolves with the bound port. */
export function startAdminServer(opts: AdminOptions): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://admin');
    if (opts.api !== undefined && (url.pathname.startsWith('/api/') || url.pathname.startsWith('/v1/'))) {
      opts.api(req, res, url).catch(() => {
        if (!res.headersSent) send(500, { error: 'internal error' });
      });
      return;
    }
    if (req.method !== 'GET') return send(405, { error: 'method not allowed' });
    if (url.pathname === '/console' && opts.api !== undefined) {
      res.writeHead(200, CONSOLE_HEADERS);
      return res.end(CONSOLE_HTML);
    }
    if (url.pathname === '/metrics' && opts.metrics !== undefined) {
      const metrics = opts.metrics;
      metrics.render().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
          res.end(text);
        },
        () => send(500, { error: 'metrics unavailable' }),
      );
      return;
    }
    switch (url.pathname) {
      case '/healthz':
        return send(200, { status: 'ok' });
      case '/readyz': {
        // A store that cannot keep state fails readiness, and says why.
        const why = opts.degraded?.() ?? null;
        if (why !== null)
          return send(503, { status: 'not ready', reason: why, warnings: opts.warnings?.() ?? [] });
        // Warnings do not fail readiness: writ denies what it cannot resolve, and an operator must see why.
        return opts.ready()
          ? send(200, { status: 'ready', warnings: opts.warnings?.() ?? [] })
          : send(503, { status: 'not ready', warnings: opts.warnings?.() ?? [] });
      }
      case '/.well-known/jwks.json':
        return send(200, opts.jwks?.() ?? jwksDocument(opts.publicKeys()));
      default:
        return send(404, { error: 'not found' });
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address !== null ? address.port : opts.port });
    });
  });
}
