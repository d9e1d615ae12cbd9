import { describe, expect, it, vi } from 'vitest';
import { createEventBus } from './event-bus.ts';

interface TestEvents {
  'person.created': { id: string };
  'person.deleted': { id: string };
}

describe('createEventBus', () => {
  it('delivers an emitted payload to every listener of its type, in subscription order', () => {
    const bus = createEventBus<TestEvents>();
    const calls: string[] = [];
    bus.on('person.created', ({ id }) => calls.push(`first ${id}`));
    bus.on('person.created', ({ id }) => calls.push(`second ${id}`));
    bus.on('person.deleted', ({ id }) => calls.push(`deleted ${id}`));
    bus.emit('person.created', { id: 'p1' });
    expect(calls).toEqual(['first p1', 'second p1']);
  });

  it('emits with no listeners without error', () => {
    const bus = createEventBus<TestEvents>();
    expect(() => bus.emit('person.created', { id: 'p1' })).not.toThrow();
  });

  it('stops delivering after the function on() returned is called', () => {
    const bus = createEventBus<TestEvents>();
    const listener = vi.fn();
    const unsubscribe = bus.on('person.created', listener);
    bus.emit('person.created', { id: 'p1' });
    unsubscribe();
    bus.emit('person.created', { id: 'p2' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledWith({ id: 'p1' });
  });

  it('stops delivering to a listener passed to off(), leaving the others subscribed', () => {
    const bus = createEventBus<TestEvents>();
    const removed = vi.fn();
    const kept = vi.fn();
    bus.on('person.created', removed);
    bus.on('person.created', kept);
    bus.off('person.created', removed);
    bus.emit('person.created', { id: 'p1' });
    expect(removed).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledTimes(1);
  });

  it('ignores off() for a listener that was never subscribed', () => {
    const bus = createEventBus<TestEvents>();
    const kept = vi.fn();
    bus.on('person.created', kept);
    expect(() => bus.off('person.created', vi.fn())).not.toThrow();
    bus.emit('person.created', { id: 'p1' });
    expect(kept).toHaveBeenCalledTimes(1);
  });

  it('delivers to a once() listener one time only', () => {
    const bus = createEventBus<TestEvents>();
    const listener = vi.fn();
    bus.once('person.created', listener);
    bus.emit('person.created', { id: 'p1' });
    bus.emit('person.created', { id: 'p2' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledWith({ id: 'p1' });
  });

  it('cancels a once() listener before it fires, through off() or the returned function', () => {
    const bus = createEventBus<TestEvents>();
    const viaOff = vi.fn();
    const viaReturn = vi.fn();
    bus.once('person.created', viaOff);
    const cancel = bus.once('person.created', viaReturn);
    bus.off('person.created', viaOff);
    cancel();
    bus.emit('person.created', { id: 'p1' });
    expect(viaOff).not.toHaveBeenCalled();
    expect(viaReturn).not.toHaveBeenCalled();
  });

  it('keeps delivering to the other listeners when one throws, and reports the error with its type', () => {
    const reported: [unknown, string][] = [];
    const bus = createEventBus<TestEvents>({
      onListenerError: (error, type) => reported.push([error, type]),
    });
    const failure = new Error('listener broke');
    const before = vi.fn();
    const after = vi.fn();
    const anyListener = vi.fn();
    bus.on('person.created', before);
    bus.on('person.created', () => {
      throw failure;
    });
    bus.on('person.created', after);
    bus.onAny(anyListener);
    expect(() => bus.emit('person.created', { id: 'p1' })).not.toThrow();
    expect(before).toHaveBeenCalledTimes(1);
    expect(after).toHaveBeenCalledTimes(1);
    expect(anyListener).toHaveBeenCalledTimes(1);
    expect(reported).toEqual([[failure, 'person.created']]);
  });

  it('swallows a listener error when no onListenerError is given', () => {
    const bus = createEventBus<TestEvents>();
    const after = vi.fn();
    bus.once('person.created', () => {
      throw new Error('ignored');
    });
    bus.on('person.created', after);
    expect(() => bus.emit('person.created', { id: 'p1' })).not.toThrow();
    expect(after).toHaveBeenCalledTimes(1);
  });

  it('removes with off() only the subscription of the type named, for a listener of several types', () => {
    const bus = createEventBus<TestEvents>();
    const listener = vi.fn();
    bus.on('person.created', listener);
    bus.on('person.deleted', listener);
    bus.off('person.created', listener);
    bus.emit('person.created', { id: 'p1' });
    bus.emit('person.deleted', { id: 'p2' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledWith({ id: 'p2' });
  });

  it('goes on with the other listeners when onListenerError throws itself', () => {
    const bus = createEventBus<TestEvents>({
      onListenerError: () => {
        throw new Error('reporter broke');
      },
    });
    const after = vi.fn();
    bus.on('person.created', () => {
      throw new Error('listener broke');
    });
    bus.on('person.created', after);
    expect(() => bus.emit('person.created', { id: 'p1' })).not.toThrow();
    expect(after).toHaveBeenCalledTimes(1);
  });

  it('reports a listener whose promise rejects instead of leaving an unhandled rejection', async () => {
    const reported: [unknown, string][] = [];
    const bus = createEventBus<TestEvents>({
      onListenerError: (error, type) => reported.push([error, type]),
    });
    const failure = new Error('async listener broke');
    bus.on('person.created', async () => {
      throw failure;
    });
    bus.emit('person.created', { id: 'p1' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(reported).toEqual([[failure, 'person.created']]);
  });

  describe('onAny', () => {
    it('receives the type and payload of every event, after the typed listeners', () => {
      const bus = createEventBus<TestEvents>();
      const calls: string[] = [];
      bus.onAny((type, payload) => calls.push(`any ${type} ${(payload as { id: string }).id}`));
      bus.on('person.created', () => calls.push('typed'));
      bus.emit('person.created', { id: 'p1' });
      bus.emit('person.deleted', { id: 'p2' });
      expect(calls).toEqual(['typed', 'any person.created p1', 'any person.deleted p2']);
    });

    it('stops when the returned function is called', () => {
      const bus = createEventBus<TestEvents>();
      const listener = vi.fn();
      const unsubscribe = bus.onAny(listener);
      unsubscribe();
      bus.emit('person.created', { id: 'p1' });
      expect(listener).not.toHaveBeenCalled();
    });

    it('isolates a throwing listener and reports it with the type "*"', () => {
      const reported: string[] = [];
      const bus = createEventBus<TestEvents>({ onListenerError: (_error, type) => reported.push(type) });
      const other = vi.fn();
      bus.onAny(() => {
        throw new Error('any broke');
      });
      bus.onAny(other);
      bus.emit('person.deleted', { id: 'p1' });
      expect(other).toHaveBeenCalledWith('person.deleted', { id: 'p1' });
      expect(reported).toEqual(['*']);
    });
  });

  it('keeps buses apart: a listener on one never hears another', () => {
    const first = createEventBus<TestEvents>();
    const second = createEventBus<TestEvents>();
    const listener = vi.fn();
    first.on('person.created', listener);
    second.emit('person.created', { id: 'p1' });
    expect(listener).not.toHaveBeenCalled();
  });
});
