/**
 * Every bad setting at once, so an operator fixes them in one go. Values of secrets are never in it.
 * The message is `<heading>: <problem>` for one problem, else the heading and one `  - problem` line each.
 */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string | string[], heading = 'Invalid configuration') {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.length === 1 ? `${heading}: ${list[0]}` : `${heading}:\n  - ${list.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = list;
  }
}
