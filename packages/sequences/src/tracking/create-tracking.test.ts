import { type Activity, createEventBus } from '@salesos/core';
import { createTestClock } from '@salesos/core/testing';
import { describe, expect, it } from 'vitest';
import { createTracking } from './create-tracking.ts';

const SECRET = 'tracking-secret-0123456789';
const context = { tenantId: 't1', personId: 'p1', enrollmentId: 'e1', sequenceId: 's1', stepIndex: 2 };

function setup() {
  const clock = createTestClock(new Date('2026-01-12T10:00:00Z'));
  const recorded: { activity: Activity; tenantId: string }[] = [];
  const events = createEventBus();
  const emitted: unknown[] = [];
  events.on('sequences.tracking.activity', (payload) => emitted.push(payload));
  const tracking = createTracking({
    secret: SECRET,
    baseUrl: 'https://t.example.com/track/',
    clock,
    events,
    onActivity: (activity, { tenantId }) => {
      recorded.push({ activity, tenantId });
    },
  });
  return { tracking, recorded, emitted };
}

const linkOf = (html: string, index = 0) =>
  [...html.matchAll(/href="([^"]+)"/g)].map((match) => match[1]?.replace(/&amp;/g, '&'))[index] as string;

describe('createTracking', () => {
  it('adds an open pixel before </body> and wraps http links', () => {
    const { tracking } = setup();
    const html = tracking.instrument(
      '<html><body><p><a href="https://acme.example/pricing?x=1&amp;y=2">pricing</a> <a href="mailto:a@b.c">mail</a> <a href="#top">top</a></p></body></html>',
      context,
    );
    expect(html).toMatch(
      /<img src="https:\/\/t\.example\.com\/track\/o\/[\w-]+\.[\w-]+" width="1" height="1"[^>]*\/><\/body>/,
    );
    expect(linkOf(html)).toMatch(/^https:\/\/t\.example\.com\/track\/c\//);
    expect(html).toContain('href="mailto:a@b.c"');
    expect(html).toContain('href="#top"');
  });

  it('leaves links marked data-no-track or skipped', () => {
    const { tracking } = setup();
    const html = tracking.instrument(
      '<a data-no-track href="https://a.example/">a</a><a href="https://unsubscribe.example/x">u</a>',
      context,
      { skip: (url) => url.startsWith('https://unsubscribe.example/'), opens: false },
    );
    expect(html).toBe(
      '<a data-no-track href="https://a.example/">a</a><a href="https://unsubscribe.example/x">u</a>',
    );
  });

  it('records a click as a canonical activity and redirects to the wrapped link', async () => {
    const { tracking, recorded, emitted } = setup();
    const html = tracking.instrument(
      '<a href="https://acme.example/pricing?x=1&amp;y=2">pricing</a>',
      context,
    );
    const response = await tracking.handler(
      new Request(linkOf(html), { headers: { 'user-agent': 'Mozilla/5.0' } }),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://acme.example/pricing?x=1&y=2');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.tenantId).toBe('t1');
    expect(recorded[0]?.activity).toMatchObject({
      type: 'email_clicked',
      personId: 'p1',
      occurredAt: '2026-01-12T10:00:00.000Z',
      source: 'tracking',
      data: {
        enrollmentId: 'e1',
        sequenceId: 's1',
        stepIndex: 2,
        url: 'https://acme.example/pricing?x=1&y=2',
      },
    });
    expect(emitted).toEqual([{ tenantId: 't1', activity: recorded[0]?.activity }]);
  });

  it('records an open and answers a transparent GIF', async () => {
    const { tracking, recorded } = setup();
    const response = await tracking.handler(new Request(tracking.openUrl(context)));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/gif');
    expect(new Uint8Array(await response.arrayBuffer()).slice(0, 6)).toEqual(
      new TextEncoder().encode('GIF89a'),
    );
    expect(recorded.map(({ activity }) => activity.type)).toEqual(['email_opened']);
  });

  it('never redirects to a link it did not wrap', async () => {
    const { tracking, recorded } = setup();
    const genuine = tracking.clickUrl(context, 'https://acme.example/');
    const [prefix, token] = genuine.split('/c/') as [string, string];
    const [body, signature] = token.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const forgedBody = Buffer.from(JSON.stringify({ ...payload, u: 'https://evil.example/' })).toString(
      'base64url',
    );
    const attempts = [
      `${prefix}/c/${forgedBody}.${signature}`,
      `${prefix}/c/not-a-token`,
      `${prefix}/c/${createTracking({ secret: 'another-secret-0123456789', baseUrl: prefix }).clickUrl(context, 'https://evil.example/').split('/c/')[1]}`,
      `${prefix}/c/${tracking.openUrl(context).split('/o/')[1]}`,
    ];
    for (const url of attempts) {
      const response = await tracking.handler(new Request(url));
      expect(response.status).toBe(404);
      expect(response.headers.get('location')).toBeNull();
    }
    expect(recorded).toEqual([]);
  });

  it('answers the pixel but records nothing for a forged open', async () => {
    const { tracking, recorded } = setup();
    const response = await tracking.handler(new Request('https://t.example.com/track/o/abc.def'));
    expect(response.status).toBe(200);
    expect(recorded).toEqual([]);
  });

  it('still redirects when onActivity fails', async () => {
    const tracking = createTracking({
      secret: SECRET,
      baseUrl: 'https://t.example.com/track',
      onActivity: () => {
        throw new Error('database down');
      },
    });
    const response = await tracking.handler(new Request(tracking.clickUrl(context, 'https://acme.example/')));
    expect(response.status).toBe(302);
  });

  it('rejects a short secret without printing it', () => {
    expect(() => createTracking({ secret: 'short', baseUrl: 'https://t.example.com' })).toThrow(
      /"secret" must be a string of at least 16 characters/,
    );
    try {
      createTracking({ secret: 'short', baseUrl: 'https://t.example.com' });
    } catch (error) {
      expect(String(error)).not.toContain('short"');
      expect(JSON.stringify(error)).not.toContain('"short"');
    }
  });
});
