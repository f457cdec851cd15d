// Types of the 医保报销测算 engine's JavaScript API (contract.md). Amounts are strings with two
// decimals on the way out; on the way in, strings or numbers (read exactly).

export type Amount = string | number;
export type Category = 'ordinary' | 'low_income' | 'extreme_poverty' | 'poverty_registered' | 'marginal_low_income';
export type Kind = 'inpatient' | 'day_surgery' | 'accident_inpatient' | 'general_outpatient' | 'chronic_outpatient' | 'two_diseases_outpatient';
/** A hospital level id the pack declares: rules.md's five for a yibao-policy/1 pack, the pack's own
 *  for /2 (`policies()` lists each pack's `levels`). */
export type Level = 'village' | 'township' | 'county' | 'municipal' | 'provincial' | (string & {});
export type Referral = 'none' | 'upward' | 'downward' | 'alliance' | 'unreferred';
export type Scheme = 'basic' | 'critical_illness' | 'medical_assistance';
export type Basis = 'document' | 'guidance' | 'illustrative';

export interface YearToDate {
  basic_inpatient_paid?: Amount;
  general_outpatient_paid?: Amount;
  critical_compliant?: Amount;
  critical_paid?: Amount;
  assistance_paid?: Amount;
  /** Annual deductibles already met this year. */
  general_outpatient_deductible_paid?: Amount;
  chronic_deductible_paid?: Amount;
  assistance_deductible_paid?: Amount;
  /** Inpatient admissions already made this year (a repeat admission's deductible may be lower). */
  inpatient_admissions?: number;
  /** 医疗救助 already paid this year, by the pack's layer id (format /2); the first layer's also
   *  counts assistance_paid and assistance_deductible_paid. */
  assistance_layers?: Record<string, { paid?: Amount; deductible_paid?: Amount }>;
}

export interface Visit {
  kind: Kind;
  level: Level;
  /** YYYY-MM-DD; the discharge date for inpatient care. */
  date: string;
  total: Amount;
  out_of_catalog?: Amount;
  class_b_self_pay?: Amount;
  tcm?: Amount;
  referral?: Referral;
  referred_from?: Level;
  /** For chronic_outpatient and two_diseases_outpatient. */
  condition?: string;
}

export interface Case {
  /** A bundled pack id; or give `region` and the visits' dates pick the pack. */
  policy?: string;
  region?: string;
  person: { category: Category; conditions?: string[]; year_to_date?: YearToDate };
  visits: Visit[];
}

export interface Amounts {
  total: string;
  out_of_catalog: string;
  class_b_self_pay: string;
  in_scope: string;
  basic: string;
  critical_illness: string;
  medical_assistance: string;
  reimbursed: string;
  out_of_pocket: string;
}

export interface Step {
  scheme: Scheme;
  rule: string;
  effect: 'paid' | 'withheld' | 'info';
  amount: string;
  /** zh-CN, with the numbers. */
  text: string;
  /** JSON Pointers into the merged pack; see Estimate.parameters. */
  params: string[];
}

export interface VisitResult extends Amounts {
  kind: Kind;
  level: Level;
  date: string;
  steps: Step[];
}

export interface Source { number: string; title: string; issuer?: string; date?: string; url?: string }

export interface Parameter {
  value: unknown;
  basis: Basis;
  /** A key of `Estimate.sources`. */
  source?: string;
  clause?: string;
  note?: string;
}

export interface PolicySummary {
  id: string;
  name: string;
  region: { code: string; name: string };
  effective: { from: string; until: string | null };
}

/** A hospital level a pack declares: `id` goes in a visit's `level`; `name` is what a page shows;
 *  `rank` orders levels for referral (an upward referral goes to a higher rank). */
export interface DeclaredLevel {
  id: string;
  name: string;
  rank: number;
}

/** A pack as `policies()` and `validatePolicy()` list it: its summary and its hospital levels. */
export interface PolicyListing extends PolicySummary {
  levels: DeclaredLevel[];
}

export interface Estimate {
  policy: PolicySummary;
  visits: VisitResult[];
  totals: Amounts;
  warnings: { code: string; visit: number; text: string }[];
  /** With `options.parameters`: every policy parameter a step used (keyed by its JSON Pointer
   *  into the pack). */
  parameters?: Record<string, Parameter>;
  /** With `options.parameters`: the documents those parameters cite, each once, under the
   *  pack's own source keys. */
  sources?: Record<string, Source>;
}

