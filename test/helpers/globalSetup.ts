import path from 'node:path';
import { loadContent } from '../../src/knowledge/loadContent';
import { TopicModel } from '../../src/knowledge/topicModel';
import { placeNames } from '../../src/knowledge/placeNames';

/**
 * Trains the topic model once, in jest's own process, before any test file: it lands in the model cache on disk
 * (see topicModel.ts), so every test file reads it back instead of training inside jest's slower sandbox.
 */
export default function globalSetup(): void {
  const content = loadContent(path.join(__dirname, '..', '..', 'locales'));
  const understanding = Object.fromEntries(Object.entries(content.byLanguage).map(([l, c]) => [l, c.understanding]));
  new TopicModel(understanding, placeNames(content.languages));
}
