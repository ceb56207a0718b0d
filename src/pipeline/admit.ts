/** Admission: requests writ cannot govern (partial or oversized bodies) are refused before parsing. */
import { WritError } from './errors.js';
import type { RawRequest } from './model/raw-request.js';

/** Throws WritError when the request cannot be bound or inspected as a whole. */
export function admitRequest(raw: RawRequest, maxBodyBytes: number): void {
  // SECURITY: a token over part of a body would authorize bytes writ never saw.
  if (raw.bodyPartial)
    throw new WritError('ERR_PARTIAL_BODY', 'envoy sent a partial body (x-envoy-auth-partial-body: true)');
  if (raw.body.length > maxBodyBytes) {
    throw new WritError(
      'ERR_BODY_TOO_LARGE',
      `body of ${raw.body.length} bytes exceeds the ${maxBodyBytes}-byte limit`,
    );
  }
}
