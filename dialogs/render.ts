import type { Knowledge, Translator } from './ports';

/** A numbered choice list, also given as data so a channel can show it as an interactive list. */
export interface ChoiceListData {
  header: string;
  items: Array<{ id: string; title: string }>;
}

export interface Rendered {
  text: string;
  choices: string[];
  list: ChoiceListData;
}

function listOf(header: string, titles: string[], zeroTitle?: string): ChoiceListData {
  const items = titles.map((title, i) => ({ id: String(i + 1), title }));
  if (zeroTitle) items.push({ id: '0', title: zeroTitle });
  return { header, items };
}

/** Numbered lists as text: the same numbers on SMS and WhatsApp (a tapped list item sends the same number). */
export function numbered(t: Translator, lng: string, header: string, lines: string[], footer?: string): string {
  return [header, ...lines.map((line, i) => t.t(lng, 'followUps.line', { n: i + 1, label: line })), footer].filter(Boolean).join('\n');
}

export function mainMenu(t: Translator, k: Knowledge, lng: string, discreet: boolean): Rendered {
  const choices = k.menuTopics();
  // discreet: neutral titles (ui.json menu.discreetTitles.<topic id>), never one that names the danger
  const neutral = (id: string) => discreet && t.has('en', `menu.discreetTitles.${id}`);
  const titles = choices.map((id) => (neutral(id) ? t.t(lng, `menu.discreetTitles.${id}`) : k.topic(lng, id).title));
  const lines = titles.map((title, i) => t.t(lng, 'menu.line', { n: i + 1, title }));
  const header = t.t(lng, discreet ? 'menu.discreetHeader' : 'menu.header');
  return { text: [header, ...lines, t.t(lng, 'menu.footer')].join('\n'), choices, list: listOf(header, titles) };
}

export function followUps(t: Translator, k: Knowledge, lng: string, topicId: string, channel: string): Rendered {
  const topic = k.topic(lng, topicId);
  const choices: string[] = [];
  const labels: string[] = [];
  if (channel === 'sms' && topic.whatsapp.trim() !== topic.sms.trim()) {
    choices.push(`more:${topicId}`);
    labels.push(t.t(lng, 'followUps.more'));
  }
  for (const id of topic.followUps) {
    if (id === topicId || id === 'help.counsellor') continue;
    choices.push(id);
    labels.push(k.topic(lng, id).title);
  }
  choices.push(topicId === 'trafficking.help' ? 'handoff:high' : 'handoff:normal');
  labels.push(t.t(lng, 'followUps.counsellor'));
  const header = t.t(lng, 'followUps.header');
  const menuLabel = t.t(lng, 'followUps.menu');
  const text = [header, ...labels.map((label, i) => t.t(lng, 'followUps.line', { n: i + 1, label })), t.t(lng, 'followUps.line', { n: 0, label: menuLabel })].join('\n');
  return { text, choices, list: listOf(header, labels, menuLabel) };
}

export function clarifyList(t: Translator, k: Knowledge, lng: string, topics: string[]): Rendered {
  const titles = topics.map((id) => k.topic(lng, id).title);
  const lines = titles.map((title, i) => t.t(lng, 'clarify.line', { n: i + 1, title }));
  const header = t.t(lng, 'clarify.question');
  return { text: [header, ...lines, t.t(lng, 'clarify.footer')].join('\n'), choices: topics, list: listOf(header, titles) };
}

export function choiceList(t: Translator, lng: string, promptKey: string, names: string[]): string {
  return [t.t(lng, promptKey), ...names.map((name, i) => t.t(lng, 'country.line', { n: i + 1, name }))].join('\n');
}
