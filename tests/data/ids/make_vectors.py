#!/usr/bin/env python3
"""Writes the test vectors of tests/unit/test_ids_mrz.c and test_ids_prc.c.

    python3 tests/data/ids/make_vectors.py     # rewrites mrz.tsv and id.tsv here

A second implementation of the rules of docs/ids.md, written apart from the C
code, so that the two check each other.  Deterministic (fixed seed, fixed
"today" 2025-06-30): running it again gives the same files, and a diff shows
any change for review.  Only this script needs Python; the tests read the
committed .tsv files.

Each invalid vector carries exactly one defect, and every check digit the
defect does not concern is recomputed, so the expected failures are exactly
the named ones.

mrz.tsv columns: expect  format  document_number  birth  expiry  line|line[|line]
id.tsv columns:  expect  kind  birth  sex  number
expect is "valid" or the failed checks, comma-separated, in report order.
"""
import datetime
import os
import random

TODAY = datetime.date(2025, 6, 30)
HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(9303)

# ---- ICAO 9303 -------------------------------------------------------------


def value(ch):
    if ch.isdigit():
        return ord(ch) - 48
    if "A" <= ch <= "Z":
        return ord(ch) - 55
    if ch == "<":
        return 0
    raise ValueError(ch)


def cd(s):
    return str(sum(value(c) * (7, 3, 1)[i % 3] for i, c in enumerate(s)) % 10)


STATES = ["UTO", "D<<", "CHN", "USA", "GBR", "FRA", "JPN", "KOR", "RUS", "IND", "BRA",
          "NLD", "XXA", "XXB", "XXC", "XXX", "GBD", "UNO", "EUE", "TWN", "HKG", "MAC",
          "CAN", "AUS", "DEU", "ITA", "ESP", "ZAF", "NGA", "EGY", "MEX", "ARG", "VNM"]
SURNAMES = ["ERIKSSON", "MUSTERMANN", "DE<BRUIJN", "O<BRIEN", "NGUYEN", "SMITH",
            "GARCIA<LOPEZ", "TANAKA", "KIM", "IVANOVA", "SILVA", "MULLER", "LI", "WANG",
            "VAN<DER<BERG", "ABDULLAH", "KOWALSKI", "ROSSI", "DUBOIS", "OKAFOR"]
GIVEN = ["ANNA<MARIA", "PETER<JOHN", "ERIKA", "WILLEKE<LISELOTTE", "MING", "JOSE<LUIS",
         "HANAKO", "MIN<JUN", "OLGA", "JOAO", "", "AHMED", "MAREK", "GIULIA", "CLAIRE",
         "CHIDI<EMEKA"]
LAYOUTS = {
    # name: (lines, width, first characters of the document code)
    "TD1": (3, 30, "ACI"),
    "TD2": (2, 36, "ACI"),
    "TD3": (2, 44, "P"),
    "MRV-A": (2, 44, "V"),
    "MRV-B": (2, 36, "V"),
}


def pad(s, n):
    assert len(s) <= n, (s, n)
    return s + "<" * (n - len(s))


def name_field(width):
    while True:
        sur, giv = rng.choice(SURNAMES), rng.choice(GIVEN)
        s = sur + ("<<" + giv if giv else "")
        if len(s) < width:
            return pad(s, width)


def yymmdd(d):
    return d.strftime("%y%m%d")


def birth_century(yy, mm, dd):
    y = TODAY.year // 100 * 100 + yy
    if (y, mm, dd) > (TODAY.year, TODAY.month, TODAY.day):
        y -= 100
    return y


def expiry_century(yy):
    y = TODAY.year // 100 * 100 + yy
    if y > TODAY.year + 50:
        y -= 100
    return y


def random_birth():
    while True:
        d = datetime.date(1926, 1, 1) + datetime.timedelta(days=rng.randrange(36000))
        if d <= TODAY:
            return d


def random_expiry():
    return TODAY + datetime.timedelta(days=rng.randrange(-3000, 3650))


def docnum():
    n = rng.randrange(6, 10)
    chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(rng.choice(chars) for _ in range(n))


