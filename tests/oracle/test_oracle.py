"""Hand-worked cases for the oracle, one group per numbered rule of docs/rules.md,
plus one end-to-end run over files (§5). Run: python3 -m unittest (in this folder).
Every expected figure below was worked out on paper from the default scheme."""
import csv
import datetime
import io
import os
import pathlib
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stdout
from decimal import Decimal
from fractions import Fraction

import oracle

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEME_PATH = os.path.join(HERE, "..", "..", "data", "scheme.toml")
S = oracle.Scheme(SCHEME_PATH)
FULL = [str(m) for _, m in S.items]  # every item at its maximum: Q = 100


def row(items=FULL, grade="好", ballots=(40, 0, 0), bonus="", penalty="", veto=""):
    r = {name: v for (name, _), v in zip(S.items, items)}
    r.update({"组织评价": grade, "满意": str(ballots[0]), "基本满意": str(ballots[1]),
              "不满意": str(ballots[2]), "加分": bonus, "减分": penalty, "否决事由": veto})
    return r


def assess(r, eligible=True):
    return oracle.assess(S, ("t", "v", "n"), r, eligible)


def with_total(total, **kw):
    """Full marks everywhere give base 100; a penalty of 100 - total lands on `total`."""
    return assess(row(penalty=str(100 - Decimal(total)), **kw))


def rated(total, q, m, stars):
    a = oracle.Assessment(("t", "v", str(total) + str(q) + str(m)), complete=True, eligible=True,
                          Q=Fraction(q), M=Fraction(m), total=Fraction(total), result="优秀")
    a.stars0 = a.stars = stars
    return a


def filler(n):
    return [rated(85, 80, 80, 3) for _ in range(n)]


class Rule1Quantitative(unittest.TestCase):
    def test_sum_of_items(self):
        items = ["5.5", "6", "7", "12.3", "8", "7", "6.5", "7", "4", "6", "9", "9.5"]
        self.assertEqual(assess(row(items)).Q, Fraction("87.8"))
        self.assertEqual(assess(row()).Q, 100)

    def test_empty_item_is_incomplete(self):
        items = FULL[:]
        items[3] = ""
        a = assess(row(items))
        self.assertFalse(a.complete)
        self.assertEqual(a.result, "未完成")


class Rule2Organizational(unittest.TestCase):
    def test_grade_points(self):
        for g, p in [("好", 100), ("较好", 85), ("一般", 70), ("差", 50)]:
            self.assertEqual(assess(row(grade=g)).O, p)

    def test_empty_grade_is_incomplete(self):
        self.assertFalse(assess(row(grade="")).complete)


class Rule3Mass(unittest.TestCase):
    def test_half_up_at_third_decimal(self):
        # (20*100 + 7*60 + 5*0) / 32 = 2420/32 = 75.625 -> 75.63 (banker's would give 75.62)
        self.assertEqual(assess(row(ballots=(20, 7, 5))).M, Fraction("75.63"))
        # 3 满意, 3 基本满意, 4 不满意: (300 + 180 + 0) / 10 = 48.00
        self.assertEqual(assess(row(ballots=(3, 3, 4))).M, 48)
        # 20 满意, 10 不满意: 2000 / 30 = 66.666.. -> 66.67
        self.assertEqual(assess(row(ballots=(20, 0, 10))).M, Fraction("66.67"))

    def test_min_ballots(self):
        self.assertFalse(assess(row(ballots=(5, 3, 1))).complete)   # 9 < 10
        self.assertTrue(assess(row(ballots=(5, 3, 2))).complete)    # 10


class Rule4Base(unittest.TestCase):
    def test_weighted_base(self):
        # Q 87.8, O 85, M 75.63: 52.68 + 17 + 15.126 = 84.806 -> total 84.81
        items = ["5.5", "6", "7", "12.3", "8", "7", "6.5", "7", "4", "6", "9", "9.5"]
        self.assertEqual(assess(row(items, "较好", (20, 7, 5))).total, Fraction("84.81"))


class Rule5BonusPenalty(unittest.TestCase):
    def test_bonus_cap_and_penalty(self):
        items = ["5.5", "6", "7", "12.3", "8", "7", "6.5", "7", "4", "6", "9", "9.5"]
        a = assess(row(items, "较好", (20, 7, 5), bonus="7.5", penalty="2.3"))
        self.assertEqual((a.X, a.Y), (5, Fraction("2.3")))
        self.assertEqual(a.total, Fraction("87.51"))   # 84.806 + 5 - 2.3 = 87.506
        b = assess(row(bonus="0", penalty="0"))
        self.assertEqual((b.X, b.Y, b.total), (0, 0, 100))


