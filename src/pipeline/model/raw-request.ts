/** RawRequest: what the transport hands the pipeline, free of Envoy's types. */

/** The listener a request arrived on; each role is its own Istio extension provider. */
export type Role = 'check' | 'verify' | 'inbound';

/** One HTTP request as Envoy saw it, before any interpretation. */
export interface RawRequest {
  readonly role: Role;
  /** Envoy's request id (`x-request-id`) or one writ made; correlates logs, never trusted for security. */
  readonly requestId: string;
  readonly method: string;
  readonly scheme: string;
  /** The `:authority` (host[:port]) exactly as sent, lower-cased. */
  readonly authority: string;
  /** The raw path including the query string, exactly as sent (not normalized: the token binds it). */
  readonly path: string;
  /** Header names lower-cased; a repeated header is joined by Envoy with ",". */
  readonly headers: Readonly<Record<string, string>>;
  /** The exact body bytes (from `raw_body`, else UTF-8 of `body`). */
  readonly body: Uint8Array;
  /** Envoy sent only part of the body (`x-envoy-auth-partial-body: true`); it cannot be bound. */
  readonly bodyPartial: boolean;
  /** The peer's mTLS identity (`attributes.source.principal`): a SPIFFE URI under Istio, else empty. */
  readonly sourcePrincipal: string;
  readonly sourceAddress: string;
  readonly destinationPrincipal: string;
  /** When writ received the request, in ms since the epoch (from the injected clock). */
  readonly receivedAtMs: number;
}
