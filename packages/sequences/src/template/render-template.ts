import { TemplateError } from './template-error.ts';

/** Values a template reads. `null`, `undefined` and blank strings count as missing. */
export type TemplateVariables = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** One `{{name}}` or `{{name|fallback}}` tag of a template. */
export interface TemplateTag {
  /** The variable name, such as `first_name`. */
  name: string;
  /** The fallback text after `|`, when the tag has one (may be `''`). */
  fallback?: string;
}

/** Options of `renderTemplate`. */
export interface RenderTemplateOptions {
  /**
   * How values and fallbacks are escaped: `'html'` (default) for HTML bodies, `'none'` for
   * plain text such as a subject line.
   */
  escape?: 'html' | 'none';
}

const TAG = /\{\{([^{}]*)\}\}/g;
const NAME = /^[A-Za-z_][\w.-]*$/;

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] as string);
}

function parseTag(inner: string, raw: string): TemplateTag {
  const separator = inner.indexOf('|');
  const name = (separator < 0 ? inner : inner.slice(0, separator)).trim();
  if (!NAME.test(name)) {
    throw new TemplateError(
      `Malformed template tag "${raw}": expected {{name}} or {{name|fallback}} with a name of letters, digits and _`,
    );
  }
  if (separator < 0) return { name };
  let fallback = inner.slice(separator + 1).trim();
  const quoted = /^(['"])(.*)\1$/s.exec(fallback);
  if (quoted) fallback = quoted[2] as string;
  return { name, fallback };
}

/**
 * The tags of a template, in order of appearance. Throws `TemplateError` for a malformed tag.
 *
 * @example
 * ```ts
 * parseTemplate('Hi {{first_name|there}}, {{company}}');
 * // → [{ name: 'first_name', fallback: 'there' }, { name: 'company' }]
 * ```
 */
export function parseTemplate(template: string): TemplateTag[] {
  const tags: TemplateTag[] = [];
  for (const match of template.matchAll(TAG)) tags.push(parseTag(match[1] as string, match[0]));
  return tags;
}

function lookupValue(variables: TemplateVariables, name: string): string | undefined {
  if (!Object.hasOwn(variables, name)) return undefined;
  const value = variables[name];
  if (value === null || value === undefined) return undefined;
  const text = String(value);
  return text.trim() === '' ? undefined : text;
}

/**
 * Names of the variables a template needs that have neither a value in `variables` nor a
 * fallback in the tag, each once, in order of appearance.
 */
export function findMissingVariables(template: string, variables: TemplateVariables): string[] {
  const missing = new Set<string>();
  for (const tag of parseTemplate(template)) {
    if (tag.fallback === undefined && lookupValue(variables, tag.name) === undefined) missing.add(tag.name);
  }
  return [...missing];
}

/**
 * Fills `{{name}}` and `{{name|fallback}}` tags. A value that is missing, `null` or blank uses
 * the tag's fallback; a tag with neither throws `TemplateError` naming every such variable.
 * Values and fallbacks are HTML-escaped unless `escape: 'none'`.
 *
 * @example
 * ```ts
 * renderTemplate('<p>Hi {{first_name|there}},</p>', { first_name: 'Ada' }); // '<p>Hi Ada,</p>'
 * renderTemplate('<p>Hi {{first_name|there}},</p>', {});                    // '<p>Hi there,</p>'
 * renderTemplate('Re: {{company}}', {}, { escape: 'none' });                 // throws TemplateError
 * ```
 */
export function renderTemplate(
  template: string,
  variables: TemplateVariables,
  options: RenderTemplateOptions = {},
): string {
  const missing = findMissingVariables(template, variables);
  if (missing.length > 0) {
    const names = missing.map((name) => `"${name}"`).join(', ');
    throw new TemplateError(
      `No value and no fallback for template variable${missing.length > 1 ? 's' : ''} ${names}: ` +
        'provide a value or write {{name|fallback}}',
      { missingVariables: missing },
    );
  }
  const escapeValue = options.escape === 'none' ? (text: string) => text : escapeHtml;
  return template.replace(TAG, (raw, inner: string) => {
    const tag = parseTag(inner, raw);
    return escapeValue(lookupValue(variables, tag.name) ?? tag.fallback ?? '');
  });
}
