/**
 * Templates compiled at build time, looked up by the SHA-256 of their source. Running from source
 * there are none and `render.ts` compiles each template as it goes; `scripts/build.mjs` replaces
 * this module in the bundle with a lookup into `dist/precompiled/<folder>.cjs`, every
 * `templates/**\/*.hbs` precompiled, one file per template folder, required the first time one of
 * its templates is used. So the published CLI loads only Handlebars' small runtime, never its
 * compiler, and only the specs of the folders it renders.
 */
export function precompiledSpec(_key: string): unknown {
  return undefined;
}
