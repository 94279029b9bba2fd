/** In-memory VersionedTable: the state of `amlmon watch` and of unit tests; optionally persisted to a JSON file. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CONFLICT, type Row, type Versioned, type VersionedTable, type WriteResult } from './table.js';

interface StoredRow {
  value: unknown;
  etag: string;
}

export class MemoryTable<T> implements VersionedTable<T> {
  private readonly rows = new Map<string, StoredRow>();
  private counter = 0;

  constructor(private readonly onChange?: () => Promise<void>) {}

  private static key(partition: string, row: string): string {
    return JSON.stringify([partition, row]);
  }

  get(partition: string, row: string): Promise<Versioned<T> | undefined> {
    const r = this.rows.get(MemoryTable.key(partition, row));
    return Promise.resolve(r ? { value: structuredClone(r.value) as T, etag: r.etag } : undefined);
  }

  async create(partition: string, row: string, value: T): Promise<WriteResult> {
    const key = MemoryTable.key(partition, row);
    if (this.rows.has(key)) return CONFLICT;
    return this.store(key, value);
  }

  async replace(partition: string, row: string, value: T, etag: string): Promise<WriteResult> {
    const key = MemoryTable.key(partition, row);
    if (this.rows.get(key)?.etag !== etag) return CONFLICT;
    return this.store(key, value);
  }

  list(partition?: string): Promise<Row<T>[]> {
    const out: Row<T>[] = [];
    for (const [key, r] of this.rows) {
      const [p, rk] = JSON.parse(key) as [string, string];
      if (partition === undefined || p === partition) {
        out.push({ partition: p, row: rk, value: structuredClone(r.value) as T, etag: r.etag });
      }
    }
    return Promise.resolve(out);
  }

  /** Plain data for persistence. */
  dump(): Array<[string, StoredRow]> {
    return [...this.rows.entries()];
  }

  load(rows: Array<[string, StoredRow]>): void {
    this.rows.clear();
    for (const [k, v] of rows) this.rows.set(k, v);
    this.counter = rows.length;
  }

  private async store(key: string, value: T): Promise<WriteResult> {
    this.counter += 1;
    const etag = `W/"${Date.now().toString(36)}-${this.counter}"`;
    this.rows.set(key, { value: structuredClone(value), etag });
    await this.onChange?.();
    return { ok: true, etag };
  }
}

/**
 * A set of MemoryTables saved together into one JSON file after every write (atomically, via rename).
 * Single-process only: `amlmon watch` is one process, so no file locking is attempted.
 */
export class JsonFileTables {
  private readonly tables = new Map<string, MemoryTable<unknown>>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string) {}

  static async open(file: string): Promise<JsonFileTables> {
    const store = new JsonFileTables(file);
    let saved: Record<string, Array<[string, StoredRow]>> = {};
    try {
      saved = JSON.parse(await readFile(file, 'utf8')) as typeof saved;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(
          `state file ${file} is unreadable (${(err as Error).message}); delete it to start afresh`,
          { cause: err },
        );
      }
    }
    for (const [name, rows] of Object.entries(saved)) store.table(name).load(rows);
    return store;
  }

  table<T>(name: string): MemoryTable<T> {
    let t = this.tables.get(name);
    if (!t) {
      t = new MemoryTable<unknown>(() => this.save());
      this.tables.set(name, t);
    }
    return t as MemoryTable<T>;
  }

  private save(): Promise<void> {
    this.writing = this.writing.then(async () => {
      const data: Record<string, unknown> = {};
      for (const [name, t] of this.tables) data[name] = t.dump();
      await mkdir(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(data));
      await rename(tmp, this.file);
    });
    return this.writing;
  }
}