/** What every function throws: `path` is like "visits[0].total", or a JSON Pointer into a pack. */
export interface YibaoError {
  error: { code: string; path: string; message: string };
}

/** A policy pack (`yibao-policy/1` or `/2`); see schema/yibao-policy-1.schema.json and -2 for
 *  every field. A /2 pack declares its own hospital `levels`. */
export interface PolicyPack {
  format: 'yibao-policy/1' | 'yibao-policy/2';
  levels?: Record<string, { name: string; rank: number } | null>;
  id: string;
  name?: string;
  extends?: string;
  region?: { code: string; name: string };
  effective?: { from: string; until?: string | null };
  sources?: Record<string, Source>;
  provenance?: Record<string, { source?: string; clause?: string; basis: Basis; note?: string }>;
  [section: string]: unknown;
}

export interface EstimateOptions {
  /** A pack to use instead of the bundled one the case names (its `extends` may name a bundled pack). */
  policy?: PolicyPack;
  /** Add `parameters` and `sources`: each parameter's value and the document behind it. */
  parameters?: boolean;
}

/** A 医共体 / 包干 settlement case (settlement.md): what the pack's rules need. */
export interface SettlementCase {
  policy?: string;
  alliance?: string;
  year?: number;
  budget: {
    persons?: number;
    history?: Amount[];
    previous?: Amount;
    growth?: Amount;
    area_fund_growth?: Amount;
    raised?: Amount;
    last_year_settled?: Amount;
  };
  actual: { fund_paid: Amount; fund_paid_outside?: Amount; emergency_overspend?: Amount };
  assessment?: { score?: Amount; rank?: number };
  risk_pool_before?: Amount;
}

/** One explained amount of a settlement, with the pack pointers it used. */
export interface SettlementStep {
  rule: string;
  amount: string;
  text: string;
  params: string[];
}

/** The year's settlement; fields the pack's rules do not produce are absent. Amounts are strings. */
export interface Statement {
  policy: PolicySummary;
  alliance?: string;
  year?: number;
  budget: string;
  holdbacks: { id: string; name: string; taken: string; returned?: string; to_pool?: string }[];
  paid_during_year: string;
  spending_counted: string;
  surplus: string;
  kept?: string;
  carried_over?: string;
  to_alliance_settlement?: string;
  shares?: { district?: string; township?: string; village?: string };
  overspend: string;
  from_risk_pool?: string;
  from_fund?: string;
  risk_pool_after?: string;
  steps: SettlementStep[];
  parameters?: Record<string, unknown>;
  sources?: Record<string, unknown>;
}

export interface Engine {
  estimate(c: Case, options?: EstimateOptions): Estimate;
  /** Only in the engine of `load({ settlement: true })`; the residents' engine throws `settlement_not_loaded`. */
  settle(c: SettlementCase, options?: EstimateOptions): Statement;
  validatePolicy(pack: PolicyPack): PolicyListing;
  /** The pack merged over its `extends` parents and read as format yibao-policy/2, validated: what the engine computes with. Throws `invalid_policy` like `validatePolicy`. */
  resolvePolicy(pack: PolicyPack): PolicyPack;
  policies(): PolicyListing[];
  version(): string;
  /** Which build was loaded: the residents' default or MVP build, or the full one with settlement. */
  build: 'default' | 'mvp' | 'full';
}

/**
 * Loads the engine and the bundled packs once; later calls resolve to the same engine.
 * In a browser it fetches `yibao_bg.wasm` and `packs.json` beside this module; in Node ≥ 18
 * (and Deno, Bun: wherever this module is a `file:` URL) it reads them from disk.
 * `load({ settlement: true })` loads the full engine of `fund/` instead (estimates and `settle`),
 * for fund staff and pack editors; the residents' engine is smaller and has no `settle`.
 * Rejects with a `YibaoError`: `no_webassembly`, or `packs_unavailable` when `packs.json` cannot
 * be fetched or read. After a rejection, calling `load()` again retries.
 */
export function load(options?: { settlement?: boolean }): Promise<Engine>;
/** Whether this runtime has the WebAssembly features of the default build (else `load()` uses the MVP build). */
export function supportsDefaultBuild(): Promise<boolean>;
