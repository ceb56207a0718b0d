/**
 * The read-only oracle's databases: a scratch schema in the local PostgreSQL and MariaDB (tables the SQL
 * grammar and corpora name, a sequence, a writing function and procedure) and a login that owns nothing else.
 * The oracle runs every statement as that login, in a READ ONLY transaction, and always rolls back.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';

export const ORACLE_USER = 'writ_sql_oracle';
const PG = { host: '127.0.0.1', port: 5432, database: 'test' };
const MARIADB = { host: '127.0.0.1', port: 3306 };

/** A database that runs one SQL text in a read-only transaction and says how it ended. */
export interface ReadOnlyDatabase {
  readonly name: 'postgresql' | 'mariadb';
  /** null when the text ran; else the server's error code (`25006`, `1792`, `42P01`...). */
  run(sql: string): Promise<string | null>;
  /** The server's code for "refused: this transaction is read-only". */
  readonly readOnlyCode: string;
  close(): Promise<void>;
}

const TABLES = `
  CREATE TABLE IF NOT EXISTS orders (id int PRIMARY KEY, status varchar(20), total int, name varchar(20), customer_id int, created_at timestamp);
  CREATE TABLE IF NOT EXISTS users (id int PRIMARY KEY, status varchar(20), total int, name varchar(40), email varchar(80));
  CREATE TABLE IF NOT EXISTS customers (id int PRIMARY KEY, status varchar(20), total int, name varchar(40));
  CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, status varchar(20), total int, name varchar(20), a int, b int, c int);
  CREATE TABLE IF NOT EXISTS u (id int, b int);
  CREATE TABLE IF NOT EXISTS src (id int);`;

/** Connects to PostgreSQL as the oracle login (creating it and the scratch schema as postgres first). */
export async function openPostgres(): Promise<ReadOnlyDatabase> {
  const admin = new pg.Client({ ...PG, user: 'postgres', connectionTimeoutMillis: 2000 });
  await admin.connect();
  try {
    await admin.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ORACLE_USER}') THEN CREATE ROLE ${ORACLE_USER} LOGIN; END IF;
    END $$`);
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${ORACLE_USER} AUTHORIZATION ${ORACLE_USER}`);
    // Every later session of the login is read-only and short: a COMMIT inside a text cannot leave it.
    await admin.query(`ALTER ROLE ${ORACLE_USER} SET default_transaction_read_only = on`);
    await admin.query(`ALTER ROLE ${ORACLE_USER} SET statement_timeout = '3s'`);
    await admin.query(`ALTER ROLE ${ORACLE_USER} SET lock_timeout = '1s'`);
    await admin.query(`ALTER ROLE ${ORACLE_USER} SET search_path = ${ORACLE_USER}`);
    await admin.query(`SET ROLE ${ORACLE_USER}; SET default_transaction_read_only = off; SET search_path = ${ORACLE_USER};
      BEGIN READ WRITE; ${TABLES}
      CREATE SEQUENCE IF NOT EXISTS orders_id_seq;
      CREATE MATERIALIZED VIEW IF NOT EXISTS order_totals AS SELECT status, sum(total) AS total FROM orders GROUP BY status;
      CREATE OR REPLACE FUNCTION writ_bump() RETURNS int LANGUAGE sql AS $f$ INSERT INTO src VALUES (1) RETURNING id $f$;
      CREATE OR REPLACE PROCEDURE writ_purge() LANGUAGE sql AS $f$ DELETE FROM src $f$;
      COMMIT; RESET ROLE`);
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ ...PG, user: ORACLE_USER, connectionTimeoutMillis: 2000 });
  await client.connect();
  client.on('error', () => undefined);
  return {
    name: 'postgresql',
    readOnlyCode: '25006',
    async run(sql) {
      await client.query('BEGIN READ ONLY');
      try {
        await client.query(sql);
        return null;
      } catch (err) {
        return String((err as { code?: string }).code ?? 'unknown');
      } finally {
        await client.query('ROLLBACK');
      }
    },
    async close() {
      await client.end();
    },
  };
}

/** Connects to MariaDB as the oracle login (creating it and the scratch database as root first). */
export async function openMariaDb(): Promise<ReadOnlyDatabase> {
  const admin = await mysql.createConnection({
    ...MARIADB,
    user: 'root',
    multipleStatements: true,
    connectTimeout: 2000,
  });
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS ${ORACLE_USER}`);
    await admin.query(`CREATE USER IF NOT EXISTS '${ORACLE_USER}'@'127.0.0.1'`);
    // Privileges on the scratch database only: no FILE, SUPER, PROCESS, RELOAD or SHUTDOWN.
    await admin.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, CREATE TEMPORARY TABLES, LOCK TABLES,
       EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, TRIGGER ON ${ORACLE_USER}.* TO '${ORACLE_USER}'@'127.0.0.1'`,
    );
    await admin.query(`USE ${ORACLE_USER}; ${TABLES}
      CREATE SEQUENCE IF NOT EXISTS orders_seq;
      CREATE OR REPLACE FUNCTION writ_bump() RETURNS int MODIFIES SQL DATA BEGIN INSERT INTO src VALUES (1); RETURN 1; END;
      CREATE OR REPLACE PROCEDURE writ_purge() MODIFIES SQL DATA DELETE FROM src;`);
  } finally {
    await admin.end();
  }
  const conn = await mysql.createConnection({
    ...MARIADB,
    user: ORACLE_USER,
    database: ORACLE_USER,
    multipleStatements: true,
    connectTimeout: 2000,
  });
  conn.on('error', () => undefined);
  // Every later transaction of the session is read-only: a COMMIT inside a text cannot leave it.
  await conn.query(
    'SET SESSION TRANSACTION READ ONLY; SET SESSION max_statement_time = 3; SET SESSION lock_wait_timeout = 1',
  );
  return {
    name: 'mariadb',
    readOnlyCode: '1792',
    async run(sql) {
      await conn.query('START TRANSACTION READ ONLY');
      try {
        await conn.query(sql);
        return null;
      } catch (err) {
        return String((err as { errno?: number }).errno ?? 'unknown');
      } finally {
        await conn.query('ROLLBACK');
      }
    },
    async close() {
      await conn.end();
    },
  };
}
