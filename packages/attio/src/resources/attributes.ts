import type { HttpClient, Paginator } from '@salesos/core';
import type { ZodType } from 'zod';
import { offsetPages, singlePage } from '../internal/pages.ts';
import type { AttioAttributeTarget, AttioSchemaCache } from '../schema-cache/attio-schema-cache.ts';
import {
  type AttioAttribute,
  type AttioAttributeCreateInput,
  AttioAttributeSchema,
  type AttioAttributeUpdateInput,
  type AttioSelectOption,
  type AttioSelectOptionInput,
  AttioSelectOptionSchema,
  type AttioStatus,
  type AttioStatusInput,
  AttioStatusSchema,
} from '../schemas/attribute.ts';
import { dataOf, listOf } from '../schemas/common.ts';
import { type AttioListControl, type AttioRequestOptions, callOptions } from './resource-context.ts';

/** Parameters of `attributes.list`. */
export interface AttioAttributesListParams extends AttioListControl {
  /** Include archived attributes. */
  show_archived?: boolean | undefined;
  /** Attributes per request. Default 100. */
  limit?: number | undefined;
  /** Attributes to skip first. */
  offset?: number | undefined;
}

/** `client.attributes`: the attributes of objects and lists, with select options and statuses. */
export interface AttioAttributesResource {
  /**
   * The attributes of an object (`'objects', 'people'`) or a list (`'lists', 'sales'`).
   * `client.schema.attributes()` answers the same from the cache.
   */
  list(
    target: AttioAttributeTarget,
    identifier: string,
    params?: AttioAttributesListParams,
  ): Paginator<AttioAttribute>;
  get(
    target: AttioAttributeTarget,
    identifier: string,
    attribute: string,
    options?: AttioRequestOptions,
  ): Promise<AttioAttribute>;
  /** Creates an attribute (and drops the cached attributes of that object or list). */
  create(
    target: AttioAttributeTarget,
    identifier: string,
    input: AttioAttributeCreateInput,
    options?: AttioRequestOptions,
  ): Promise<AttioAttribute>;
  /** Changes an attribute; archive it with `{ is_archived: true }` (Attio has no delete). */
  update(
    target: AttioAttributeTarget,
    identifier: string,
    attribute: string,
    input: AttioAttributeUpdateInput,
    options?: AttioRequestOptions,
  ): Promise<AttioAttribute>;
  /** The options of a select attribute. */
  listOptions(
    target: AttioAttributeTarget,
    identifier: string,
    attribute: string,
    params?: AttioListControl & { show_archived?: boolean | undefined },
  ): Paginator<AttioSelectOption>;
  createOption(
    target: AttioAttributeTarget,
    identifier: string,
    attribute: string,
    input: AttioSelectOptionInput & { title: string },
    options?: AttioRequestOptions,
  ): Promise<AttioSelectOption>;
  /** Renames or archives an option, named by id or title. */
  updateOption(
    target: AttioAttributeTarget,
    identifier: string,
    attribute: string,
    option: string,
    input: AttioSelectOptionInput,
    options?: AttioRequestOptions,
  ): Promise<AttioSelectOption>;
  /** The statuses of a status attribute. */
  listStatuses(
    target: AttioAttributeTarget,
    identifier: string,
    attribute: string,
    params?: AttioListControl & { show_archived?: boolean | undefined },
  ): Paginator<AttioStatus>;
  createStatus(
    target: AttioAttributeTarget,
    identifier: string,
    attribute: string,
    input: AttioStatusInput & { title: string },
    options?: AttioRequestOptions,
  ): Promise<AttioStatus>;
  /** Changes or archives a status, named by id or title. */
  updateStatus(
    target: AttioAttributeTarget,
    identifier: string,
    attribute: string,
    status: string,
    input: AttioStatusInput,
    options?: AttioRequestOptions,
  ): Promise<AttioStatus>;
}

