# Writes SharedResource.resx (English) and SharedResource.ru.resx (Russian) from strings.tsv:
# one line per string, "key<TAB>English<TAB>Russian". Edit the TSV, then run: python3 generate.py
import os
from xml.sax.saxutils import escape

here = os.path.dirname(os.path.abspath(__file__))
rows = [line.rstrip("\n").split("\t") for line in open(os.path.join(here, "strings.tsv"), encoding="utf-8") if line.strip()]
header = """<?xml version="1.0" encoding="utf-8"?>
<!-- Generated from strings.tsv by generate.py; edit those, not this file. -->
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
"""
for suffix, column in (("", 1), (".ru", 2)):
    keys = set()
    with open(os.path.join(here, f"SharedResource{suffix}.resx"), "w", encoding="utf-8") as out:
        out.write(header)
        for row in rows:
            assert len(row) == 3, row
            assert row[0] not in keys, row[0]
            keys.add(row[0])
            out.write(f'  <data name="{escape(row[0])}" xml:space="preserve"><value>{escape(row[column])}</value></data>\n')
        out.write("</root>\n")
