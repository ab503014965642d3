import { PrismaPg } from '@prisma/adapter-pg';
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import pg from 'pg';

/*
 * The schema engine reads catalog columns of Postgres' one-byte "char" type (pg_constraint.contype,
 * pg_class.relkind, ...) and expects them typed as Character. @prisma/adapter-pg 7.10 rejects that
 * type ("Column type 'char' could not be deserialized"), so diff and drift checks fail. We report
 * those columns as text to the adapter, remember which they were (keyed by the rows array the adapter
 * passes through unchanged), and mark them Character in the result the engine sees.
 */
const CHAR_OID = 18;
const TEXT_OID = 25;
const charColumnsOf = new WeakMap<object, number[]>();

type PgResultLike = { fields?: { dataTypeID: number }[]; rows?: unknown[] };

function rememberCharColumns<T extends PgResultLike>(value: T): T {
  const columns: number[] = [];
  value?.fields?.forEach((field, index) => {
    if (field.dataTypeID === CHAR_OID) {
      field.dataTypeID = TEXT_OID;
      columns.push(index);
    }
  });
  if (columns.length > 0 && value.rows) charColumnsOf.set(value.rows, columns);
  return value;
}

class CharAwareClient extends pg.Client {
  override query(...args: unknown[]): never {
    // pg.Pool calls query(config, values, callback); direct callers get a promise.
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (error: unknown, value: PgResultLike) =>
        callback(error, error ? value : rememberCharColumns(value));
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    return (result instanceof Promise ? result.then(rememberCharColumns) : result) as never;
  }
}

function markCharColumns(result: SqlResultSet): SqlResultSet {
  for (const index of charColumnsOf.get(result.rows) ?? [])
    result.columnTypes[index] = ColumnTypeEnum.Character;
  return result;
}

/** What PrismaPg's adapter holds: its pg pool and the error converter the engine understands. */
interface PgAdapterInternals {
  client?: { query(text: string): Promise<unknown> };
  onError?(error: unknown): never;
}

/*
 * @prisma/adapter-pg 7.10's executeScript splits a migration script on every ";" and runs the
 * pieces one by one, which breaks any function or trigger body ($$ ... ; ... $$). Prisma's native
 * engine sends the script whole; so do we: one simple-protocol query, which Postgres (and PGlite
 * over its socket) runs as a multi-statement batch.
 */
function executeScriptWhole(target: object): ((script: string) => Promise<void>) | null {
  const internals = target as PgAdapterInternals;
  const client = internals.client;
  if (!client || typeof client.query !== 'function') return null;
  return async (script: string) => {
    try {
      await client.query(script);
    } catch (error) {
      if (internals.onError) internals.onError.call(target, error);
      throw error;
    }
  };
}

function withCharColumns<T extends SqlDriverAdapter | Transaction>(queryable: T): T {
  return new Proxy(queryable, {
    get(target, property, receiver) {
      if (property === 'executeScript') {
        const whole = executeScriptWhole(target);
        if (whole) return whole;
      }
      if (property === 'queryRaw') {
        return async (query: SqlQuery) => markCharColumns(await target.queryRaw(query));
      }
      if (property === 'startTransaction' && 'startTransaction' in target) {
        return async (...args: Parameters<SqlDriverAdapter['startTransaction']>) =>
          withCharColumns(await (target as SqlDriverAdapter).startTransaction(...args));
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Driver-adapter factory for the wasm schema engine (not for the app's PrismaClient).
 * `shadowUrl`: where the engine may replay migrations (default: a database PrismaPg creates on the
 * same server).
 */
export interface SchemaEngineAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  /** Closes every connection the engine opened (engine.free() does not, and a held session keeps Prisma's advisory lock). */
  disposeAll(): Promise<void>;
}

export function schemaEngineAdapter(
  url: string,
  options: { shadowUrl?: string } = {},
): SchemaEngineAdapterFactory {
  const main = new PrismaPg({ connectionString: url, max: 2, Client: CharAwareClient });
  const shadow = options.shadowUrl
    ? new PrismaPg({ connectionString: options.shadowUrl, max: 2, Client: CharAwareClient })
    : undefined;
  const open = new Set<SqlDriverAdapter>();
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    open.add(adapter);
    const wrapped = withCharColumns(adapter);
    // The engine disposes some connections itself; remember which, so we never end a pool twice.
    return Object.assign(Object.create(wrapped) as SqlDriverAdapter, {
      dispose: async () => {
        if (open.delete(adapter)) await adapter.dispose();
      },
    });
  };
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: async () => track(await main.connect()),
    connectToShadowDb: async () =>
      track(await (shadow ? shadow.connect() : main.connectToShadowDb())),
    async disposeAll() {
      const adapters = [...open];
      open.clear();
      await Promise.all(adapters.map((adapter) => adapter.dispose()));
    },
  };
}
