"""A total in words as banks read it: English, and Chinese banking numerals with 零 for
a skipped place, 角/分 for cents and 整 when nothing follows."""

from decimal import Decimal

import pytest

from marketplace.fulfillment.amount_words import chinese_words, english_words


@pytest.mark.parametrize(("amount", "currency", "english", "chinese"), [
    ("145", "USD", "SAY US DOLLARS ONE HUNDRED FORTY-FIVE ONLY", "美元壹佰肆拾伍元整"),
    ("1234.50", "USD", "SAY US DOLLARS ONE THOUSAND TWO HUNDRED THIRTY-FOUR AND CENTS FIFTY "
     "ONLY", "美元壹仟貳佰參拾肆元伍角整"),
    ("10010.05", "EUR", "SAY EUROS TEN THOUSAND TEN AND CENTS FIVE ONLY", "歐元壹萬零壹拾元零伍分"),
    ("20300", "TWD", "SAY NEW TAIWAN DOLLARS TWENTY THOUSAND THREE HUNDRED ONLY",
     "新臺幣貳萬零參佰元整"),
    ("1000000", "USD", "SAY US DOLLARS ONE MILLION ONLY", "美元壹佰萬元整"),
    ("100000001", "USD", "SAY US DOLLARS ONE HUNDRED MILLION ONE ONLY", "美元壹億零壹元整"),
    ("0.99", "USD", "SAY US DOLLARS ZERO AND CENTS NINETY-NINE ONLY", "美元零元玖角玖分"),
    ("5.555", "USD", "SAY US DOLLARS FIVE AND CENTS FIFTY-SIX ONLY", "美元伍元伍角陸分"),
])
def test_totals_read_as_banks_write_them(amount, currency, english, chinese):
    assert english_words(Decimal(amount), currency) == english
    assert chinese_words(Decimal(amount), currency) == chinese


def test_an_unknown_currency_is_named_by_its_code():
    assert english_words(Decimal("12"), "XAF") == "SAY XAF TWELVE ONLY"
