import { fingerprintOf, getPreset } from '@find-this-fit/sdk';
import { launchChromiumWebGpu } from '@find-this-fit/testing/chromium';
import { COLOUR_WORDS } from '@find-this-fit/testing/fixture-model';
import { MODELS_DIR } from '@find-this-fit/testing/paths';
import { nearDuplicate } from '@find-this-fit/testing/photos';
import { type StaticServer, serveStatic } from '@find-this-fit/testing/static-server';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FtfModelProgressDetail, FtfResultsDetail } from '../../src/events.js';
import { startWidgetEnv, type WidgetEnv } from '../helpers/widget-env.js';
import { choosePhoto, events, nextEvent, openWidget, widget } from '../helpers/widget-page.js';

// The widget's WebGPU path in real headless Chromium: WebGPU on SwiftShader (Vulkan on the CPU), a real adapter
// without shader-f16. Correctness only; SwiftShader timings say nothing about GPU speed.
let env: WidgetEnv;
let browser: Browser;

beforeAll(async () => {
  [env, browser] = await Promise.all([startWidgetEnv({ count: 12 }), launchChromiumWebGpu()]);
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

const FP32 = fingerprintOf(getPreset('fixture', { dtype: 'fp32' }));
const Q8 = fingerprintOf(getPreset('fixture'));

/** Records the model files fetched and the fingerprint each vector search carried. */
function watch(page: Page): { onnx: string[]; searchedWith: string[] } {
  const seen = { onnx: [] as string[], searchedWith: [] as string[] };
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith('.onnx') && request.method() === 'GET') seen.onnx.push(url.pathname);
    if (url.pathname === '/v1/search' && request.method() === 'POST') {
      seen.searchedWith.push((JSON.parse(request.postData() ?? '{}') as { model: string }).model);
    }
  });
  return seen;
}

/**
 * Serves the widget's worker with `prelude` run first, in the worker itself (where ONNX Runtime meets WebGPU):
 * the way to make the GPU misbehave on demand.
 */
async function withWorkerPrelude(page: Page, prelude: string): Promise<void> {
  await page.context().route('**/widget/embed-worker.js', async (route: Route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: `${prelude}\n${await response.text()}` });
  });
}

