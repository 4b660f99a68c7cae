import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launchChromiumWebGpu } from '@find-this-fit/testing/chromium';
import { nearDuplicate } from '@find-this-fit/testing/photos';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_DIR, startWidgetEnv, type WidgetEnv } from '../helpers/widget-env.js';
import { choosePhoto, openWidget } from '../helpers/widget-page.js';

// WebGPU on SwiftShader: a real adapter emulated on the CPU, for correctness only (never timings).
let env: WidgetEnv;
let browser: Browser;
let runtime: { wasm: { mjs: string; wasm: string }; webgpu: { mjs: string; wasm: string } };

beforeAll(async () => {
  [env, browser] = await Promise.all([startWidgetEnv({ count: 12 }), launchChromiumWebGpu()]);
  runtime = JSON.parse(await readFile(join(DIST_DIR, 'ort/ort-runtime.json'), 'utf8'));
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe('ONNX Runtime build per device', () => {
  for (const [device, build, other] of [
    ['webgpu', 'webgpu', 'wasm'],
    ['wasm', 'wasm', 'webgpu'],
  ] as const) {
    it(`device=${device} (WebGPU available) fetches only the ${build} build, under its hashed name`, async () => {
      const page = await openWidget(browser, env, { device });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      const detail = await choosePhoto(page, await nearDuplicate(env.listings[0]!.image));
      expect(detail.device).toBe(device);
      const ort = requests.filter((u) => u.includes('/widget/ort/'));
      expect(ort).toContain(`${env.page.url}/widget/ort/${runtime[build].wasm}`);
      expect(ort).toContain(`${env.page.url}/widget/ort/${runtime[build].mjs}`);
      expect(ort.filter((u) => u.endsWith(runtime[other].wasm) || u.endsWith(runtime[other].mjs))).toEqual([]);
      await page.context().close();
    });
  }
});