const AttributeList = listOf(AttioAttributeSchema);
const AttributeData = dataOf(AttioAttributeSchema);
const OptionList = listOf(AttioSelectOptionSchema);
const OptionData = dataOf(AttioSelectOptionSchema);
const StatusList = listOf(AttioStatusSchema);
const StatusData = dataOf(AttioStatusSchema);

const BASE = '/{target}/{identifier}/attributes';

/** Creates `client.attributes`. */
export function createAttributesResource(
  http: HttpClient,
  schema: AttioSchemaCache,
): AttioAttributesResource {
  const params = (target: string, identifier: string, attribute?: string) => ({
    target,
    identifier,
    ...(attribute === undefined ? {} : { attribute }),
  });
  /** List, create and update of a select attribute's options or a status attribute's statuses. */
  const choiceMethods = <Choice>(
    kind: 'options' | 'statuses',
    key: 'option' | 'status',
    listSchema: ZodType<{ data: Choice[] }>,
    dataSchema: ZodType<{ data: Choice }>,
  ) => ({
    list: (
      target: string,
      identifier: string,
      attribute: string,
      listParams: AttioListControl & { show_archived?: boolean | undefined } = {},
    ) =>
      singlePage(async (signal) => {
        const body = await http.get(`${BASE}/{attribute}/${kind}`, {
          pathParams: params(target, identifier, attribute),
          query: { show_archived: listParams.show_archived },
          schema: listSchema,
          ...(signal ? { signal } : {}),
        });
        return body.data;
      }, listParams),
    create: async (
      target: string,
      identifier: string,
      attribute: string,
      input: unknown,
      options?: AttioRequestOptions,
    ) =>
      (
        await http.post(`${BASE}/{attribute}/${kind}`, {
          pathParams: params(target, identifier, attribute),
          body: { data: input },
          schema: dataSchema,
          ...callOptions(options),
        })
      ).data,
    update: async (
      target: string,
      identifier: string,
      attribute: string,
      choice: string,
      input: unknown,
      options?: AttioRequestOptions,
    ) =>
      (
        await http.patch(`${BASE}/{attribute}/${kind}/{${key}}`, {
          pathParams: { ...params(target, identifier, attribute), [key]: choice },
          body: { data: input },
          schema: dataSchema,
          ...callOptions(options),
        })
      ).data,
  });
  const optionMethods = choiceMethods('options', 'option', OptionList, OptionData);
  const statusMethods = choiceMethods('statuses', 'status', StatusList, StatusData);
  return {
    list(target, identifier, listParams = {}) {
      const { cursor, signal, limit, offset, ...query } = listParams;
      return offsetPages(
        http,
        BASE,
        params(target, identifier),
        AttributeList,
        query,
        limit ?? 100,
        { cursor, signal },
        offset ?? 0,
      );
    },
    get: async (target, identifier, attribute, options) =>
      (
        await http.get(`${BASE}/{attribute}`, {
          pathParams: params(target, identifier, attribute),
          schema: AttributeData,
          ...callOptions(options),
        })
      ).data,
    async create(target, identifier, input, options) {
      const created = await http.post(BASE, {
        pathParams: params(target, identifier),
        body: { data: input },
        schema: AttributeData,
        ...callOptions(options),
      });
      await schema.invalidate(target, identifier);
      return created.data;
    },
    async update(target, identifier, attribute, input, options) {
      const updated = await http.patch(`${BASE}/{attribute}`, {
        pathParams: params(target, identifier, attribute),
        body: { data: input },
        schema: AttributeData,
        ...callOptions(options),
      });
      await schema.invalidate(target, identifier);
      return updated.data;
    },
    listOptions: optionMethods.list,
    createOption: optionMethods.create,
    updateOption: optionMethods.update,
    listStatuses: statusMethods.list,
    createStatus: statusMethods.create,
    updateStatus: statusMethods.update,
  };
}
