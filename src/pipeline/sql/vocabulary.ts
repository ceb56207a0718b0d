/**
 * writ's one SQL vocabulary (PostgreSQL and MySQL/MariaDB): what each statement keyword and each function does,
 * and the calls an injection probes with. The statement reader (normalize) and the injection inspectors use it.
 */
import type { OperationClass } from '../model/action.js';

/** The class of each statement's first keyword, in either dialect; a keyword not listed is an unknown statement. */
export const STATEMENT_CLASSES: ReadonlyMap<string, OperationClass> = new Map<string, OperationClass>([
  // Reads, when nothing inside them writes (the reader checks every token and call of these).
  ['select', 'read'],
  ['with', 'read'],
  ['values', 'read'],
  ['table', 'read'],
  ['show', 'read'],
  ['explain', 'read'],
  ['describe', 'read'],
  ['desc', 'read'],
  // Transaction control: neutral, the statements between decide (see TRANSACTION_WORDS).
  ['begin', 'read'],
  ['start', 'read'],
  ['commit', 'read'],
  ['end', 'read'],
  ['rollback', 'read'],
  ['abort', 'read'],
  ['savepoint', 'read'],
  ['release', 'read'],
  // Data changes.
  ['insert', 'write'],
  ['update', 'write'],
  ['upsert', 'write'],
  ['merge', 'write'],
  ['replace', 'write'],
  ['create', 'write'],
  ['comment', 'write'],
  ['security', 'write'],
  ['refresh', 'write'],
  ['lock', 'write'],
  ['unlock', 'write'],
  ['handler', 'write'],
  ['xa', 'write'],
  ['import', 'write'],
  ['rename', 'write'],
  ['cluster', 'write'],
  ['reindex', 'write'],
  ['vacuum', 'write'],
  ['optimize', 'write'],
  ['repair', 'write'],
  ['checksum', 'write'],
  ['cache', 'write'],
  ['notify', 'send'],
  ['listen', 'write'],
  ['unlisten', 'write'],
  ['discard', 'write'],
  ['deallocate', 'write'],
  ['close', 'write'],
  ['declare', 'write'],
  ['fetch', 'write'],
  ['move', 'write'],
  ['help', 'read'],
  // Destruction.
  ['delete', 'delete'],
  ['drop', 'delete'],
  ['truncate', 'delete'],
  ['purge', 'delete'],
  // Code: dynamic SQL, anonymous blocks, procedures, file and program I/O.
  ['do', 'exec'],
  ['call', 'exec'],
  ['exec', 'exec'],
  ['execute', 'exec'],
  ['prepare', 'exec'],
  ['copy', 'exec'],
  ['load', 'exec'],
  ['install', 'exec'],
  ['uninstall', 'exec'],
  ['binlog', 'exec'],
  // Server, session, role and privilege changes.
  ['alter', 'admin'],
  ['grant', 'admin'],
  ['revoke', 'admin'],
  ['set', 'admin'],
  ['reset', 'admin'],
  ['kill', 'admin'],
  ['shutdown', 'admin'],
  ['flush', 'admin'],
  ['checkpoint', 'admin'],
  ['analyze', 'admin'],
  ['analyse', 'admin'],
  ['change', 'admin'],
  ['stop', 'admin'],
  ['backup', 'admin'],
  ['reassign', 'admin'],
  ['use', 'admin'],
  ['signal', 'admin'],
  ['resignal', 'admin'],
  ['get', 'admin'],
]);

/** Words that may follow a transaction-control keyword without making it something else. */
export const TRANSACTION_WORDS: ReadonlySet<string> = new Set([
  'work',
  'transaction',
  'isolation',
  'level',
  'read',
  'write',
  'only',
  'committed',
  'uncommitted',
  'repeatable',
  'serializable',
  'deferrable',
  'not',
  'with',
  'consistent',
  'snapshot',
  'and',
  'chain',
  'no',
  'release',
  'to',
  'savepoint',
]);

/**
 * Words that change data wherever they appear in a statement that starts as a read: a data-modifying CTE
 * (`WITH d AS (DELETE ...)`), `EXPLAIN ANALYZE DELETE`, `SELECT ... INTO`, row locks.
 */
