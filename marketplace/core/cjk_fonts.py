"""The Chinese font a printed document embeds, cut to the characters it uses.

WeasyPrint subsets every font it embeds but keeps each glyph at its place (glyph ids
are what the page's text refers to), so a Chinese glyph at place 40,000 of Noto Sans
CJK brings 40,000 empty places with it: each PDF carried about 750 KB per weight of
font, and a quotation took twice its bare render (issue 17, speed). Here HarfBuzz's
subsetter (C, ~10 ms) first cuts Noto Sans CJK TC to the characters of the page, with
new, small glyph ids; that font is given to WeasyPrint as "Marketplace CJK" and put
before the full font in the page's font list, so the PDF embeds a few KB.

Nothing here is required: without libharfbuzz-subset or the Noto CJK fonts the page
prints with the fonts it names, as before.
"""

from __future__ import annotations

import logging
import subprocess
from collections import OrderedDict
from functools import cache
from threading import Lock

log = logging.getLogger(__name__)

FAMILY = "Marketplace CJK"
# What fontconfig is asked for, per CSS weight: the Traditional Chinese face of the
# collection (Taiwan's glyph shapes).
SOURCES = {400: "Noto Sans CJK TC:weight=80", 700: "Noto Sans CJK TC:bold"}
# The page's fonts: Latin from a small font, Chinese from the cut one, then the full
# fonts for anything it lacks.
FONT_STACK = (f'"DejaVu Sans", "{FAMILY}", "Noto Sans CJK TC", "Noto Sans TC", '
              '"Noto Sans", sans-serif')
_CDEF = """
typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t; typedef struct hb_subset_input_t hb_subset_input_t;
hb_blob_t * hb_blob_create_from_file (const char *file_name);
hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);
void hb_blob_destroy (hb_blob_t *blob);
void hb_face_destroy (hb_face_t *face);
hb_subset_input_t * hb_subset_input_create_or_fail (void);
void hb_subset_input_destroy (hb_subset_input_t *input);
hb_set_t * hb_subset_input_unicode_set (hb_subset_input_t *input);
void hb_set_add (hb_set_t *set, uint32_t codepoint);
void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned value);
hb_face_t * hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
hb_blob_t * hb_face_reference_blob (hb_face_t *face);
const char * hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
"""
_NO_HINTING, _DESUBROUTINIZE = 0x1, 0x40
_ALWAYS = "".join(chr(code) for code in range(0x20, 0x7F)) + "\u00a0"
_CACHED = 64  # cut fonts kept, by weight and characters (a document printed again)
_cut: OrderedDict[tuple[int, str], bytes] = OrderedDict()
_lock = Lock()


def is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFE30 <= code <= 0xFE4F \
        or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x3FFFF


@cache
def _harfbuzz():
    try:
        from cffi import FFI

        ffi = FFI()
        ffi.cdef(_CDEF)
        return ffi, ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")
    except (ImportError, OSError) as error:
        log.info("printing: no HarfBuzz subsetter (%s); Chinese fonts embed whole", error)
        return None


@cache
def _face(weight: int):
    """The HarfBuzz face of the weight's source font, loaded once per process."""
    found = _harfbuzz()
    if found is None:
        return None
    ffi, hb, _ = found
    try:
        answer = subprocess.run(["fc-match", "-f", "%{file}:%{index}", SOURCES[weight]],
                                capture_output=True, text=True, timeout=10, check=True)
        path, _, index = answer.stdout.rpartition(":")
    except (OSError, subprocess.SubprocessError) as error:
        log.info("printing: fontconfig cannot name the CJK font (%s)", error)
        return None
    if "CJK" not in path:
        return None
    blob = hb.hb_blob_create_from_file(path.encode())
    return hb.hb_face_create(blob, int(index or 0))


def _subset(weight: int, characters: str) -> bytes | None:
    face = _face(weight)
    if face is None:
        return None
    ffi, hb, sub = _harfbuzz()
    request = sub.hb_subset_input_create_or_fail()
    if request == ffi.NULL:
        return None
    try:
        wanted = sub.hb_subset_input_unicode_set(request)
        for char in characters:
            hb.hb_set_add(wanted, ord(char))
        sub.hb_subset_input_set_flags(request, _NO_HINTING | _DESUBROUTINIZE)
        cut = sub.hb_subset_or_fail(face, request)
        if cut == ffi.NULL:
            return None
        blob = hb.hb_face_reference_blob(cut)
        length = ffi.new("unsigned int *")
        data = ffi.buffer(hb.hb_blob_get_data(blob, length), length[0])[:]
        hb.hb_blob_destroy(blob)
        hb.hb_face_destroy(cut)
        return data or None
    finally:
        sub.hb_subset_input_destroy(request)


def cut_fonts(text: str) -> dict[int, bytes]:
    """By CSS weight, Noto Sans CJK TC cut to the Chinese characters of ``text`` (empty
    when it has none, or when no subsetter or font is there)."""
    characters = "".join(sorted({char for char in text if is_cjk(char)}))
    if not characters:
        return {}
    # The text shaped within a Chinese run (a space, "M8" after "螺栓") takes this font
    # too: a glyph missing there would print as nothing and garble copied text.
    characters += _ALWAYS
    fonts = {}
    for weight in SOURCES:
        key = (weight, characters)
        with _lock:
            data = _cut.get(key)
            if data is None:
                data = _subset(weight, characters)
                if data is None:
                    return {}
                _cut[key] = data
                while len(_cut) > _CACHED:
                    _cut.popitem(last=False)
            else:
                _cut.move_to_end(key)
        fonts[weight] = data
    return fonts


def font_faces(fonts: dict[int, bytes], scheme: str) -> str:
    """The @font-face rules naming each cut font as a resource, and the page's fonts."""
    rules = [f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; '
             f'src: url({scheme}:{FAMILY.replace(" ", "-")}-{weight}); }}'
             for weight in fonts]
    # WeasyPrint reads these as a user stylesheet: !important is what puts the page's
    # fonts above the template's own list (its other elements keep their own fonts).
    return "\n".join(rules) + f"\nhtml {{ font-family: {FONT_STACK} !important; }}"


def resource_names(fonts: dict[int, bytes]) -> dict[str, bytes]:
    return {f"{FAMILY.replace(' ', '-')}-{weight}": data for weight, data in fonts.items()}
