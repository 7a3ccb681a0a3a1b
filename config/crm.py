"""Customer analytics settings (``marketplace/crm``): the parameters of every method
``docs/ANALYTICS.md`` describes. ``Default`` inherits them; each can be overridden like
any setting (``MARKETPLACE_CRM_AT_RISK_FACTOR=2``). Amounts are in the reporting
currency, rates are decimals written as strings so they stay exact."""

from __future__ import annotations


class CrmSettings:
    # Reporting currency of a supplier without its own choice (crm_analytics_settings).
    CRM_REPORTING_CURRENCY = "USD"
    # What one unit of each currency is worth in US dollars. An amount in currency C is
    # shown in reporting currency R as amount × rate[C] / rate[R]. Amounts in a currency
    # missing here are left out of the figures (and logged).
    CRM_EXCHANGE_RATES = {"USD": "1", "EUR": "1.08", "GBP": "1.27", "TWD": "0.031",
                          "CNY": "0.14", "JPY": "0.0067", "HKD": "0.128", "SEK": "0.095",
                          "TRY": "0.031", "KRW": "0.00073", "SGD": "0.74", "VND": "0.00004",
                          "THB": "0.028", "INR": "0.012", "AUD": "0.66", "CAD": "0.73"}

    # Lifetime value = yearly margin × retention / (1 + discount − retention).
    # Yearly margin: the known margin plus, where cost prices are unknown, revenue ×
    # CRM_DEFAULT_MARGIN_RATE. Retention: the supplier's observed share of last year's
    # customers who ordered again this year (CRM_DEFAULT_RETENTION with no customers a
    # year ago), capped at CRM_MAX_RETENTION.
    CRM_DEFAULT_MARGIN_RATE = "0.25"
    CRM_DEFAULT_RETENTION = "0.6"
    CRM_MAX_RETENTION = "0.9"
    CRM_DISCOUNT_RATE = "0.1"

    # Segments. MGC: growth of at least CRM_MGC_GROWTH_PCT %, or a share of the buyer's
    # platform purchases in the supplier's categories below CRM_MGC_WALLET_SHARE.
    CRM_MGC_GROWTH_PCT = "25"
    CRM_MGC_WALLET_SHARE = "0.5"
    # BZ: cost to serve over the last 12 months above the yearly margin. Each event
    # costs this much (reporting currency); an order below CRM_SMALL_ORDER_VALUE is small.
    CRM_SMALL_ORDER_VALUE = "500"
    CRM_COST_TO_SERVE_WEIGHTS = {"small_order": "50", "claim": "150", "return": "120",
                                 "discrepancy": "80", "late_payment": "60",
                                 "lost_quotation": "30"}

    # At risk: no order for longer than CRM_AT_RISK_FACTOR × the customer's own median
    # gap between orders (at least CRM_AT_RISK_MIN_ORDERS orders), or its last
    # CRM_AT_RISK_UNANSWERED_QUOTATIONS quotations, each older than
    # CRM_QUOTATION_ANSWER_DAYS, unanswered. Left out: buyers ordering in the supplier's
    # categories from CRM_SWITCHER_MIN_SUPPLIERS or more suppliers in 12 months, and
    # poor payers (at least CRM_POOR_PAYER_MIN_INVOICES invoices due, of which a share
    # of CRM_POOR_PAYER_LATE_SHARE or more paid late).
    CRM_AT_RISK_FACTOR = "1.5"
    CRM_AT_RISK_MIN_ORDERS = 3
    CRM_AT_RISK_UNANSWERED_QUOTATIONS = 2
    CRM_QUOTATION_ANSWER_DAYS = 14
    CRM_SWITCHER_MIN_SUPPLIERS = 3
    CRM_POOR_PAYER_MIN_INVOICES = 2
    CRM_POOR_PAYER_LATE_SHARE = "0.5"

    # A change to an order, invoice or payment queues its customer's recomputation
    # after commit; turn off while loading history in bulk, then run `flask crm recompute`.
    CRM_INCREMENTAL_UPDATES = True

    # Periods asked of the analytics API reach back at most this many days.
    CRM_MAX_PERIOD_DAYS = 3660
    # Months of segment history a periodic run keeps written.
    CRM_SEGMENT_HISTORY_MONTHS = 18

    # The personal office ages an inquiry against the response target of the buyer's
    # segment (the supplier's terms per segment), else against this many hours.
    CRM_RESPONSE_TARGET_HOURS = 24

    # Association rules ("often ordered together"): a pair of products is kept when it
    # is in at least CRM_ASSOCIATION_MIN_ORDERS of the supplier's orders, with support
    # and confidence at least these shares (docs/ANALYTICS.md, "Association rules").
    CRM_ASSOCIATION_MIN_SUPPORT = "0.01"
    CRM_ASSOCIATION_MIN_CONFIDENCE = "0.1"
    CRM_ASSOCIATION_MIN_ORDERS = 2
