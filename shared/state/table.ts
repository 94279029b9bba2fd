/**
 * A small key-value table with optimistic concurrency: every row carries an ETag, writes that race lose cleanly
 * (`conflict`) instead of overwriting. Implemented over Azure Table storage, in memory, and as a local JSON file.
 */

export interface Versioned<T> {
  value: T;
  etag: string;
}

export interface Row<T> extends Versioned<T> {
  partition: string;
  row: string;
}

export type WriteResult = { ok: true; etag: string } | { ok: false; conflict: true };

export interface VersionedTable<T> {
  get(partition: string, row: string): Promise<Versioned<T> | undefined>;
  /** Inserts; `conflict` when the row already exists. */
  create(partition: string, row: string, value: T): Promise<WriteResult>;
  /** Replaces when the stored ETag still equals `etag`; `conflict` when it changed or the row is gone. */
  replace(partition: string, row: string, value: T, etag: string): Promise<WriteResult>;
  /** All rows of one partition, or of the whole table. */
  list(partition?: string): Promise<Row<T>[]>;
}

export const CONFLICT: WriteResult = { ok: false, conflict: true };
