import type { Knowledge, Translator } from './ports';

/** Numbered lists as text: the same numbers on SMS and WhatsApp (a tapped list item sends the same number). */
export function numbered(t: Translator, lng: string, header: string, lines: string[], footer?: string): string {
  return [header, ...lines.map((line, i) => t.t(lng, 'followUps.line', { n: i + 1, label: line })), footer].filter(Boolean).join('\n');
}

export function mainMenu(t: Translator, k: Knowledge, lng: string, discreet: boolean): { text: string; choices: string[] } {
  const choices = k.menuTopics();
  const lines = choices.map((id, i) => t.t(lng, 'menu.line', { n: i + 1, title: k.topic(lng, id).title }));
  const header = t.t(lng, discreet ? 'menu.discreetHeader' : 'menu.header');
  return { text: [header, ...lines, t.t(lng, 'menu.footer')].join('\n'), choices };
}

export function followUps(t: Translator, k: Knowledge, lng: string, topicId: string, channel: string): { text: string; choices: string[] } {
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
  const text = [t.t(lng, 'followUps.header'), ...labels.map((label, i) => t.t(lng, 'followUps.line', { n: i + 1, label })), t.t(lng, 'followUps.line', { n: 0, label: t.t(lng, 'followUps.menu') })].join('\n');
  return { text, choices };
}

export function clarifyList(t: Translator, k: Knowledge, lng: string, topics: string[]): { text: string; choices: string[] } {
  const lines = topics.map((id, i) => t.t(lng, 'clarify.line', { n: i + 1, title: k.topic(lng, id).title }));
  return { text: [t.t(lng, 'clarify.question'), ...lines, t.t(lng, 'clarify.footer')].join('\n'), choices: topics };
}

export function choiceList(t: Translator, lng: string, promptKey: string, names: string[]): string {
  return [t.t(lng, promptKey), ...names.map((name, i) => t.t(lng, 'country.line', { n: i + 1, name }))].join('\n');
}
