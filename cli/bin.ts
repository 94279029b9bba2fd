#!/usr/bin/env node
/**
 * The `amlmon` bin. It checks the Node.js version before anything else is loaded (./nodeVersion.ts imports only
 * Node's built-ins), then loads the real CLI: an old Node gets one clear line, never a stack trace from a dependency.
 */
import { fileURLToPath } from 'node:url';
import { ensureSupportedNode } from './nodeVersion.js';

ensureSupportedNode(fileURLToPath(import.meta.url), process.argv.slice(2));
const { main } = await import('./amlmon.js');
process.exitCode = await main(process.argv.slice(2));
