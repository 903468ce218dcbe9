#!/usr/bin/env python3
"""Independent reference implementation ("oracle") of docs/rules.md (scoring) and
§5 (roster and scores CSV in, report CSV out). Standard library only; all
arithmetic is exact (Fraction), rounding is half-up.

usage: python3 oracle.py --scheme SCHEME.toml --roster ROSTER.csv \
           --scores YEAR=FILE [--scores YEAR=FILE ...] --year Y --out OUT.csv
"""
import argparse
import csv
import datetime
import io
import math
import re
import sys
import tomllib
from dataclasses import dataclass
from decimal import Decimal, ROUND_HALF_UP
from fractions import Fraction

BALLOTS = ("满意", "基本满意", "不满意")
FAIL = "不合格"
INCOMPLETE = "未完成"
UNRATED = "未定星"
REPORT_COLUMNS = ["年度", "乡镇", "村(社区)", "姓名", "定量考核", "组织评价", "群众评议",
                  "加分", "减分", "总分", "考核结果", "星级", "星级变化", "绩效系数",
                  "绩效报酬", "处理意见", "说明"]


def F(x):
    """Exact Fraction from an int, Decimal, or decimal string (never a float)."""
    if isinstance(x, float):
        raise TypeError("floats are not exact")
    return Fraction(Decimal(x.strip()) if isinstance(x, str) else x)


def round_half_up(x, places):
    """Round a non-negative Fraction half-up to `places` decimals."""
    scale = 10 ** places
    return Fraction(math.floor(x * scale + Fraction(1, 2)), scale)


