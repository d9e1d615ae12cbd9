import { createHash } from 'node:crypto';
import { normalizeLinkedin } from './route-context.ts';
import type { SimulatedPerson } from './seed-data.ts';

type KeyOf = (person: SimulatedPerson) => string[];

const lower = (value: unknown): string => (typeof value === 'string' ? value.trim().toLowerCase() : '');
const hashOf = (algorithm: 'md5' | 'sha256', value: string) =>
  createHash(algorithm).update(value).digest('hex');

const KEYS = {
  email: (person) => [lower(person.email)],
  linkedin: (person) =>
    typeof person.linkedin_url === 'string' ? [normalizeLinkedin(person.linkedin_url)] : [],
  name: (person) => [lower(person.name)],
  hashedEmail: (person) => {
    const email = lower(person.email);
    return email ? [hashOf('md5', email), hashOf('sha256', email)] : [];
  },
} satisfies Record<string, KeyOf>;

/** The lookups the indexed people map answers. */
export type PeopleIndexName = keyof typeof KEYS;

/**
 * The simulator's people: a `Map` by id that also keeps indexes by lower-case email, LinkedIn
 * URL, name and (built on first use) hashed email, so enrichment finds a person without a scan.
 * `set`, `delete` and `clear` keep the indexes right; a lookup that finds a person whose field
 * was since changed in place rebuilds them. Among people sharing a key, the one the map lists
 * first wins, as a scan would find it.
 */
export class PeopleMap extends Map<string, SimulatedPerson> {
  readonly #indexes = new Map<PeopleIndexName, Map<string, Set<string>>>();
  // Map order of each id (a replaced entry keeps its place): ties go to the earliest.
  readonly #order = new Map<string, number>();
  #next = 0;

  override set(id: string, person: SimulatedPerson): this {
    const previous = super.get(id);
    if (previous) this.#unindex(id, previous);
    else this.#order.set(id, this.#next++);
    super.set(id, person);
    this.#index(id, person);
    return this;
  }

  override delete(id: string): boolean {
    const previous = super.get(id);
    if (!previous) return false;
    this.#unindex(id, previous);
    this.#order.delete(id);
    return super.delete(id);
  }

  override clear(): void {
    this.#indexes.clear();
    this.#order.clear();
    super.clear();
  }

  /** The first person whose `index` key is `key` (already normalized as the index keeps it). */
  find(index: PeopleIndexName, key: string): SimulatedPerson | undefined {
    return this.findAll(index, key)[0];
  }

  /** Every person whose `index` key is `key`, in map order. */
  findAll(index: PeopleIndexName, key: string): SimulatedPerson[] {
    if (key === '') return [];
    const ids = [...(this.#indexOf(index).get(key) ?? [])];
    const found = ids.flatMap((id) => {
      const person = super.get(id);
      return person ? [{ id, person }] : [];
    });
    if (found.some(({ person }) => !KEYS[index](person).includes(key))) {
      // Edited in place since it was indexed: index everyone again and look once more.
      this.#rebuild();
      return this.findAll(index, key);
    }
    return found
      .sort((left, right) => (this.#order.get(left.id) ?? 0) - (this.#order.get(right.id) ?? 0))
      .map(({ person }) => person);
  }

  #indexOf(index: PeopleIndexName): Map<string, Set<string>> {
    let built = this.#indexes.get(index);
    if (!built) {
      built = new Map();
      this.#indexes.set(index, built);
      for (const [id, person] of super.entries()) add(built, KEYS[index](person), id);
    }
    return built;
  }

  #index(id: string, person: SimulatedPerson) {
    for (const [name, index] of this.#indexes) add(index, KEYS[name](person), id);
  }

  #unindex(id: string, person: SimulatedPerson) {
    for (const [name, index] of this.#indexes) {
      for (const key of KEYS[name](person)) {
        const ids = index.get(key);
        ids?.delete(id);
        if (ids?.size === 0) index.delete(key);
      }
    }
  }

  #rebuild() {
    const names = [...this.#indexes.keys()];
    this.#indexes.clear();
    for (const name of names) this.#indexOf(name);
  }
}

function add(index: Map<string, Set<string>>, keys: string[], id: string) {
  for (const key of keys) {
    if (key === '') continue;
    let ids = index.get(key);
    if (!ids) {
      ids = new Set();
      index.set(key, ids);
    }
    ids.add(id);
  }
}
