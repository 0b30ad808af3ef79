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

/** The number a message picks from a list ("3", "3.", "3 )"), or undefined when it is not one. */
export function listNumber(text: string): string | undefined {
  const n = text.replace(/[.)\s]/g, '');
  return /^\d{1,2}$/.test(n) ? n : undefined;
}

/** Numbered lists as text: the same numbers on SMS and WhatsApp (a tapped list item sends the same number). */
export function numbered(t: Translator, lng: string, header: string, lines: string[], footer?: string): string {
  return [header, ...lines.map((line, i) => t.t(lng, 'followUps.line', { n: i + 1, label: line })), footer].filter(Boolean).join('\n');
}

/** A topic's title; in discreet mode the neutral one (ui.json menu.discreetTitles.<id>), never one naming the danger. */
export function titleOf(t: Translator, k: Knowledge, lng: string, id: string, discreet: boolean): string {
  return discreet && t.has('en', `menu.discreetTitles.${id}`) ? t.t(lng, `menu.discreetTitles.${id}`) : k.topic(lng, id).title;
}

export function mainMenu(t: Translator, k: Knowledge, lng: string, discreet: boolean): Rendered {
  const choices = k.menuTopics();
  const titles = choices.map((id) => titleOf(t, k, lng, id, discreet));
  const lines = titles.map((title, i) => t.t(lng, 'menu.line', { n: i + 1, title }));
  const header = t.t(lng, discreet ? 'menu.discreetHeader' : 'menu.header');
  return { text: [header, ...lines, t.t(lng, 'menu.footer')].join('\n'), choices, list: listOf(header, titles) };
}

export function followUps(t: Translator, k: Knowledge, lng: string, topicId: string, channel: string, discreet = false): Rendered {
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
    labels.push(titleOf(t, k, lng, id, discreet));
  }
  choices.push(topicId === 'trafficking.help' ? 'handoff:high' : 'handoff:normal');
  labels.push(t.t(lng, 'followUps.counsellor'));
  const header = t.t(lng, 'followUps.header');
  const menuLabel = t.t(lng, 'followUps.menu');
  const text = [header, ...labels.map((label, i) => t.t(lng, 'followUps.line', { n: i + 1, label })), t.t(lng, 'followUps.line', { n: 0, label: menuLabel })].join('\n');
  return { text, choices, list: listOf(header, labels, menuLabel) };
}

export function clarifyList(t: Translator, k: Knowledge, lng: string, topics: string[], discreet = false): Rendered {
  const titles = topics.map((id) => titleOf(t, k, lng, id, discreet));
  const lines = titles.map((title, i) => t.t(lng, 'clarify.line', { n: i + 1, title }));
  const header = t.t(lng, 'clarify.question');
  return { text: [header, ...lines, t.t(lng, 'clarify.footer')].join('\n'), choices: topics, list: listOf(header, titles) };
}

export function choiceList(t: Translator, lng: string, promptKey: string, names: string[]): string {
  return [t.t(lng, promptKey), ...names.map((name, i) => t.t(lng, 'country.line', { n: i + 1, name }))].join('\n');
}