class Rule6Total(unittest.TestCase):
    def test_floor_at_zero(self):
        a = assess(row(grade="差", ballots=(0, 0, 10), items=["0"] * 12, penalty="12.5"))
        self.assertEqual(a.total, 0)        # 10 + 0 + 0 - 12.5 < 0
        self.assertEqual(a.result, "不合格")
        self.assertEqual(a.stars, 0)

    def test_total_can_exceed_100(self):
        self.assertEqual(assess(row(bonus="3")).total, 103)


class Rule7Result(unittest.TestCase):
    def test_thresholds(self):
        for total, result in [("90", "优秀"), ("89.9", "合格"), ("70", "合格"), ("69.9", "基本合格"),
                              ("60", "基本合格"), ("59.9", "不合格")]:
            self.assertEqual(with_total(total).result, result, total)

    def test_veto(self):
        a = assess(row(veto="发生重大安全生产事故"))
        self.assertEqual((a.total, a.result, a.stars), (100, "不合格", 0))


class Rule8Stars(unittest.TestCase):
    def test_thresholds(self):
        for total, stars in [("95", 5), ("94.9", 4), ("90", 4), ("89.9", 3), ("80", 3), ("79.9", 2),
                             ("70", 2), ("69.9", 1), ("65", 1), ("64.9", 0), ("60", 0), ("59.9", 0)]:
            self.assertEqual(with_total(total).stars, stars, total)

    def test_not_eligible(self):
        a = assess(row(), eligible=False)
        self.assertEqual((a.result, a.stars), ("优秀", "未定星"))
        b = assess(row(veto="x"), eligible=False)
        self.assertEqual((b.result, b.stars), ("不合格", "未定星"))


class Rule9Quotas(unittest.TestCase):
    # N = 20: 5★ quota floor(1.0) = 1, 4★+5★ quota floor(3.0) = 3.
    def test_not_binding(self):
        a, b = rated(96, 99, 90, 5), rated(92, 90, 90, 4)
        oracle.apply_quotas(S, [a, b] + filler(18))
        self.assertEqual((a.stars, b.stars), (5, 4))

    def test_tie_group_straddling_5_line_drops_whole(self):
        a, b = rated(96, 99, 90, 5), rated(96, 99, 90, 5)
        oracle.apply_quotas(S, [a, b] + filler(18))
        self.assertEqual((a.stars, b.stars), (4, 4))     # 5★ place stays empty; room4 = 3

    def test_two_level_drop(self):
        group = [rated(96, 99, 90, 5) for _ in range(4)]
        oracle.apply_quotas(S, group + filler(16))
        # 4 > 1 at 5★: all drop to 4★; room4 = 3 - 0 = 3 < 4: all drop to 3★
        self.assertEqual([a.stars for a in group], [3, 3, 3, 3])
        self.assertEqual({a.result for a in group}, {"优秀"})

    def test_tie_break_by_q_then_m(self):
        a = rated(97, 100, 90, 5)
        b = rated(96, 99, 90, 5)
        c = rated(96, 99, 95, 5)      # same total and Q as b, higher M
        d = rated(92, 90, 90, 4)
        oracle.apply_quotas(S, [d, c, b, a] + filler(16))
        # 5★: a kept; b, c to 4★; room4 = 3 - 1 = 2: c, b fit (M decides their order), d to 3★
        self.assertEqual([x.stars for x in (a, b, c, d)], [5, 4, 4, 3])
        p, r = rated(92, 91, 80, 4), rated(92, 90, 99, 4)   # Q before M
        w1, w2 = rated(94, 90, 90, 4), rated(93, 90, 90, 4)
        oracle.apply_quotas(S, [r, p, w1, w2] + filler(16))
        self.assertEqual([x.stars for x in (w1, w2, p, r)], [4, 4, 4, 3])

    def test_room4_counts_those_left_at_5(self):
        a = rated(99, 99, 99, 5)
        fours = [rated(94 - i, 90, 90, 4) for i in range(3)]
        oracle.apply_quotas(S, [a] + fours + filler(16))
        self.assertEqual([x.stars for x in fours], [4, 4, 3])   # room4 = 3 - 1

    def test_tie_group_straddling_4_line(self):
        w = rated(94, 90, 90, 4)
        t1, t2, t3 = (rated(92, 90, 90, 4) for _ in range(3))
        oracle.apply_quotas(S, [w, t1, t2, t3] + filler(16))
        self.assertEqual([x.stars for x in (w, t1, t2, t3)], [4, 3, 3, 3])  # 2 places stay empty

    def test_n_counts_only_rated(self):
        a = rated(96, 99, 90, 5)
        unrated = rated(97, 99, 90, "未定星")
        unrated.eligible = False
        incomplete = oracle.Assessment(("x", "y", "z"), complete=False, eligible=True)
        n = oracle.apply_quotas(S, [a, unrated, incomplete] + filler(18))
        # N = 19: 5★ quota floor(0.95) = 0, 4★+5★ floor(2.85) = 2: a drops to 4★
        self.assertEqual((n, a.stars, unrated.stars), (19, 4, "未定星"))


