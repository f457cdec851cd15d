// Words a resident reads for each id of rules.md, and for the policy parameters a result uses.

export const CATEGORY = {
  ordinary: '普通居民',
  low_income: '城乡低保对象',
  extreme_poverty: '特困供养人员',
  poverty_registered: '建档立卡/监测对象',
  marginal_low_income: '低保边缘家庭成员',
};

export const KIND = {
  inpatient: '住院',
  day_surgery: '日间手术',
  accident_inpatient: '意外伤害住院',
  general_outpatient: '普通门诊',
  chronic_outpatient: '门诊慢特病',
  two_diseases_outpatient: '“两病”门诊用药',
};

// No words for hospital levels here: each pack names its own (policies()'s `levels`).

export const REFERRAL = {
  none: '未转诊',
  upward: '上转',
  downward: '下转',
  alliance: '医共体内转诊',
  unreferred: '未按规定转诊',
};

export const CONDITION = {
  hypertension: '高血压',
  hypertension_complicated: '高血压伴并发症',
  diabetes: '糖尿病',
  diabetes_insulin: '糖尿病胰岛素治疗',
  heart_failure: '心功能不全',
  coronary_heart_disease: '冠心病',
  stroke: '脑卒中',
  copd: '慢阻肺',
  // Declared by the national baseline (format /2) for 门诊特殊病种.
  hypertension_stage3: '高血压Ⅲ期',
  diabetes_type1: '1型糖尿病',
};

export const SCHEME = {
  basic: '基本医保',
  critical_illness: '大病保险',
  medical_assistance: '医疗救助',
};

export const YTD = {
  basic_inpatient_paid: '住院基本医保已支付',
  general_outpatient_paid: '普通门诊已报销',
  critical_compliant: '大病保险合规自付累计',
  critical_paid: '大病保险已支付',
  assistance_paid: '医疗救助已支付',
  general_outpatient_deductible_paid: '普通门诊起付线已付',
  chronic_deductible_paid: '门诊慢特病起付线已付',
  assistance_deductible_paid: '医疗救助起付线已付',
};

/** Kinds whose visit names a condition. */
export const CONDITION_KINDS = new Set(['chronic_outpatient', 'two_diseases_outpatient']);

// Pointer segments → words. Used to name a parameter such as
// /basic/inpatient/levels/county/deductible → “住院 县级医院 起付线” (the pack's name for county).
const SEG = {
  basic: '基本医保',
  critical_illness: '大病保险',
  medical_assistance: '医疗救助',
  estimation: '费用估算',
  inpatient: '住院',
  general_outpatient: '普通门诊',
  chronic_outpatient: '门诊慢特病',
  two_diseases: '“两病”门诊用药',
  preferential: '困难群体倾斜',
  deductible: '起付线',
  annual_deductible: '年度起付线',
  rate: '报销比例',
  annual_cap: '年度最高支付限额',
  annual_caps: '年度支付限额',
  condition_caps: '病种年度限额',
  per_visit_cap: '单次限额',
  accident_annual_cap: '意外伤害年度限额',
  threshold: '起付线',
  bands: '分段报销比例',
  bands_from: '分段计算方式',
  day_surgery_deductible_factor: '日间手术起付线系数',
  referral: '转诊规定',
  unreferred_rate: '未按规定转诊报销比例',
  tcm_full_levels: '中医费用全额报销的医院级别',
  default_in_scope_share: '政策范围内费用一般占比',
  covers: '适用的就诊类型',
  categories: '适用人员',
  conditions: '病种范围',
  condition_rules: '',
  exempt_from_shared_cap: '不占用门诊慢特病年度总限额',
  repeat_deductible_factors: '本年度第 1、2、3…次住院的起付线系数',
  layers: '',
  levels: '',
  settlement: '基金结算',
  budget: '年度预算',
  method: '方式',
  per_capita: '人均包干标准（元）',
  risk_share: '风险金提取比例',
  holdbacks: '预留资金',
  share: '比例',
  returned: '年终返还方式',
  pool_cap_months: '资金池上限（月）',
  outside: '医共体外就医费用',
  surplus: '结余',
  remainder: '未留用部分',
  split: '各级分配比例',
  district: '区（县）级',
  kept: '留用比例',
  overspend: '超支',
  absorbed_if_rank_at_most: '考核前几名的超支纳入医共体决算',
  emergency_from_risk_pool: '突发公共卫生事件超支先由风险调节金分担',
  name: '名称',
  rank: '级别序号（越大级别越高）',
  up_to: '分段上限（元）',
  id: '编号',
  upward: '上转',
  downward: '下转',
  alliance: '医共体内转诊',
};

