import type { HttpClient, Paginator } from '@salesos/core';
import { offsetPages } from '../internal/pages.ts';
import { AttioEmptySchema, dataOf, listOf } from '../schemas/common.ts';
import {
  type AttioWebhook,
  type AttioWebhookCreateInput,
  AttioWebhookSchema,
  type AttioWebhookUpdateInput,
  type AttioWebhookWithSecret,
  AttioWebhookWithSecretSchema,
} from '../schemas/webhook.ts';
import { type AttioListControl, type AttioRequestOptions, callOptions } from './resource-context.ts';

/** `client.webhooks`: where Attio delivers events. */
export interface AttioWebhooksResource {
  /** Every webhook of the workspace. */
  list(params?: AttioListControl & { limit?: number | undefined }): Paginator<AttioWebhook>;
  /** Creates a webhook; the answer carries its signing `secret`, which is never shown again. */
  create(input: AttioWebhookCreateInput, options?: AttioRequestOptions): Promise<AttioWebhookWithSecret>;
  get(webhookId: string, options?: AttioRequestOptions): Promise<AttioWebhook>;
  /** Changes the target URL or the subscriptions. */
  update(
    webhookId: string,
    input: AttioWebhookUpdateInput,
    options?: AttioRequestOptions,
  ): Promise<AttioWebhook>;
  delete(webhookId: string, options?: AttioRequestOptions): Promise<void>;
}

const WebhookList = listOf(AttioWebhookSchema);
const WebhookData = dataOf(AttioWebhookSchema);
const WebhookWithSecretData = dataOf(AttioWebhookWithSecretSchema);

/** Creates `client.webhooks`. */
export function createWebhooksResource(http: HttpClient): AttioWebhooksResource {
  return {
    list(params = {}) {
      const { cursor, signal, limit } = params;
      // Attio takes 10–100 webhooks per page.
      return offsetPages(http, '/webhooks', undefined, WebhookList, {}, limit ?? 100, { cursor, signal });
    },
    create: async (input, options) =>
      (
        await http.post('/webhooks', {
          body: { data: input },
          schema: WebhookWithSecretData,
          ...callOptions(options),
        })
      ).data,
    get: async (webhookId, options) =>
      (
        await http.get('/webhooks/{webhook_id}', {
          pathParams: { webhook_id: webhookId },
          schema: WebhookData,
          ...callOptions(options),
        })
      ).data,
    update: async (webhookId, input, options) =>
      (
        await http.patch('/webhooks/{webhook_id}', {
          pathParams: { webhook_id: webhookId },
          body: { data: input },
          schema: WebhookData,
          ...callOptions(options),
        })
      ).data,
    async delete(webhookId, options) {
      await http.delete('/webhooks/{webhook_id}', {
        pathParams: { webhook_id: webhookId },
        schema: AttioEmptySchema,
        ...callOptions(options),
      });
    },
  };
}
