/**
 * VersionedTable over Azure Table storage (`@azure/data-tables`; Azurite locally). Values are stored as JSON split
 * over several string properties, because one property holds at most 64 KiB (32K UTF-16 characters).
 */
import type { TableClient } from '@azure/data-tables';
import { RestError, type TableEntity } from '@azure/data-tables';
import { CONFLICT, type Row, type Versioned, type VersionedTable, type WriteResult } from './table.js';

const CHUNK = 30_000;
const MAX_CHUNKS = 30; // 30 × 30K chars ≈ 900 KB, under the 1 MiB entity limit

/** Table keys may not contain / \ # ? or control characters; percent-encoding removes all of them. */
export function encodeKey(key: string): string {
  return encodeURIComponent(key).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function decodeKey(key: string): string {
  return decodeURIComponent(key);
}

type Entity = TableEntity<Record<string, unknown>>;

function toEntity(partition: string, row: string, value: unknown): Entity {
  const json = JSON.stringify(value);
  const chunks = Math.max(1, Math.ceil(json.length / CHUNK));
  if (chunks > MAX_CHUNKS)
    throw new Error(`row ${partition}/${row} is too large for Table storage (${json.length} chars)`);
  const entity: Entity = { partitionKey: encodeKey(partition), rowKey: encodeKey(row), chunks };
  for (let i = 0; i < chunks; i += 1) entity[`json${i}`] = json.slice(i * CHUNK, (i + 1) * CHUNK);
  return entity;
}

function fromEntity<T>(entity: Record<string, unknown>): T {
  const chunks = typeof entity.chunks === 'number' ? entity.chunks : 1;
  let json = '';
  for (let i = 0; i < chunks; i += 1) json += String(entity[`json${i}`] ?? '');
  return JSON.parse(json) as T;
}

function statusOf(err: unknown): number | undefined {
  return err instanceof RestError ? err.statusCode : undefined;
}

export class AzureTable<T> implements VersionedTable<T> {
  private ready: Promise<void> | undefined;

  constructor(private readonly client: TableClient) {}

  /** Creates the table on first use (409 means another instance already did). */
  private ensure(): Promise<void> {
    this.ready ??= this.client.createTable().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  async get(partition: string, row: string): Promise<Versioned<T> | undefined> {
    await this.ensure();
    try {
      const e = await this.client.getEntity<Record<string, unknown>>(encodeKey(partition), encodeKey(row));
      return { value: fromEntity<T>(e), etag: e.etag };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async create(partition: string, row: string, value: T): Promise<WriteResult> {
    await this.ensure();
    try {
      const r = await this.client.createEntity(toEntity(partition, row, value));
      return { ok: true, etag: r.etag ?? '' };
    } catch (err) {
      if (statusOf(err) === 409) return CONFLICT;
      throw err;
    }
  }

  async replace(partition: string, row: string, value: T, etag: string): Promise<WriteResult> {
    await this.ensure();
    try {
      const r = await this.client.updateEntity(toEntity(partition, row, value), 'Replace', { etag });
      return { ok: true, etag: r.etag ?? '' };
    } catch (err) {
      const s = statusOf(err);
      if (s === 412 || s === 404) return CONFLICT;
      throw err;
    }
  }

  async list(partition?: string): Promise<Row<T>[]> {
    await this.ensure();
    const filter =
      partition === undefined ? undefined : `PartitionKey eq '${encodeKey(partition).replace(/'/g, "''")}'`;
    const out: Row<T>[] = [];
    for await (const e of this.client.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      out.push({
        partition: decodeKey(String(e.partitionKey)),
        row: decodeKey(String(e.rowKey)),
        value: fromEntity<T>(e),
        etag: e.etag,
      });
    }
    return out;
  }
}
