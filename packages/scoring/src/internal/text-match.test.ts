import { describe, expect, it } from 'vitest';
import { compilePhrases, containsAnyPhrase, inferSeniority, tokenize } from './text-match.ts';

describe('containsAnyPhrase', () => {
  it('matches whole words and phrases, ignoring case and punctuation', () => {
    const words = tokenize('VP, Sales & Revenue Operations');
    expect(containsAnyPhrase(words, compilePhrases(['revenue operations']))).toBe(true);
    expect(containsAnyPhrase(words, compilePhrases(['vp']))).toBe(true);
    expect(containsAnyPhrase(words, compilePhrases(['ales']))).toBe(false);
    expect(containsAnyPhrase(tokenize('Director of IT'), compilePhrases(['cto']))).toBe(false);
  });
});

describe('inferSeniority', () => {
  it('reads the level from common titles', () => {
    expect(inferSeniority('Vice President of Sales')).toBe('vp');
    expect(inferSeniority('SVP Marketing')).toBe('vp');
    expect(inferSeniority('Chief Revenue Officer')).toBe('c_suite');
    expect(inferSeniority('CTO & Co-Founder')).toBe('c_suite');
    expect(inferSeniority('Co-founder')).toBe('founder');
    expect(inferSeniority('Director, Demand Generation')).toBe('director');
    expect(inferSeniority('Head of Growth')).toBe('head');
    expect(inferSeniority('Partner Manager')).toBe('manager');
    expect(inferSeniority('Sr. Account Executive')).toBe('senior');
    expect(inferSeniority('Product Owner')).toBe(null);
    expect(inferSeniority('Marketing Intern')).toBe('entry');
    expect(inferSeniority(null)).toBe(null);
  });
});
