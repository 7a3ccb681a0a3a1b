"""Content operations: media (uploaded files).

CONTRACT (other areas call these; the products/media helper implements them):

    store_upload(company: Company, stream: IO[bytes], filename: str,
                 *, allowed: set[MediaKind]) -> MediaFile
        Read the upload, decide its kind by its content (magic bytes, never the name
        or the declared content type), refuse what is not in ``allowed`` (415),
        larger than the kind's limit (413), or broken (422: an image Pillow cannot
        open, a zip bomb-like decompression); store it under
        ``<instance>/media/<company_id>/...`` with a generated name (the original
        name is kept, sanitised, only as a label); make a thumbnail for images;
        add and flush the MediaFile row; audit.

    delete_media(media: MediaFile) -> None
        Remove the row now and the files after commit.
"""