class Rule10Eligibility(unittest.TestCase):
    def test_boundary(self):
        D = datetime.date
        self.assertTrue(oracle.eligible(S, D(2022, 12, 31), 2023))
        self.assertFalse(oracle.eligible(S, D(2023, 1, 1), 2023))
        self.assertTrue(oracle.eligible(S, D(2020, 2, 29), 2021))
        self.assertTrue(oracle.eligible(S, D(2010, 6, 1), 2023))


class Rule11Pay(unittest.TestCase):
    def pay(self, stars, result="合格", scheme=S):
        a = oracle.Assessment(("t", "v", "n"), complete=True, result=result)
        a.stars = stars
        oracle.pay(scheme, a)
        return a.coef, a.pay

    def test_coefficients(self):
        for stars, pay in [(5, 18000), (4, 15600), (3, 12000), (2, 10800), (1, 9600), (0, 7200),
                           ("未定星", 12000)]:
            self.assertEqual(self.pay(stars)[1], pay, stars)

    def test_fail_cap(self):
        self.assertEqual(self.pay(0, "不合格"), (Fraction("0.5"), 6000))
        self.assertEqual(self.pay("未定星", "不合格"), (Fraction("0.5"), 6000))

    def test_half_up_to_yuan(self):
        text = pathlib.Path(SCHEME_PATH).read_text(encoding="utf-8").replace("base = 12000", "base = 12345")
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False, encoding="utf-8") as f:
            f.write(text)
        try:
            s = oracle.Scheme(f.name)
        finally:
            os.unlink(f.name)
        self.assertEqual(self.pay(4, scheme=s)[1], 16049)   # 12345 * 1.30 = 16048.5
        self.assertEqual(self.pay(2, scheme=s)[1], 11111)   # 12345 * 0.90 = 11110.5


class Rule12Consequences(unittest.TestCase):
    def a(self, stars, result="合格", complete=True):
        a = oracle.Assessment(("t", "v", "n"), complete=complete, result=result)
        a.stars = stars
        return a

    def test_each(self):
        c = lambda now, prev=None: oracle.consequence(S, now, prev)  # noqa: E731
        self.assertEqual(c(self.a(4, "优秀")), "优先选拔")
        self.assertEqual(c(self.a(5, "优秀"), self.a(0, "不合格")), "优先选拔")
        self.assertEqual(c(self.a(3)), "")
        self.assertEqual(c(self.a(1, "基本合格")), "诫勉整改")
        self.assertEqual(c(self.a(0, "不合格")), "诫勉整改")
        self.assertEqual(c(self.a("未定星", "不合格")), "诫勉整改")
        self.assertEqual(c(self.a("未定星", "合格")), "")
        self.assertEqual(c(self.a(1, "基本合格"), self.a(0, "不合格")), "建议调整")
        self.assertEqual(c(self.a(0, "基本合格"), self.a("未定星", "不合格")), "建议调整")
        self.assertEqual(c(self.a(1, "基本合格"), self.a(2)), "诫勉整改")
        self.assertEqual(c(self.a(1, "基本合格"), self.a(None, "未完成", False)), "诫勉整改")
        self.assertEqual(c(self.a(2), self.a(1, "基本合格")), "")


class Rule13StarChange(unittest.TestCase):
    def a(self, stars, complete=True):
        a = oracle.Assessment(("t", "v", "n"), complete=complete)
        a.stars = stars
        return a

    def test_each(self):
        ch = oracle.star_change
        self.assertEqual(ch(self.a(3), self.a(1)), "+2")
        self.assertEqual(ch(self.a(1), self.a(3)), "-2")
        self.assertEqual(ch(self.a(3), self.a(3)), "0")
        self.assertEqual(ch(self.a(3), None), "新评")
        self.assertEqual(ch(self.a(3), self.a("未定星")), "新评")
        self.assertEqual(ch(self.a(3), self.a(None, complete=False)), "新评")
        self.assertEqual(ch(self.a("未定星"), self.a(3)), "")