export const WRITE_WORDS: ReadonlyMap<string, OperationClass> = new Map<string, OperationClass>([
  ['insert', 'write'],
  ['update', 'write'],
  ['upsert', 'write'],
  ['merge', 'write'],
  ['create', 'write'],
  ['lock', 'write'],
  ['into', 'write'],
  ['delete', 'delete'],
  ['drop', 'delete'],
  ['truncate', 'delete'],
  ['alter', 'admin'],
  ['grant', 'admin'],
  ['revoke', 'admin'],
  ['outfile', 'admin'],
  ['dumpfile', 'admin'],
  ['copy', 'exec'],
  ['call', 'exec'],
  ['execute', 'exec'],
]);

/** Functions with an effect beyond reading: remote SQL, signals, files, session state, sequences, locks. */
export const SIDE_EFFECT_FUNCTIONS: ReadonlyMap<string, OperationClass> = new Map<string, OperationClass>([
  // Remote SQL and code.
  ['dblink', 'exec'],
  ['dblink_exec', 'exec'],
  ['dblink_open', 'exec'],
  ['dblink_send_query', 'exec'],
  ['dblink_connect', 'exec'],
  ['dblink_connect_u', 'exec'],
  ['sys_exec', 'exec'],
  ['sys_eval', 'exec'],
  ['xp_cmdshell', 'exec'],
  ['query_to_xml', 'exec'],
  ['query_to_xml_and_xmlschema', 'exec'],
  ['cursor_to_xml', 'exec'],
  ['pg_background_launch', 'exec'],
  // Other sessions and the server.
  ['pg_terminate_backend', 'admin'],
  ['pg_cancel_backend', 'admin'],
  ['pg_reload_conf', 'admin'],
  ['pg_rotate_logfile', 'admin'],
  ['pg_switch_wal', 'admin'],
  ['pg_switch_xlog', 'admin'],
  ['pg_create_restore_point', 'admin'],
  ['pg_promote', 'admin'],
  ['pg_backup_start', 'admin'],
  ['pg_backup_stop', 'admin'],
  ['pg_start_backup', 'admin'],
  ['pg_stop_backup', 'admin'],
  ['pg_create_physical_replication_slot', 'admin'],
  ['pg_create_logical_replication_slot', 'admin'],
  ['pg_drop_replication_slot', 'admin'],
  ['pg_replication_origin_create', 'admin'],
  ['pg_stat_reset', 'admin'],
  ['pg_stat_reset_shared', 'admin'],
  ['pg_wal_replay_pause', 'admin'],
  ['pg_wal_replay_resume', 'admin'],
  ['pg_log_backend_memory_contexts', 'admin'],
  ['set_config', 'admin'],
  // Server files.
  ['pg_read_file', 'admin'],
  ['pg_read_binary_file', 'admin'],
  ['pg_ls_dir', 'admin'],
  ['pg_ls_logdir', 'admin'],
  ['pg_ls_waldir', 'admin'],
  ['pg_ls_tmpdir', 'admin'],
  ['pg_ls_archive_statusdir', 'admin'],
  ['pg_stat_file', 'admin'],
  ['pg_file_write', 'admin'],
  ['pg_file_rename', 'admin'],
  ['pg_file_unlink', 'admin'],
  ['pg_write_file', 'admin'],
  ['lo_import', 'admin'],
  ['lo_export', 'admin'],
  ['load_file', 'admin'],
  // Large objects, sequences, transaction ids: writes.
  ['lo_create', 'write'],
  ['lo_creat', 'write'],
  ['lo_from_bytea', 'write'],
  ['lo_put', 'write'],
  ['lo_unlink', 'delete'],
  ['lo_truncate', 'write'],
  ['lo_truncate64', 'write'],
  ['lowrite', 'write'],
  ['lo_open', 'write'],
  ['nextval', 'write'],
  ['setval', 'write'],
  ['txid_current', 'write'],
  ['pg_current_xact_id', 'write'],
  ['pg_notify', 'send'],
  // Locks held past the statement.
  ['pg_advisory_lock', 'write'],
  ['pg_advisory_lock_shared', 'write'],
  ['pg_try_advisory_lock', 'write'],
  ['pg_try_advisory_lock_shared', 'write'],
  ['pg_advisory_xact_lock', 'write'],
  ['pg_advisory_xact_lock_shared', 'write'],
  ['pg_try_advisory_xact_lock', 'write'],
  ['pg_try_advisory_xact_lock_shared', 'write'],
  ['pg_advisory_unlock', 'write'],
  ['pg_advisory_unlock_all', 'write'],
  ['get_lock', 'write'],
  ['release_lock', 'write'],
  ['release_all_locks', 'write'],
  ['master_pos_wait', 'write'],
  ['master_gtid_wait', 'write'],
  // Function-shaped statements of the reader's own: `EXPLAIN (ANALYZE) ...` is handled by its words.
]);

