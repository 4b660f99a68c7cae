import { describe, expect, it } from 'vitest';
import { assertSameModel, isFindThisFitError, LocalModelMismatchError, type ModelInfo } from '../../src/index.js';

const server: ModelInfo = {
  preset: 'fixture',
  modelId: 'fixture',
  revision: 'r1',
  family: 'clip',
  dim: 128,
  dtype: 'q8',
  imageSize: 224,
  fingerprint: 'fixture.q8.aaaa',
  queryDtypes: [
    { dtype: 'q8', fingerprint: 'fixture.q8.aaaa' },
    { dtype: 'fp32', fingerprint: 'fixture.fp32.bbbb' },
  ],
};

const thrown = (run: () => void): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('assertSameModel', () => {
  it('passes the server’s index fingerprint and any query fingerprint it accepts', () => {
    expect(() =>
      assertSameModel({ fingerprint: 'fixture.q8.aaaa', queryFingerprint: 'fixture.fp32.bbbb' }, server),
    ).not.toThrow();
    expect(() => assertSameModel({ queryFingerprint: 'fixture.q8.aaaa' }, server)).not.toThrow();
    expect(() => assertSameModel({}, server)).not.toThrow();
  });

  it('refuses another index model, naming both fingerprints and what the caller will not do', () => {
    const error = thrown(() => assertSameModel({ fingerprint: 'other.q8.cccc' }, server, 'refusing to ingest'));
    expect(error).toBeInstanceOf(LocalModelMismatchError);
    expect(isFindThisFitError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'model_mismatch', local: 'other.q8.cccc', server: 'fixture.q8.aaaa' });
    expect((error as Error).message).toBe(
      "The local model (other.q8.cccc) is not the server's (fixture.q8.aaaa); refusing to ingest.",
    );
  });

  it('refuses a query dtype the server does not accept; without queryDtypes only the index fingerprint is', () => {
    const fp16 = { fingerprint: 'fixture.q8.aaaa', queryFingerprint: 'fixture.fp16.dddd', dtype: 'fp16' };
    expect((thrown(() => assertSameModel(fp16, server)) as Error).message).toMatch(
      /does not accept query vectors in this model's fp16 \(fixture\.fp16\.dddd\); refusing to send vectors/,
    );
    const { queryDtypes: _, ...older } = server;
    expect(thrown(() => assertSameModel({ queryFingerprint: 'fixture.fp32.bbbb' }, older))).toBeInstanceOf(
      LocalModelMismatchError,
    );
    expect(() => assertSameModel({ queryFingerprint: 'fixture.q8.aaaa' }, older)).not.toThrow();
  });
});
