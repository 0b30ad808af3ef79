import { ComponentDialog, TextPrompt, WaterfallDialog, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { LANGUAGE_DIALOG, LANGUAGE_PROMPT } from './dialogIds';
import { languageOf, profileOf } from './turnProfile';
import type { DialogDeps } from './ports';

/** LANGUAGE: a numbered list of languages, each in its own name; the choice is remembered. */
export class LanguageDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(LANGUAGE_DIALOG);
    this.addDialog(new TextPrompt(LANGUAGE_PROMPT, (pc) => this.validate(pc)));
    this.addDialog(new WaterfallDialog('languageFlow', [this.askStep.bind(this), this.saveStep.bind(this)]));
    this.initialDialogId = 'languageFlow';
  }

  private async validate(pc: PromptValidatorContext<string>): Promise<boolean> {
    const lng = this.deps.knowledge.parseLanguage(pc.recognized.value ?? '');
    if (lng) {
      pc.recognized.value = lng;
      return true;
    }
    if (pc.attemptCount >= 3) {
      pc.recognized.value = languageOf(pc.context);
      return true;
    }
    return false;
  }

  private list(lng: string, key: string): string {
    const { translator: t, knowledge: k } = this.deps;
    const names = k.languages().map((l, i) => t.t(lng, 'followUps.line', { n: i + 1, label: k.languageName(l) }));
    return [t.t(lng, key), ...names].join('\n');
  }

  private async askStep(step: WaterfallStepContext) {
    const lng = languageOf(step.context);
    return step.prompt(LANGUAGE_PROMPT, { prompt: this.list(lng, 'language.prompt'), retryPrompt: this.list(lng, 'language.unknown') });
  }

  private async saveStep(step: WaterfallStepContext) {
    const p = profileOf(step.context);
    p.language = step.result as string;
    step.context.activity.locale = p.language;
    return step.endDialog({ kind: 'languageChanged' });
  }
}
