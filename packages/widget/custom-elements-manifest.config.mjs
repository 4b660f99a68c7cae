// `cem analyze` reads the JSDoc of the element classes and writes custom-elements.json (for IDEs, Storybook, docs).
export default {
  globs: ['src/find-this-fit.ts', 'src/components/**/*.component.ts'],
  outdir: '.',
  litelement: true,
};
