/**
 * Which hosts serve the APIs that are also run self-hosted (GitHub Enterprise Server, self-managed GitLab):
 * the policy set's `lists.github_hosts` and `lists.gitlab_hosts` name them, and a family that serves one of
 * these APIs (`ApiFamily.hostList`) claims exactly the listed hosts (family-claims.ts). An unlisted host is plain HTTP, whatever
 * its paths look like: a path alone must not make writ read a request as GitHub's or GitLab's.
 */

/** The APIs whose hosts are a policy list. */
export type ApiHostList = 'github' | 'gitlab';

/** The hosts of each self-hostable API (exact or `*.suffix`). */
export type ApiHostLists = Readonly<Record<ApiHostList, readonly string[]>>;

/** The policy list that names each API's hosts. */
export const API_HOST_LIST_NAMES: Readonly<Record<ApiHostList, string>> = {
  github: 'github_hosts',
  gitlab: 'gitlab_hosts',
};

/** The hosts when the policy set names none: the public services. */
export const DEFAULT_API_HOSTS: ApiHostLists = {
  github: ['api.github.com'],
  gitlab: ['gitlab.com'],
};

/** The policy set's lists, each falling back to its default when the set does not name it. */
export function apiHostListsFrom(lists: Readonly<Record<string, readonly string[]>>): ApiHostLists {
  return {
    github: lists[API_HOST_LIST_NAMES.github] ?? DEFAULT_API_HOSTS.github,
    gitlab: lists[API_HOST_LIST_NAMES.gitlab] ?? DEFAULT_API_HOSTS.gitlab,
  };
}
