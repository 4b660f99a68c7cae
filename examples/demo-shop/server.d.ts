/** The widget's build folder, from the installed package. */
export function widgetDistDir(): string;

export interface DemoShopOptions {
  /** The search server URL (http:// or https://). */
  apiBase: string;
  /** A publishable key allowed for this page's origin. */
  apiKey?: string;
  port?: number;
  host?: string;
  /** Serve model folders from here under /models/ (offline demos); goes with `model`. */
  modelsDir?: string;
  /** The folder under `modelsDir` the widget loads (e.g. `fixture`). */
  model?: string;
  /** A banner above the widget (plain text), e.g. that the results come from a generated model. */
  notice?: string;
}

/** Starts the demo shop page server. */
export function startDemoShop(options: DemoShopOptions): Promise<{ url: string; close(): Promise<void> }>;
