import type { Cache } from '@salesos/core';
import type { AttioAttribute } from '../schemas/attribute.ts';
import type { AttioList } from '../schemas/list.ts';
import type { AttioObject } from '../schemas/object.ts';

/** Where attributes live: on an object or on a list. */
export type AttioAttributeTarget = 'objects' | 'lists';

/** Options of `createAttioSchemaCache`. */
export interface AttioSchemaCacheOptions {
  /** Where entries are kept. */
  cache: Cache;
  /** How long objects, lists and attributes are kept, in milliseconds. Default 30 minutes. */
  ttlMs?: number | undefined;
  fetchObjects(): Promise<AttioObject[]>;
  fetchLists(): Promise<AttioList[]>;
  fetchAttributes(target: AttioAttributeTarget, identifier: string): Promise<AttioAttribute[]>;
}

/** A webhook event as the schema cache reads it (a parsed Attio event fits). */
export interface AttioSchemaEvent {
  event_type: string;
  id?: { object_id?: string | undefined; list_id?: string | undefined; [key: string]: unknown } | undefined;
}

/**
 * Objects, lists and attributes of a workspace, cached so the codec and the filter check do
 * not fetch them on every call. Entries expire after `ttlMs` and are dropped early by the
 * `object-attribute.*`, `list-attribute.*` and `list.*` webhooks (`handleEvent`).
 */
export interface AttioSchemaCache {
  /** Every object of the workspace. */
  objects(): Promise<AttioObject[]>;
  /** Every list of the workspace. */
  lists(): Promise<AttioList[]>;
  /**
   * The attributes (archived ones left out) of an object or list, by slug or id. `fresh`
   * skips the cache and stores what it fetched.
   */
  attributes(
    target: AttioAttributeTarget,
    identifier: string,
    options?: { fresh?: boolean },
  ): Promise<AttioAttribute[]>;
  /** Drops every cached entry, or only the attributes of one object or list. */
  invalidate(target?: AttioAttributeTarget, identifier?: string): Promise<void>;
  /**
   * Drops what a webhook event says changed: `object-attribute.*` the object's attributes,
   * `list-attribute.*` the list's attributes, `list.*` the lists. Answers whether it dropped anything.
   */
  handleEvent(event: AttioSchemaEvent): Promise<boolean>;
}

const THIRTY_MINUTES = 30 * 60 * 1000;

/**
 * Creates the schema cache a client uses (`client.schema`). Keys are object and list ids, so
 * a webhook naming an id drops exactly what changed whichever slug the caller used.
 */
export function createAttioSchemaCache(options: AttioSchemaCacheOptions): AttioSchemaCache {
  const { cache } = options;
  const ttl = { ttlMs: options.ttlMs ?? THIRTY_MINUTES };

  const objects = () => cache.getOrSet('objects', () => options.fetchObjects(), ttl);
  const lists = () => cache.getOrSet('lists', () => options.fetchLists(), ttl);

  /** The id of an object or list named by slug or id; `undefined` when the workspace has none such. */
  const resolve = async (target: AttioAttributeTarget, identifier: string): Promise<string | undefined> => {
    const find = async () => {
      if (target === 'objects') {
        const found = (await objects()).find(
          (object) => object.api_slug === identifier || object.id.object_id === identifier,
        );
        return found?.id.object_id;
      }
      const found = (await lists()).find(
        (list) => list.api_slug === identifier || list.id.list_id === identifier,
      );
      return found?.id.list_id;
    };
    const id = await find();
    if (id !== undefined) return id;
    // A slug created since the listing was cached: refresh it once.
    await cache.delete(target);
    return find();
  };

  const attributes: AttioSchemaCache['attributes'] = async (target, identifier, attributeOptions = {}) => {
    const id = (await resolve(target, identifier)) ?? identifier;
    const key = `attributes:${target}:${id}`;
    const load = async () =>
      (await options.fetchAttributes(target, identifier)).filter(
        (attribute) => attribute.is_archived !== true,
      );
    if (attributeOptions.fresh) {
      const fetched = await load();
      await cache.set(key, fetched, ttl);
      return fetched;
    }
    return cache.getOrSet(key, load, ttl);
  };

  return {
    objects,
    lists,
    attributes,
    async invalidate(target, identifier) {
      if (target === undefined) {
        await cache.clear();
        return;
      }
      if (identifier === undefined) {
        await cache.deletePrefix(`attributes:${target}:`);
        return;
      }
      const id = (await resolve(target, identifier)) ?? identifier;
      await cache.delete(`attributes:${target}:${id}`);
    },
    async handleEvent(event) {
      const type = event.event_type;
      if (type.startsWith('object-attribute.')) {
        const objectId = event.id?.object_id;
        if (typeof objectId === 'string') return cache.delete(`attributes:objects:${objectId}`);
        return (await cache.deletePrefix('attributes:objects:')) > 0;
      }
      if (type.startsWith('list-attribute.')) {
        const listId = event.id?.list_id;
        if (typeof listId === 'string') return cache.delete(`attributes:lists:${listId}`);
        return (await cache.deletePrefix('attributes:lists:')) > 0;
      }
      if (type.startsWith('list.')) {
        const dropped = await cache.delete('lists');
        const listId = event.id?.list_id;
        if (type === 'list.deleted' && typeof listId === 'string')
          await cache.delete(`attributes:lists:${listId}`);
        return dropped;
      }
      return false;
    },
  };
}
