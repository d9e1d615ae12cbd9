import { createHash } from 'node:crypto';
import { escapeIdentifier, escapeLiteral } from 'pg';

/** The qualified names of the objects one storage uses. */
export interface SchemaNames {
  schema: string;
  table: string;
  meta: string;
  commit: string;
  sequence: string;
  expiresIndex: string;
}

/** Quotes the schema and table names the storage was given into the names of its objects. */
export function schemaNames(schema: string, table: string): SchemaNames {
  const quotedSchema = escapeIdentifier(schema);
  return {
    schema: quotedSchema,
    table: `${quotedSchema}.${escapeIdentifier(table)}`,
    meta: `${quotedSchema}.${escapeIdentifier(`${table}_meta`)}`,
    commit: `${quotedSchema}.${escapeIdentifier(`${table}_commit`)}`,
    sequence: `${quotedSchema}.${escapeIdentifier(`${table}_version`)}`,
    expiresIndex: escapeIdentifier(`${table}_expires_at`),
  };
}

/**
 * The migration run on first use: one multi-statement transaction under an advisory lock,
 * so processes starting together do not race on `CREATE`. Safe to run again.
 *
 * - `<table>`: one row per entry. `key` holds `encodeKey` bytes, whose `bytea` order is the
 *   storage key order, so the primary key index serves every `list` as a range scan.
 * - `<table>_meta`: the schema version, for later migrations.
 * - `<table>_version`: the sequence versionstamps are drawn from.
 * - `<table>_commit(...)`: applies one atomic batch in one round trip. It first takes a
 *   transaction-scoped advisory lock on every key the batch checks or writes, in one global
 *   order (so batches never deadlock), then checks against the latest committed rows (READ
 *   COMMITTED: each statement sees what committed before it), then writes. Batches on the
 *   same keys run one after another; batches on other keys run in parallel.
 */
export function migrationSql(schema: string, table: string): string {
  const names = schemaNames(schema, table);
  const lockKey = escapeLiteral(`salesos.storage:${schema}.${table}`);
  // Seeds the key hashes, so storages on other tables never wait on each other's locks.
  const seed = BigInt.asIntN(
    64,
    BigInt(`0x${createHash('sha256').update(`${schema}.${table}`).digest('hex').slice(0, 16)}`),
  );
  const live = '(expires_at IS NULL OR expires_at > now_ms)';
  return `
BEGIN;
SELECT pg_advisory_xact_lock(hashtext(${lockKey}));
CREATE SCHEMA IF NOT EXISTS ${names.schema};
CREATE TABLE IF NOT EXISTS ${names.table} (
  key bytea PRIMARY KEY,
  value text NOT NULL,
  version bigint NOT NULL,
  expires_at bigint
);
CREATE INDEX IF NOT EXISTS ${names.expiresIndex} ON ${names.table} (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS ${names.meta} (name text PRIMARY KEY, value bigint NOT NULL);
INSERT INTO ${names.meta} (name, value) VALUES ('schema', 1) ON CONFLICT (name) DO NOTHING;
CREATE SEQUENCE IF NOT EXISTS ${names.sequence};
CREATE OR REPLACE FUNCTION ${names.commit}(
  check_keys bytea[],
  check_versions bigint[],
  kinds text[],
  keys bytea[],
  vals text[],
  expires bigint[],
  amounts float8[],
  now_ms bigint
) RETURNS bigint
LANGUAGE plpgsql
SET extra_float_digits = 1
AS $commit$
DECLARE
  new_version bigint;
  found_version bigint;
  current_value text;
  current_expires bigint;
  position integer;
  lock_key bigint;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'storage commits need READ COMMITTED isolation; this session uses %',
      current_setting('transaction_isolation') USING ERRCODE = 'SO002';
  END IF;
  FOR lock_key IN
    SELECT DISTINCT hashtextextended(encode(each_key, 'hex'), ${seed}) FROM unnest(check_keys || keys) AS each_key ORDER BY 1
  LOOP
    PERFORM pg_advisory_xact_lock(lock_key);
  END LOOP;
  FOR position IN 1 .. coalesce(array_length(check_keys, 1), 0) LOOP
    found_version := NULL;
    SELECT version INTO found_version FROM ${names.table} WHERE key = check_keys[position] AND ${live};
    IF found_version IS DISTINCT FROM check_versions[position] THEN
      RETURN NULL;
    END IF;
  END LOOP;
  new_version := nextval('${names.sequence.replaceAll("'", "''")}');
  FOR position IN 1 .. coalesce(array_length(kinds, 1), 0) LOOP
    IF kinds[position] = 'set' THEN
      INSERT INTO ${names.table} (key, value, version, expires_at)
        VALUES (keys[position], vals[position], new_version, expires[position])
        ON CONFLICT (key) DO UPDATE
          SET value = excluded.value, version = excluded.version, expires_at = excluded.expires_at;
    ELSIF kinds[position] = 'delete' THEN
      DELETE FROM ${names.table} WHERE key = keys[position];
    ELSE
      current_value := NULL;
      current_expires := NULL;
      SELECT value, expires_at INTO current_value, current_expires
        FROM ${names.table} WHERE key = keys[position] AND ${live};
      IF current_value IS NULL THEN
        current_value := '0';
      ELSIF current_value !~ '^-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][-+]?[0-9]+)?$' THEN
        RAISE EXCEPTION 'the stored value is not a number' USING ERRCODE = 'SO001', DETAIL = position::text;
      END IF;
      INSERT INTO ${names.table} (key, value, version, expires_at)
        VALUES (keys[position], (current_value::float8 + amounts[position])::text, new_version, current_expires)
        ON CONFLICT (key) DO UPDATE
          SET value = excluded.value, version = excluded.version, expires_at = excluded.expires_at;
    END IF;
  END LOOP;
  RETURN new_version;
END
$commit$;
COMMIT;
`;
}
