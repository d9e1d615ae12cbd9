import { InvalidRequestError } from '@salesos/core';
import type { AttioFilter } from '../filters/filter-builder.ts';
import { validateFilter } from '../filters/validate-filter.ts';
import type { AttioAttribute } from '../schemas/attribute.ts';
import { SimulatorError } from './simulator-error.ts';

/** A record or an entry as the query engine sees it: its ids and its current values. */
export interface Queryable {
  /** Ids that filters can name (`record_id`, `entry_id`, `parent_record_id`…). */
  ids: Readonly<Record<string, string>>;
  values: ReadonlyMap<string, readonly Record<string, unknown>[]>;
  /** Insertion order, the tie-breaker of every sort. */
  sequence: number;
}

const DEFAULT_PROPERTY: Readonly<Record<string, string | undefined>> = {
  text: 'value',
  number: 'value',
  rating: 'value',
  checkbox: 'value',
  date: 'value',
  timestamp: 'value',
  currency: 'currency_value',
  status: 'status',
  select: 'option',
  'record-reference': 'target_record_id',
  'actor-reference': 'referenced_actor_id',
  domain: 'domain',
  'email-address': 'email_address',
  'phone-number': 'phone_number',
  'personal-name': 'full_name',
  interaction: 'interacted_at',
};

type Primitive = string | number | boolean;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The comparable forms of one property of one value (a status compares by title and by id). */
const candidates = (value: Record<string, unknown>, property: string | undefined): Primitive[] => {
  if (property === undefined) return [];
  if (property === 'status' || property === 'option' || property === 'title') {
    const choice = (value.status ?? value.option) as
      | { title?: string; id?: Record<string, string> }
      | undefined;
    if (!isObject(choice)) return [];
    if (property === 'title') return choice.title === undefined ? [] : [choice.title];
    return [choice.title, choice.id?.status_id ?? choice.id?.option_id].filter(
      (item): item is string => typeof item === 'string',
    );
  }
  const found = value[property];
  return typeof found === 'string' || typeof found === 'number' || typeof found === 'boolean' ? [found] : [];
};

const lower = (value: Primitive): Primitive => (typeof value === 'string' ? value.toLowerCase() : value);

const equals = (left: Primitive, right: unknown): boolean => {
  if (typeof right !== 'string' && typeof right !== 'number' && typeof right !== 'boolean') return false;
  if (typeof left === 'string' && typeof right === 'string') {
    if (left.toLowerCase() === right.toLowerCase()) return true;
    const leftDate = Date.parse(left);
    return /^\d{4}-\d{2}/.test(left) && !Number.isNaN(leftDate) && leftDate === Date.parse(right);
  }
  return left === right;
};

const order = (left: Primitive, right: unknown): number | undefined => {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (typeof left === 'string' && typeof right === 'string') {
    const leftDate = Date.parse(left);
    const rightDate = Date.parse(right);
    if (!Number.isNaN(leftDate) && !Number.isNaN(rightDate) && /^\d{4}/.test(left))
      return leftDate - rightDate;
    return left < right ? -1 : left > right ? 1 : 0;
  }
  return undefined;
};

const compare = (operator: string, candidate: Primitive, operand: unknown): boolean => {
  switch (operator) {
    case '$eq':
      return equals(candidate, operand);
    case '$in':
      return Array.isArray(operand) && operand.some((item) => equals(candidate, item));
    case '$contains':
      return (
        typeof candidate === 'string' &&
        typeof operand === 'string' &&
        String(lower(candidate)).includes(operand.toLowerCase())
      );
    case '$starts_with':
      return (
        typeof candidate === 'string' &&
        typeof operand === 'string' &&
        String(lower(candidate)).startsWith(operand.toLowerCase())
      );
    case '$ends_with':
      return (
        typeof candidate === 'string' &&
        typeof operand === 'string' &&
        String(lower(candidate)).endsWith(operand.toLowerCase())
      );
    case '$lt':
    case '$lte':
    case '$gt':
    case '$gte': {
      const difference = order(candidate, operand);
      if (difference === undefined) return false;
      if (operator === '$lt') return difference < 0;
      if (operator === '$lte') return difference <= 0;
      if (operator === '$gt') return difference > 0;
      return difference >= 0;
    }
    default:
      return false;
  }
};

