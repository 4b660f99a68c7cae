import type { z } from 'zod';
import { type FieldProblem, InvalidRequestError } from './errors.js';
import { fieldName } from './schemas.js';

type Issue = z.core.$ZodIssue;

/**
 * A failed union (e.g. `vector`: numbers or `{dtype, base64}`) reports every branch; keep the branch whose
 * shape matched, so a bad element is named `vector[12]` rather than just `vector`.
 */
function flatten(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const matched = issue.errors.find((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
  if (!matched) return [issue];
  return matched.flatMap((inner) => flatten({ ...inner, path: [...issue.path, ...inner.path] } as Issue));
}

/** Parses with a zod schema or throws a 400 naming every bad field (the first one in the message). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems: FieldProblem[] = result.error.issues
    .flatMap(flatten)
    .slice(0, 20)
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return { field: issue.keys.map((k) => fieldName([...issue.path, k])).join(', '), message: 'unknown field' };
      }
      return { field: fieldName(issue.path), message: issue.message };
    });
  const first = problems[0] ?? { field: 'body', message: 'invalid' };
  throw new InvalidRequestError(`${first.field}: ${first.message}`, problems);
}
