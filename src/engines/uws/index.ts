// The uWebSockets.js engine. Imported only when `engine: uws` is configured, so the
// node engine never loads uWS.
export { createUwsEngine } from './engine.js';
export { loadUws, UwsUnavailableError } from './load.js';
