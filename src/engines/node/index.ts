// pushgate's RFC 6455 engine on node:http.
export { createNodeEngine } from './engine.js';
export { NodeConnection } from './connection.js';
