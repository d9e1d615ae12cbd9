import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApolloClient } from '../client.ts';
import { createApolloSimulator } from './apollo-simulator.ts';
import type { SimulatedPerson } from './simulator-store.ts';

const people = (simulator: ReturnType<typeof createApolloSimulator>) =>
  Array.from(simulator.store.people.values());

describe('store.personByEmail, personByLinkedinUrl, personByHashedEmail and peopleNamed', () => {
  it('finds people by email in any case, LinkedIn URL in any form, hashed email and name', () => {
    const { store } = createApolloSimulator({ seed: 3, people: 50 });
    const person = Array.from(store.people.values())[17]!;
    expect(store.personByEmail(` ${person.email.toUpperCase()} `)).toBe(person);
    const profile = person.linkedin_url.replace(/^http:\/\/www\./, 'https://');
    expect(store.personByLinkedinUrl(`${profile}/`)).toBe(person);
    const md5 = createHash('md5').update(person.email.toLowerCase()).digest('hex');
    const sha256 = createHash('sha256').update(person.email.toLowerCase()).digest('hex');
    expect(store.personByHashedEmail(md5)).toBe(person);
    expect(store.personByHashedEmail(sha256.toUpperCase())).toBe(person);
    expect(store.peopleNamed(person.name.toUpperCase())).toContain(person);
    expect(store.personByEmail('nobody@nowhere.example')).toBeUndefined();
  });

  it('follows people added, replaced and deleted after the first lookup', () => {
    const { store } = createApolloSimulator({ seed: 3, people: 20 });
    const first = Array.from(store.people.values())[0]!;
    expect(store.personByEmail(first.email)).toBe(first);
    const added = store.addPerson({
      email: 'new.hire@acme.example',
      linkedin_url: 'http://www.linkedin.com/in/new-hire',
    });
    expect(store.personByEmail('NEW.HIRE@acme.example')).toBe(added);
    const moved = { ...first, email: 'moved@elsewhere.example' };
    store.people.set(first.id, moved);
    expect(store.personByEmail(first.email)).toBeUndefined();
    expect(store.personByEmail('moved@elsewhere.example')).toBe(moved);
    store.people.delete(added.id);
    expect(store.personByEmail('new.hire@acme.example')).toBeUndefined();
    expect(store.personByLinkedinUrl('linkedin.com/in/new-hire')).toBeUndefined();
    store.people.clear();
    expect(store.personByEmail('moved@elsewhere.example')).toBeUndefined();
  });

  it('answers the person listed first when two share an email, as a scan would', () => {
    const { store } = createApolloSimulator({ seed: 3, people: 5 });
    const [first, second] = Array.from(store.people.values()) as [SimulatedPerson, SimulatedPerson];
    store.people.set(second.id, { ...second, email: first.email.toUpperCase() });
    expect(store.personByEmail(first.email)?.id).toBe(first.id);
    store.people.set(first.id, { ...first, title: 'Chief Executive Officer' });
    expect(store.personByEmail(first.email)?.title).toBe('Chief Executive Officer');
    store.people.delete(first.id);
    expect(store.personByEmail(first.email)?.id).toBe(second.id);
  });

  it('does not answer a person whose email was edited in place away from the one asked', () => {
    const { store } = createApolloSimulator({ seed: 3, people: 5 });
    const person = Array.from(store.people.values())[2]!;
    const email = person.email;
    expect(store.personByEmail(email)).toBe(person);
    person.email = 'edited@in.place';
    expect(store.personByEmail(email)).toBeUndefined();
  });
});

describe('createApolloSimulator bulk enrichment', () => {
  it('enriches 5 000 people by email, LinkedIn URL, hashed email and id, and misses unknown ones', async () => {
    const simulator = createApolloSimulator({
      seed: 9,
      people: 5_000,
      organizations: 200,
      contacts: 0,
      accounts: 0,
      creditLimit: 100_000,
      rateLimits: { minute: null, hour: null, day: null },
    });
    const client = createApolloClient({
      apiKey: 'test-key',
      baseUrl: 'https://api.apollo.io/api/v1',
      fetch: async (input, init) => simulator.fetch(new Request(input, init)),
      maxRetries: 0,
    });
    const everyone = people(simulator);
    expect(everyone).toHaveLength(5_000);
    const details = everyone.map((person, index) => {
      switch (index % 4) {
        case 0:
          return { email: person.email.toUpperCase() };
        case 1:
          return { linkedin_url: `${person.linkedin_url}/` };
        case 2:
          return { hashed_email: createHash('sha256').update(person.email.toLowerCase()).digest('hex') };
        default:
          return { id: person.id };
      }
    });
    const unknown = [{ email: 'nobody@nowhere.example' }, { linkedin_url: 'linkedin.com/in/nobody' }];
    const matches = await client.people.bulkEnrich([...details, ...unknown]);
    expect(matches).toHaveLength(5_002);
    const wrong = matches.slice(0, 5_000).filter((match, index) => match?.id !== everyone[index]?.id);
    expect(wrong).toEqual([]);
    expect(matches.slice(5_000)).toEqual([null, null]);
    expect(simulator.store.credits.consumed).toBe(5_000);
  });
});
