"""The privacy gate: direct identifiers anywhere in a data folder, found before anything runs.

Every file of the folder is read as text (CSV/TSV row by row, JSON string by string, any other text
file line by line; a file that is not text cannot be checked and is refused) and every text value is
searched for:

* resident identity numbers of the People's Republic of China: the 18-character number of
  GB 11643-1999 (six-digit area code, eight-digit birth date, three-digit sequence, ISO 7064 MOD 11-2
  check character, which is verified) and the older 15-digit number (area code, six-digit birth
  date ``YYMMDD``, sequence; no check digit is defined);
* mobile numbers (``1[3-9]`` and nine digits, also written ``138-1234-5678``, ``138 1234 5678`` or with
  ``+86``) and landline numbers with an area code (``0335-1234567``, ``(0335) 1234567``);
* personal names: a column whose header says it holds names (``name``, ``respondent_name``,
  ``姓名``, ``户主``, ``联系人`` ...; place names such as ``township_name`` excepted), a column whose
  values are mostly two- or three-character Chinese names beginning with a common surname or
  romanised names (``Zhang San``), and in free text a name after a label (``户主张三``,
  ``联系人：李四``, ``name: Wang Wu``).

A refusal names the file, the column, the line and the kind of identifier, never the identifier.

References
----------
GB 11643-1999, *Citizen identification number* (Standardization Administration of China), the
check character defined by ISO/IEC 7064:2003, MOD 11-2.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "PrivacyError",
    "PrivacyFinding",
    "column_identifier",
    "individual_risk",
    "key_frequencies",
    "privacy_gate_folder",
    "scan_folder",
    "text_identifier",
    "valid_resident_id",
]

MAX_SHOWN = 20
ID_NAME = re.compile(
    r"(^|_)(name|names|fullname|full_name|first_name|last_name|given_name|surname|contact|"
    r"phone|phones|telephone|tel|mobile|cell|cellphone|id_?card|id_?number|idno|id_no|national_id|"
    r"identity|address|addr|wechat|weixin|qq|email|e_mail)($|_)"
    r"|姓名|名字|户主|联系人|受访者姓名|手机|电话|联系方式|身份证|证件号|住址|地址|微信|邮箱",
    re.IGNORECASE,
)
PLACE_PREFIX = ("township", "village", "county", "province", "city", "indicator", "file", "source")
_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
RESIDENT_ID_18 = re.compile(
    rf"(?<![\dA-Za-z])[1-8]\d{{5}}(?:18|19|20)\d{{2}}{_DATE}\d{{3}}[\dXx](?![\dA-Za-z])"
)
RESIDENT_ID_15 = re.compile(rf"(?<![\d.])[1-8]\d{{5}}\d{{2}}{_DATE}\d{{3}}(?![\d.])")
MOBILE = re.compile(r"(?<![\d.])(?:(?:\+|00)?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?![\d.])")
LANDLINE = re.compile(r"(?<![\d.])(?:\(0\d{2,3}\)\s?|0\d{2,3}[\s-])[2-9]\d{6,7}(?![\d.])")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞"
    "姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
PINYIN_SURNAMES = (
    "Wang|Li|Zhang|Liu|Chen|Yang|Huang|Zhao|Wu|Zhou|Xu|Sun|Ma|Zhu|Hu|Guo|He|Gao|Lin|Luo|Zheng|"
    "Liang|Xie|Song|Tang|Han|Feng|Deng|Cao|Peng|Zeng|Xiao|Tian|Dong|Yuan|Pan|Yu|Jiang|Cai|Du|Ye|"
    "Cheng|Su|Wei|Lu|Ding|Ren|Shen|Yao|Cui|Zhong|Tan|Fan|Jin|Shi|Liao|Jia|Xia|Fu|Fang|Bai|Zou|"
    "Meng|Xiong|Qin|Qiu|Yin|Xue|Yan|Duan|Lei|Hou|Long|Tao|Gu|Mao|Hao|Gong|Shao|Wan|Qian|Kong|Niu"
)
CN_NAME = re.compile(rf"^[{SURNAMES}][\u4e00-\u9fff]{{1,2}}$")
PINYIN_NAME = re.compile(rf"^(?:{PINYIN_SURNAMES})\s[A-Z][a-z]+(?:[\s-]?[A-Za-z][a-z]+)?$")
NAME_IN_TEXT = re.compile(
    rf"(?:姓名|户主|联系人)\s*[:：]?\s*[{SURNAMES}][\u4e00-\u9fff]{{1,2}}(?![\u4e00-\u9fff])"
    rf"|(?:受访者|村民|老人|患者|学生|本人)\s*[:：]\s*[{SURNAMES}][\u4e00-\u9fff]{{1,2}}"
    rf"(?![\u4e00-\u9fff])"
    rf"|\b(?:name|contact|head of household|respondent)\s*[:=]\s*(?:{PINYIN_SURNAMES})\s[A-Z][a-z]+",
    re.IGNORECASE,
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

KINDS = {
    "header": "column name looks like a personal identifier (name/phone/ID/address)",
    "id18": "values contain an 18-character resident ID number",
    "id15": "values contain a 15-digit resident ID number",
    "mobile": "values contain an 11-digit mobile phone number",
    "landline": "values contain a landline phone number",
    "names": "values look like personal names",
    "name_in_text": "free text names a person",
    "unreadable": "not a text file, so it cannot be checked for identifiers",
}


class PrivacyError(ValueError):
    """Raised by the privacy gate when a file holds direct identifiers."""


def valid_resident_id(text: str) -> bool:
    """True when an 18-character number's check character is right (ISO 7064 MOD 11-2).

    Examples
    --------
    >>> valid_resident_id("11010519491231002X")  # the example printed in GB 11643-1999
    True
    >>> valid_resident_id("110105194912310021")
    False
    """
    if not re.fullmatch(r"\d{17}[\dXx]", text):
        return False
    total = sum(int(d) * w for d, w in zip(text[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == text[17].upper()


def text_identifier(value: str) -> str | None:
    """The kind of direct identifier in one text value (a key of :data:`KINDS`), or None.

    Examples
    --------
    >>> text_identifier("call 138-1234-5678")
    'mobile'
    >>> text_identifier("income 13500") is None
    True
    """
    if not value or len(value) < 4:
        return None
    for m in RESIDENT_ID_18.finditer(value):
        if valid_resident_id(m.group()):
            return "id18"
    if RESIDENT_ID_15.search(value):
        return "id15"
    if MOBILE.search(value):
        return "mobile"
    if LANDLINE.search(value):
        return "landline"
    if NAME_IN_TEXT.search(value):
        return "name_in_text"
    return None


def header_identifier(name: str) -> bool:
    """True when a column header names a personal identifier (place names excepted)."""
    low = name.strip().lower()
    return bool(ID_NAME.search(low)) and not low.startswith(PLACE_PREFIX)


def column_identifier(name: str, values: list[str]) -> tuple[str, int | None] | None:
    """``(kind, index of the first value that shows it)`` for one column, or None.

    ``index`` is None when the header alone identifies the column.
    """
    if header_identifier(str(name)):
        return "header", None
    filled = [(i, v.strip()) for i, v in enumerate(values) if v is not None and str(v).strip()]
    for i, v in filled:
        kind = text_identifier(v)
        if kind:
            return kind, i
    if len(filled) >= 3:
        names = [i for i, v in filled if CN_NAME.match(v) or PINYIN_NAME.match(v)]
        distinct = {filled_v for _, filled_v in filled}
        if len(names) >= 0.8 * len(filled) and len(distinct) >= 3:
            return "names", names[0]
    return None


@dataclass(frozen=True)
class PrivacyFinding:
    """One identifier found: where (file, column, line) and what kind; never the value."""

    file: str
    column: str
    line: int | None
    kind: str

    def __str__(self) -> str:
        where = self.file + (f", column '{self.column}'" if self.column else "")
        where += f", line {self.line}" if self.line is not None else ""
        return f"{where}: {KINDS.get(self.kind, self.kind)}"


def _decode(raw: bytes) -> str | None:
    if b"\x00" in raw[:4096] or raw[:4] == b"PK\x03\x04":
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _scan_table(rel: str, text: str, delimiter: str) -> list[PrivacyFinding]:
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows, lines = [], []
        for row in reader:
            rows.append(row)
            lines.append(reader.line_num)
    except csv.Error:
        return _scan_lines(rel, text)
    if not rows:
        return []
    header = rows[0]
    found = []
    for j, name in enumerate(header):
        values = [r[j] if j < len(r) else "" for r in rows[1:]]
        hit = column_identifier(name, values)
        if hit:
            kind, i = hit
            found.append(PrivacyFinding(rel, name, 1 if i is None else lines[i + 1], kind))
    extra = [k for k, r in enumerate(rows[1:], start=1) if len(r) > len(header)]
    for k in extra:  # values beyond the header are checked too
        for v in rows[k][len(header) :]:
            kind = text_identifier(v)
            if kind:
                found.append(PrivacyFinding(rel, "(beyond the header)", lines[k], kind))
                break
    return found


def _scan_lines(rel: str, text: str) -> list[PrivacyFinding]:
    for n, line in enumerate(text.splitlines(), start=1):
        kind = text_identifier(line)
        if kind:
            return [PrivacyFinding(rel, "", n, kind)]
    return []


def _scan_json(rel: str, text: str) -> list[PrivacyFinding]:
    try:
        doc = json.loads(text)
    except ValueError:
        return _scan_lines(rel, text)
    found: list[PrivacyFinding] = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if header_identifier(str(k)) and not isinstance(v, (dict, list)):
                    found.append(PrivacyFinding(rel, f"{path}/{k}", None, "header"))
                walk(v, f"{path}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}/{i}")
        elif isinstance(node, str):
            kind = text_identifier(node)
            if kind:
                found.append(PrivacyFinding(rel, path or "/", None, kind))

    walk(doc, "")
    return found


def scan_folder(data_dir: str | Path) -> list[PrivacyFinding]:
    """Every direct identifier in every file under ``data_dir`` (hidden files included)."""
    root = Path(data_dir)
    found: list[PrivacyFinding] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        try:
            raw = path.read_bytes()
        except OSError:
            continue  # unreadable files are reported by the data check
        text = _decode(raw)
        if text is None:
            found.append(PrivacyFinding(rel, "", None, "unreadable"))
            continue
        suffix = path.suffix.lower()
        if suffix in {".csv", ".tsv"}:
            found += _scan_table(rel, text, "\t" if suffix == ".tsv" else ",")
        elif suffix == ".json":
            found += _scan_json(rel, text)
        else:
            found += _scan_lines(rel, text)
    return found


def refuse(findings: list[PrivacyFinding]) -> None:
    """Raise :class:`PrivacyError` listing ``findings`` (at most ``MAX_SHOWN``); nothing if none."""
    if findings:
        shown = [f"  - {f}" for f in findings[:MAX_SHOWN]]
        if len(findings) > MAX_SHOWN:
            shown.append(f"  - ... and {len(findings) - MAX_SHOWN} more")
        raise PrivacyError(
            f"{len(findings)} direct identifier(s) found (the values are not printed); remove "
            "them before use:\n" + "\n".join(shown)
        )


def privacy_gate_folder(data_dir: str | Path):
    """Refuse a data folder holding direct identifiers; return the survey's k-anonymity report.

    Raises
    ------
    PrivacyError
        Naming every file, column, line and kind of identifier found (never the identifier).

    Returns
    -------
    PrivacyReport or None
        :func:`utils.study.data.survey_risk_report` of ``survey/households.csv`` (key variables
        and sampling weight as the codebook's ``disclosure`` field declares them; the warning
        rule is ``Fk < k`` for a weighted file, ``fk < k`` otherwise) when the folder has one
        that can be read, else None.
    """
    refuse(scan_folder(data_dir))
    survey = Path(data_dir) / "survey" / "households.csv"
    if not survey.is_file():
        return None
    from utils.study import data as D

    try:
        codebook = D._codebook_for(Path(data_dir))
    except ValueError:  # a broken codebook is reported by the data check
        codebook = None
    try:
        raw = D._read_raw(survey, D.FILES["survey"])
        raw = raw.mask(raw == "")
        return D.survey_risk_report(raw, codebook)
    except ValueError:  # unreadable, empty or bad weights: the data check reports it
        return None


# --------------------------------------------------------------------------------------------
# Re-identification risk of survey microdata: fk, Fk and the individual risk
# --------------------------------------------------------------------------------------------
def key_frequencies(
    df: pd.DataFrame, keys: tuple[str, ...] | list[str], weight: str | None = None
) -> pd.DataFrame:
    """Sample frequency ``fk`` and estimated population frequency ``Fk`` of each record's key.

    The key of a record is its combination of values of the key variables (quasi-identifiers,
    a missing value being one more category). With ``c(i)`` the key of record ``i``:

    ``fk_i = #{j : c(j) = c(i)}`` (k-anonymity: ``k_min = min fk``; Sweeney, 2002) and
    ``Fk_i = sum_{j : c(j) = c(i)} w_j``, the Horvitz-Thompson estimate of how many population
    units share the key (``w`` = sampling weight; ``Fk = fk`` without weights), as ``fk`` and
    ``Fk`` of sdcMicro's ``freqCalc`` (Templ, Kowarik and Meindl, 2015).

    Parameters
    ----------
    df : DataFrame
    keys : sequence of str
        Key variables (columns of ``df``); none = the whole file is one key.
    weight : str, optional
        Column of sampling weights (numbers > 0).

    Returns
    -------
    DataFrame
        Columns ``fk`` (int) and ``Fk`` (float), index of ``df``.

    Raises
    ------
    ValueError
        If a key or the weight column is missing, or a weight is not a positive number.

    References
    ----------
    Templ, M., Kowarik, A. and Meindl, B. (2015). Statistical disclosure control for micro-data
    using the R package sdcMicro. *Journal of Statistical Software*, 67(4), 1-36.
    https://doi.org/10.18637/jss.v067.i04

    Examples
    --------
    >>> df = pd.DataFrame({"sex": ["f", "f", "m"], "w": [10.0, 30.0, 25.0]})
    >>> key_frequencies(df, ["sex"], weight="w").to_dict("list")
    {'fk': [2, 2, 1], 'Fk': [40.0, 40.0, 25.0]}
    """
    keys = list(keys)
    missing = [k for k in keys if k not in df.columns]
    if missing:
        raise ValueError(f"keys: column(s) {missing} not in the data")
    if weight is None:
        w = pd.Series(1.0, index=df.index)
    else:
        if weight not in df.columns:
            raise ValueError(f"weight: column {weight!r} not in the data")
        w = pd.to_numeric(df[weight], errors="coerce")
        bad = ~(w > 0) | ~np.isfinite(w)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"weight: column {weight!r}, row {i + 1}: must be a number > 0 (a sampling weight)"
            )
        w = w.astype(float)
    if not keys:
        return pd.DataFrame({"fk": len(df), "Fk": float(w.sum())}, index=df.index)
    groups = df[keys].astype("string").fillna("<missing>")
    by = [groups[k] for k in keys]
    fk = w.groupby(by, dropna=False).transform("size").astype(int)
    Fk = w.groupby(by, dropna=False).transform("sum").astype(float)
    return pd.DataFrame({"fk": fk, "Fk": Fk}, index=df.index)


def individual_risk(fk: np.ndarray | pd.Series, Fk: np.ndarray | pd.Series) -> np.ndarray:
    """Individual re-identification risk of the Benedetti-Franconi model (approximation).

    With ``p = fk / Fk`` (the key's sampling fraction), the risk that an intruder who knows a
    record's key picks the right population unit (Franconi and Polettini, 2004):

    * ``fk = 1``: ``r = p / (1 - p) * log(1 / p)``;
    * ``fk = 2``: ``r = p / (1 - p) - (p / (1 - p))**2 * log(1 / p)``;
    * ``fk > 2``: ``r = p / (fk - (1 - p))`` (the approximation sdcMicro's ``indivRisk`` uses
      by default);
    * ``fk = Fk`` (a census of the key): ``r = 1 / fk``.

    Parameters
    ----------
    fk, Fk : array-like
        Sample and estimated population frequency of each record's key (:func:`key_frequencies`).

    Returns
    -------
    ndarray of float in (0, 1]

    Raises
    ------
    ValueError
        If an ``fk`` is < 1 or an ``Fk`` is below its ``fk``.

    References
    ----------
    Franconi, L. and Polettini, S. (2004). Individual risk estimation in mu-Argus: a review.
    *Privacy in Statistical Databases*, LNCS 3050, 262-272. Springer (cited by sdcMicro's
    ``indivRisk``: https://search.r-project.org/CRAN/refmans/sdcMicro/html/indivRisk.html).
    Templ, M., Kowarik, A. and Meindl, B. (2015), *Journal of Statistical Software* 67(4),
    https://doi.org/10.18637/jss.v067.i04 (sdcMicro, function ``indivRisk``).

    Examples
    --------
    >>> individual_risk([1, 2, 3], [17.0, 100.0, 108.0]).round(5).tolist()
    [0.17708, 0.01878, 0.0137]
    """
    fk = np.asarray(fk, dtype=float)
    Fk = np.asarray(Fk, dtype=float)
    if fk.shape != Fk.shape:
        raise ValueError("fk, Fk: must have the same length")
    if (fk < 1).any():
        raise ValueError("fk: every sample frequency must be >= 1")
    if (Fk < fk - 1e-9).any():
        raise ValueError("Fk: an estimated population frequency is below its sample frequency")
    census = np.isclose(Fk, fk)
    p = np.where(census, 0.5, fk / np.where(census, 1.0, Fk))
    odds = p / (1 - p)
    r = np.where(
        fk == 1,
        odds * np.log(1 / p),
        np.where(fk == 2, odds - odds**2 * np.log(1 / p), p / (fk - (1 - p))),
    )
    return np.where(census, 1 / fk, r)
