import { ComponentDialog, TextPrompt, WaterfallDialog, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { COUNTRY_DIALOG, COUNTRY_PROMPT } from './dialogIds';
import { choiceList } from './render';
import { languageOf, profileOf } from './turnProfile';
import type { DialogDeps } from './ports';

/** Asks the user's country once (for numbers and offices) and remembers it; COUNTRY changes it. */
export class CountryDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(COUNTRY_DIALOG);
    this.addDialog(new TextPrompt(COUNTRY_PROMPT, (pc) => this.validate(pc)));
    this.addDialog(new WaterfallDialog('countryFlow', [this.askStep.bind(this), this.saveStep.bind(this)]));
    this.initialDialogId = 'countryFlow';
  }

  /** Pure: a number from the list or a country name; after three misses, "another country" (never a dead end). */
  private async validate(pc: PromptValidatorContext<string>): Promise<boolean> {
    const lng = languageOf(pc.context);
    const code = this.deps.knowledge.parseCountry(pc.recognized.value ?? '', lng);
    if (code) {
      pc.recognized.value = code;
      return true;
    }
    if (pc.attemptCount >= 3) {
      pc.recognized.value = 'OTHER';
      return true;
    }
    return false;
  }

  private list(lng: string, key: string): string {
    const { translator: t, knowledge: k } = this.deps;
    return choiceList(t, lng, key, k.countries().map((c) => k.countryName(lng, c)));
  }

  private async askStep(step: WaterfallStepContext) {
    const lng = languageOf(step.context);
    const opts = (step.options ?? {}) as { promptKey?: string };
    return step.prompt(COUNTRY_PROMPT, {
      prompt: this.list(lng, opts.promptKey ?? 'country.prompt'),
      retryPrompt: this.list(lng, 'country.unknown'),
    });
  }

  private async saveStep(step: WaterfallStepContext) {
    const p = profileOf(step.context);
    p.country = step.result as string;
    return step.endDialog((step.options as { then?: unknown })?.then ?? { kind: 'countrySaved' });
  }
}
