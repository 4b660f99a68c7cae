import { describe, expect, it } from 'vitest';
import { example, exampleFiles, invalidExamples, REQUEST_DEFS, schemaErrors } from './protocol.js';

// The examples are shared with the Swift tests (FindThisFitKit decodes the same files): keep them honest.
describe('bridge protocol examples', () => {
  const files = exampleFiles();

  it.each(files)('%s is valid against the schema', (file) => {
    const message = example(file);
    expect(schemaErrors(message)).toBe('');
    if (message.type !== 'reply') {
      expect(schemaErrors(message, REQUEST_DEFS[message.type as string]!.def)).toBe('');
      // Known types are envelopes too, so receivers can check the envelope first and the type second.
      expect(schemaErrors(message, 'envelope')).toBe('');
    } else if (message.ok === true) {
      // `<type>.reply.json` answers `<type>.json`: its payload matches that type's result.
      const type = files.includes(file.replace('.reply', '')) ? example(file.replace('.reply', '')).type : undefined;
      expect(type, `${file} needs a matching request example`).toBeTypeOf('string');
      expect(schemaErrors(message.payload, REQUEST_DEFS[type as string]!.result)).toBe('');
    }
  });

  it('has a request and a reply example for every message type', () => {
    const types = files
      .map((f) => example(f))
      .filter((m) => m.type !== 'reply')
      .map((m) => m.type);
    expect(new Set(types)).toEqual(new Set(Object.keys(REQUEST_DEFS)));
    for (const file of files.filter((f) => !f.includes('.reply'))) {
      expect(files, `reply example for ${file}`).toContain(file.replace('.json', '.reply.json'));
    }
    expect(files.some((f) => example(f).ok === false)).toBe(true);
  });

  const invalid = invalidExamples();
  it.each(invalid.map((x) => [x.file, x] as const))('invalid/%s fails validation', (_file, x) => {
    expect(x.why.length).toBeGreaterThan(10);
    expect(['native-to-js', 'js-to-native', 'reply']).toContain(x.direction);
    expect(schemaErrors(x.message)).not.toBe('');
  });

  it('a well-formed envelope of an unknown type passes the envelope check but not the schema (→ unsupported)', () => {
    const unknown = { v: 1, id: 'ios-1', type: 'cart.add', payload: {} };
    expect(schemaErrors(unknown, 'envelope')).toBe('');
    expect(schemaErrors(unknown)).not.toBe('');
    expect(schemaErrors({ ...unknown, type: 'reply' }, 'envelope')).not.toBe('');
  });
});
