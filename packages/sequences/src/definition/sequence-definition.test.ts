import { describe, expect, it } from 'vitest';
import { DefinitionError } from './definition-error.ts';
import { parseSequenceDefinition } from './sequence-definition.ts';

describe('parseSequenceDefinition', () => {
  it('fills every default', () => {
    const definition = parseSequenceDefinition({
      id: 'd',
      steps: [{ type: 'email', subject: 'Hi', body: '<p>Hi</p>' }, { type: 'wait' }],
    });
    expect(definition.steps[0]).toMatchObject({
      mode: 'automatic',
      replyInThread: false,
      blocking: false,
      delay: { businessDays: 0, hours: 0, minutes: 0 },
    });
    expect(definition.settings).toEqual({
      sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' },
      timeZone: 'UTC',
      holidays: [],
      mailboxCaps: {},
      exitOn: { reply: true, meeting: true, bounce: true, click: false },
      outOfOffice: { pause: true, resumeAfterDays: 14 },
      reenrollment: 'once',
      minimumGapMinutes: 0,
    });
  });

  it('lists every problem with its path', () => {
    let caught: unknown;
    try {
      parseSequenceDefinition({
        id: 'bad',
        steps: [
          { type: 'email', replyInThread: true, body: '<p>x</p>' },
          { type: 'email', body: '<p>{{first name}}</p>' },
          { type: 'fax' },
        ],
        settings: {
          sendWindow: { days: ['mon'], start: '18:00', end: '09:00' },
          timeZone: 'Mars/Base',
          holidays: ['2026-02-30'],
        },
      });
    } catch (error) {
      caught = error;
    }
    expect(DefinitionError.isInstance(caught)).toBe(true);
    const paths = (caught as DefinitionError).issues.map(({ path }) => path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'steps.2.type',
        'settings.sendWindow.end',
        'settings.timeZone',
        'settings.holidays.0',
      ]),
    );
    expect((caught as DefinitionError).message).toMatch(/^Invalid sequence definition "bad": /);
  });

  it('requires an automatic email before a step that replies in thread', () => {
    expect(() =>
      parseSequenceDefinition({
        id: 'thread',
        steps: [
          { type: 'email', mode: 'manual', subject: 'Hi', body: '<p>Hi</p>' },
          { type: 'email', replyInThread: true, body: '<p>Again</p>' },
        ],
      }),
    ).toThrow(
      /steps\.1\.replyInThread: a step that replies in thread needs an automatic email step before it/,
    );
  });

  it('rejects a malformed template tag, naming the field', () => {
    expect(() =>
      parseSequenceDefinition({
        id: 't',
        steps: [{ type: 'email', subject: 'Hi', body: '<p>{{first name}}</p>' }],
      }),
    ).toThrow(/steps\.0\.body: Malformed template tag/);
  });

  it('requires a subject on each variant unless replying in thread, and unique step ids', () => {
    expect(() =>
      parseSequenceDefinition({
        id: 'v',
        steps: [
          { id: 'x', type: 'email', variants: [{ subject: 'A', body: 'a' }, { body: 'b' }] },
          { id: 'x', type: 'wait' },
        ],
      }),
    ).toThrow(/steps\.0\.variants\.1\.subject: required.*steps\.1\.id: duplicate step id "x"/);
  });
});
