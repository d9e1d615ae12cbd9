import { describe, expect, it } from 'vitest';
import { findMissingVariables, parseTemplate, renderTemplate } from './render-template.ts';
import { TemplateError } from './template-error.ts';

describe('renderTemplate', () => {
  it('fills variables', () => {
    expect(renderTemplate('Hi {{first_name}} at {{ company }}', { first_name: 'Ada', company: 'Acme' })).toBe(
      'Hi Ada at Acme',
    );
  });

  it('uses the fallback when the value is missing, null or blank', () => {
    const template = 'Hi {{first_name|there}}';
    expect(renderTemplate(template, {})).toBe('Hi there');
    expect(renderTemplate(template, { first_name: null })).toBe('Hi there');
    expect(renderTemplate(template, { first_name: '  ' })).toBe('Hi there');
    expect(renderTemplate(template, { first_name: 'Ada' })).toBe('Hi Ada');
  });

  it('accepts an empty or quoted fallback', () => {
    expect(renderTemplate('Hi{{first_name|}}!', {})).toBe('Hi!');
    expect(renderTemplate("Hi {{first_name | 'friend' }}", {})).toBe('Hi friend');
  });

  it('escapes values and fallbacks for HTML', () => {
    expect(
      renderTemplate('<p>{{company}} {{title|<none>}}</p>', { company: '<script>alert("x")</script> & Co' }),
    ).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co &lt;none&gt;</p>');
  });

  it('leaves plain text alone with escape none', () => {
    expect(renderTemplate('{{company}} & you', { company: 'A&B' }, { escape: 'none' })).toBe('A&B & you');
  });

  it('throws TemplateError naming every variable without value or fallback', () => {
    let caught: unknown;
    try {
      renderTemplate('{{first_name}} {{company}} {{company}} {{city|there}}', {});
    } catch (error) {
      caught = error;
    }
    expect(TemplateError.isInstance(caught)).toBe(true);
    expect((caught as TemplateError).missingVariables).toEqual(['first_name', 'company']);
    expect((caught as TemplateError).message).toContain('"first_name", "company"');
  });

  it('rejects a malformed tag', () => {
    expect(() => renderTemplate('Hi {{first name}}', {})).toThrow(
      /Malformed template tag "\{\{first name\}\}"/,
    );
  });
});

describe('parseTemplate', () => {
  it('lists tags with their fallbacks in order', () => {
    expect(parseTemplate('{{a}} {{b|x}} {{ c | y z }}')).toEqual([
      { name: 'a' },
      { name: 'b', fallback: 'x' },
      { name: 'c', fallback: 'y z' },
    ]);
  });
});

describe('findMissingVariables', () => {
  it('answers only variables with neither value nor fallback', () => {
    expect(findMissingVariables('{{a}} {{b|x}} {{c}}', { c: 3 })).toEqual(['a']);
  });
});
