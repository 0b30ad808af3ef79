import path from 'node:path';
import { loadContent } from '../../src/knowledge/loadContent';
import { topicModelFor } from '../../src/knowledge/topicModel';

/**
 * Trains the topic model once, in jest's own process, before any test file: it lands in the model cache on disk
 * (see topicModel.ts), so every test file reads it back instead of training inside jest's slower sandbox.
 */
export default function globalSetup(): void {
  topicModelFor(loadContent(path.join(__dirname, '..', '..', 'locales')));
}
