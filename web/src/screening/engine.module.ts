/**
 * The screening engine as the browser loads it: one lazily loaded chunk (the engine brings its
 * lexicons, a few hundred kilobytes), imported only by the pages that screen text. Nothing here
 * may be imported statically from the main bundle; use `loadEngine()` in ./engine.ts.
 */
export {
  channelSpecs,
  countLength,
  measure,
  splitIntoThread,
} from '../../../src/capabilities/screening/channels.ts'
export { compilePolicy, ENGINE_VERSION, screen } from '../../../src/capabilities/screening/evaluate.ts'
export { redact } from '../../../src/capabilities/screening/redact.ts'
