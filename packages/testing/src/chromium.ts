import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium, headless, with the flags this network needs. Playwright gives it a
 * fresh profile. CI installs it (`.ci/install-chromium.sh`); a missing binary fails loudly.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * The same Chromium with WebGPU on SwiftShader, Vulkan on the CPU: a real WebGPU adapter in headless
 * mode on secure origins (http://127.0.0.1 counts), without `shader-f16`. For correctness only: it emulates the
 * GPU on the CPU, so its timings say nothing about WebGPU speed.
 */
export function launchChromiumWebGpu(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--enable-unsafe-webgpu',
      '--enable-features=Vulkan',
      '--use-vulkan=swiftshader',
      '--use-webgpu-adapter=swiftshader',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
