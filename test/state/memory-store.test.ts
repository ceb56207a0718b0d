/** The memory store passes the shared state store conformance suite. */
import { createMemoryStore } from '../../src/state/memory-store.js';
import { storeConformance } from './store.case.js';

storeConformance('memory', () => Promise.resolve(createMemoryStore()));
