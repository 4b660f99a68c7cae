// pnpm screenshots — the widget in headless Chromium on a phone and a desktop viewport, light and dark, after a
// real search (fixture model, fixture marketplace photos), written to docs/ for the READMEs.
import { resolve } from 'node:path';
import { launchChromium } from '@find-this-fit/testing/chromium';
import { nearDuplicate, sideBySide } from '@find-this-fit/testing/photos';
import { startWidgetEnv, WIDGET_DIR } from '../test/helpers/widget-env.js';
import { choosePhoto, DESKTOP, events, nextEvent, openWidget, PHONE, widget } from '../test/helpers/widget-page.js';

const DOCS = resolve(WIDGET_DIR, '../../docs');

async function main() {
  const env = await startWidgetEnv({ count: 48 });
  const browser = await launchChromium();
  try {
    const outfit = await sideBySide(env.listings[0]!.image, env.listings[9]!.image);
    const shots = [
      { file: 'widget-desktop.png', viewport: DESKTOP, attributes: { k: '8' } },
      { file: 'widget-desktop-dark.png', viewport: DESKTOP, attributes: { k: '8', theme: 'dark' } },
      { file: 'widget-phone.png', viewport: PHONE, attributes: { k: '4' } },
    ];
    for (const shot of shots) {
      const page = await openWidget(browser, env, shot.attributes, shot.viewport);
      if (shot.attributes.theme === 'dark')
        await page.addStyleTag({ content: 'body { background: #111; color: #eee; }' });
      await choosePhoto(page, shot.file.includes('phone') ? await nearDuplicate(env.listings[3]!.image) : outfit);
      if (!shot.file.includes('phone')) {
        // Show the crop box around the left garment, as a shopper would drag it.
        const box = widget(page).locator('ftf-cropper .box');
        await box.focus();
        for (let i = 0; i < 25; i++) await box.press('Shift+ArrowLeft');
        const before = (await events(page, 'ftf-results')).length;
        await widget(page).getByRole('button', { name: 'Search this area' }).click();
        await nextEvent(page, 'ftf-results', before);
        await box.blur();
      }
      // A full-page shot includes cards below the fold: load their lazy images now.
      await page.evaluate(() => {
        for (const img of document.querySelector('find-this-fit')!.shadowRoot!.querySelectorAll('ul.grid img')) {
          (img as HTMLImageElement).loading = 'eager';
        }
      });
      await page.waitForFunction(() =>
        [...document.querySelector('find-this-fit')!.shadowRoot!.querySelectorAll('ul.grid img')].every(
          (i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0,
        ),
      );
      await page.screenshot({ path: resolve(DOCS, shot.file), fullPage: true });
      console.log(`docs/${shot.file}`);
      await page.context().close();
    }
  } finally {
    await browser.close();
    await env.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