/**
 * Built-in functions known to only read (PostgreSQL and MySQL/MariaDB): aggregates, text, numbers, dates,
 * JSON, arrays, conversions, and type names that take a modifier (`numeric(10,2)`). A call to a function not
 * here and not in SIDE_EFFECT_FUNCTIONS may be user code that writes: the statement is not a read.
 */
export const READ_FUNCTIONS: ReadonlySet<string> = new Set(
  `count sum avg min max every bool_and bool_or bit_and bit_or bit_xor array_agg string_agg group_concat json_agg
  jsonb_agg json_object_agg jsonb_object_agg json_arrayagg json_objectagg xmlagg stddev stddev_pop stddev_samp
  variance var_pop var_samp std corr covar_pop covar_samp regr_slope regr_intercept regr_count regr_r2
  percentile_cont percentile_disc mode rank dense_rank percent_rank cume_dist row_number ntile lag lead
  first_value last_value nth_value grouping
  abs ceil ceiling floor round trunc truncate mod power pow sqrt cbrt exp ln log log10 log2 sign pi degrees
  radians sin cos tan asin acos atan atan2 cot rand random greatest least div width_bucket gcd lcm factorial
  conv bin oct hex unhex crc32 scale
  length char_length character_length octet_length bit_length lower upper lcase ucase initcap concat concat_ws
  substring substr mid left right ltrim rtrim trim btrim lpad rpad replace reverse repeat space strpos position
  locate instr split_part format to_char to_number to_date to_timestamp translate ascii chr char ord md5 sha1
  sha2 sha224 sha256 sha384 sha512 encode decode quote_ident quote_literal quote_nullable regexp_replace
  regexp_match regexp_matches regexp_split_to_array regexp_split_to_table regexp_substr regexp_instr
  regexp_like regexp_count starts_with string_to_array array_to_string field find_in_set elt make_set export_set
  insert soundex difference levenshtein strcmp char_length nchar unistr normalize casefold format_type
  coalesce nullif ifnull isnull nvl nvl2 if iif case cast convert try_cast
  now current_date current_time current_timestamp localtime localtimestamp clock_timestamp statement_timestamp
  transaction_timestamp timeofday date_trunc date_part date_bin extract age make_date make_time make_timestamp
  make_timestamptz make_interval justify_days justify_hours justify_interval isfinite to_days from_days
  date_add date_sub adddate subdate addtime subtime datediff timediff timestampdiff timestampadd date_format
  time_format str_to_date from_unixtime unix_timestamp curdate curtime sysdate utc_date utc_time utc_timestamp
  year month day dayofmonth dayofweek dayofyear weekday week weekofyear yearweek quarter hour minute second
  microsecond last_day makedate maketime monthname dayname period_add period_diff sec_to_time time_to_sec
  convert_tz get_format date time timestamp interval
  json_build_object jsonb_build_object json_build_array jsonb_build_array json_object json_array to_json
  to_jsonb row_to_json array_to_json json_extract json_extract_path json_extract_path_text jsonb_extract_path
  jsonb_extract_path_text json_unquote json_quote json_contains json_contains_path json_keys json_length
  json_type json_valid json_value json_query json_search json_depth json_pretty json_each jsonb_each
  json_each_text jsonb_each_text json_array_elements jsonb_array_elements json_array_elements_text
  jsonb_array_elements_text json_array_length jsonb_array_length json_typeof jsonb_typeof jsonb_pretty
  jsonb_set jsonb_insert jsonb_strip_nulls jsonb_path_query jsonb_path_exists json_table json_set json_insert
  json_replace json_remove json_merge json_merge_patch json_merge_preserve json_array_append json_array_insert
  json_overlaps json_exists json_scalar json_serialize jsonb_object_keys json_object_keys
  array_length array_lower array_upper array_dims array_ndims cardinality array_append array_prepend array_cat
  array_position array_positions array_remove array_replace unnest generate_series generate_subscripts
  array row
  version current_user session_user user system_user current_role current_database current_catalog
  current_schema current_schemas database schema connection_id last_insert_id found_rows row_count
  pg_backend_pid inet_client_addr inet_server_addr pg_postmaster_start_time pg_typeof pg_column_size
  pg_database_size pg_relation_size pg_table_size pg_indexes_size pg_total_relation_size pg_size_pretty
  pg_get_viewdef pg_get_indexdef pg_get_constraintdef pg_get_functiondef pg_get_expr pg_get_userbyid
  pg_table_is_visible has_table_privilege has_schema_privilege has_database_privilege has_column_privilege
  has_function_privilege obj_description col_description to_regclass to_regtype txid_current_if_assigned
  current_setting pg_is_in_recovery
  gen_random_uuid uuid uuid_short uuid_generate_v4 md5 crc32 inet_aton inet_ntoa inet6_aton inet6_ntoa
  host hostmask netmask network masklen family broadcast abbrev
  st_astext st_geomfromtext st_x st_y st_distance st_contains st_within point
  to_tsvector to_tsquery plainto_tsquery phraseto_tsquery websearch_to_tsquery ts_rank ts_rank_cd ts_headline
  setweight similarity
  varchar character char varying nvarchar numeric decimal dec float double real int integer smallint bigint
  tinyint mediumint bit varbit timestamptz timetz binary varbinary signed unsigned bool boolean text bytea
  bernoulli system`
    .split(/\s+/)
    .filter((w) => w !== ''),
);