class Zone:
    """Fields of one zone, assembled into lines by build()."""

    def __init__(self, fmt):
        self.fmt = fmt
        lines, width, first = LAYOUTS[fmt]
        self.code = rng.choice(first) + rng.choice("<<<ABDRO") if fmt not in ("TD3",) else \
            "P" + rng.choice("<<<<OD")
        self.state = rng.choice(STATES)
        self.nat = rng.choice(STATES)
        self.name = name_field(30 if fmt == "TD1" else width - 5)
        self.number = docnum()
        self.birth = random_birth()
        self.expiry = random_expiry()
        self.sex = rng.choice("MF<")
        opt_len = {"TD1": 15, "TD2": 7, "TD3": 14, "MRV-A": 16, "MRV-B": 8}[fmt]
        self.opt = pad("".join(rng.choice("ABCXYZ0123456789")
                               for _ in range(rng.randrange(0, opt_len - 2))), opt_len)
        self.opt2 = pad("".join(rng.choice("0123456789") for _ in range(rng.randrange(0, 6))),
                        11)
        self.birth_raw = yymmdd(self.birth)
        self.expiry_raw = yymmdd(self.expiry)
        self.override = {}  # check digit name -> character written instead

    def make_long(self, n):
        """A number of n > 9 characters: the rest and its check digit open the
        optional data (Part 5 4.2.4, Part 6 4.2.4)."""
        self.number = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
                              for _ in range(n))
        rest = self.number[9:] + cd(self.number)
        self.opt = pad(rest + "<" + ("X1" if self.fmt == "TD1" and len(rest) < 10 else ""),
                       len(self.opt))
        self.long = True

    def digit(self, name, data):
        return self.override.get(name, cd(data))

    def build(self):
        f = self.fmt
        num = pad(self.number[:9], 9)
        ncd = "<" if getattr(self, "long", False) else self.digit("number", num)
        b, e = self.birth_raw, self.expiry_raw
        bcd, ecd = self.digit("birth", b), self.digit("expiry", e)
        if f == "TD1":
            l1 = self.code + self.state + num + ncd + self.opt
            l2 = b + bcd + self.sex + e + ecd + self.nat + self.opt2
            comp = self.digit("composite", l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
            return [l1, l2 + comp, self.name]
        l1 = self.code + self.state + self.name
        l2 = num + ncd + self.nat + b + bcd + self.sex + e + ecd
        if f == "TD2":
            l2 += self.opt
            return [l1, l2 + self.digit("composite", l2[0:10] + l2[13:20] + l2[21:35])]
        if f == "TD3":
            ocd = self.digit("optional", self.opt)
            if self.opt == "<" * 14 and "optional" not in self.override:
                ocd = rng.choice("0<")
            l2 += self.opt + ocd
            return [l1, l2 + self.digit("composite", l2[0:10] + l2[13:20] + l2[21:43])]
        return [l1, l2 + self.opt]

    def expect_fields(self):
        """document number, birth date ("-" when unknown), expiry date."""
        ey = expiry_century(int(self.expiry_raw[:2]))
        expiry = "%04d-%s-%s" % (ey, self.expiry_raw[2:4], self.expiry_raw[4:])
        if "<" in self.birth_raw:
            return self.number, "-", expiry
        yy, mm, dd = int(self.birth_raw[:2]), int(self.birth_raw[2:4]), int(self.birth_raw[4:])
        by = birth_century(yy, mm, dd)
        return self.number, "%04d-%s-%s" % (by, self.birth_raw[2:4], self.birth_raw[4:]), expiry


def wrong(digit):
    return str((int(digit) + rng.randrange(1, 10)) % 10)


def defects(fmt):
    """(expected failures, function that spoils a fresh zone or its lines)."""
    has_comp = fmt in ("TD1", "TD2", "TD3")
    out = []

    def spoil_cd(name):
        def f(z):
            data = {"number": pad(z.number, 9), "birth": z.birth_raw, "expiry": z.expiry_raw,
                    "optional": z.opt}[name]
            z.override[name] = wrong(cd(data))
        return f

    out.append(("document_number_check", spoil_cd("number")))
    out.append(("birth_date_check", spoil_cd("birth")))
    out.append(("expiry_date_check", spoil_cd("expiry")))
    if fmt == "TD3":
        def opt_used(z):
            z.opt = pad("AB1234567", 14)
            spoil_cd("optional")(z)
        out.append(("optional_data_check", opt_used))
    if has_comp:
        def comp(z):
            lines = z.build()
            last = lines[1][-1]
            z.override["composite"] = wrong(last)
        out.append(("composite_check", comp))

    def feb30(z):
        z.birth_raw = "%02d0230" % rng.randrange(0, 100)
    out.append(("birth_date", feb30))

    def month13(z):
        z.birth_raw = "%02d1301" % rng.randrange(0, 100)
    out.append(("birth_date", month13))

    def exp31(z):
        z.expiry_raw = "%02d0431" % rng.randrange(0, 100)
    out.append(("expiry_date", exp31))

    def nonleap(z):  # 29 February of a year that is not leap in its century
        yy = rng.choice([1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15])
        z.expiry_raw = "%02d0229" % yy
    out.append(("expiry_date", nonleap))

    def sex(z):
        z.sex = rng.choice("QZ1")
    out.append(("sex", sex))

    def nat(z):
        z.nat = rng.choice(["ZZZ", "QQQ", "ABC", "XYZ"])
    out.append(("nationality", nat))

    def state(z):
        z.state = rng.choice(["ZZZ", "QQQ", "UT<", "AAA"])
    out.append(("issuing_state", state))

    def code(z):
        z.code = {"TD3": "I<", "MRV-A": "V1", "MRV-B": "V1"}.get(fmt, "P<")
    out.append(("document_code", code))

    def name_digit(z):
        z.name = pad("ERIKSS0N<<ANNA", len(z.name))
    out.append(("name", name_digit))

    def name_lead(z):
        z.name = pad("<<ANNA", len(z.name))
    out.append(("name", name_lead))

    def name_after(z):
        z.name = pad("ERIKSSON<<ANNA<<MARIA", len(z.name))
    out.append(("filler", name_after))

    def filler(z):
        z.number = "AB<123456"
    out.append(("filler", filler))

    def empty(z):
        z.number = ""
    out.append(("document_number", empty))

    return out


def line_defects(fmt):
    """Defects applied to the built lines (the shape of the zone)."""
    out = []

    def lower(lines):  # the name only: code and state stay right
        if fmt == "TD1":
            lines[2] = lines[2].lower()
        else:
            lines[0] = lines[0][:5] + lines[0][5:].lower()
        return lines
    out.append(("characters", lower))

    def dash(lines):  # in optional data, which only check digits cover
        s = lines[1]
        p = 30 if fmt != "TD1" else 20
        lines[1] = s[:p] + "-" + s[p + 1:]
        return lines
    out.append(("characters", dash))

    def short(lines):
        lines[1] = lines[1][:-1]
        return lines
    out.append(("length", short))

    def long(lines):
        lines[0] = lines[0] + "<"
        return lines
    out.append(("length", long))

    def one_line(lines):
        return lines[:1]
    out.append(("format", one_line))

    def four(lines):
        return lines + lines[-1:] * (4 - len(lines))
    out.append(("format", four))
    return out


def mrz_rows():
    rows = []
    for fmt in LAYOUTS:
        for _ in range(30):
            z = Zone(fmt)
            lines = z.build()
            num, b, e = z.expect_fields()
            rows.append(("valid", fmt, num, b, e, lines))
        for raw in ("<<<<<<", "%02d<<<<" % rng.randrange(100),
                    "%02d%02d<<" % (rng.randrange(100), rng.randrange(1, 13))):
            z = Zone(fmt)
            z.birth_raw = raw
            lines = z.build()
            num, _, e = z.expect_fields()
            rows.append(("valid", fmt, num, "-", e, lines))
        if fmt in ("TD1", "TD2"):
            for _ in range(5):
                z = Zone(fmt)
                z.make_long(rng.randrange(10, 15 if fmt == "TD1" else 14))
                lines = z.build()
                num, b, e = z.expect_fields()
                rows.append(("valid", fmt, num, b, e, lines))
        for rep in range(2):
            for checks, spoil in defects(fmt):
                z = Zone(fmt)
                spoil(z)
                lines = z.build()
                rows.append((checks, fmt, "-", "-", "-", lines))
            for checks, spoil in line_defects(fmt):
                z = Zone(fmt)
                lines = spoil(z.build())
                shown = fmt if checks not in ("format",) else "-"
                rows.append((checks, shown, "-", "-", "-", lines))
    return rows


# ---- Chinese numbers ---------------------------------------------------------

MAINLAND = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35",
            "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54",
            "61", "62", "63", "64", "65"]