def fmt(x, places=2):
    d = Decimal(x.numerator) / Decimal(x.denominator)
    return str(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


# ----------------------------------------------------------------- scheme

class Scheme:
    def __init__(self, path):
        with open(path, "rb") as f:
            s = tomllib.load(f, parse_float=Decimal)
        w = s["weights"]
        self.weights = (F(w["quantitative"]), F(w["organizational"]), F(w["mass"]))
        self.items = [(it["name"], F(it["max"])) for ind in s["indicators"] for it in ind["items"]]
        self.grade_points = {k: F(v) for k, v in s["grade_points"].items()}
        self.ballot_values = {k: F(s["ballots"][k]) for k in BALLOTS}
        self.min_ballots = int(s["ballots"]["min_ballots"])
        self.bonus_cap = F(s["bonus"]["cap"])
        self.results = sorted(((F(v), k) for k, v in s["result"].items()), reverse=True)
        self.star_thresholds = [F(t) for t in s["stars"]["thresholds"]]  # 5★ … 1★
        self.five_pct = F(s["quota"]["five_pct"])
        self.four_five_pct = F(s["quota"]["four_and_five_pct"])
        self.years_in_post = int(s["eligibility"]["years_in_post"])
        self.pay_base = F(s["pay"]["base"])
        self.coefficients = [F(c) for c in s["pay"]["coefficients"]]  # 0★ … 5★
        self.unrated_coef = F(s["pay"]["unrated"])
        self.fail_cap = F(s["pay"]["fail_cap"])
        self.promote_min = int(s["consequences"]["promote_min_stars"])
        self.low_max = int(s["consequences"]["low_max_stars"])


# ----------------------------------------------------------------- files in

def read_csv(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw.decode("utf-8-sig")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [h.strip() for h in rows[0]]
    return [{h: (r[i].strip() if i < len(r) else "") for i, h in enumerate(header)}
            for r in rows[1:] if any(c.strip() for c in r)]


def parse_date(s):
    m = re.fullmatch(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?", s.strip())
    if not m:
        raise ValueError(f"bad date {s!r}")
    return datetime.date(*map(int, m.groups()))


@dataclass
class Roster:
    took_office: dict   # key (乡镇, 村, 姓名) -> date
    order: dict         # key -> sort tuple (township idx, village idx, roster idx)


def read_roster(path):
    towns, villages, took, order = {}, {}, {}, {}
    for i, r in enumerate(read_csv(path)):
        t, v, n = r["乡镇"], r["村(社区)"], r["姓名"]
        towns.setdefault(t, len(towns))
        villages.setdefault((t, v), len(villages))
        key = (t, v, n)
        if key not in took:
            took[key] = parse_date(r["任职日期"])
            order[key] = (towns[t], villages[(t, v)], i)
    return Roster(took, order)


# ----------------------------------------------------------------- scoring (§3)

@dataclass
class Assessment:
    key: tuple
    complete: bool
    eligible: bool = False
    Q: Fraction = None
    O: Fraction = None
    M: Fraction = None
    X: Fraction = None
    Y: Fraction = None
    total: Fraction = None
    result: str = INCOMPLETE
    veto: bool = False
    stars0: object = None   # stars before quotas (int or UNRATED)
    stars: object = None    # final stars
    coef: Fraction = None
    pay: int = None

    @property
    def rated(self):
        return self.complete and self.eligible


def eligible(scheme, took_office, year):
    """§3.10: took_office + years_in_post years <= 31 December of `year`.
    Adding whole years keeps the date inside its calendar year (29 Feb -> 28 Feb),
    so this is exactly: took_office.year + years_in_post <= year."""
    return took_office.year + scheme.years_in_post <= year


def assess(scheme, key, row, is_eligible):
    """§3.1–3.8 for one scores row (before quotas)."""
    a = Assessment(key, complete=False, eligible=is_eligible)
    cells = [row.get(name, "") for name, _ in scheme.items]
    counts = {b: int(row.get(b) or 0) for b in BALLOTS}
    n = sum(counts.values())
    if any(c == "" for c in cells) or not row.get("组织评价") or n < scheme.min_ballots:
        return a
    a.complete = True
    a.Q = sum(F(c) for c in cells)                                          # 1
    a.O = scheme.grade_points[row["组织评价"]]                                # 2
    a.M = round_half_up(sum(counts[b] * scheme.ballot_values[b] for b in BALLOTS) / n, 2)  # 3
    wq, wo, wm = scheme.weights
    base = (wq * a.Q + wo * a.O + wm * a.M) / 100                           # 4
    bonus = F(row.get("加分") or "0")
    a.X = min(bonus, scheme.bonus_cap)                                      # 5
    a.Y = F(row.get("减分") or "0")
    a.total = round_half_up(max(Fraction(0), base + a.X - a.Y), 2)          # 6
    a.veto = bool(row.get("否决事由"))
    if a.veto:                                                              # 7
        a.result = FAIL
    else:
        a.result = next((name for t, name in scheme.results if a.total >= t), FAIL)
    if not is_eligible:                                                     # 8
        a.stars0 = UNRATED
    elif a.result == FAIL:
        a.stars0 = 0
    else:
        levels = scheme.star_thresholds  # for the top level down to 1★
        a.stars0 = next((len(levels) - i for i, t in enumerate(levels) if a.total >= t), 0)
    a.stars = a.stars0
    return a


def fit(members, room):
    """Rank by (total, Q, M) descending; keep whole tie groups while they fit in
    `room`; the first group that does not fit and everyone below it drop."""
    members = sorted(members, key=lambda a: (a.total, a.Q, a.M), reverse=True)
    kept = 0
    while kept < len(members):
        end = kept
        while end < len(members) and (members[end].total, members[end].Q, members[end].M) == \
                (members[kept].total, members[kept].Q, members[kept].M):
            end += 1
        if end > room:
            break
        kept = end
    return members[:kept], members[kept:]


def apply_quotas(scheme, assessments):
    """§3.9 over the rated secretaries of one year. Returns N."""
    rated = [a for a in assessments if a.rated]
    n = len(rated)
    q5 = math.floor(n * scheme.five_pct / 100)
    q45 = math.floor(n * scheme.four_five_pct / 100)
    kept5, dropped5 = fit([a for a in rated if a.stars == 5], q5)
    for a in dropped5:
        a.stars = 4
    _, dropped4 = fit([a for a in rated if a.stars == 4], max(0, q45 - len(kept5)))
    for a in dropped4:
        a.stars = 3
    return n


def pay(scheme, a):
    """§3.11."""
    coef = scheme.unrated_coef if a.stars == UNRATED else scheme.coefficients[a.stars]
    if a.result == FAIL:
        coef = min(coef, scheme.fail_cap)
    a.coef = coef
    a.pay = int(round_half_up(scheme.pay_base * coef, 0))


def assess_year(scheme, roster, rows, year):
    out = {}
    for row in rows:
        key = (row["乡镇"], row["村(社区)"], row["姓名"])
        out[key] = assess(scheme, key, row, eligible(scheme, roster.took_office[key], year))
    n = apply_quotas(scheme, out.values())
    for a in out.values():
        if a.complete:
            pay(scheme, a)
    return out, n


def is_low(scheme, a):
    """§3.12 "low": final stars <= low_max_stars, or 不合格 (also when 未定星)."""
    if a is None or not a.complete:
        return False
    return a.result == FAIL or (isinstance(a.stars, int) and a.stars <= scheme.low_max)


def consequence(scheme, a, prev):
    """§3.12 with the §5 precedence 建议调整 > 诫勉整改 > 优先选拔."""
    if is_low(scheme, a):
        return "建议调整" if is_low(scheme, prev) else "诫勉整改"
    if isinstance(a.stars, int) and a.stars >= scheme.promote_min:
        return "优先选拔"
    return ""


def star_change(a, prev):
    """§3.13."""
    if a.stars == UNRATED:
        return ""
    if prev is None or not prev.complete or not isinstance(prev.stars, int):
        return "新评"
    d = a.stars - prev.stars
    return f"+{d}" if d > 0 else str(d)


# ----------------------------------------------------------------- report (§5)

def report(scheme, roster, scores_by_year, year):
    this, n = assess_year(scheme, roster, scores_by_year[year], year)
    prev = {}
    if year - 1 in scores_by_year:
        prev, _ = assess_year(scheme, roster, scores_by_year[year - 1], year - 1)
    lines = []
    for key in sorted(this, key=lambda k: roster.order[k]):
        a, p = this[key], prev.get(key)
        line = dict.fromkeys(REPORT_COLUMNS, "")
        line.update({"年度": str(year), "乡镇": key[0], "村(社区)": key[1], "姓名": key[2],
                     "考核结果": a.result})
        if a.complete:
            line.update({
                "定量考核": fmt(a.Q), "组织评价": fmt(a.O), "群众评议": fmt(a.M),
                "加分": fmt(a.X), "减分": fmt(a.Y), "总分": fmt(a.total),
                "星级": str(a.stars), "星级变化": star_change(a, p),
                "绩效系数": fmt(a.coef), "绩效报酬": str(a.pay),
                "处理意见": consequence(scheme, a, p)})
        lines.append(line)
    rated = [a for a in this.values() if a.rated]
    five = sum(a.stars == 5 for a in rated)
    four = sum(a.stars == 4 for a in rated)
    summary = (f"共评定{n}名,产生5星级党组织书记{five}名、4星级党组织书记{four}名,"
               f"3星及以下党组织书记{n - five - four}名")
    return lines, summary


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scheme", required=True)
    ap.add_argument("--roster", required=True)
    ap.add_argument("--scores", action="append", required=True, metavar="YEAR=FILE")
    ap.add_argument("--year", type=int, required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    scheme = Scheme(args.scheme)
    roster = read_roster(args.roster)
    scores = {}
    for spec in args.scores:
        y, path = spec.split("=", 1)
        scores[int(y)] = read_csv(path)
    lines, summary = report(scheme, roster, scores, args.year)
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, REPORT_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(lines)
    print(summary)


if __name__ == "__main__":
    main()