class Files(unittest.TestCase):
    """§5 end to end: encodings, column order, date forms, a changed village, order."""

    def write(self, path, header, rows, encoding):
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)
        pathlib.Path(path).write_bytes(buf.getvalue().encode(encoding))

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_report(self):
        d = self.tmp.name
        self.write(f"{d}/roster.csv", ["任职日期", "姓名", "乡镇", "村(社区)", "性别", "出生日期"], [
            ["2019年3月1日", "张三", "乙镇", "东村", "", ""],
            ["2019/3/1", "李四", "甲乡", "西村", "男", "1970-01-01"],
            ["2018-05-06", "阿依古丽·买买提", "乙镇", "南社区", "女", ""],
            ["2020/1/1", "赵六", "乙镇", "东村", "", ""],       # replaces 张三
        ], "gb18030")
        items = [n for n, _ in S.items]
        tail = ["组织评价", "满意", "基本满意", "不满意", "加分", "加分事由", "减分", "减分事由", "否决事由"]
        header = list(reversed(["姓名", "乡镇", "村(社区)"] + items + tail))
        def line(town, village, name, penalty, blank=None, unknown=None):  # noqa: E306
            r = dict(zip(items, FULL), 乡镇=town, 姓名=name, 组织评价="好", 满意="40", 基本满意="0",
                     不满意="0", 减分=penalty, 减分事由="x" if penalty else "")
            r["村(社区)"] = village
            if blank:
                r[blank] = ""
            if unknown is not None:
                r["不了解"] = unknown
            return [r.get(h, "") for h in header + (["不了解"] if unknown is not None else [])]
        self.write(f"{d}/s2024.csv", header, [
            line("乙镇", "东村", "张三", "8"),
            line("乙镇", "南社区", "阿依古丽·买买提", "40"),
        ], "utf-8-sig")
        self.write(f"{d}/s2025.csv", header + ["不了解"], [
            line("甲乡", "西村", "李四", "", blank="三务公开", unknown="3"),
            line("乙镇", "南社区", "阿依古丽·买买提", "35", unknown=""),
            line("乙镇", "东村", "赵六", "0", unknown="2"),
        ], "gb18030")
        out = io.StringIO()
        with redirect_stdout(out):
            oracle.main(["--scheme", SCHEME_PATH, "--roster", f"{d}/roster.csv", "--scores",
                         f"2024={d}/s2024.csv", "--scores", f"2025={d}/s2025.csv", "--year", "2025",
                         "--out", f"{d}/out.csv"])
        # N = 2: quotas floor(0.1) = 0 and floor(0.3) = 0, so 赵六 (100.00) drops 5★ -> 3★.
        self.assertEqual(out.getvalue().strip(),
                         "共评定2名,产生5星级党组织书记0名、4星级党组织书记0名,3星及以下党组织书记2名")
        got = list(csv.reader(io.StringIO(pathlib.Path(f"{d}/out.csv").read_text(encoding="utf-8"))))
        self.assertEqual(got[0], oracle.REPORT_COLUMNS)
        self.assertEqual(got[1:], [
            ["2025", "乙镇", "东村", "赵六", "100.00", "100.00", "100.00", "0.00", "0.00", "100.00",
             "优秀", "3", "新评", "1.00", "12000", "", ""],
            ["2025", "乙镇", "南社区", "阿依古丽·买买提", "100.00", "100.00", "100.00", "0.00", "35.00",
             "65.00", "基本合格", "1", "+1", "0.80", "9600", "建议调整", ""],
            ["2025", "甲乡", "西村", "李四", "", "", "", "", "", "", "未完成", "", "", "", "", "", ""],
        ])

    def test_command_line(self):
        d = self.tmp.name
        subprocess.run([sys.executable, os.path.join(HERE, "gen_district.py"), "--seed", "3", "--dir", d],
                       check=True, capture_output=True)
        res = subprocess.run([sys.executable, os.path.join(HERE, "oracle.py"), "--scheme", SCHEME_PATH,
                              "--roster", f"{d}/roster.csv", "--scores", f"2024={d}/scores-2024.csv",
                              "--scores", f"2025={d}/scores-2025.csv", "--year", "2025",
                              "--out", f"{d}/report.csv"], check=True, capture_output=True, text=True)
        self.assertTrue(res.stdout.startswith("共评定"))
        rows = list(csv.DictReader(io.StringIO(pathlib.Path(f"{d}/report.csv").read_text(encoding="utf-8"))))
        self.assertEqual(len(rows), len(oracle.read_csv(f"{d}/scores-2025.csv")))


class Parsing(unittest.TestCase):
    def test_dates(self):
        for s in ["2019-03-01", "2019/3/1", "2019年3月1日"]:
            self.assertEqual(oracle.parse_date(s), datetime.date(2019, 3, 1))


if __name__ == "__main__":
    unittest.main()
