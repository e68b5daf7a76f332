/**
 * Templates compiled at build time, keyed by the SHA-256 of their source. Running from source this
 * is empty and `render.ts` compiles each template as it goes; `scripts/build.mjs` replaces this
 * module in the bundle with every `templates/**\/*.hbs` precompiled, so the published CLI loads
 * only Handlebars' small runtime, never its compiler.
 */
export const precompiled: Record<string, unknown> = {};
