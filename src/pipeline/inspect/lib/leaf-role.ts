/** Leaf roles: which strings are SQL, shell, file paths or URLs, judged from their key, the tool and the text. */
import type { Action } from '../../model/action.js';
import type { StringLeaf } from '../inspector.js';

const SQL_KEYS = new Set([
  'query',
  'sql',
  'statement',
  'stmt',
  'sql_query',
  'sqlquery',
  'querystring',
  'raw_sql',
  'rawsql',
]);
const SHELL_KEYS = new Set([
  'command',
  'cmd',
  'script',
  'shell',
  'commandline',
  'command_line',
  'bash',
  'sh',
  'exec',
  'run',
]);
const PATH_KEYS =
  /^(?:path|paths|file|files|filename|file_name|filepath|file_path|dir|directory|folder|src|source|dest|destination|target|include|template|page|doc|document|location|root|cwd|workdir|working_directory|uri|url|resource|object|attachment|upload|download|output|input|config|module|lang|view|layout|image|img|load)$/;
const URL_KEYS =
  /^(?:url|uri|href|src|link|endpoint|webhook|webhook_url|callback|callback_url|redirect|redirect_uri|redirect_url|return_url|returnurl|next|target|host|hostname|domain|server|base_url|baseurl|api_url|proxy|origin|referer|location|dest|destination|remote|upstream|feed|image_url|imageurl)$/;

/** Tools that run their arguments through a shell or interpreter. */
const SHELL_TOOL =
  /(?:^|[._/\s-])(?:shell|bash|sh|zsh|exec|execute|terminal|run_command|run_shell|command|cmd|powershell|subprocess|ssh)(?:$|[._/\s-])/i;
const SQL_TOOL =
  /(?:^|[._/\s-])(?:sql|db|database|query|postgres|postgresql|mysql|sqlite|bigquery|snowflake|redshift|warehouse)(?:$|[._/\s-])/i;

const SQL_START =
  /^\s*(?:\(\s*)?(?:select|insert|update|delete|drop|truncate|alter|grant|revoke|create|with|merge|replace|upsert|rename|comment|vacuum|exec|execute|call|set|use|show|describe|explain|pragma)\b/i;

/** A word a statement needs besides its verb (regex kept as a constant: a literal allocates per call). */
const STATEMENT_WORD = /\b(?:from|into|table|set|where|database|schema|index|view|on)\b/i;

/** True when the leaf holds an SQL statement: an SQL-ish key, or text that begins like a statement. */
export function isSqlLeaf(leaf: StringLeaf, action: Action): boolean {
  if (SQL_KEYS.has(leaf.key)) return true;
  if (SQL_TOOL.test(action.action.tool) && leaf.source === 'arguments' && SQL_START.test(leaf.value))
    return true;
  return SQL_START.test(leaf.value) && STATEMENT_WORD.test(leaf.value);
}

const DATA_KEY = /(?:id|ids|uuid|guid)$|^(?:number|num|count|page|limit|offset|quantity|amount)$/;

/**
 * True when the key names an identifier or a number (`customer_id`, `orderId`, `uuid`, `page`): its value is
 * data a query is built around, so SQL text there is an injected value, not a query the agent wrote.
 */
export function isDataKey(key: string): boolean {
  return DATA_KEY.test(key);
}

const HOST_KEY =
  /^(?:host|hosts|hostname|hostnames|ip|ips|ipaddr|ip_address|ipaddress|fqdn|domain|server)$|_(?:host|hostname|ip)$/;

/**
 * True when the key names a network host (`host`, `hostname`, `ip`, `domain`, `target_host`): its value has a
 * fixed alphabet (RFC 1123 names, IP literals, a port), so shell syntax in it is never part of the address.
 */
export function isHostKey(key: string): boolean {
  return HOST_KEY.test(key);
}

/** True when the tool itself runs commands (so its string arguments reach a shell). */
export function isShellTool(action: Action): boolean {
  return SHELL_TOOL.test(action.action.tool);
}

/** True when the leaf is a command line: a shell-ish key, or any argument of a shell-like tool. */
export function isShellLeaf(leaf: StringLeaf, action: Action): boolean {
  if (leaf.path.endsWith('#key')) return false;
  if (SHELL_KEYS.has(leaf.key)) return true;
  return (
    leaf.source === 'arguments' &&
    isShellTool(action) &&
    (leaf.key === '' || leaf.key === 'args' || leaf.key === 'argv')
  );
}

/** True when the key names a file, directory or resource location. */
export function isPathKey(key: string): boolean {
  return PATH_KEYS.test(key) || key.endsWith('_path') || key.endsWith('path') || key.endsWith('_file');
}

/** True when the key names a URL, host or other network destination. */
export function isUrlKey(key: string): boolean {
  return urlKey(key) || urlKey(singular(key));
}

function urlKey(key: string): boolean {
  return URL_KEYS.test(key) || key.endsWith('_url') || key.endsWith('url') || key.endsWith('_uri');
}

/** A plural key names a list of the singular thing: the items of `urls` or `webhooks` are URLs. */
export function singular(key: string): string {
  return key.length > 3 && key.endsWith('s') ? key.slice(0, -1) : key;
}

/** The description of a tool in a tool list, or of one of its parameters in its input schema. */
const TOOL_DESCRIPTION = /\.tools\[\d{1,6}\]\.(?:description|inputSchema\.[^\n]{0,2000}\.description)$/;

/**
 * True for a tool's own description in a tool list (`tools[2].description`, `tools[0].inputSchema.properties
 * .q.description`): text written for the model by design ("use this tool when ..."), judged by tool-poisoning,
 * not read as third-party content that sets its reader a task.
 */
export function isToolDescriptionLeaf(leaf: StringLeaf): boolean {
  return leaf.key === 'description' && TOOL_DESCRIPTION.test(leaf.path);
}

/** True for leaves that hold a key name rather than a value. */
export function isKeyLeaf(leaf: StringLeaf): boolean {
  return leaf.path.endsWith('#key');
}
