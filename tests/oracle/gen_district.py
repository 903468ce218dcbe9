#!/usr/bin/env python3
"""Random district generator aimed at every edge case of docs/rules.md and docs/files.md.

usage: python3 gen_district.py --seed S --dir DIR [--scheme SCHEME.toml]

Writes DIR/roster.csv, DIR/scores-2024.csv, DIR/scores-2025.csv. The scheme
(default: data/scheme.toml of this repository) gives the item names and maxima,
and the oracle (oracle.py beside this file) is used to aim totals at exact
values; at the end the generator checks with the oracle that each edge case it
aimed at really happened (an AssertionError otherwise).

Each year gets one quota scenario (which year gets which is random):
  A  a tie group (equal total, Q and M) straddles the 5★ line, drops to 4★, and
     straddles the 4★ room too, so it drops two levels; places stay empty.
  B  a pair with equal total 95.00 and different Q straddles the 5★ line (Q
     decides), a pair with equal total 90.00 and Q, different M straddles the 4★
     line (M decides): exact thresholds visible as kept 5★ and 4★.
"""
import argparse
import csv
import datetime
import io
import math
import os
import random
import sys
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402

YEARS = (2024, 2025)
TOWNS = ["北城街道", "南城街道", "神头街道", "北旺庄街道", "神头镇", "利民镇", "下团堡乡",
         "小平易乡", "滋润乡", "南榆林乡", "贾庄乡", "沙塄河乡", "窑子头乡", "张蔡庄乡"]
REAL_VILLAGES = ["下团堡", "上团堡", "四圣店", "孙家嘴", "霍庄", "马营堡", "田家窑", "峙峪", "筷子坪",
                 "武家庄", "马邑", "小泊", "吴佑庄", "东神头", "吉庄", "苗山", "神西", "毛道", "西神头",
                 "大虫窝", "寇庄", "九圪塔", "膏腴", "峙庄", "张家堡", "露明", "南关"]