/** Syntax words a `(` may follow without making a call: `IN (`, `EXISTS (`, `OVER (`, `AS (`... */
export const SYNTAX_BEFORE_PAREN: ReadonlySet<string> = new Set(
  `in exists any some all as values from join where and or not on using select union intersect except lateral
  having by when then else is like ilike between limit offset over filter within group distinct sets cube
  rollup partition materialized returning recursive window range rows groups escape similar to with table
  set xor div asc desc nulls first last only case end null true false at zone for of key unique primary
  check references default collate explain analyze analyse verbose format show describe array row`
    .split(/\s+/)
    .filter((w) => w !== ''),
);

// --- Injection vocabulary: the calls a SQL injection makes (sql-injection and its parse-change reading). ---

/** Calls that make the server wait: time-based blind injection. */
export const TIME_FUNCTIONS: ReadonlySet<string> = new Set([
  'sleep',
  'benchmark',
  'pg_sleep',
  'pg_sleep_for',
  'randomblob',
  'dbms_lock.sleep',
  'dbms_pipe.receive_message',
  'sys.dbms_pipe.receive_message',
]);

/** Calls and variables that report who and where the database server is, not what a table holds. */
export const SERVER_IDENTITY_FUNCTIONS: ReadonlySet<string> = new Set([
  'version',
  'user',
  'current_user',
  'system_user',
  'session_user',
  'database',
  'schema',
  'db_name',
  'user_name',
  'suser_name',
  'host_name',
  'sqlite_version',
  'current_database',
  'current_schema',
  'current_setting',
]);

/** Calls an injection makes to learn about the server or to smuggle data out in an error. */
export const PROBE_FUNCTIONS: ReadonlySet<string> = new Set([
  ...SERVER_IDENTITY_FUNCTIONS,
  'concat',
  'concat_ws',
  'group_concat',
  'char',
  'chr',
  'nchar',
  'ascii',
  'ord',
  'substring',
  'substr',
  'mid',
  'extractvalue',
  'updatexml',
  'load_file',
  'hex',
  'unhex',
  'floor',
  'rand',
  'exp',
  'cos',
  'pi',
  'cast',
  'convert',
  'utl_inaddr.get_host_name',
  'ctxsys.drithsx.sn',
  'xp_cmdshell',
  'openrowset',
  'name_const',
  'row_count',
  'md5',
  'sha1',
  'iif',
  'if',
  'elt',
  'make_set',
  'bin',
  'length',
  'len',
  'count',
  'ifnull',
  'isnull',
  'nullif',
  'coalesce',
  'gtid_subset',
  'json_keys',
  'polygon',
  'multipoint',
  'geometrycollection',
  'xmltype',
  'dbms_xmlgen.getxml',
  'pg_read_file',
  'lo_import',
  'copy',
]);