NUMERIC = {"USA": 840, "DEU": 276, "FRA": 250, "GBR": 826, "JPN": 392, "KOR": 410,
           "RUS": 643, "CAN": 124, "AUS": 36, "BRA": 76, "IND": 356, "ITA": 380,
           "ESP": 724, "NLD": 528, "SWE": 752, "PAK": 586, "VNM": 704, "MNG": 496}
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def mod11_2(s17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(s17, W)) % 11]


def birth8():
    d = random_birth()
    return d, d.strftime("%Y%m%d")


def seq3():
    return "%03d" % rng.randrange(0, 1000)


def sex_of(digit):
    return "M" if int(digit) % 2 else "F"


def resident(region=None, birth=None):
    region = region or rng.choice(MAINLAND) + "%02d%02d" % (rng.randrange(1, 30),
                                                          rng.randrange(1, 30))
    d, b = birth or birth8()
    body = region + b + seq3()
    return body + mod11_2(body), d


def pr2023():
    d, b = birth8()
    body = "9" + rng.choice(MAINLAND) + "%03d" % rng.choice(list(NUMERIC.values())) + b + seq3()
    return body + mod11_2(body), d


def pr2017():
    d = random_birth()
    body = rng.choice(list(NUMERIC)) + rng.choice(MAINLAND) + "%02d" % rng.randrange(0, 100) \
        + yymmdd(d) + str(rng.randrange(10))
    return body + cd(body), d


