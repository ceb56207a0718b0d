/** Destructive datastore and platform-API operations: MongoDB shell calls, Redis commands, repository deletes. */
import type { Severity } from '../../model/finding.js';

/** A destructive operation's finding kind and severity. */
export type DestructiveHit = readonly [kind: string, severity: Severity];

// SECURITY: bounded whitespace only, each pattern anchored on a literal method name: linear in the text.
/** MongoDB calls that delete or overwrite every document: an empty filter, or a whole collection or database. */
const MONGO_ALL_DOCS = /\.(?:deleteMany|remove|updateMany|replaceMany)\(\s{0,8}\{\s{0,8}\}/;
const MONGO_DROP =
  /\.(?:dropDatabase|drop|dropCollection|dropIndexes)\(\s{0,8}["'a-zA-Z0-9_]{0,128}\s{0,8}\)/;

/** The MongoDB destruction a shell script or query text holds (`db.users.deleteMany({})`, `.drop()`). */
export function mongoDestruction(text: string): DestructiveHit | null {
  if (!text.includes('.')) return null;
  if (MONGO_DROP.test(text)) return ['datastore-drop', 'critical'];
  if (MONGO_ALL_DOCS.test(text)) return ['datastore-delete-all', 'critical'];
  return null;
}

/**
 * The Redis destruction a command's words hold (the command name first, any case): wiping every key,
 * rewriting the server's configuration (`CONFIG SET dir` is the classic file-write attack), shutting it down.
 */
export function redisDestruction(words: readonly string[]): DestructiveHit | null {
  const [cmd = '', sub = ''] = words.map((w) => w.toUpperCase());
  switch (cmd) {
    case 'FLUSHALL':
    case 'FLUSHDB':
      return ['datastore-flush', 'critical'];
    case 'CONFIG':
      return sub === 'SET' || sub === 'REWRITE' || sub === 'RESETSTAT'
        ? ['datastore-config-change', 'high']
        : null;
    case 'SHUTDOWN':
    case 'DEBUG':
      return ['datastore-shutdown', 'high'];
    case 'SCRIPT':
    case 'FUNCTION':
      return sub === 'FLUSH' ? ['datastore-flush', 'medium'] : null;
    case 'DEL':
    case 'UNLINK':
      return ['datastore-delete-keys', words.some((w) => w.includes('*')) ? 'high' : 'low'];
    default:
      return null;
  }
}

/** `/repos/<owner>/<repo>` exactly: the repository itself. */
const GITHUB_REPO = /^\/repos\/[^/]{1,100}\/[^/]{1,100}\/?$/;
/** `/api/v4/projects/<id or path>` exactly, and GitLab groups. */
const GITLAB_PROJECT = /^\/api\/v4\/(?:projects|groups)\/[^/]{1,255}\/?$/;

/**
 * A DELETE on a code host's API that removes a repository, project, group, branch or release: the call
 * deletes history that may exist nowhere else. Judged by path on any host: GitHub's
 * `/repos/...` (GitHub Enterprise under `/api/v3`), GitLab's `/api/v4/projects/...`.
 */
export function repositoryApiDelete(method: string, path: string): DestructiveHit | null {
  if (method.toUpperCase() !== 'DELETE') return null;
  const p = path.replace(/^\/api\/v3(?=\/repos\/)/, '');
  if (GITHUB_REPO.test(p) || GITLAB_PROJECT.test(p)) return ['repository-delete', 'critical'];
  if (/^\/repos\/[^/]{1,100}\/[^/]{1,100}\/(?:git\/refs\/heads|branches)\//.test(p))
    return ['repository-branch-delete', 'high'];
  if (/^\/api\/v4\/projects\/[^/]{1,255}\/repository\/branches\//.test(p))
    return ['repository-branch-delete', 'high'];
  if (/^\/repos\/[^/]{1,100}\/[^/]{1,100}\/(?:releases|hooks|keys|environments|actions\/secrets)\//.test(p))
    return ['repository-settings-delete', 'medium'];
  return null;
}
