"""A total in words, as banks read it on a commercial invoice: English ("SAY US DOLLARS
ONE THOUSAND TWO HUNDRED THIRTY-FOUR AND CENTS FIFTY ONLY") and Chinese in the banking
numerals that cannot be altered by a stroke (美元壹仟貳佰參拾肆元伍角整)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# Currency names as printed in the words: (English, Chinese, English minor unit).
CURRENCY_WORDS = {
    "USD": ("US DOLLARS", "美元", "CENTS"), "EUR": ("EUROS", "歐元", "CENTS"),
    "TWD": ("NEW TAIWAN DOLLARS", "新臺幣", "CENTS"), "JPY": ("JAPANESE YEN", "日圓", "SEN"),
    "CNY": ("CHINESE YUAN", "人民幣", "FEN"), "GBP": ("POUNDS STERLING", "英鎊", "PENCE"),
    "HKD": ("HONG KONG DOLLARS", "港幣", "CENTS"), "SGD": ("SINGAPORE DOLLARS", "新加坡幣",
                                                             "CENTS"),
    "AUD": ("AUSTRALIAN DOLLARS", "澳幣", "CENTS"), "CAD": ("CANADIAN DOLLARS", "加幣", "CENTS"),
    "CHF": ("SWISS FRANCS", "瑞士法郎", "CENTIMES"), "SEK": ("SWEDISH KRONOR", "瑞典克朗", "ÖRE"),
    "TRY": ("TURKISH LIRA", "土耳其里拉", "KURUŞ"), "KRW": ("KOREAN WON", "韓圓", "JEON"),
}

_ONES = ["ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE", "TEN",
         "ELEVEN", "TWELVE", "THIRTEEN", "FOURTEEN", "FIFTEEN", "SIXTEEN", "SEVENTEEN",
         "EIGHTEEN", "NINETEEN"]
_TENS = ["_", "_", "TWENTY", "THIRTY", "FORTY", "FIFTY", "SIXTY", "SEVENTY", "EIGHTY", "NINETY"]
_SCALES = ((10**12, "TRILLION"), (10**9, "BILLION"), (10**6, "MILLION"), (1000, "THOUSAND"))

_DIGITS_ZH = "零壹貳參肆伍陸柒捌玖"
_SMALL_ZH = ("", "拾", "佰", "仟")
_BIG_ZH = ("", "萬", "億", "兆")


def _cents(amount: Decimal) -> tuple[int, int]:
    value = abs(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole = int(value)
    return whole, int((value - whole) * 100)


def _below_thousand(number: int) -> str:
    words = []
    hundreds, rest = divmod(number, 100)
    if hundreds:
        words.append(f"{_ONES[hundreds]} HUNDRED")
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_TENS[tens] + (f"-{_ONES[ones]}" if ones else ""))
    elif rest:
        words.append(_ONES[rest])
    return " ".join(words)


def english_number(number: int) -> str:
    if number == 0:
        return "ZERO"
    words = []
    for scale, name in _SCALES:
        if number >= scale:
            count, number = divmod(number, scale)
            words.append(f"{english_number(count)} {name}")
    if number:
        words.append(_below_thousand(number))
    return " ".join(words)


def english_words(amount: Decimal, currency: str) -> str:
    name, _zh, minor = CURRENCY_WORDS.get(currency, (currency, currency, "CENTS"))
    whole, cents = _cents(amount)
    text = f"SAY {name} {english_number(whole)}"
    if cents:
        text += f" AND {minor} {english_number(cents)}"
    return text + " ONLY"


def _group_zh(number: int) -> str:
    """0..9999 in banking numerals, with 零 where a place is skipped inside."""
    text, zero = "", False
    for place in range(3, -1, -1):
        digit = number // 10**place % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += _DIGITS_ZH[digit] + _SMALL_ZH[place]
    return text


def chinese_number(number: int) -> str:
    if number == 0:
        return "零"
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    text = ""
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        # A skipped group, or a group below a thousand after a higher one, reads 零.
        if text and (groups[index + 1] == 0 or group < 1000):
            text += "零"
        text += _group_zh(group) + _BIG_ZH[index]
    return text


def chinese_words(amount: Decimal, currency: str) -> str:
    _en, name, _minor = CURRENCY_WORDS.get(currency, (currency, currency, ""))
    whole, cents = _cents(amount)
    text = f"{name}{chinese_number(whole)}元"
    jiao, fen = divmod(cents, 10)
    if not cents:
        return text + "整"
    if jiao:
        text += _DIGITS_ZH[jiao] + "角"
    elif whole:
        text += "零"
    if fen:
        text += _DIGITS_ZH[fen] + "分"
    return text + ("整" if not fen else "")