def swap_check(n, alphabet="0123456789X"):
    return n[:-1] + rng.choice([c for c in alphabet if c != n[-1]])


def id_rows():
    rows = []

    def valid(kind, n, d, sex):
        rows.append(("valid", kind, d.isoformat() if d else "-", sex or "-", n))

    def bad(checks, kind, n):
        rows.append((checks, kind, "-", "-", n))

    # GB 11643-1999
    for _ in range(30):
        n, d = resident()
        valid("prc_resident_id", n, d, sex_of(n[16]))
    for _ in range(6):
        n, d = resident()
        bad("check_digit", "prc_resident_id", swap_check(n))
    for _ in range(4):  # impossible dates, check character recomputed
        y = rng.randrange(1930, 2020)
        bad_date = rng.choice(["%d0230" % y, "%d1301" % y, "%d0431" % y, "%d0001" % y,
                               "%d0100" % y])
        body = rng.choice(MAINLAND) + "0102" + bad_date + seq3()
        bad("birth_date", "prc_resident_id", body + mod11_2(body))
    body = "110105" + "19010229" + "123"  # 1901 is not a leap year
    bad("birth_date", "prc_resident_id", body + mod11_2(body))
    body = "110105" + "20300101" + "123"  # after today
    bad("birth_date", "prc_resident_id", body + mod11_2(body))
    for prov in ["00", "10", "72", "20", "80", "66"]:
        body = prov + "0102" + "19800101" + seq3()
        bad("region", "prc_resident_id", body + mod11_2(body))
    body = "710000" + "19800101" + seq3()
    bad("region", "prc_resident_id", body + mod11_2(body))
    for _ in range(3):
        n, _ = resident()
        i = rng.randrange(1, 17)
        bad("characters", "prc_resident_id", n[:i] + rng.choice("ABZ") + n[i + 1:])
    n, _ = resident()
    bad("characters", "prc_resident_id", n[:-1] + "Y")
    for cut in (17, 19, 16):
        n, _ = resident()
        bad("length", "-", (n + "1234")[:cut])

    # residence permits for Hong Kong, Macao, Taiwan residents
    for region, kind in (("810000", "hk_macao_residence_permit"),
                         ("820000", "hk_macao_residence_permit"),
                         ("830000", "taiwan_residence_permit")):
        for _ in range(6):
            n, d = resident(region)
            valid(kind, n, d, sex_of(n[16]))
        n, _ = resident(region[:2] + "0101")
        bad("region", kind, n)
        n, _ = resident(region)
        bad("check_digit", kind, swap_check(n))

    # GB 11643-1989, fifteen digits
    for _ in range(45):
        d = datetime.date(1900, 1, 1) + datetime.timedelta(days=rng.randrange(36500))
        region = rng.choice(MAINLAND) + "0102"
        s = seq3()
        valid("prc_resident_id_15", region + d.strftime("%y%m%d") + s, d, sex_of(s[2]))
    bad("birth_date", "prc_resident_id_15", "110105" + "000229" + "123")  # 1900: not leap
    bad("birth_date", "prc_resident_id_15", "110105" + "851301" + "123")
    bad("region", "prc_resident_id_15", "990105" + "850101" + "123")
    bad("region", "prc_resident_id_15", "810000" + "850101" + "123")
    bad("characters", "prc_resident_id_15", "11010585010112A")
    bad("characters", "prc_resident_id_15", "1101058501011X3")
    bad("birth_date", "prc_resident_id_15", "110105" + "850431" + "123")
    bad("birth_date", "prc_resident_id_15", "110105" + "850000" + "123")
    bad("region", "prc_resident_id_15", "710105" + "850101" + "123")
    bad("length", "-", "1101058501011")

    # permanent residence, 2023 card
    for _ in range(35):
        n, d = pr2023()
        valid("permanent_residence_2023", n, d, sex_of(n[16]))
    for _ in range(6):
        n, _ = pr2023()
        bad("check_digit", "permanent_residence_2023", swap_check(n))
    for nat in ("000", "999", "001", "841"):
        body = "911" + nat + "19800101" + seq3()
        bad("nationality", "permanent_residence_2023", body + mod11_2(body))
    for prov in ("81", "99", "00", "71"):
        body = "9" + prov + "840" + "19800101" + seq3()
        bad("region", "permanent_residence_2023", body + mod11_2(body))
    for date in ("19800230", "20991231", "19801301"):
        body = "911840" + date + seq3()
        bad("birth_date", "permanent_residence_2023", body + mod11_2(body))
    n, _ = pr2023()
    bad("characters", "permanent_residence_2023", n[:5] + "A" + n[6:])

    # permanent residence, 2017 card
    for _ in range(35):
        n, d = pr2017()
        valid("permanent_residence_2017", n, d, None)
    for _ in range(6):
        n, _ = pr2017()
        bad("check_digit", "permanent_residence_2017", swap_check(n, "0123456789"))
    for nat in ("ZZZ", "QQQ", "ABC"):
        body = nat + "1100" + "800101" + "1"
        bad("nationality", "permanent_residence_2017", body + cd(body))
    for reg in ("9900", "8100", "0000"):
        body = "USA" + reg + "800101" + "1"
        bad("region", "permanent_residence_2017", body + cd(body))
    for date in ("800230", "801301", "010229"):
        body = "USA" + "1100" + date + "1"
        bad("birth_date", "permanent_residence_2017", body + cd(body))
    bad("characters", "permanent_residence_2017", "USA1100780A0101")
    bad("characters", "permanent_residence_2017", "US1110078010101")

    # Mainland Travel Permits
    for _ in range(23):
        n = rng.choice("HM") + "%08d" % rng.randrange(10 ** 8)
        valid("hk_macao_travel_permit", n, None, None)
    for _ in range(23):
        n = rng.choice("HM") + "%08d" % rng.randrange(10 ** 8) + "%02d" % rng.randrange(100)
        valid("hk_macao_travel_permit", n, None, None)
    for n in ("K12345678", "A12345678", "012345678", "X1234567801", "H1234567"):
        bad("format", "-", n)
    for n in ("H1234567A", "M12 45678", "H12345678A1", "HH123456789"):
        bad("characters", "hk_macao_travel_permit", n)
    for n in ("H123456789", "M123456789012"):
        bad("length", "-", n)
    for _ in range(47):
        valid("taiwan_travel_permit", "%08d" % rng.randrange(10 ** 8), None, None)
    for n in ("1234567A", "12 45678", "0000000X"):
        bad("characters", "taiwan_travel_permit", n)
    for n in ("T1234567", "<1234567"):
        bad("format", "-", n)
    for n in ("1234567", "1234567890", ""):
        bad("length", "-", n)
    return rows


def main():
    with open(os.path.join(HERE, "mrz.tsv"), "w") as f:
        f.write("# generated by make_vectors.py (today 2025-06-30): expect format number "
                "birth expiry lines\n")
        for expect, fmt, num, b, e, lines in mrz_rows():
            f.write("\t".join([expect, fmt, num, b, e, "|".join(lines)]) + "\n")
    with open(os.path.join(HERE, "id.tsv"), "w") as f:
        f.write("# generated by make_vectors.py (today 2025-06-30): expect kind birth sex "
                "number\n")
        for row in id_rows():
            f.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
