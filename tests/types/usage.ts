// A consumer's code against the package's declarations: `tsc --noEmit` must accept this and
// reject the lines marked @ts-expect-error (so the types are not just `any`).
import { load, type Case, type Estimate, type YibaoError, type PolicyPack } from 'yibao';

export async function run(): Promise<string> {
  const yibao = await load();
  const c: Case = {
    policy: 'gansu-2018',
    person: { category: 'low_income', conditions: ['hypertension'], year_to_date: { critical_compliant: '1000' } },
    visits: [{ kind: 'inpatient', level: 'county', date: '2024-03-18', total: '30000', out_of_catalog: 2000 }],
  };
  // @ts-expect-error: not a category
  const bad: Case = { person: { category: 'rich' }, visits: [] };
  void bad;
  try {
    const e: Estimate = yibao.estimate(c);
    const first = e.visits[0];
    const text: string = first.steps.map((s) => `${s.scheme}: ${s.text}`).join('\n');
    // @ts-expect-error: amounts are strings, not numbers
    const n: number = e.totals.reimbursed;
    void n;
    // @ts-expect-error: parameters come only when asked for, so they may be absent
    Object.values(e.parameters).length;
    const explained = yibao.estimate(c, { parameters: true });
    const cited = explained.sources ?? {};
    const sources = Object.values(explained.parameters ?? {}).map((p) => (p.source ? cited[p.source].number : '示例参数'));
    return `${e.totals.reimbursed} ${text} ${sources.join()}`;
  } catch (err) {
    const { error } = err as YibaoError;
    return `${error.path}: ${error.message}`;
  }
}

export async function custom(pack: PolicyPack): Promise<string> {
  const yibao = await load();
  const summary = yibao.validatePolicy(pack);
  const merged: PolicyPack = yibao.resolvePolicy(pack);
  console.log(merged.format);
  const levels = yibao.policies()[0].levels.map((l) => `${l.id}:${l.name}:${l.rank}`).join(',');
  return `${summary.id} ${summary.effective.from} ${summary.levels.length} ${levels} ${yibao.version()} ${yibao.build}`;
}

export async function settlement(): Promise<string> {
  const full = await load({ settlement: true });
  const st = full.settle({ policy: 'jinan-2023', budget: { persons: 1200 }, actual: { fund_paid: '3300000' }, assessment: { score: '92.5', rank: 4 } });
  return `${st.kept ?? ''} ${st.shares?.township ?? ''} ${full.build}`;
}
