import { Injectable } from '@nestjs/common';

/**
 * A module that writes objects to the file storage: where its keys live and which of them its rows still
 * name. The storage layer knows modules only through this, so it never imports them.
 */
export interface StoredObjectOwner {
  /** Every key the module writes starts with it, e.g. `invoices/`. */
  readonly prefix: string;
  /** Of `keys` (all under `prefix`), those a row still names, in one batch query (never one per key). */
  referenced(keys: string[]): Promise<Iterable<string>>;
}

/** The owners of stored objects; modules register theirs in onModuleInit. */
@Injectable()
export class StoredObjectOwners {
  private readonly owners: StoredObjectOwner[] = [];

  register(owner: StoredObjectOwner): void {
    if (!owner.prefix.endsWith('/')) throw new Error(`A stored-object prefix ends with /: ${owner.prefix}`);
    this.owners.push(owner);
  }

  /** The prefixes to list: each registered one, except those inside another (listed with it). */
  areas(): string[] {
    const prefixes = [...new Set(this.owners.map((o) => o.prefix))];
    return prefixes.filter((p) => !prefixes.some((other) => other !== p && p.startsWith(other))).sort();
  }

  /** Of `keys`, those a row of any owner whose prefix covers them names. */
  async referenced(keys: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const owner of this.owners) {
      const theirs = keys.filter((k) => k.startsWith(owner.prefix));
      if (theirs.length === 0) continue;
      for (const key of await owner.referenced(theirs)) found.add(key);
    }
    return found;
  }
}