/** Answers whether `item` matches a (validated) Attio filter. */
export function matchesFilter(
  filter: unknown,
  item: Queryable,
  attributes: ReadonlyMap<string, AttioAttribute>,
): boolean {
  if (!isObject(filter)) return true;
  return Object.entries(filter).every(([key, condition]) => {
    if (key === '$and')
      return (condition as unknown[]).every((child) => matchesFilter(child, item, attributes));
    if (key === '$or')
      return (condition as unknown[]).some((child) => matchesFilter(child, item, attributes));
    if (key === '$not') return !matchesFilter(condition, item, attributes);
    const id = item.ids[key];
    const attribute = attributes.get(key);
    const values: readonly Record<string, unknown>[] =
      id !== undefined ? [{ id }] : (item.values.get(attribute?.api_slug ?? key) ?? []);
    const defaultProperty = id !== undefined ? 'id' : DEFAULT_PROPERTY[attribute?.type ?? ''];
    const test = (property: string | undefined, operator: string, operand: unknown): boolean => {
      if (operator === '$not_empty') {
        const present = values.some(
          (value) => property === undefined || candidates(value, property).length > 0,
        );
        return present === operand;
      }
      return values.some((value) =>
        candidates(value, property).some((candidate) => compare(operator, candidate, operand)),
      );
    };
    if (!isObject(condition)) return test(defaultProperty, '$eq', condition);
    return Object.entries(condition).every(([operatorOrProperty, operand]) => {
      if (operatorOrProperty.startsWith('$')) return test(defaultProperty, operatorOrProperty, operand);
      if (!isObject(operand)) return test(operatorOrProperty, '$eq', operand);
      return Object.entries(operand).every(([operator, value]) => test(operatorOrProperty, operator, value));
    });
  });
}

/** Validates a filter as Attio would, answering its 400 `filter_error` when it is wrong. */
export function checkFilter(filter: unknown, attributes: readonly AttioAttribute[], target: string): void {
  if (filter === undefined || filter === null) return;
  try {
    validateFilter(filter as AttioFilter, attributes, { target });
  } catch (error) {
    if (InvalidRequestError.isInstance(error)) throw new SimulatorError(400, 'filter_error', error.message);
    throw error;
  }
  const hasPath = JSON.stringify(filter).includes('"constraints"');
  if (hasPath)
    throw new SimulatorError(400, 'filter_error', 'Path filters are not supported by the simulator.');
}

interface Sort {
  direction: 'asc' | 'desc';
  attribute?: string;
  field?: string;
  path?: unknown;
}

/** Sorts items as Attio does: by each sort in turn, empty values last, then by insertion order. */
export function sortItems<Item extends Queryable>(
  items: Item[],
  sorts: unknown,
  attributes: ReadonlyMap<string, AttioAttribute>,
): Item[] {
  if (sorts === undefined || sorts === null) return items;
  if (!Array.isArray(sorts)) throw new SimulatorError(400, 'validation_type', 'sorts must be an array.');
  const parsed = sorts.map((sort, index) => {
    if (!isObject(sort) || (sort.direction !== 'asc' && sort.direction !== 'desc')) {
      throw new SimulatorError(
        400,
        'validation_type',
        `sorts[${index}] needs a direction of "asc" or "desc".`,
      );
    }
    if (sort.path !== undefined)
      throw new SimulatorError(400, 'validation_type', 'Path sorts are not supported by the simulator.');
    const attribute = attributes.get(String(sort.attribute));
    if (!attribute && sort.attribute !== 'record_id') {
      throw new SimulatorError(
        400,
        'value_not_found',
        `Cannot sort by unknown attribute "${String(sort.attribute)}".`,
      );
    }
    return { ...(sort as unknown as Sort), type: attribute?.type };
  });
  const keyOf = (item: Item, sort: (typeof parsed)[number]): Primitive | undefined => {
    if (sort.attribute === 'record_id') return item.ids.record_id;
    const first = item.values.get(attributes.get(String(sort.attribute))?.api_slug ?? '')?.[0];
    if (!first) return undefined;
    const property =
      sort.field ??
      (sort.type === 'status' || sort.type === 'select' ? 'title' : DEFAULT_PROPERTY[sort.type ?? '']);
    return candidates(first, property)[0];
  };
  return [...items].sort((left, right) => {
    for (const sort of parsed) {
      const leftKey = keyOf(left, sort);
      const rightKey = keyOf(right, sort);
      if (leftKey === undefined && rightKey === undefined) continue;
      if (leftKey === undefined) return 1;
      if (rightKey === undefined) return -1;
      const difference =
        order(leftKey, rightKey) ??
        (String(leftKey) < String(rightKey) ? -1 : String(leftKey) > String(rightKey) ? 1 : 0);
      if (difference !== 0) return sort.direction === 'asc' ? difference : -difference;
    }
    return left.sequence - right.sequence;
  });
}
