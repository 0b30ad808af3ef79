import path from 'node:path';
import { franc } from 'franc';
import { loadContent, projectRoot } from '../../src/knowledge/loadContent';
import { LanguageDetector } from '../../src/knowledge/languageDetector';
import { detectorGreetings, detectorTexts } from '../../src/knowledge/detectorTexts';

describe('LanguageDetector on the locales\' own texts', () => {
  const content = loadContent(path.join(projectRoot(), 'locales'));
  const detector = new LanguageDetector(detectorTexts(content), franc, detectorGreetings(content));

  test.each([
    ['my brother is stuck in libya and the boss took his passport', 'en'],
    ['je veux rentrer chez moi au mali comment faire', 'fr'],
    ['ina so in koma gida daga Libya, ina neman taimako', 'ha'],
    ['waxaan doonayaa inaan dib ugu laabto dalkayga', 'so'],
    ['gara biyya koottiin deebi\'uu barbaada, maal gochuu qaba', 'om'],
    ['ana 3ayez arga3 baladi mn libya', 'ar'],
    ['wesh khouya bghit nrje3 l dar, kifach ndir', 'ar'],
    // a digit inside a word is a hint of Arabizi, not proof
    ['walaalkay wuxuu baxay bishii 3aad, wali war kama hayno', 'so'],
    ['3afak je veux rentrer chez moi au maroc, comment faire', 'fr'],
    // romanized: Pashto, Dari, Amharic, Tigrinya and Sorani written in Latin letters on a phone
    ['za ghwaram che pa qanuni tarika Germany ta lar sham, sa kawal pakar di', 'ps'],
    ['mekhaom ba Germany beraom, chi kar konom, rah-e qanuni chist', 'fa-AF'],
    ['wede saudi mehed ifelgalehu gin ye sira visa yelegnm, min madreg alebign', 'am'],
    ['nab italia kikeyd delye entay kgeber aleni hagezuni', 'ti'],
    ['damawe bchm bo almanya ba regay yasayi, chi bkam', 'ckb'],
    ['زه غواړم چې بېرته خپل کور ته لاړ شم', 'ps'],
    ['من میخواهم دوباره به خانه خود برگردم', 'fa-AF'],
    ['دەمەوێت بگەڕێمەوە بۆ ماڵەوە', 'ckb'],
    ['ወደ ሀገሬ መመለስ እፈልጋለሁ እርዱኝ', 'am'],
    ['ናብ ዓደይ ክምለስ እደሊ ሓግዙኒ', 'ti'],
  ])('%s -> %s', (text, language) => {
    expect(detector.detect(text)?.language).toBe(language);
  });

  test('when a message has one or two words, then the detection is not trusted (the saved language stays)', () => {
    expect(detector.detect('salam')?.confident).toBe(false);
    expect(detector.detect('hello there')?.confident).toBe(false);
  });
});
