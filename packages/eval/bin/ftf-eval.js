#!/usr/bin/env node
// The `ftf-eval` command. This file is committed so that `pnpm install` can link the command before the first
// build; the command itself is build output.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(`ftf-eval: ${fileURLToPath(cli)} is not built yet: run \`pnpm build\` first.\n`);
  process.exit(1);
}
await import(cli.href);