/** `levels`: the pack's level id → name. */
export function paramName(pointer, levels = {}) {
  const words = [];
  let prev = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    // A key under `levels` is a level id, whatever it spells.
    const level = Object.hasOwn(levels, seg) ? levels[seg] : undefined;
    const w = (prev === 'levels' ? level : undefined) ?? SEG[seg] ?? level ?? CATEGORY[seg] ?? CONDITION[seg] ?? KIND[seg];
    const after = prev;
    prev = seg;
    if (w === undefined) {
      // An index: a 医疗救助 layer, or a band of a scale.
      if (/^\d+$/.test(seg)) words.push(`第 ${Number(seg) + 1} ${{ layers: '层', holdbacks: '项' }[after] ?? '段'}`);
      else words.push(seg);
    } else if (w) {
      words.push(w);
    }
  }
  return words.join(' · ');
}

const RATE_KEYS = /(^|_)(rate|share|factor)$/;

/** A parameter's value in words: rates as percentages, amounts in 元; `levels` as for paramName. */
export function paramValue(pointer, value, levels = {}) {
  const levelName = (id) => (Object.hasOwn(levels, id) ? levels[id] : undefined);
  const segs = pointer.split('/');
  const last = segs.at(-1);
  // A rate: its key says so, or its map's key does (unreferred_rate/provincial).
  const isRate = RATE_KEYS.test(last) || RATE_KEYS.test(segs.at(-2) ?? '');
  const isNum = (v) => (typeof v === 'string' || typeof v === 'number') && /^\d+(\.\d+)?$/.test(String(v));
  if (value === null) return last.includes('cap') ? '不设限额' : '无';
  if (isNum(value)) {
    if (isRate) return pct(String(value));
    return `${money(String(value), 0)} 元`;
  }
  if (Array.isArray(value) && value.every((b) => b && typeof b === 'object' && 'rate' in b)) {
    let lo = '0';
    return value
      .map((b) => {
        const part = b.up_to != null ? `${money(lo, 0)}–${money(String(b.up_to), 0)} 元 ${pct(String(b.rate))}` : `${money(lo, 0)} 元以上 ${pct(String(b.rate))}`;
        if (b.up_to != null) lo = String(b.up_to);
        return part;
      })
      .join('；');
  }
  // 医疗救助's layers: their names.
  if (Array.isArray(value) && value.every((l) => l && typeof l === 'object' && 'name' in l)) return value.map((l) => l.name).join('、');
  if (Array.isArray(value)) return value.map((v) => levelName(v) ?? KIND[v] ?? CATEGORY[v] ?? CONDITION[v] ?? String(v)).join('、');
  if (value && typeof value === 'object') {
    // {county: {rate: "0.5"}, municipal: null} → “县级医院 50%、市级医院 不报销”
    return Object.entries(value)
      .map(([k, x]) => {
        const name = levelName(k) ?? CATEGORY[k] ?? CONDITION[k] ?? KIND[k] ?? k;
        if (x === null) return `${name} 不报销`;
        if (x && typeof x === 'object' && x.rate != null) return `${name} ${pct(String(x.rate))}`;
        if (isNum(x)) return isRate ? `${name} ${pct(String(x))}` : `${name} ${money(String(x), 0)} 元`;
        return name;
      })
      .join('、');
  }
  if (typeof value === 'string') return { threshold: '从起付线起分段', zero: '从 0 起分段', difference: '补足起付线差额', waived: '免起付线', full: '重新计起付线' }[value] ?? value;
  return '';
}

/** "0.75" → "75%" without floating point surprises. */
export function pct(rate) {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(rate);
  if (!m) return rate;
  const frac = (m[2] || '').padEnd(2, '0');
  const whole = String(Number(m[1] + frac.slice(0, 2)));
  const rest = frac.slice(2).replace(/0+$/, '');
  return `${whole}${rest ? '.' + rest : ''}%`;
}

/** "12345.6" → "12,345.60"; digits=0 drops a zero fraction. */
export function money(s, digits = 2) {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(s));
  if (!m) return String(s);
  const int = m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  let frac = (m[3] || '').padEnd(2, '0');
  if (digits === 0 && /^0*$/.test(frac)) return m[1] + int;
  return `${m[1]}${int}.${frac.slice(0, Math.max(2, frac.replace(/0+$/, '').length))}`;
}

/** The Chinese part of an engine message "中文 (English)". */
export function zhPart(message) {
  const s = String(message ?? '');
  let lastCjk = -1;
  for (let i = 0; i < s.length; i++) if (/[\u3000-\u9fff\uff00-\uffef]/.test(s[i])) lastCjk = i;
  if (lastCjk < 0) return s;
  const cut = s.indexOf(' (', lastCjk);
  return (cut > 0 ? s.slice(0, cut) : s).trim();
}
