import { namedSet, runEval, printReport, type EvalResult } from '../../src/tools/eval';

/**
 * Free text as real users write it, through the real signed webhook, on the held-out parts of the blind sets
 * (written by helpers who saw neither the examples nor the rules; never tuned on). The figures are printed per
 * language; the misses are not (whoever tunes next must not see them).
 */
/**
 * Floors that guard what was reached, below the issues' bars, which are NOT met yet (issue 11 asks recall >= 98%
 * in every language with false alarms <= 3%; issue 12 asks topic accuracy >= 95% overall and >= 90% in every
 * language). Measured once on the held-out thirds after the tuning rounds: see README "Understanding" for the
 * figures. A change that loses ground fails here; raising a floor is how progress is kept.
 */
const RECALL_FLOOR = { overall: 0.8, perLanguage: 0.66 };
const FALSE_ALARM_CEILING = 0.04;
const TOPIC_FLOOR: Record<string, { overall: number; perLanguage: number }> = {
  heldout: { overall: 0.92, perLanguage: 0.85 },
  'questions-heldout': { overall: 0.8, perLanguage: 0.7 },
};

const rate = (a: number, b: number) => (b ? a / b : 1);

function perLanguage(r: EvalResult, f: (v: EvalResult['byLanguage'][string]) => number): Record<string, number> {
  return Object.fromEntries(Object.entries(r.byLanguage).map(([l, v]) => [l, Math.round(1000 * f(v)) / 1000]));
}

describe('emergencies however they are phrased (test/eval/danger, held-out third)', () => {
  test('when indirect emergencies and near-miss questions arrive, then recall holds its floor overall and in every language and false alarms stay under their ceiling', async () => {
    const r = await runEval(namedSet('danger-heldout'));
    printReport('danger-heldout', r, { withMisses: false });
    const recall = perLanguage(r, (v) => rate(v.caught, v.emergencies));
    const calm = Object.values(r.byLanguage).reduce((a, v) => ({ n: a.n + v.calm, alarms: a.alarms + v.alarms }), { n: 0, alarms: 0 });
    console.log(`recall per language ${JSON.stringify(recall)}; false alarms ${calm.alarms}/${calm.n}`);
    expect(Object.keys(recall)).toHaveLength(11);
    expect(rate(r.emergenciesEscalated, r.emergencies)).toBeGreaterThanOrEqual(RECALL_FLOOR.overall);
    expect(Object.entries(recall).filter(([, v]) => v < RECALL_FLOOR.perLanguage)).toEqual([]);
    expect(rate(calm.alarms, calm.n)).toBeLessThanOrEqual(FALSE_ALARM_CEILING);
  }, 240000);
});

describe('questions as real people ask them (held-out sets)', () => {
  test.each(['heldout', 'questions-heldout'])('when the %s messages arrive as first messages, then topic accuracy holds its floor overall and in every language, every emergency is escalated, and replies are in the user language', async (set) => {
    const r = await runEval(namedSet(set));
    printReport(set, r, { withMisses: false });
    const byLanguage = perLanguage(r, (v) => rate(v.ok, v.n));
    console.log(`${set}: topic per language ${JSON.stringify(byLanguage)}`);
    expect(r.n).toBeGreaterThanOrEqual(130);
    expect(r.emergenciesEscalated).toBe(r.emergencies);
    expect(r.languageAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.topicAccuracy).toBeGreaterThanOrEqual(TOPIC_FLOOR[set].overall);
    expect(Object.entries(byLanguage).filter(([, v]) => v < TOPIC_FLOOR[set].perLanguage)).toEqual([]);
  }, 240000);
});