describe('<find-this-fit> on WebGPU (SwiftShader)', () => {
  it('auto runs WebGPU in fp32 (no shader-f16), fetches no q8 file, and the server accepts its vectors', async () => {
    const page = await openWidget(browser, env, { device: 'auto' });
    const seen = watch(page);
    const detail = await choosePhoto(page, await nearDuplicate(env.listings[0]!.image));
    expect(detail).toMatchObject({ device: 'webgpu', dtype: 'fp32' });
    expect(detail.results[0]?.id).toBe(env.listings[0]!.id);
    expect([...new Set(seen.onnx)]).toEqual(['/models/fixture/onnx/vision_model.onnx']);
    expect(seen.searchedWith).toEqual([FP32]);
    expect((await events(page, 'ftf-model-progress')).some((e) => e.detail.status === 'fallback')).toBe(false);
    await page.context().close();
  });

  it('device=wasm runs the index dtype (q8) on WASM', async () => {
    const page = await openWidget(browser, env, { device: 'wasm' });
    const seen = watch(page);
    const detail = await choosePhoto(page, await nearDuplicate(env.listings[1]!.image));
    expect(detail).toMatchObject({ device: 'wasm', dtype: 'q8' });
    expect(detail.results[0]?.id).toBe(env.listings[1]!.id);
    expect(seen.searchedWith).toEqual([Q8]);
    await page.context().close();
  });

  it('refines with words on WebGPU too (the fp32 text encoder)', async () => {
    const page = await openWidget(browser, env, { device: 'webgpu', k: '12' });
    const seen = watch(page);
    const target = env.listings[2]!;
    const colour = Object.keys(COLOUR_WORDS).find((c) => c !== target.listing.colour.name)!;
    await choosePhoto(page, await nearDuplicate(target.image));
    const before = (await events(page, 'ftf-results')).length;
    await widget(page).getByLabel('Refine with words').fill(colour);
    await widget(page).getByRole('button', { name: 'Refine', exact: true }).click();
    const refined = (await nextEvent(page, 'ftf-results', before)).detail as unknown as FtfResultsDetail;
    expect(refined).toMatchObject({ device: 'webgpu', dtype: 'fp32' });
    expect([...new Set(seen.onnx)]).toEqual([
      '/models/fixture/onnx/vision_model.onnx',
      '/models/fixture/onnx/text_model.onnx',
    ]);
    await page.context().close();
  });

  it('a GPU that gives no device (out of memory): WASM from the start, the reason in ftf-model-progress', async () => {
    const page = await openWidget(browser, env, { device: 'auto' });
    await withWorkerPrelude(
      page,
      `GPUAdapter.prototype.requestDevice = () => Promise.reject(new DOMException('simulated: out of GPU memory', 'OperationError'));`,
    );
    const detail = await choosePhoto(page, await nearDuplicate(env.listings[3]!.image));
    expect(detail).toMatchObject({ device: 'wasm', dtype: 'q8' });
    expect(detail.results[0]?.id).toBe(env.listings[3]!.id);
    const fallback = (await events(page, 'ftf-model-progress')).find((e) => e.detail.status === 'fallback');
    expect(fallback?.detail).toMatchObject({
      status: 'fallback',
      from: { device: 'webgpu' },
      to: { device: 'wasm', dtype: 'q8' },
      reason: expect.stringMatching(/simulated: out of GPU memory/),
    });
    await page.context().close();
  });

  it('device lost mid-session: the next photo is embedded on WASM in a new worker, and the event says why', async () => {
    const page = await openWidget(browser, env, { device: 'auto' });
    await withWorkerPrelude(
      page,
      `{ const original = GPUAdapter.prototype.requestDevice;
         GPUAdapter.prototype.requestDevice = async function (descriptor) {
           const device = await original.call(this, descriptor);
           (self.gpuDevices ??= []).push(device);
           return device;
         }; }`,
    );
    const seen = watch(page);
    const first = await choosePhoto(page, await nearDuplicate(env.listings[4]!.image));
    expect(first).toMatchObject({ device: 'webgpu', dtype: 'fp32' });
    const [worker] = page.workers();
    await worker!.evaluate(() => {
      for (const device of (self as unknown as { gpuDevices: { destroy(): void }[] }).gpuDevices) device.destroy();
    });
    const second = await choosePhoto(page, await nearDuplicate(env.listings[5]!.image));
    expect(second).toMatchObject({ device: 'wasm', dtype: 'q8' });
    expect(second.results[0]?.id).toBe(env.listings[5]!.id);
    expect(seen.searchedWith).toEqual([FP32, Q8]);
    const fallbacks = (await events(page, 'ftf-model-progress'))
      .map((e) => e.detail as unknown as FtfModelProgressDetail)
      .filter((d) => d.status === 'fallback');
    expect(fallbacks).toEqual([
      expect.objectContaining({
        from: { device: 'webgpu', dtype: 'fp32' },
        to: { device: 'wasm', dtype: 'q8' },
        reason: expect.stringMatching(/lost/i),
      }),
    ]);
    expect(await events(page, 'ftf-error')).toEqual([]);
    await page.context().close();
  });
});

describe('<find-this-fit> with its model on another origin (a CDN)', () => {
  let cdn: StaticServer;
  beforeAll(async () => {
    cdn = await serveStatic({ '/m/': MODELS_DIR }, { isolated: false, cors: true });
  });
  afterAll(() => cdn?.close());

  it('loads the image and text encoders from the CDN, so refining with words works', async () => {
    const page = await openWidget(browser, env, { device: 'wasm', k: '12', 'model-url': `${cdn.url}/m/fixture` });
    const target = env.listings[6]!;
    const colour = Object.keys(COLOUR_WORDS).find((c) => c !== target.listing.colour.name)!;
    const plain = await choosePhoto(page, await nearDuplicate(target.image));
    expect(plain.results[0]?.id).toBe(target.id);
    const before = (await events(page, 'ftf-results')).length;
    await widget(page).getByLabel('Refine with words').fill(colour);
    await widget(page).getByRole('button', { name: 'Refine', exact: true }).click();
    const refined = (await nextEvent(page, 'ftf-results', before)).detail as unknown as FtfResultsDetail;
    expect(refined.results.map((r) => r.id)).not.toEqual(plain.results.map((r) => r.id));
    expect(await events(page, 'ftf-error')).toEqual([]);
    await page.context().close();
  });
});
