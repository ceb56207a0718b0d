/** Which requests a family reads: the one test the registry and tool calls carrying a request both ask. */
import { hostMatches } from '../host-pattern.js';
import type { ApiFamily, ApiRequest } from './api-family.js';
import type { ApiHostLists } from './api-hosts.js';

/** The hosts a family claims: its policy list when it has one, else its own fixed hosts. */
export function familyHosts(family: ApiFamily, lists: ApiHostLists): readonly string[] {
  return family.hostList === undefined ? family.hosts : lists[family.hostList];
}

/** True when the family reads the request: a host it claims, and its own narrower test if it has one. */
export function familyClaims(family: ApiFamily, request: ApiRequest, lists: ApiHostLists): boolean {
  return hostMatches(request.host, familyHosts(family, lists)) && (family.claims?.(request) ?? true);
}
