import type { Seniority } from '@salesos/core';

const SEPARATORS = /[^\p{L}\p{N}]+/u;

/** Lower-case words of a text; `[]` for nothing. */
export function tokenize(text: string | null | undefined): string[] {
  if (!text) return [];
  const words = text.toLowerCase().split(SEPARATORS);
  let count = 0;
  for (const word of words) if (word !== '') words[count++] = word;
  words.length = count;
  return words;
}

const EMPTY: readonly string[] = Object.freeze([]);
const CACHE_LIMIT = 4096;
const wordsCache = new Map<string, readonly string[]>();
const seniorityCache = new Map<string, Seniority | null>();

const remember = <Value>(cache: Map<string, Value>, text: string, value: Value): Value => {
  // Titles and industries repeat across contacts; a bounded cache keeps batch scoring from re-splitting them.
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, value);
  return value;
};

/** `tokenize`, memoised: the answer is shared, never change it. */
export function wordsOf(text: string | null | undefined): readonly string[] {
  if (!text) return EMPTY;
  return wordsCache.get(text) ?? remember(wordsCache, text, tokenize(text));
}

/** Phrases as word lists, ready for `containsPhrase`. */
export function compilePhrases(phrases: readonly string[]): string[][] {
  return phrases.map((phrase) => tokenize(phrase)).filter((words) => words.length > 0);
}

/** True when `phrase` occurs in `words` as consecutive whole words. */
export function containsPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  const last = words.length - phrase.length;
  outer: for (let start = 0; start <= last; start += 1) {
    for (let offset = 0; offset < phrase.length; offset += 1) {
      if (words[start + offset] !== phrase[offset]) continue outer;
    }
    return true;
  }
  return false;
}

/** True when any of `phrases` occurs in `words`. */
export function containsAnyPhrase(
  words: readonly string[],
  phrases: readonly (readonly string[])[],
): boolean {
  for (const phrase of phrases) if (containsPhrase(words, phrase)) return true;
  return false;
}

const has = (words: readonly string[], ...candidates: string[]) =>
  candidates.some((candidate) => words.includes(candidate));

const C_SUITE = ['chief', 'ceo', 'cto', 'cfo', 'coo', 'cmo', 'cro', 'cio', 'ciso', 'cso', 'cpo', 'president'];

/**
 * Reads a seniority level from a job title, for people whose source gave none.
 * `null` when the title says nothing about level.
 */
export function inferSeniority(title: string | null | undefined): Seniority | null {
  if (!title) return null;
  const cached = seniorityCache.get(title);
  return cached !== undefined ? cached : remember(seniorityCache, title, seniorityOfWords(wordsOf(title)));
}

function seniorityOfWords(words: readonly string[]): Seniority | null {
  if (words.length === 0) return null;
  if (has(words, 'vp', 'svp', 'evp', 'avp') || containsPhrase(words, ['vice', 'president'])) return 'vp';
  if (has(words, ...C_SUITE)) return 'c_suite';
  if (has(words, 'founder', 'cofounder') || containsPhrase(words, ['co', 'founder'])) return 'founder';
  if (has(words, 'owner') && !has(words, 'product')) return 'owner';
  if (has(words, 'partner') && !has(words, 'manager', 'management', 'associate')) return 'partner';
  if (has(words, 'director')) return 'director';
  if (has(words, 'head')) return 'head';
  if (has(words, 'manager', 'mgr')) return 'manager';
  if (has(words, 'senior', 'sr', 'principal', 'staff', 'lead')) return 'senior';
  if (has(words, 'intern', 'junior', 'jr', 'assistant', 'associate', 'coordinator', 'trainee'))
    return 'entry';
  return null;
}