V_PREFIX = "张王李刘赵高马田孙霍吴郭杨白石韩梁任上下东西大小前后新"
V_SUFFIX = ["家窑", "家庄", "堡", "营", "坪", "沟", "口", "店", "家湾", "庄", "窑", "峪"]
COMMUNITY = ["南关", "北关", "文化", "建设", "府西", "开发", "鄯阳", "民福", "新华", "古城", "七里河", "恢河"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎潘杜戴"
COMPOUND = ["欧阳", "司马", "上官", "诸葛", "慕容", "皇甫", "令狐", "东方"]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国文志海波斌宇浩凯鹏晓丹凤燕玲萍梅莉婷雪琳"
DOT_FIRST = ["阿依古丽", "古丽米拉", "买买提明", "艾尔肯江", "热依拉木", "努尔古丽", "帕提古丽", "阿不都热"]
DOT_LAST = ["买买提", "吐尔逊", "艾合买", "阿不都", "热合曼", "依明江", "司马义"]
BONUS_REASONS = ["获市级表彰", "集体经济增收突出", "信访化解成效明显", "获区级先进党组织"]
PENALTY_REASONS = ["会议缺席", "台账不全", "整改不力", "环境整治不达标"]
VETO_REASONS = ["发生重大安全生产事故", "违反换届纪律", "严重违纪被立案审查"]
GRADES = ["好", "较好", "一般", "差"]


class Gen:
    def __init__(self, rng, scheme):
        self.rng, self.scheme = rng, scheme
        self.max10 = [int(m * 10) for _, m in scheme.items]

    # ---- one assessment profile -> scores row, and its figures via the oracle

    def row(self, who, p):
        r = self.rng
        row = {"乡镇": who["town"], "村(社区)": who["village"], "姓名": who["name"]}
        for (name, _), v in zip(self.scheme.items, self.split(p["q10"])):
            row[name] = tenths(v, r)
        a, b, c = p["ballots"]
        row.update({"组织评价": p["grade"], "满意": str(a), "基本满意": str(b), "不满意": str(c),
                    "不了解": str(r.randint(0, 6)) if r.random() < .6 else "",
                    "加分": tenths(p["b10"], r) if p["b10"] else r.choice(["", "0"]),
                    "加分事由": r.choice(BONUS_REASONS) if p["b10"] else "",
                    "减分": tenths(p["p10"], r) if p["p10"] else r.choice(["", "0"]),
                    "减分事由": r.choice(PENALTY_REASONS) if p["p10"] else "",
                    "否决事由": p.get("veto", "")})
        if p.get("blank"):
            row[p["blank"]] = ""
        return row

    def figures(self, p):
        row = self.row({"town": "", "village": "", "name": ""}, p)
        return oracle.assess(self.scheme, None, row, True)

    def split(self, q10):
        """Distribute q10 tenths over the items, each within its maximum."""
        out, rest_cap, rem = [0] * len(self.max10), sum(self.max10), q10
        order = list(range(len(self.max10)))
        self.rng.shuffle(order)
        for i in order:
            rest_cap -= self.max10[i]
            lo, hi = max(0, rem - rest_cap), min(self.max10[i], rem)
            want = round(self.max10[i] * q10 / sum(self.max10) + self.rng.gauss(0, 6))
            out[i] = min(hi, max(lo, want))
            rem -= out[i]
        assert rem == 0
        return out

    def ballots(self, level, half=False):
        r = self.rng
        if half:  # 32 valid ballots with 5a+3b odd: M has an exact 5 at the 3rd decimal
            while True:
                a = min(32, max(0, round(32 * level + r.gauss(0, 2))))
                b = r.randint(0, 32 - a)
                if (5 * a + 3 * b) % 2:
                    return a, b, 32 - a - b
        n = r.randint(10, 60)
        a = min(n, max(0, round(n * min(1.0, level + r.gauss(0, .06)))))
        b = r.randint(0, n - a)
        return a, b, n - a - b

    def grade(self, t):
        choices = (["好", "好", "较好"] if t >= 90 else ["好", "较好", "一般"] if t >= 75
                   else ["较好", "一般", "差"] if t >= 60 else ["一般", "差"])
        return self.rng.choice(choices)

    def random_profile(self, level):
        r = self.rng
        return {"q10": min(1000, max(0, round(1000 * level + r.gauss(0, 40)))),
                "grade": self.grade(level * 100), "ballots": self.ballots(level, r.random() < .15),
                "b10": 0 if r.random() < .7 else r.randint(1, 45),
                "p10": 0 if r.random() < .75 else r.randint(1, 40)}

    def filler(self, lo=55, hi=89.99):
        while True:
            p = self.random_profile(self.rng.uniform(.45, .92))
            if lo <= self.figures(p).total <= hi:
                return p

    def solve(self, target, q10=None, accept=lambda p, a: True, half=None, over_cap=False):
        """A profile whose total is exactly `target` (a decimal string)."""
        r, s, T = self.rng, self.scheme, Fraction(target)
        wq, wo, wm = s.weights
        cap10 = int(s.bonus_cap * 10)
        level = min(1.0, float(T) / 100 + .03)
        for _ in range(200000):
            g = self.grade(float(T))
            bl = self.ballots(level, r.random() < .3 if half is None else half)
            M = oracle.round_half_up(sum(n * s.ballot_values[k] for n, k in zip(bl, oracle.BALLOTS)) / sum(bl), 2)
            P = (wo * s.grade_points[g] + wm * M) / 100
            if q10 is None:
                b10 = r.randint(cap10 + 1, cap10 + 40) if over_cap else (0 if r.random() < .5 else r.randint(1, 45))
                p10 = 0 if r.random() < .7 else r.randint(1, 30)
                q = round((T - P - Fraction(min(b10, cap10), 10) + Fraction(p10, 10)) * 1000 / wq)
            else:
                q = q10
                d10 = round((T - P - wq * Fraction(q, 1000)) * 10)
                extra = r.randint(1, 20) if r.random() < .3 else 0
                b10, p10 = (d10 + extra, extra) if d10 >= 0 else (extra, extra - d10)
                if b10 > cap10:
                    continue
            if not 0 <= q <= 1000 or p10 > 600:
                continue
            p = {"q10": q, "grade": g, "ballots": bl, "b10": b10, "p10": p10}
            a = self.figures(p)
            if a.total == T and accept(p, a):
                return p
        raise RuntimeError(f"cannot reach total {target}")

    def same_rank(self, p):
        """Another profile with the same total, Q and M (a tie), built differently."""
        r, s = self.rng, self.scheme
        q = dict(p)
        a, b, c = p["ballots"]
        k = r.randint(1, max(1, 60 // (a + b + c)))
        q["ballots"] = (a * k, b * k, c * k)
        cap10 = int(s.bonus_cap * 10)
        for g in r.sample(GRADES, 4):  # change the grade and compensate with bonus/penalty
            d = Fraction(min(p["b10"], cap10) - p["p10"], 10) + \
                s.weights[1] * (s.grade_points[p["grade"]] - s.grade_points[g]) / 100
            if (d * 10).denominator == 1 and -30 <= d * 10 <= cap10:
                d10 = int(d * 10)
                q.update(grade=g, b10=max(d10, 0), p10=max(-d10, 0))
                break
        x, y = self.figures(p), self.figures(q)
        assert (x.total, x.Q, x.M) == (y.total, y.Q, y.M)
        return q

    def zero(self):
        """Penalties larger than the base: raw total negative, total 0.00."""
        p = self.random_profile(self.rng.uniform(.2, .6))
        p["b10"] = self.rng.choice([0, 12, 70])
        base = self.figures(dict(p, p10=0)).total
        p["p10"] = math.ceil(base * 10) + self.rng.randint(3, 150)
        return p


def tenths(v, r):
    return f"{v // 10}" if v % 10 == 0 and r.random() < .5 else f"{v // 10}.{v % 10}"


def distinct_totals(rng, n, lo, hi):
    """n distinct totals (2-decimal strings) in [lo, hi), highest first."""
    hundredths = sorted(rng.sample(range(round(lo * 100), round(hi * 100)), n), reverse=True)
    return [f"{t // 100}.{t % 100:02d}" for t in hundredths]


# ---------------------------------------------------------------- the district

def make_people(rng):
    towns = rng.sample(TOWNS, rng.randint(2, 4))
    n_villages = rng.randint(40, 60)
    per_town = [1] * len(towns)
    for _ in range(n_villages - len(towns)):
        per_town[rng.randrange(len(towns))] += 1
    used_names, people = set(), []

    def person_name(kind):
        while True:
            if kind == 2:
                n = rng.choice(SURNAMES) + rng.choice(GIVEN)
            elif kind == 3:
                n = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            elif kind == 4:
                n = rng.choice(COMPOUND) + rng.choice(GIVEN) + rng.choice(GIVEN)
            else:
                n = rng.choice(DOT_FIRST) + "\u00b7" + rng.choice(DOT_LAST)
            if n not in used_names:
                used_names.add(n)
                return n

    kinds = [rng.choice([2, 3, 3, 3, 3, 4, 8]) for _ in range(n_villages)] + [2, 2, 3, 4, 4, 8, 8]  # pop() from the end
    shared_village = rng.choice(REAL_VILLAGES)  # the same village name in two townships
    for t, town in enumerate(towns):
        names = {}  # a dict keeps insertion order (a set's order would vary between runs)
        if t < 2:
            names[shared_village] = 1
        while len(names) < per_town[t]:
            if rng.random() < (.6 if town.endswith("街道") else .12):
                names[rng.choice(COMMUNITY) + "社区"] = 1
            elif rng.random() < .3:
                names[rng.choice(REAL_VILLAGES)] = 1
            else:
                names[rng.choice(V_PREFIX) + rng.choice(V_SUFFIX)] = 1
        if not any(v.endswith("社区") for v in names):
            names.popitem()
            names[rng.choice(COMMUNITY) + "社区"] = 1
        for v in names:
            took = datetime.date(rng.randint(2008, 2022), rng.randint(1, 12), rng.randint(1, 28))
            people.append({"town": town, "village": v, "name": person_name(kinds.pop()), "took": took})
    twin = rng.sample(people, 2)  # the same person name in two villages
    twin[1]["name"] = twin[0]["name"]
    return people, person_name


def date_text(d, form):
    return [f"{d:%Y-%m-%d}", f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日"][form]


def write_csv(path, header, rows, encoding, rng):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=rng.choice(["\n", "\r\n"]))
    w.writerow(header)
    for row in rows:
        w.writerow([row.get(h, "") for h in header])
    with open(path, "wb") as f:
        f.write(buf.getvalue().encode(encoding))


def generate(seed, scheme, out_dir):
    rng = random.Random(seed)
    gen = Gen(rng, scheme)
    people, person_name = make_people(rng)
    pool = people[:]
    rng.shuffle(pool)
    role = {}
    for name in ["absent_both", "absent_2024a", "absent_2024b", "absent_2025", "E1", "E2", "E3",
                 "old1", "old2", "inc24a", "inc24b", "inc25a", "inc25b", "low1", "low2", "same"]:
        role[name] = pool.pop()
    # eligibility boundaries (§3.10)
    role["E1"]["took"] = datetime.date(YEARS[0] - 1, 12, 31)
    role["E2"]["took"] = datetime.date(YEARS[0], 1, 1)
    role["E3"]["took"] = datetime.date(YEARS[0], 12, 31)
    # two villages whose secretary changed between the years; the new ones come last in the roster
    new1 = {"town": role["old1"]["town"], "village": role["old1"]["village"],
            "name": person_name(rng.choice([2, 3, 8])), "took": datetime.date(YEARS[0], rng.randint(2, 11), rng.randint(1, 28))}
    new2 = {"town": role["old2"]["town"], "village": role["old2"]["village"],
            "name": person_name(rng.choice([3, 4])), "took": datetime.date(YEARS[1], 1, 1)}
    role["new1"], role["new2"] = new1, new2
    roster = people[:]
    rng.shuffle(roster)
    roster += [new1, new2]

    left_out = {YEARS[0]: {id(role[r]) for r in ["absent_both", "absent_2024a", "absent_2024b"]},
                YEARS[1]: {id(role[r]) for r in ["absent_both", "absent_2025", "old1", "old2"]}}
    in_year = {y: [p for p in people + ([new1, new2] if y == YEARS[1] else []) if id(p) not in left_out[y]]
               for y in YEARS}
    incomplete = {YEARS[0]: [role["inc24a"], role["inc24b"]], YEARS[1]: [role["inc25a"], role["inc25b"]]}
    scenarios = dict(zip(YEARS, rng.sample("AB", 2)))
    profiles = {}
    for y in YEARS:
        prof = profiles[y] = {}
        eligible = [p for p in in_year[y] if oracle.eligible(scheme, p["took"], y)]
        rated = [p for p in eligible if not any(p is q for q in incomplete[y])]
        n = len(rated)
        q5, q45 = math.floor(n * scheme.five_pct / 100), math.floor(n * scheme.four_five_pct / 100)
        assert q5 >= 1 and q45 - q5 >= 2, (n, q5, q45)
        # fixed roles
        for i, p in enumerate(incomplete[y]):
            blank = rng.choice([item for item, _ in scheme.items]) if i == 0 else "组织评价"
            prof[id(p)] = dict(gen.filler(), blank=blank)
        if y == YEARS[0]:
            prof[id(role["E2"])] = gen.solve("55.50")                    # 未定星 and 不合格: low
            prof[id(role["E3"])] = gen.solve("96.40")                    # 未定星 with a 5★ total
            prof[id(role["low1"])] = gen.solve("65.00")                  # 1★ exactly
            prof[id(role["low2"])] = dict(gen.filler(70, 85), veto=rng.choice(VETO_REASONS))
            prof[id(role["old1"])] = gen.solve("61.30")                  # low, but replaced next year
            prof[id(role["same"])] = gen.filler(80, 89.99)
        else:
            prof[id(role["E2"])] = gen.solve("65.00")
            prof[id(role["low1"])] = gen.solve("62.80")                  # 0★ 基本合格
            prof[id(role["low2"])] = gen.solve("59.99")                  # 不合格
            prof[id(new1)] = gen.solve("64.99")                          # low, 新评, not 建议调整
            prof[id(new2)] = gen.solve("97.10")                          # 未定星 with a 5★ total
            prof[id(role["same"])] = gen.filler(80, 89.99)
        free = [p for p in rated if id(p) not in prof]
        rng.shuffle(free)
        specs = quota_scenario(gen, rng, scenarios[y], q5, q45)
        specs += [gen.solve(t) for t in ["89.99", "80.00", "79.99", "70.00", "69.99", "65.00",
                                         "64.99", "60.00", "59.99"]]
        specs += [dict(gen.solve(distinct_totals(rng, 1, 95, 99.9)[0]), veto=rng.choice(VETO_REASONS)),
                  dict(gen.filler(30, 80), veto=rng.choice(VETO_REASONS)),
                  gen.zero(), gen.zero(),
                  gen.solve(distinct_totals(rng, 1, 75, 89)[0], over_cap=True),
                  gen.solve(distinct_totals(rng, 1, 70, 89)[0], half=True)]
        assert len(specs) <= len(free), (len(specs), len(free))
        for p, spec in zip(free, specs):
            prof[id(p)] = spec
        for p in in_year[y]:
            if id(p) not in prof:
                prof[id(p)] = gen.filler()

    # ---- files
    encodings = rng.sample(["utf-8", "utf-8-sig", "gb18030"], 3)
    forms = [i % 3 for i in range(len(roster))]
    rng.shuffle(forms)
    header = ["乡镇", "村(社区)", "姓名", "性别", "出生日期", "任职日期"]
    rng.shuffle(header)
    rows = []
    for p, form in zip(roster, forms):
        born = datetime.date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28))
        rows.append({"乡镇": p["town"], "村(社区)": p["village"], "姓名": p["name"],
                     "性别": rng.choice(["男", "女", ""]), "任职日期": date_text(p["took"], form),
                     "出生日期": "" if rng.random() < .2 else date_text(born, rng.randrange(3))})
    os.makedirs(out_dir, exist_ok=True)
    write_csv(os.path.join(out_dir, "roster.csv"), header, rows, encodings[0], rng)
    base_cols = ["乡镇", "村(社区)", "姓名"] + [n for n, _ in scheme.items] + \
        ["组织评价", "满意", "基本满意", "不满意", "加分", "加分事由", "减分", "减分事由", "否决事由"]
    for i, y in enumerate(YEARS):
        cols = base_cols + (["不了解"] if y == YEARS[1] or rng.random() < .5 else [])
        rng.shuffle(cols)
        rows = [gen.row(p, profiles[y][id(p)]) for p in in_year[y]]
        rng.shuffle(rows)
        write_csv(os.path.join(out_dir, f"scores-{y}.csv"), cols, rows, encodings[i + 1], rng)
    check(scheme, out_dir, scenarios)
    return scenarios


def quota_scenario(gen, rng, kind, q5, q45):
    """The profiles that make the quotas bind (see the module doc)."""
    if kind == "A":
        singles = distinct_totals(rng, q5, 95.5, 99.9)
        above = [gen.solve(t) for t in singles[:-1]]                 # q5 - 1 kept at 5★
        group_total = rng.choice(["95.00", singles[-1]])
        first = gen.solve(group_total)
        group = [first] + [gen.same_rank(first) for _ in range(q45 - (q5 - 1))]  # room4 + 1
        fours = [gen.solve(t) for t in distinct_totals(rng, 2, 90.01, 94.99) + ["90.00"]]
        return above + group + fours
    singles = [gen.solve(t) for t in distinct_totals(rng, q5 - 1, 95.5, 99.9)]
    hi_q = gen.solve("95.00")
    lo_q = gen.solve("95.00", accept=lambda p, a: p["q10"] != hi_q["q10"])
    fours = [gen.solve(t) for t in distinct_totals(rng, q45 - q5 - 2, 90.01, 94.99)]
    m1 = gen.solve("90.00")
    m1_fig = gen.figures(m1)
    m2 = gen.solve("90.00", q10=m1["q10"], accept=lambda p, a: a.M != m1_fig.M)
    return singles + [hi_q, lo_q] + fours + [m1, m2]


def check(scheme, out_dir, scenarios):
    """Each aimed-at edge case really happens (computed by the oracle)."""
    roster = oracle.read_roster(os.path.join(out_dir, "roster.csv"))
    files = {y: oracle.read_csv(os.path.join(out_dir, f"scores-{y}.csv")) for y in YEARS}
    years = {y: oracle.assess_year(scheme, roster, files[y], y)[0] for y in YEARS}
    lines, _ = oracle.report(scheme, roster, files, YEARS[1])
    every = [a for y in YEARS for a in years[y].values()]
    complete = [a for a in every if a.complete]
    yA = [y for y in YEARS if scenarios[y] == "A"][0]
    yB = [y for y in YEARS if scenarios[y] == "B"][0]
    want = {
        "two-level drop": any(a.stars0 == 5 and a.stars == 3 for a in years[yA].values()),
        "one-level drop": any(a.stars0 == 5 and a.stars == 4 for a in years[yB].values()),
        "4★ -> 3★ drop": any(a.stars0 == 4 and a.stars == 3 for a in years[yB].values()),
        "95.00 kept at 5★": any(a.total == 95 and a.stars == 5 for a in years[yB].values()),
        "90.00 kept at 4★": any(a.total == 90 and a.stars == 4 and a.stars0 == 4 for a in years[yB].values()),
        "exact thresholds": all(any(a.total == Fraction(t) and not a.veto for a in complete)
                                for t in ["80", "70", "65", "60", "90", "95"]),
        "veto on 5★ total": any(a.veto and a.total >= 95 and a.stars == 0 for a in complete),
        "bonus over cap": any(oracle.F(r["加分"] or "0") > scheme.bonus_cap for y in YEARS for r in files[y]),
        "negative raw total": any(a.total == 0 and a.Y > 0 for a in complete),
        "未定星 不合格": any(a.stars == "未定星" and a.result == "不合格" for a in complete),
        "未完成 both years": all(any(not a.complete for a in years[y].values()) for y in YEARS),
    }
    changes = {l["星级变化"][:1] for l in lines}
    want["star changes"] = {"+", "-", "0", "新"} <= changes
    opinions = {l["处理意见"] for l in lines + oracle.report(scheme, roster, files, YEARS[0])[0]}
    want["建议调整 in the last year"] = any(l["处理意见"] == "建议调整" for l in lines)
    want["优先选拔, 诫勉整改"] = {"优先选拔", "诫勉整改"} <= opinions
    want["M half-up"] = any(half_up_ballots(scheme, row) for y in YEARS for row in files[y])
    want["names of 2, 3, 4 and 8 characters"] = {2, 3, 4, 8} <= {len(k[2]) for k in roster.order}
    want["three date forms"] = len({date_form(r["任职日期"]) for r in oracle.read_csv(os.path.join(out_dir, "roster.csv"))}) == 3
    missing = [k for k, ok in want.items() if not ok]
    assert not missing, f"edge cases not hit: {missing}"


def date_form(s):
    return "年" if "年" in s else "/" if "/" in s else "-"


def half_up_ballots(scheme, row):
    """True when the exact mass score has a 5 at the third decimal and nothing after."""
    counts = [int(row[b] or 0) for b in oracle.BALLOTS]
    if sum(counts) < scheme.min_ballots:
        return False
    m = sum(c * scheme.ballot_values[b] for c, b in zip(counts, oracle.BALLOTS)) / sum(counts)
    return (m * 1000).denominator == 1 and m * 1000 % 10 == 5


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--scheme", default=os.path.join(here, "..", "..", "data", "scheme.toml"))
    args = ap.parse_args()
    scenarios = generate(args.seed, oracle.Scheme(args.scheme), args.dir)
    print(f"seed {args.seed}: quota scenario " + ", ".join(f"{y} {k}" for y, k in scenarios.items()))


if __name__ == "__main__":
    main()
