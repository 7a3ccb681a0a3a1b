"""The offline catalog import: a spreadsheet in the template (queries/catalog.py,
docs/CATALOG_TEMPLATE.md) creates or updates the company's products by SKU, with a zip
of images named by SKU beside it.

    sniffing.py  what a file is (by its content) and how big it may be
    reading.py   the workbook or CSV, streamed a row at a time; its header checked
    rows.py      one row's cells checked and turned into ``save_product`` values
    images.py    the images zip: matched to the rows by SKU, stored, attached
    report.py    the counts and the row report
    importer.py  the import (within a request, or queued for a job)
    tasks.py     the background job that runs a queued import
"""

# The job's outbox handler must be known before anything queues an import.
from marketplace.content.catalog import tasks as _tasks  # noqa: F401
